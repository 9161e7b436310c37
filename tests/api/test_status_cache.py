"""The JSON cache (docs/decisions.md) as a reader notices it: statuses come out of the JSON cache, yet every change
shows on the next read (a like, a repost, a reply, a deletion, a new name, avatar or bio, a
follow), and the audience gate still decides on every read who sees what. Reads run in process
through Django's client, and on a real `chirvir serve`, where a change made through one process
must show in every other."""

import asyncio
import io
import time

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from mastodon import Mastodon
from PIL import Image

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.events.bus import Event
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.streaming import streams
from tests.servers import serving


def home(client) -> list[dict]:
    return client.get("/api/v1/timelines/home").json()


def shown(client, status) -> dict:
    return client.get(f"/api/v1/statuses/{status.id}").json()


def png(name: str, colour: str) -> SimpleUploadedFile:
    image = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(image, "PNG")
    return SimpleUploadedFile(name, image.getvalue(), content_type="image/png")


def test_a_like_shows_in_favourites_count_on_the_next_read_of_the_home_timeline(as_bob, as_carol, alice, bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "like me")
    assert home(as_bob)[0]["favourites_count"] == 0
    as_carol.post(f"/api/v1/statuses/{post.id}/favourite")
    assert home(as_bob)[0]["favourites_count"] == 1
    assert home(as_bob)[0]["favourited"] is False
    as_bob.post(f"/api/v1/statuses/{post.id}/favourite")
    assert [(s["favourites_count"], s["favourited"]) for s in home(as_bob)] == [(2, True)]
    as_carol.post(f"/api/v1/statuses/{post.id}/unfavourite")
    assert shown(as_bob, post)["favourites_count"] == 1


def test_a_repost_shows_in_reblogs_count_and_carries_the_original_as_it_is_now(as_bob, alice, bob, carol):
    accounts.follow(bob, carol)
    post = statuses.post_status(alice, "worth sharing")
    assert shown(as_bob, post)["reblogs_count"] == 0
    repost = statuses.reblog(carol, post.id)
    assert shown(as_bob, post)["reblogs_count"] == 1
    statuses.favourite(bob, post.id)
    accounts.update_profile(alice, display_name="Alice Liddell")
    [top] = home(as_bob)
    assert top["id"] == str(repost.id) and top["account"]["username"] == "carol"
    original = top["reblog"]
    assert original["id"] == str(post.id) and original["reblogs_count"] == 1 and original["favourites_count"] == 1
    assert original["favourited"] is True and original["account"]["display_name"] == "Alice Liddell"
    statuses.unreblog(carol, post.id)
    assert shown(as_bob, post)["reblogs_count"] == 0 and home(as_bob) == []


def test_a_reply_shows_in_replies_count_and_a_deleted_parent_leaves_the_cached_reply(as_bob, alice, bob):
    post = statuses.post_status(alice, "question?")
    assert shown(as_bob, post)["replies_count"] == 0
    reply = statuses.post_status(bob, "@alice answer", in_reply_to_id=post.id)
    assert shown(as_bob, post)["replies_count"] == 1
    assert shown(as_bob, reply)["in_reply_to_id"] == str(post.id)
    statuses.delete_status(alice, post.id)
    assert shown(as_bob, reply)["in_reply_to_id"] is None


def test_a_deleted_status_is_gone_from_every_read(client, as_alice, as_bob, alice, bob, carol):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "soon gone #ephemeral")
    keep = statuses.post_status(alice, "stays")
    repost = statuses.reblog(carol, post.id)
    reads = [
        lambda: home(as_bob),
        lambda: as_bob.get(f"/api/v1/accounts/{alice.id}/statuses").json(),
        lambda: client.get("/api/v1/timelines/public").json(),
        lambda: client.get("/api/v1/timelines/tag/ephemeral").json(),
        lambda: as_bob.get(f"/api/v1/accounts/{carol.id}/statuses").json(),
    ]
    assert all(page for page in (read() for read in reads))  # each has it cached now
    as_alice.delete(f"/api/v1/statuses/{post.id}")
    for read in reads:
        assert {s["id"] for s in read()} <= {str(keep.id)}
    assert as_bob.get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert as_bob.get(f"/api/v1/statuses/{repost.id}").status_code == 404


