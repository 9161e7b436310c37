"""The real Mastodon.py client against a live Chirvir server: every endpoint family of the API,
unchanged client code."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError


@pytest.fixture
def alice_app(mastodon_for, alice):
    return mastodon_for(alice)


@pytest.fixture
def bob_app(mastodon_for, bob):
    return mastodon_for(bob)


def test_instance_and_credentials(alice_app):
    assert alice_app.instance_health() is True
    instance = alice_app.instance_v1()
    assert instance.configuration.statuses.max_characters == 140
    me = alice_app.account_verify_credentials()
    assert me.username == "alice" and me.source.privacy == "public"
    changed = alice_app.account_update_credentials(display_name="Алия", note="Сәлем!")
    assert changed.display_name == "Алия" and "Сәлем!" in changed.note


def test_post_read_and_page_the_home_timeline(alice_app, bob_app, alice, bob):
    bob_app.account_follow(alice.id)
    for i in range(5):
        alice_app.status_post(f"post {i} #chirvir", visibility="public")
    page = bob_app.timeline_home(limit=2)
    assert [s.content[:9] for s in page] == ["<p>post 4", "<p>post 3"]
    seen = [s.id for s in page]
    while (page := bob_app.fetch_next(page)) is not None and len(page):
        seen += [s.id for s in page]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    assert len(bob_app.timeline_hashtag("chirvir")) == 5
    assert len(bob_app.timeline_public()) == 5


def test_replies_threads_reposts_likes_and_bookmarks(alice_app, bob_app, alice):
    root = alice_app.status_post("What are you doing?")
    reply = bob_app.status_post("@alice testing Chirvir", in_reply_to_id=root.id)
    assert [s.id for s in alice_app.status_context(root.id).descendants] == [reply.id]
    assert bob_app.status_reblog(root.id).reblog.id == root.id
    assert bob_app.status_favourite(root.id).favourited is True
    assert bob_app.status_bookmark(root.id).bookmarked is True
    assert [s.id for s in bob_app.bookmarks()] == [root.id]
    assert [s.id for s in bob_app.favourites()] == [root.id]
    assert [a.username for a in alice_app.status_favourited_by(root.id)] == ["bob"]
    assert [a.username for a in alice_app.status_reblogged_by(root.id)] == ["bob"]
    types = {n.type for n in alice_app.notifications()}
    assert types == {"mention", "reblog", "favourite"}
    assert bob_app.status_unreblog(root.id).reblogged is False
    deleted = bob_app.status_delete(reply.id)
    assert deleted.text == "@alice testing Chirvir"
    with pytest.raises(MastodonNotFoundError):
        alice_app.status(reply.id)


def test_edit_a_post_read_its_history_and_pin_it(alice_app, bob_app, alice):
    post = alice_app.status_post("Helo, world", spoiler_text="greeting")
    edited = alice_app.status_update(post.id, "Hello, world")
    assert edited.content == "<p>Hello, world</p>" and edited.spoiler_text == "greeting"
    assert edited.edited_at is not None and post.edited_at is None
    history = bob_app.status_history(post.id)
    assert [v.content for v in history] == ["<p>Helo, world</p>", "<p>Hello, world</p>"]
    assert [v.created_at for v in history] == [post.created_at, edited.edited_at]
    source = alice_app.status_source(post.id)
    assert (source.id, source.text, source.spoiler_text) == (post.id, "Hello, world", "greeting")
    with pytest.raises(MastodonAPIError):
        bob_app.status_update(post.id, "mine now")
    assert alice_app.status_pin(post.id).pinned is True
    assert [s.id for s in bob_app.account_statuses(alice.id, pinned=True)] == [post.id]
    assert alice_app.status_unpin(post.id).pinned is False
    assert bob_app.account_statuses(alice.id, pinned=True) == []


def test_protected_accounts_requests_and_relationships(alice_app, bob_app, alice, bob):
    bob_app.account_update_credentials(locked=True)
    assert alice_app.account_follow(bob.id).requested is True
    assert [a.username for a in bob_app.follow_requests()] == ["alice"]
    bob_app.follow_request_authorize(alice.id)
    relation = alice_app.account_relationships(bob.id)[0]
    assert relation.following is True and relation.requested is False
    assert [a.username for a in bob_app.account_followers(bob.id)] == ["alice"]
    alice_app.account_mute(bob.id)
    alice_app.account_block(bob.id)
    assert [a.username for a in alice_app.blocks()] == ["bob"]
    assert [a.username for a in alice_app.mutes()] == ["bob"]
    assert alice_app.account_relationships(bob.id)[0].following is False


def test_direct_messages_and_markers(alice_app, bob_app):
    alice_app.status_post("d bob are you coming tonight?")
    conversation = bob_app.conversations()[0]
    assert conversation.unread is True and conversation.accounts[0].username == "alice"
    assert bob_app.conversations_read(conversation.id).unread is False
    bob_app.markers_set(["home"], [conversation.last_status.id])
    assert bob_app.markers_get(["home"]).home.last_read_id == str(conversation.last_status.id)


def test_errors_reach_the_client_as_mastodon_errors(alice_app):
    with pytest.raises(MastodonAPIError) as refused:
        alice_app.status_post("ы" * 141)
    assert "141 characters long" in str(refused.value)
    with pytest.raises(MastodonNotFoundError):
        alice_app.account(12345)


def test_profile_settings_and_a_timed_mute_through_mastodon_py(alice_app, bob):
    changed = alice_app.account_update_credentials(
        bot=True,
        discoverable=False,
        fields=[("Blog", "https://alice.example"), ("Тіл", "қазақша")],
        default_privacy="private",
        default_sensitive=True,
        default_language="kk",
    )
    assert changed.bot is True and changed.discoverable is False
    assert (changed.source.privacy, changed.source.sensitive, changed.source.language) == ("private", True, "kk")
    written = [(f.name, f.value) for f in changed.source.fields]
    assert written == [("Blog", "https://alice.example"), ("Тіл", "қазақша")]
    posted = alice_app.status_post("сәлем")  # Mastodon.py always sends sensitive (false by default)
    assert (posted.visibility, posted.language) == ("private", "kk")
    relation = alice_app.account_mute(bob.id, duration=3600)
    assert relation.muting is True and relation.muting_expires_at is not None
    assert [m.mute_expires_at is not None for m in alice_app.mutes()] == [True]
