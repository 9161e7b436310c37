"""A poll's end: the job closes it once and tells its voters and its author (`poll`
notifications), and the sweep closes the ended polls whose job was lost."""

from datetime import timedelta

from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.notifications.models import Notification
from chirvir.polls import services as polls
from chirvir.polls import tasks
from chirvir.polls.models import Poll
from chirvir.statuses import services as statuses


def ask(author, expires_in=300):
    return statuses.post_status(author, "Tea or coffee?", poll=polls.draft(["Tea", "Coffee"], expires_in))


def end(status):
    Poll.objects.filter(status=status).update(expires_at=timezone.now() - timedelta(seconds=1))
    return Poll.objects.get(status=status)


def test_the_closing_job_tells_voters_and_author_once(alice, bob, carol, make_account, as_bob, api_client):
    dave = make_account("dave")  # saw it and did not vote: not told
    status = ask(alice)
    poll = Poll.objects.get(status=status)
    polls.vote(bob, poll.id, [0])
    polls.vote(carol, poll.id, [1])
    assert tasks.poll_closing_job.call_local(poll.id) is False  # not ended yet: nothing happens
    end(status)
    assert tasks.poll_closing_job.call_local(poll.id) is True
    assert tasks.poll_closing_job.call_local(poll.id) is False  # a second run tells nobody again
    told = Notification.objects.filter(type="poll", status=status)
    assert sorted(n.account.username for n in told) == ["alice", "bob", "carol"]
    assert {n.from_account_id for n in told} == {alice.id}
    assert not Notification.objects.filter(account=dave).exists()
    shown = as_bob.get("/api/v1/notifications").json()
    assert shown[0]["type"] == "poll" and shown[0]["status"]["poll"]["expired"] is True
    assert shown[0]["status"]["poll"]["own_votes"] == [0]
    mine = api_client(alice).get("/api/v1/notifications", {"types[]": "poll"}).json()
    assert [n["type"] for n in mine] == ["poll"] and mine[0]["account"]["id"] == str(alice.id)


def test_the_sweep_closes_polls_whose_job_was_lost(alice, bob):
    ended, running = ask(alice), ask(alice, expires_in=3600)
    polls.vote(bob, Poll.objects.get(status=ended).id, [0])
    end(ended)
    assert tasks.poll_sweep_job.call_local() == 1
    assert tasks.poll_sweep_job.call_local() == 0
    assert Poll.objects.get(status=ended).closed_at is not None
    assert Poll.objects.get(status=running).closed_at is None
    assert Notification.objects.filter(type="poll").count() == 2  # bob and alice


def test_a_voter_who_can_no_longer_see_the_post_is_not_told(alice, bob):
    status = ask(alice)
    polls.vote(bob, Poll.objects.get(status=status).id, [0])
    accounts.block(alice, bob)
    end(status)
    assert tasks.poll_sweep_job.call_local() == 1
    assert [n.account_id for n in Notification.objects.filter(type="poll")] == [alice.id]