def test_a_changed_display_name_avatar_and_note_show_in_statuses_already_cached(as_alice, as_bob, alice, bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "hello @bob")
    before = home(as_bob)[0]["account"]
    assert before["display_name"] == "Alice" and before["avatar"].endswith("missing.png") and before["note"] == ""
    assert as_bob.get("/api/v1/notifications").json()[0]["account"]["display_name"] == "Alice"
    accounts.update_profile(alice, display_name="Әлия", note="I read #poetry", avatar=png("me.png", "red"))
    for author in (
        home(as_bob)[0]["account"],
        shown(as_bob, post)["account"],
        as_bob.get(f"/api/v1/accounts/{alice.id}/statuses").json()[0]["account"],
        as_bob.get("/api/v1/notifications").json()[0]["account"],
        as_bob.get("/api/v1/notifications").json()[0]["status"]["account"],
        as_bob.get(f"/api/v1/accounts/{alice.id}").json(),
    ):
        assert author["display_name"] == "Әлия"
        assert "/media/avatars/" in author["avatar"] and "#" in author["note"] and "poetry" in author["note"]
    first_avatar = home(as_bob)[0]["account"]["avatar"]
    accounts.update_profile(alice, avatar=png("again.png", "blue"))
    assert home(as_bob)[0]["account"]["avatar"] != first_avatar
    assert as_alice.get("/api/v1/accounts/verify_credentials").json()["avatar"] == home(as_bob)[0]["account"]["avatar"]


def test_new_follows_and_posts_show_in_the_counts_of_the_embedded_account(as_bob, alice, bob, carol):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "first")
    author = shown(as_bob, post)["account"]
    assert (author["followers_count"], author["following_count"], author["statuses_count"]) == (1, 0, 1)
    accounts.follow(carol, alice)
    accounts.follow(alice, carol)
    statuses.post_status(alice, "second")
    author = shown(as_bob, post)["account"]
    assert (author["followers_count"], author["following_count"], author["statuses_count"]) == (2, 1, 2)
    assert author["last_status_at"] is not None
    assert [s["account"]["statuses_count"] for s in home(as_bob)] == [2, 2]


def test_a_change_written_past_the_services_shows_too(as_bob, alice, bob):
    """Another process, or an operator in the admin, writes the rows: nothing is told, and the
    next read shows it all the same."""
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "counted")
    assert home(as_bob)[0]["account"]["display_name"] == "Alice"
    Account.objects.filter(pk=alice.pk).update(display_name="Renamed", locked=True)
    Status.objects.filter(pk=post.pk).update(favourites_count=41, reblogs_count=7, replies_count=3)
    [again] = home(as_bob)
    assert again["account"]["display_name"] == "Renamed" and again["account"]["locked"] is True
    assert (again["favourites_count"], again["reblogs_count"], again["replies_count"]) == (41, 7, 3)
    Status.objects.filter(pk=post.pk).update(content="<p>corrected</p>", spoiler_text="typo", sensitive=True)
    [edited] = home(as_bob)
    assert (edited["content"], edited["spoiler_text"], edited["sensitive"]) == ("<p>corrected</p>", "typo", True)


def test_a_protected_accounts_cached_status_is_still_not_shown_to_a_non_follower(client, as_bob, as_carol, alice, bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "open for now #news")
    assert shown(as_carol, post)["id"] == str(post.id)  # cached by carol's read
    accounts.update_profile(alice, locked=True)
    assert shown(as_bob, post)["account"]["locked"] is True  # her follower still sees it
    assert as_carol.get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert client.get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert as_carol.get(f"/api/v1/accounts/{alice.id}/statuses").json() == []
    assert client.get("/api/v1/timelines/public").json() == []
    assert as_carol.get("/api/v1/timelines/tag/news").json() == []


def test_a_direct_message_cached_for_its_reader_is_not_shown_to_anyone_else(as_alice, as_bob, as_carol, alice, bob):
    secret = statuses.post_status(alice, "@bob just you", visibility="direct")
    assert shown(as_bob, secret)["visibility"] == "direct"
    assert shown(as_alice, secret)["mentions"][0]["username"] == "bob"
    assert as_carol.get(f"/api/v1/statuses/{secret.id}").status_code == 404
    assert as_carol.get(f"/api/v1/statuses/{secret.id}/context").status_code == 404


