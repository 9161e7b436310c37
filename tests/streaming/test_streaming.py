"""Live streaming on a real server (conftest.py): Mastodon's SSE streams and its multiplexed
WebSocket, read by Mastodon.py, an SSE reader and a WebSocket client. Each subscriber is shown
only what the audience gate lets it see, in the JSON the REST API would give it.

Every connection reads the bus in the order events were published, so "nothing came before
this later post" proves that an earlier post was held back, once a witness has seen it go out."""

import json
import queue
import time

import httpx
import pytest
from mastodon import StreamListener
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


def is_update_of(status):
    return lambda event: event[0] == "update" and json.loads(event[1])["id"] == str(status.id)


def is_frame_of(status):
    return lambda frame: frame.get("event") == "update" and json.loads(frame["payload"])["id"] == str(status.id)


def protected_with_follower(community):
    """Dave, whose account is protected, and Fiona, whom he approved as a follower."""
    dave, fiona = community.join("dave"), community.join("fiona")
    dave.api.account_update_credentials(locked=True)
    fiona.api.account_follow(dave.id)
    dave.api.follow_request_authorize(fiona.id)
    return dave, fiona


def ids(events) -> list[str]:
    return [json.loads(data)["id"] for _name, data in events]


def test_a_follower_hears_a_post_of_an_account_they_follow_in_mastodon_py(community):
    alice, bob = community.join("alice"), community.join("bob")
    bob.api.account_follow(alice.id)
    updates, subscribed = queue.Queue(), queue.Queue()

    class Listener(StreamListener):
        def on_update(self, status):
            updates.put((time.monotonic(), status))

        def handle_heartbeat(self):
            subscribed.put(True)  # the first comment line is the `:)` sent once subscribed

    handle = bob.api.stream_user(Listener(), run_async=True)
    try:
        subscribed.get(timeout=community.wait)
        posted = alice.api.status_post("Chirvir is live")
        posted_at = time.monotonic()
        heard_at, status = updates.get(timeout=community.wait)
    finally:
        handle.close()
    assert heard_at - posted_at < 2
    # The very JSON the API gives bob for it: one serializer, for the one who watches.
    assert status == bob.api.status(posted.id)
    assert status.account.username == alice.username and status.content == "<p>Chirvir is live</p>"


def test_the_public_stream_shows_each_reader_only_what_they_may_see(community):
    alice, carol = community.join("alice"), community.join("carol")
    dave, fiona = protected_with_follower(community)
    with (
        community.sse("public", fiona.token) as follower,
        community.sse("public", carol.token) as stranger,
        community.sse("public/local") as anonymous,
    ):
        alice.api.status_post("for my followers", visibility="private")
        protected = dave.api.status_post("public, but my account is protected", visibility="public")
        # An approved follower of the protected account sees its post on the public stream...
        assert ids([follower.next_event()]) == [str(protected.id)]
        everyone = alice.api.status_post("for everyone")
        # ...the stranger and the anonymous reader see neither it nor the followers-only post.
        for reader in (stranger, anonymous):
            assert ids(reader.events_until(is_update_of(everyone))) == [str(everyone.id)]


def test_posts_of_blocked_and_muted_accounts_never_arrive(community):
    alice, bob, carol, erin = (community.join(name) for name in ("alice", "bob", "carol", "erin"))
    bob.api.account_block(alice.id)
    carol.api.account_mute(alice.id)
    with (
        community.sse("public", bob.token) as blocker,
        community.sse("public", carol.token) as muter,
        community.sse("public", alice.token) as blocked,
        community.sse("public") as witness,
    ):
        from_blocked = alice.api.status_post("can anyone hear me?")
        assert ids([witness.next_event()]) == [str(from_blocked.id)]
        from_blocker = bob.api.status_post("not for alice")
        assert ids([witness.next_event()]) == [str(from_blocker.id)]
        later = erin.api.status_post("hello, everyone")
        assert ids(blocker.events_until(is_update_of(later))) == [str(from_blocker.id), str(later.id)]
        assert ids(muter.events_until(is_update_of(later))) == [str(from_blocker.id), str(later.id)]
        # A block hides each side's posts from the other.
        assert ids(blocked.events_until(is_update_of(later))) == [str(from_blocked.id), str(later.id)]


