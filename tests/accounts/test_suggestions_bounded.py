"""Who to follow reads a bounded part of the follow graph (chirvir.accounts.discovery): the follows
of those the viewer followed last, within a budget of rows, never the whole graph; and what it must
leave out is read afresh even while its ranking is kept."""

import pytest
from django.db.models.signals import post_init

from chirvir.accounts import discovery
from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account


def reasons(viewer) -> dict[str, str]:
    fresh = Account.objects.get(pk=viewer.pk)  # its follow count as the page's request loads it
    return {s.account.username: s.reason for s in discovery.suggestions(fresh, 10)}


@pytest.mark.django_db
def test_only_the_newest_friends_follows_are_counted(monkeypatch, alice, make_account):
    monkeypatch.setattr(discovery, "FRIENDS_SAMPLE", 1, raising=False)
    older, newer, theirs, its = (make_account(name) for name in ("older", "newer", "theirs", "its"))
    accounts.follow(alice, older)
    accounts.follow(alice, newer)  # the one she followed last
    accounts.follow(older, theirs)
    accounts.follow(newer, its)
    found = reasons(alice)
    assert found["its"] == "friends_of_friends"
    # Outside the sample: suggested only as one of the most followed, if at all.
    assert found.get("theirs") != "friends_of_friends"


@pytest.mark.django_db
def test_a_kept_ranking_never_suggests_whom_the_viewer_blocked_muted_or_dismissed(alice, make_account):
    friend = make_account("friend")
    accounts.follow(alice, friend)
    others = [make_account(name) for name in ("dave", "erin", "frank")]
    for other in others:
        accounts.follow(friend, other)
    assert {n for n, r in reasons(alice).items() if r == "friends_of_friends"} == {"dave", "erin", "frank"}
    dave, erin, frank = others
    accounts.block(alice, dave)
    accounts.mute(alice, erin)
    discovery.dismiss_suggestion(alice, frank)
    assert not {"dave", "erin", "frank"} & set(reasons(alice))


@pytest.mark.django_db
def test_when_the_best_ranked_are_all_left_out_the_next_ones_are_suggested(alice, make_account):
    friend = make_account("friend")
    accounts.follow(alice, friend)
    # Followed by one friend each, so ranked newest account first; the page asks for one.
    ranked = [make_account(f"person{n}") for n in range(30)][::-1]
    for person in ranked:
        accounts.follow(friend, person)
    window = 4 * 1 + 20
    for person in ranked[: window + 2]:  # the whole first window of the ranking, and past it
        discovery.dismiss_suggestion(alice, person)
    fresh = Account.objects.get(pk=alice.pk)
    found = discovery.suggestions(fresh, 1)
    assert [(s.account.username, s.reason) for s in found] == [(ranked[window + 2].username, "friends_of_friends")]


@pytest.mark.django_db
def test_only_the_accounts_suggested_are_loaded(alice, make_account):
    """The window of the ranking is checked by ID: of thirty people a friend follows, a page
    that asks for three builds those three accounts, the best ranked, and no others."""
    friend = make_account("friend")
    accounts.follow(alice, friend)
    ranked = [make_account(f"person{n}") for n in range(30)][::-1]  # newest first, as ranked
    for person in ranked:
        accounts.follow(friend, person)
    fresh = Account.objects.get(pk=alice.pk)
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance.username)

    post_init.connect(count, sender=Account)
    try:
        found = discovery.suggestions(fresh, 3)
    finally:
        post_init.disconnect(count, sender=Account)
    assert [s.account.username for s in found] == [p.username for p in ranked[:3]]
    assert sorted(built) == sorted(p.username for p in ranked[:3])