def test_a_suspended_authors_cached_statuses_go_and_the_account_shows_suspended(client, as_bob, alice, bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "before")
    assert home(as_bob) and client.get(f"/api/v1/accounts/{alice.id}").json().get("suspended") is None
    Account.objects.filter(pk=alice.pk).update(is_active=False)
    assert home(as_bob) == [] and as_bob.get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert client.get(f"/api/v1/accounts/{alice.id}").json()["suspended"] is True


def test_each_viewer_gets_their_own_flags_on_the_same_cached_status(client, as_alice, as_bob, as_carol, alice, bob):
    post = statuses.post_status(alice, "flags")
    statuses.favourite(bob, post.id)
    statuses.bookmark(bob, post.id)
    statuses.reblog(bob, post.id)
    mine = shown(as_bob, post)
    theirs = shown(as_carol, post)
    nobodys = client.get(f"/api/v1/statuses/{post.id}").json()
    assert (mine["favourited"], mine["bookmarked"], mine["reblogged"]) == (True, True, True)
    assert (theirs["favourited"], theirs["bookmarked"], theirs["reblogged"]) == (False, False, False)
    assert "favourited" not in nobodys and nobodys["favourites_count"] == 1
    assert "pinned" not in mine and shown(as_alice, post)["pinned"] is False


def test_a_live_update_shows_the_status_as_it_is_now(alice, bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "live")
    update = Event(keys=(f"home:{bob.id}",), name="update", payload={"status_id": post.id})
    first = asyncio.run(streams.render(bob, update))
    assert '"favourites_count":0' in first
    statuses.favourite(bob, post.id)
    accounts.update_profile(alice, display_name="Alice Live")
    again = asyncio.run(streams.render(bob, update))
    assert '"favourites_count":1' in again and '"favourited":true' in again and "Alice Live" in again


def test_a_warm_page_costs_the_same_queries_however_many_statuses_it_holds(as_bob, alice, bob, carol):
    accounts.follow(bob, alice)
    accounts.follow(bob, carol)

    def queries_for_home() -> int:
        home(as_bob)  # the cache is warm
        with CaptureQueriesContext(connection) as captured:
            page = home(as_bob)
        return len(page), len(captured)

    statuses.post_status(alice, "one #tag @carol")
    few = queries_for_home()
    for i in range(20):
        post = statuses.post_status(alice if i % 2 else carol, f"post {i} #tag{i} @bob @carol")
        if i % 5 == 0:
            statuses.reblog(carol, post.id)
    many = queries_for_home()
    assert few[0] == 1 and many[0] == 20
    assert many[1] == few[1]


# A real server: `chirvir serve` runs two web worker processes, so the requests below land on
# both, and a change made through either must show in every answer of both.


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("cache"), CHIRVIR_WEB_WORKERS="2", CHIRVIR_RATE_LIMIT="0") as base:
        yield base


@pytest.mark.slow
def test_a_change_made_through_one_server_process_shows_in_every_other(served):
    client_id, client_secret = Mastodon.create_app("Cache tests", api_base_url=served)

    def join(username):
        api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=served)
        return api, api.create_account(username, "a long password 7", f"{username}@example.com", agreement=True)

    (alice, _), (bob, bob_token), (carol, _) = join("alice"), join("bob"), join("carol")
    bob.account_follow(alice.me().id)
    post = alice.status_post("seen by both workers")

    def reads(times=12) -> list[dict]:
        # A new connection each time, so the requests spread over both worker processes.
        headers = {"Authorization": f"Bearer {bob_token}"}
        return [httpx.get(f"{served}/api/v1/timelines/home", headers=headers).json()[0] for _ in range(times)]

    deadline = time.monotonic() + 10
    while not any(page["id"] == str(post.id) for page in reads(1)):  # delivery is a job
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert {(s["favourites_count"], s["account"]["display_name"]) for s in reads()} == {(0, "")}
    carol.status_favourite(post.id)
    alice.account_update_credentials(display_name="Alice")
    assert {(s["favourites_count"], s["account"]["display_name"]) for s in reads()} == {(1, "Alice")}
