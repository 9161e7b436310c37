"""Polls and scheduled posts through the real Mastodon.py client against a live Chirvir: the
calls an app makes, unchanged client code."""

from datetime import datetime, timedelta, timezone

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from chirvir.accounts import services as accounts
from chirvir.scheduled import tasks as scheduled_tasks
from chirvir.scheduled.models import ScheduledStatus


@pytest.fixture
def alice_app(mastodon_for, alice):
    return mastodon_for(alice)


@pytest.fixture
def bob_app(mastodon_for, bob):
    return mastodon_for(bob)


@pytest.fixture
def carol_app(mastodon_for, carol):
    return mastodon_for(carol)


def test_post_a_poll_vote_and_read_the_results(alice_app, bob_app, carol_app):
    limits = alice_app.instance_v2().configuration.polls
    assert (limits.max_options, limits.max_characters_per_option) == (4, 50)
    poll = alice_app.make_poll(["Chai", "Coffee", "Ayran"], expires_in=3600, multiple=True)
    status = alice_app.status_post("What do you drink in the morning?", poll=poll)
    assert [o.title for o in status.poll.options] == ["Chai", "Coffee", "Ayran"] and status.poll.multiple
    voted = bob_app.poll_vote(status.poll.id, [0, 2])
    assert voted.voted and voted.own_votes == [0, 2] and voted.voters_count == 1
    assert carol_app.poll_vote(status.poll, 0).votes_count == 3
    with pytest.raises(MastodonAPIError, match="already voted"):
        carol_app.poll_vote(status.poll, 1)
    with pytest.raises(MastodonAPIError, match="own polls"):
        alice_app.poll_vote(status.poll, 1)
    read = alice_app.poll(status.poll.id)
    assert [o.votes_count for o in read.options] == [2, 0, 1]
    assert alice_app.status(status.id).poll.voters_count == 2


def test_a_single_choice_poll_with_hidden_totals(alice_app, bob_app):
    status = alice_app.status_post("Yes or no?", poll=alice_app.make_poll(["Yes", "No"], 300, hide_totals=True))
    with pytest.raises(MastodonAPIError, match="already voted"):
        bob_app.poll_vote(status.poll, [0, 1])
    shown = bob_app.poll_vote(status.poll, 1)
    assert [o.votes_count for o in shown.options] == [None, None] and shown.votes_count == 1


def test_a_followers_only_poll_is_closed_to_a_stranger(alice_app, bob_app, carol_app, alice, bob):
    accounts.follow(bob, alice)
    status = alice_app.status_post("Friends only", visibility="private", poll=alice_app.make_poll(["a", "b"], 600))
    assert bob_app.poll_vote(status.poll, 0).votes_count == 1
    with pytest.raises(MastodonNotFoundError):
        carol_app.poll_vote(status.poll, 1)
    with pytest.raises(MastodonNotFoundError):
        carol_app.poll(status.poll.id)


def test_schedule_list_move_cancel_and_publish(alice_app, bob_app, alice):
    when = datetime.now(timezone.utc) + timedelta(hours=1)
    scheduled = alice_app.status_post("Later, with a poll", scheduled_at=when,
                                      poll=alice_app.make_poll(["Now", "Later"], 600))
    assert scheduled.params.text == "Later, with a poll" and abs(scheduled.scheduled_at - when) < timedelta(seconds=1)
    assert [s.id for s in alice_app.scheduled_statuses()] == [scheduled.id]
    moved = alice_app.scheduled_status_update(scheduled, when + timedelta(days=1))
    assert moved.scheduled_at > when
    assert alice_app.scheduled_status(scheduled.id).id == scheduled.id
    other = alice_app.status_post("Never mind", scheduled_at=when)
    alice_app.scheduled_status_delete(other)
    assert [s.id for s in alice_app.scheduled_statuses()] == [scheduled.id]
    with pytest.raises(MastodonAPIError, match="must be in the future"):
        alice_app.status_post("Too soon", scheduled_at=datetime.now(timezone.utc) + timedelta(minutes=2))
    assert bob_app.scheduled_statuses() == []

    ScheduledStatus.objects.filter(id=scheduled.id).update(scheduled_at=datetime.now(timezone.utc))
    assert scheduled_tasks.scheduled_sweep_job.call_local() == 1
    published = alice_app.account_statuses(alice.id)[0]
    assert "Later, with a poll" in published.content and [o.title for o in published.poll.options] == ["Now", "Later"]
    assert alice_app.scheduled_statuses() == []
