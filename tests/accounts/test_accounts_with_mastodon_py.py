"""Endorsements, private notes, removing a follower, profile images, the directory and
who-to-follow suggestions, through the real Mastodon.py against a live Chirvir."""

import io

import pytest
from mastodon import MastodonAPIError
from PIL import Image

from chirvir.accounts import services as accounts


@pytest.fixture
def alice_app(mastodon_for, alice):
    return mastodon_for(alice)


@pytest.fixture
def bob_app(mastodon_for, bob):
    return mastodon_for(bob)


def test_endorse_only_accounts_one_follows_and_show_them_on_the_profile(alice_app, bob_app, alice, bob, carol):
    with pytest.raises(MastodonAPIError) as refused:
        alice_app.account_endorse(bob.id)
    assert refused.value.args[1] == 422
    alice_app.account_follow(bob.id)
    alice_app.account_follow(carol.id)
    assert alice_app.account_endorse(bob.id).endorsed is True
    alice_app.account_endorse(carol.id)
    assert [a.username for a in alice_app.endorsements()] == ["carol", "bob"]
    # Anyone may read them, as a profile shows them.
    shown = bob_app._Mastodon__api_request("GET", f"/api/v1/accounts/{alice.id}/endorsements")
    assert [a["username"] for a in shown] == ["carol", "bob"]
    assert alice_app.account_unendorse(carol.id).endorsed is False
    alice_app.account_unfollow(bob.id)  # the endorsement ends with the follow
    assert alice_app.endorsements() == []
    assert alice_app.account_relationships(bob.id)[0].endorsed is False


def test_a_private_note_is_for_its_writer_alone(alice_app, bob_app, alice, bob):
    assert alice_app.account_note_set(bob.id, "met at the café").note == "met at the café"
    assert alice_app.account_relationships(bob.id)[0].note == "met at the café"
    assert bob_app.account_relationships(alice.id)[0].note == ""
    assert alice_app.account_note_set(bob.id, "").note == ""
    with pytest.raises(MastodonAPIError):
        alice_app.account_note_set(bob.id, "x" * (accounts.MAX_ACCOUNT_NOTE + 1))


def test_remove_a_follower_and_their_home_loses_ones_posts(alice_app, bob_app, alice, bob):
    bob_app.account_follow(alice.id)
    alice_app.status_post("for my followers", visibility="private")
    assert len(bob_app.timeline_home()) == 1
    relationship = alice_app.account_remove_from_followers(bob.id)
    assert relationship.followed_by is False
    assert bob_app.account_relationships(alice.id)[0].following is False
    assert bob_app.timeline_home() == []
    assert alice_app.account_followers(alice.id) == []


def test_remove_the_avatar_and_the_header(alice_app):
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "teal").save(image, "PNG")
    changed = alice_app.account_update_credentials(avatar=image.getvalue(), avatar_mime_type="image/png",
                                                   header=image.getvalue(), header_mime_type="image/png")
    assert "missing" not in changed.avatar and "missing" not in changed.header
    without = alice_app.account_delete_avatar()
    assert without.avatar.endswith("/avatars/original/missing.png") and "missing" not in without.header
    assert without.source.privacy == "public"  # a CredentialAccount
    assert alice_app.account_delete_header().header.endswith("/headers/original/missing.png")


def test_bot_and_discoverable_in_the_profile_and_the_directory(alice_app, bob_app, alice, bob, carol, make_account):
    hidden = make_account("hidden", discoverable=False)
    assert hidden.discoverable is False
    me = alice_app.account_update_credentials(bot=True, discoverable=True)
    assert (me.bot, me.discoverable) == (True, True)
    bob_app.status_post("I posted last")
    newest = [a.username for a in alice_app.directory(order="new")]
    assert newest == ["carol", "bob", "alice"]  # not "hidden"
    assert alice_app.directory(order="active", limit=1)[0].username == "bob"
    assert [a.username for a in alice_app.directory(order="new", offset=1, local=True)] == ["bob", "alice"]
    assert alice_app.account_update_credentials(discoverable=False).discoverable is False
    assert "alice" not in [a.username for a in bob_app.directory()]


def test_suggestions_come_from_the_follow_graph_and_can_be_dismissed(alice_app, alice, bob, carol, make_account):
    dave, erin, frank, muted = (make_account(name) for name in ("dave", "erin", "frank", "muted"))
    accounts.follow(alice, bob)
    accounts.follow(alice, carol)
    for follower in (bob, carol):
        accounts.follow(follower, dave)  # followed by two of alice's followees
    accounts.follow(bob, erin)  # by one
    accounts.follow(bob, muted)
    accounts.follow(dave, frank)  # popular only, not a friend of a friend
    accounts.follow(erin, frank)
    accounts.block(alice, make_account("blocked"))
    accounts.mute(alice, muted)
    found = alice_app.suggestions_v2()
    assert [(s.account.username, s.sources) for s in found] == [
        ("dave", ["friends_of_friends"]), ("erin", ["friends_of_friends"]), ("frank", ["most_followed"])
    ]
    assert [a.username for a in alice_app.suggestions()] == ["dave", "erin", "frank"]
    alice_app.suggestion_delete(dave.id)
    assert [a.username for a in alice_app.suggestions_v1()] == ["erin", "frank"]
    alice_app.account_follow(erin.id)
    assert [s.account.username for s in alice_app.suggestions_v2()] == ["frank"]


def test_familiar_followers_are_the_followed_accounts_that_follow_each(alice_app, alice, bob, carol, make_account):
    dave = make_account("dave")
    accounts.follow(alice, bob)
    accounts.follow(bob, carol)
    accounts.follow(dave, carol)  # alice does not follow dave
    found = alice_app.account_familiar_followers([carol.id, dave.id])
    assert [(f.id, [a.username for a in f.accounts]) for f in found] == [(str(carol.id), ["bob"]), (str(dave.id), [])]
