"""Polls on the pages with JavaScript off, through Django's test client: the composer's "Add a
poll" fieldset posts one, a vote is a plain form post, and the results are bars with
percentages (hidden while a poll hides its totals)."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.polls import services as polls
from chirvir.polls.models import Poll, PollVote
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ask(author, **extra):
    return statuses.post_status(author, "Tea or coffee?", poll=polls.draft(["Tea", "Coffee"], 3600, **extra))


def test_the_composer_offers_a_poll_that_works_without_javascript(alice):
    client = signed_in(alice)
    home = page(client, "/home")
    assert "<details" in home and "Add a poll" in home and 'name="poll_option_1"' in home
    assert 'name="poll_expires_in"' in home and 'name="poll_multiple"' in home
    response = client.post("/compose", {
        "status": "Which one?", "visibility": "public", "poll_option_1": "Chai", "poll_option_2": "Kofe",
        "poll_option_3": "", "poll_option_4": "", "poll_expires_in": "1800", "poll_multiple": "on", "next": "/home",
    })
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert poll.options == ["Chai", "Kofe"] and poll.multiple and not poll.hide_totals
    assert timedelta(minutes=29) < poll.expires_at - timezone.now() <= timedelta(minutes=30)


def test_a_poll_breaking_a_rule_comes_back_with_the_reason(alice):
    response = signed_in(alice).post("/compose", {
        "status": "Which one?", "poll_option_1": "Same", "poll_option_2": "Same", "poll_expires_in": "300",
    })
    assert response.status_code == 422 and "duplicate" in response.content.decode()
    assert not Status.objects.exists()


def test_a_post_without_poll_fields_has_no_poll(alice):
    signed_in(alice).post("/compose", {"status": "No poll here", "poll_expires_in": "86400"})
    assert Status.objects.count() == 1 and not Poll.objects.exists()


def test_vote_with_a_form_post_and_see_the_bars(alice, bob, carol):
    status = ask(alice)
    accounts.follow(bob, alice)
    client = signed_in(bob)
    thread = page(client, f"/@alice/{status.id}")
    poll = Poll.objects.get()
    assert f'action="/polls/{poll.id}/vote"' in thread and 'type="radio"' in thread
    response = client.post(f"/polls/{poll.id}/vote", {"choices": "1", "next": f"/@alice/{status.id}"})
    assert response.status_code == 302 and response["Location"] == f"/@alice/{status.id}"
    assert list(PollVote.objects.values_list("account_id", "choice")) == [(bob.id, 1)]
    after = page(client, response["Location"])
    assert "Your vote is in." in after
    assert f'action="/polls/{poll.id}/vote"' not in after  # voted: the results instead of the form
    assert re.search(r"Coffee</span>.*?100%.*?<progress max=\"100\" value=\"100\"", after, re.S)
    assert re.search(r"Tea</span>.*?0%", after, re.S) and "Voters: 1" in after
    # Twice is refused, as the API refuses it; the page says why.
    again = client.post(f"/polls/{poll.id}/vote", {"choices": "0"}, follow=True)
    assert "already voted" in again.content.decode()
    assert PollVote.objects.count() == 1
    # The author sees the results, never a form to vote on their own poll.
    own = page(signed_in(alice), "/home")
    assert f'action="/polls/{poll.id}/vote"' not in own and "100%" in own


def test_several_choices_and_hidden_totals(alice, bob):
    status = ask(alice, multiple=True, hide_totals=True)
    poll = Poll.objects.get()
    client = signed_in(bob)
    assert 'type="checkbox"' in page(client, f"/@alice/{status.id}")
    client.post(f"/polls/{poll.id}/vote", {"choices": ["0", "1"]})
    shown = page(client, f"/@alice/{status.id}")
    assert "The results are shown when the poll ends." in shown and "%</span>" not in shown
    Poll.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    ended = page(client, f"/@alice/{status.id}")
    assert "The poll has ended." in ended and ended.count("50%</span>") == 2


def test_voting_with_nothing_chosen_says_so(alice, bob):
    ask(alice)
    poll = Poll.objects.get()
    response = signed_in(bob).post(f"/polls/{poll.id}/vote", {"next": "/public"}, follow=True)
    assert "Choose an option to vote." in response.content.decode() and not PollVote.objects.exists()


def test_a_stranger_cannot_vote_on_a_followers_only_poll(alice, carol):
    statuses.post_status(alice, "Friends?", visibility="private", poll=polls.draft(["Yes", "No"], 600))
    poll = Poll.objects.get()
    response = signed_in(carol).post(f"/polls/{poll.id}/vote", {"choices": "0", "next": "/public"}, follow=True)
    assert "That poll does not exist or is not visible to you." in response.content.decode()
    assert not PollVote.objects.exists()


def test_a_visitor_sees_the_results_without_a_form(alice, bob):
    status = ask(alice)
    polls.vote(bob, Poll.objects.get().id, [0])
    shown = page(Client(), f"/@alice/{status.id}")
    assert "Tea" in shown and "100%" in shown and "/vote" not in shown