def test_a_mention_reaches_the_notification_streams_of_the_mentioned(community):
    alice, bob, carol = (community.join(name) for name in ("alice", "bob", "carol"))
    bob.api.account_follow(carol.id)
    statuses_only = community.token(bob, ["read:statuses"])
    with (
        community.sse("user/notification", bob.token) as notifications,
        community.websocket(bob.token, stream="user") as user,
        community.sse("user", statuses_only) as home_only,
    ):
        user.settled()
        mention = alice.api.status_post(f"@{bob.username} are you there?")
        name, data = notifications.next_event()
        notification = json.loads(data)
        assert name == "notification" and notification["type"] == "mention"
        assert notification["status"]["id"] == str(mention.id) and notification["account"]["id"] == str(alice.id)
        url = f"{community.base}/api/v1/notifications/{notification['id']}"
        assert notification == httpx.get(url, headers={"Authorization": f"Bearer {bob.token}"}).json()
        frame = user.next_frame()
        assert (frame["stream"], frame["event"]) == (["user"], "notification")
        assert json.loads(frame["payload"]) == notification
        # A token that may read statuses but not notifications hears only the home timeline.
        followed = carol.api.status_post("a post bob follows")
        assert ids(home_only.events_until(is_update_of(followed))) == [str(followed.id)]


def test_a_deleted_post_is_taken_back_from_the_streams_that_showed_it(community):
    alice, bob = community.join("alice"), community.join("bob")
    bob.api.account_follow(alice.id)
    with community.websocket(bob.token, stream="user") as home, community.sse("public") as public:
        home.settled()
        posted = alice.api.status_post("oops")
        assert is_frame_of(posted)(home.next_frame())
        assert is_update_of(posted)(public.next_event())
        alice.api.status_delete(posted.id)
        assert home.next_frame() == {"stream": ["user"], "event": "delete", "payload": str(posted.id)}
        name, data = public.next_event()
        # Mastodon.py reads every `data` as JSON: a deletion's is the bare numeric ID.
        assert (name, json.loads(data)) == ("delete", int(posted.id))


def test_deleting_a_protected_accounts_post_tells_only_those_who_could_see_it(community):
    alice, carol = community.join("alice"), community.join("carol")
    dave, fiona = protected_with_follower(community)
    with (
        community.sse("public", fiona.token) as follower,
        community.sse("public", carol.token) as stranger,
        community.sse("public/local") as anonymous,
        community.sse("hashtag", tag="quiet") as tagged,
    ):
        protected = dave.api.status_post("public, but my account is protected #quiet", visibility="public")
        assert ids([follower.next_event()]) == [str(protected.id)]
        dave.api.status_delete(protected.id)
        assert follower.next_event() == ("delete", str(protected.id))
        witness = alice.api.status_post("for everyone #quiet")
        # The others never saw the post and never hear its ID: the first thing each of them gets
        # is the witness, posted after the deletion.
        for reader in (stranger, anonymous, tagged):
            seen = reader.events_until(is_update_of(witness))
            assert [name for name, _data in seen] == ["update"]
            assert ids(seen) == [str(witness.id)]


def test_an_edit_reaches_the_streams_that_showed_the_post(community):
    alice, bob, carol, dave = (community.join(name) for name in ("alice", "bob", "carol", "dave"))
    bob.api.account_follow(alice.id)
    dave.api.account_follow(carol.id)  # he sees the post through carol's repost
    edits, subscribed = queue.Queue(), queue.Queue()

    class Listener(StreamListener):
        def on_status_update(self, status):
            edits.put(status)

        def handle_heartbeat(self):
            subscribed.put(True)

    handle = bob.api.stream_user(Listener(), run_async=True)
    try:
        with community.websocket(dave.token, stream="user") as daves_home, community.sse("public") as public:
            subscribed.get(timeout=community.wait)
            daves_home.settled()
            posted = alice.api.status_post("Helo, world")
            repost = carol.api.status_reblog(posted.id)
            assert is_update_of(posted)(public.next_event())
            assert is_frame_of(repost)(daves_home.next_frame())
            edited = alice.api.status_update(posted.id, "Hello, world")
            heard = edits.get(timeout=community.wait)
            frame = daves_home.next_frame()
            name, data = public.next_event()
    finally:
        handle.close()
    # Mastodon.py hands bob the post as the API now shows it to him.
    assert heard == bob.api.status(posted.id)
    assert heard.content == "<p>Hello, world</p>" and heard.edited_at and edited.edited_at
    assert (frame["stream"], frame["event"]) == (["user"], "status.update")
    shown = json.loads(frame["payload"])
    assert (shown["id"], shown["content"]) == (str(posted.id), "<p>Hello, world</p>") and shown["edited_at"]
    assert name == "status.update" and json.loads(data)["id"] == str(posted.id)


def test_a_direct_message_reaches_the_direct_streams_of_its_participants_only(community):
    alice, bob, carol = (community.join(name) for name in ("alice", "bob", "carol"))
    with (
        community.websocket(alice.token) as alices,
        community.websocket(bob.token) as bobs,
        community.websocket(carol.token) as carols,
        community.sse("public") as public,
    ):
        alices.send(type="subscribe", stream="user")
        for socket in (alices, bobs, carols):
            socket.send(type="subscribe", stream="direct")
            socket.settled()
        message = alice.api.status_post(f"@{bob.username} just between us", visibility="direct")
        frame = bobs.next_frame()
        conversation = json.loads(frame["payload"])
        assert (frame["stream"], frame["event"]) == (["direct"], "conversation")
        assert conversation["last_status"]["id"] == str(message.id) and conversation["unread"] is True
        assert [a["username"] for a in conversation["accounts"]] == [alice.username]
        # The sender's direct stream shows it too (at once, as it commits), then her home stream
        # has the message itself (once delivered).
        direct, home = alices.next_frame(), alices.next_frame()
        assert direct["stream"] == ["direct"] and json.loads(direct["payload"])["unread"] is False
        assert [a["username"] for a in json.loads(direct["payload"])["accounts"]] == [bob.username]
        assert home["stream"] == ["user"] and is_frame_of(message)(home)
        # Nobody else hears of it: not another person's direct stream, not the public stream.
        to_carol = alice.api.status_post(f"@{carol.username} and you?", visibility="direct")
        assert json.loads(carols.next_frame()["payload"])["last_status"]["id"] == str(to_carol.id)
        after = alice.api.status_post("in public again")
        assert ids(public.events_until(is_update_of(after))) == [str(after.id)]


def test_hashtag_streams_show_public_posts_with_the_tag_however_it_is_written(community):
    alice = community.join("alice")
    with community.sse("hashtag", tag="Chirvir") as tagged, community.websocket(alice.token) as socket:
        socket.send(type="subscribe", stream="hashtag:local", tag="chirvir")
        socket.send(type="subscribe", stream="user")
        socket.send(type="subscribe", stream="public")
        socket.send(type="unsubscribe", stream="public")
        socket.settled()
        among_friends = alice.api.status_post("#chirvir among friends", visibility="private")
        home = socket.next_frame()  # it went out, to her home only
        assert home["stream"] == ["user"] and is_frame_of(among_friends)(home)
        shown = alice.api.status_post("#CHIRVIR for everyone")
        frames = [socket.next_frame(), socket.next_frame()]
        assert all(is_frame_of(shown)(frame) for frame in frames)
        assert sorted(frame["stream"] for frame in frames) == [["hashtag:local", "chirvir"], ["user"]]
        socket.settled()  # and no frame for the public stream it left
        assert ids(tagged.events_until(is_update_of(shown))) == [str(shown.id)]


def test_streams_refuse_callers_as_mastodon_does(community):
    bob = community.join("bob")
    no_scope = "Access token does not have the required scopes"
    refused = [
        ("user", None, {}, 401, "Missing access token"),
        ("user", "not-a-token", {}, 401, "The access token is invalid"),
        ("user", None, {"access_token": "not-a-token"}, 401, "The access token is invalid"),
        ("user", community.token(bob, ["write"]), {}, 401, no_scope),
        ("user/notification", community.token(bob, ["read:statuses"]), {}, 401, no_scope),
        ("hashtag", None, {}, 400, "Missing tag name parameter"),
        ("list", bob.token, {"list": "1"}, 401, "Not authorized to stream this list"),
        ("timeline", None, {}, 400, "Unknown channel requested"),
    ]
    for path, token, params, status, error in refused:
        with community.sse(path, token, **params) as stream:
            assert (stream.status_code, stream.body()) == (status, {"error": error}), path


def test_a_websocket_with_a_bad_token_is_refused_at_the_handshake(community):
    bob = community.join("bob")
    for how in (
        {"additional_headers": {"Authorization": "Bearer not-a-token"}},
        {"subprotocols": ["not-a-token"]},
    ):
        with pytest.raises(InvalidStatus) as refused:
            connect(community.ws_base, open_timeout=community.wait, **how)
        assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{community.ws_base}?access_token=not-a-token", open_timeout=community.wait)
    assert refused.value.response.status_code == 401
    # A browser sends the token as the subprotocol, and needs it named in the answer.
    with connect(community.ws_base, subprotocols=[bob.token], open_timeout=community.wait) as ws:
        assert ws.subprotocol == bob.token
        ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": "7"}))
        assert json.loads(ws.recv(timeout=community.wait)) == {"error": "Not authorized to stream this list", "status": 401}
    # Without a token a WebSocket opens, for the public streams only.
    with community.websocket() as anonymous:
        anonymous.send(type="subscribe", stream="user")
        assert anonymous.next_frame() == {"error": "Missing access token", "status": 401}


def test_idle_streams_keep_their_connection_alive(community):
    with community.sse("public") as stream:
        assert stream.next_comment() == ":thump"
    with community.websocket() as socket:
        # A WebSocket's heartbeat is the protocol's ping, answered by the server.
        assert socket.ws.ping().wait(community.wait)


# Streams end with the sign-in that opened them


def test_revoking_a_token_closes_the_streams_it_opened(community):
    alice, bob, carol = (community.join(name) for name in ("alice", "bob", "carol"))
    bob.api.account_follow(alice.id)
    carol.api.account_follow(alice.id)
    with (
        community.websocket(bob.token, stream="user") as socket,
        community.sse("user", bob.token) as stream,
        community.sse("user", carol.token) as witness,
    ):
        socket.settled()
        before = alice.api.status_post("for my followers", visibility="private")
        assert is_frame_of(before)(socket.next_frame()) and is_update_of(before)(stream.next_event())
        assert is_update_of(before)(witness.next_event())
        community.revoke(bob.token)
        assert socket.closes() == (1008, [])
        assert stream.ends() == []
        # Posted once both are closed: it reaches the other follower, and nothing of bob's.
        after = alice.api.status_post("still for my followers", visibility="private")
        assert is_update_of(after)(witness.next_event())
    with community.sse("user", bob.token) as again:
        assert (again.status_code, again.body()) == (401, {"error": "The access token was revoked"})


def test_suspending_an_account_closes_the_streams_of_all_its_tokens(community):
    alice, bob, carol = (community.join(name) for name in ("alice", "bob", "carol"))
    bob.api.account_follow(alice.id)
    carol.api.account_follow(alice.id)
    other_token = community.token(bob, ["read"])
    with (
        community.websocket(bob.token, stream="user") as socket,
        community.sse("user", other_token) as stream,
        community.sse("user", carol.token) as witness,
    ):
        socket.settled()
        before = alice.api.status_post("for my followers", visibility="private")
        assert is_frame_of(before)(socket.next_frame()) and is_update_of(before)(stream.next_event())
        assert is_update_of(before)(witness.next_event())
        # As an operator suspends an account today: `chirvir shell` (or the admin) unticks "active".
        community.operator(
            "from chirvir.accounts.models import Account; "
            f"bob = Account.objects.get(username='{bob.username}'); bob.is_active = False; bob.save()"
        )
        assert socket.closes() == (1008, [])
        assert stream.ends() == []
        after = alice.api.status_post("still for my followers", visibility="private")
        assert is_update_of(after)(witness.next_event())
    for token in (bob.token, other_token):
        with community.sse("user", token) as again:
            assert (again.status_code, again.body()) == (401, {"error": "The access token is invalid"})


def test_logging_out_of_the_web_closes_that_browsers_live_updates(community):
    alice, bob = community.join("alice"), community.join("bob")
    bob.api.account_follow(alice.id)
    leaving, staying = community.browser(bob), community.browser(bob)
    with (
        community.browser_sse(leaving, "user") as stream,
        community.browser_sse(staying, "user") as other_browser,
    ):
        before = alice.api.status_post("for my followers", visibility="private")
        assert is_update_of(before)(stream.next_event()) and is_update_of(before)(other_browser.next_event())
        logged_out = leaving.post("/logout", headers={"X-CSRFToken": leaving.cookies["csrftoken"]})
        assert logged_out.status_code == 302
        assert stream.ends() == []
        # The browser still signed in keeps its stream.
        after = alice.api.status_post("still for my followers", visibility="private")
        assert is_update_of(after)(other_browser.next_event())
