"""The Mastodon API endpoints through Django's test client, as a client app sees them: shapes,
paging, visibility, scopes and Mastodon's errors."""

import io
import json
import re

import pytest
from PIL import Image

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status


def post_json(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def test_verify_credentials_and_update_with_an_avatar(as_alice, alice, settings):
    me = as_alice.get("/api/v1/accounts/verify_credentials").json()
    assert me["id"] == str(alice.id) and me["acct"] == "alice" and me["source"]["privacy"] == "public"
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, "PNG")
    image.name = "me.png"
    image.seek(0)
    changed = as_alice.patch(
        "/api/v1/accounts/update_credentials",
        data=_multipart({"display_name": "Әлия", "locked": "true"}, {"avatar": image}),
        content_type=MULTIPART,
    ).json()
    assert changed["display_name"] == "Әлия" and changed["locked"] is True
    assert changed["avatar"].startswith(f"{settings.SITE_URL}/media/avatars/")
    assert as_alice.get(changed["avatar"].removeprefix(settings.SITE_URL)).status_code == 200


MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(fields: dict, files: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", {**fields, **files})


def test_lookup_detail_and_unknown_accounts(as_alice, bob):
    assert as_alice.get("/api/v1/accounts/lookup?acct=BOB").json()["id"] == str(bob.id)
    assert as_alice.get(f"/api/v1/accounts/{bob.id}/").json()["username"] == "bob"
    missing = as_alice.get("/api/v1/accounts/12345")
    assert missing.status_code == 404 and missing.json() == {"error": "That account does not exist."}
    assert as_alice.get("/api/v1/accounts/lookup").status_code == 400


def test_posting_with_json_or_form_and_the_140_limit(as_alice):
    made = post_json(as_alice, "/api/v1/statuses", {"status": "Hello #Chirvir", "visibility": "unlisted"}).json()
    assert made["visibility"] == "unlisted" and made["tags"] == [{"name": "chirvir", "url": "http://127.0.0.1:8000/tags/chirvir"}]
    assert re.fullmatch(r"\d+", made["id"]) and made["created_at"].endswith("Z")
    form = as_alice.post("/api/v1/statuses/", {"status": "from a form", "sensitive": "1", "spoiler_text": "cw"})
    assert form.status_code == 200 and form.json()["sensitive"] is True
    too_long = post_json(as_alice, "/api/v1/statuses", {"status": "ы" * 141})
    assert too_long.status_code == 422
    assert "141 characters long; the limit is 140" in too_long.json()["error"]
    blank = post_json(as_alice, "/api/v1/statuses", {"status": "  "})
    assert blank.status_code == 422 and blank.json()["error"] == "Validation failed: Text can't be blank"


def test_the_same_idempotency_key_posts_once(as_alice):
    first = as_alice.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="abc").json()
    again = as_alice.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="abc").json()
    assert first["id"] == again["id"] and Status.objects.count() == 1


def test_a_followers_only_post_is_not_found_by_others_and_delete_gives_the_text(as_alice, as_bob, alice):
    secret = statuses.post_status(alice, "for followers", visibility="private")
    assert as_bob.get(f"/api/v1/statuses/{secret.id}").status_code == 404
    assert as_bob.delete(f"/api/v1/statuses/{secret.id}").status_code == 404
    assert as_alice.get(f"/api/v1/statuses/{secret.id}").json()["content"] == "<p>for followers</p>"
    deleted = as_alice.delete(f"/api/v1/statuses/{secret.id}").json()
    assert deleted["text"] == "for followers" and not Status.objects.exists()


def test_someone_elses_post_cannot_be_deleted(as_bob, alice):
    post = statuses.post_status(alice, "mine")
    refused = as_bob.delete(f"/api/v1/statuses/{post.id}")
    assert refused.status_code == 403 and Status.objects.filter(id=post.id).exists()


def test_editing_a_post_and_reading_its_history_and_source(client, as_alice, as_bob, alice, bob):
    post = statuses.post_status(alice, "Helo @bob", visibility="unlisted")
    form = "status=Hello%20%40bob%20%23fixed&spoiler_text=typo"
    edited = as_alice.put(f"/api/v1/statuses/{post.id}", form, content_type="application/x-www-form-urlencoded")
    assert edited.status_code == 200, edited.content
    edited = edited.json()
    assert edited["content"].startswith("<p>Hello") and edited["tags"][0]["name"] == "fixed"
    assert (edited["spoiler_text"], edited["sensitive"], edited["visibility"]) == ("typo", True, "unlisted")
    assert edited["edited_at"] >= edited["created_at"]
    history = client.get(f"/api/v1/statuses/{post.id}/history").json()
    assert [v["content"] for v in history] == [post.content, edited["content"]]
    assert [v["created_at"] for v in history] == [edited["created_at"], edited["edited_at"]]
    assert [(v["spoiler_text"], v["sensitive"], v["account"]["username"]) for v in history] == [
        ("", False, "alice"), ("typo", True, "alice")
    ]
    source = as_bob.get(f"/api/v1/statuses/{post.id}/source").json()
    assert source == {"id": str(post.id), "text": "Hello @bob #fixed", "spoiler_text": "typo"}
    assert client.get(f"/api/v1/statuses/{post.id}/source").status_code == 401
    assert post_json(as_alice, f"/api/v1/statuses/{post.id}", {"status": "Hello, all"}).status_code == 405
    again = as_alice.put(f"/api/v1/statuses/{post.id}/", json.dumps({"status": "Hello, all"}), content_type="application/json")
    assert again.json()["content"] == "<p>Hello, all</p>" and again.json()["spoiler_text"] == "typo"
    assert len(client.get(f"/api/v1/statuses/{post.id}/history").json()) == 3


def test_only_the_author_edits_and_a_refused_edit_changes_nothing(api_client, client, as_alice, as_bob, alice):
    post = statuses.post_status(alice, "as it was")
    secret = statuses.post_status(alice, "for followers", visibility="private")

    def put(as_whom, status_id, data):
        return as_whom.put(f"/api/v1/statuses/{status_id}", json.dumps(data), content_type="application/json")

    refusals = [
        (put(as_bob, post.id, {"status": "bob was here"}), 403),
        (put(as_bob, secret.id, {"status": "bob was here"}), 404),
        (put(client, post.id, {"status": "anyone"}), 401),
        (put(api_client(alice, scopes="read"), post.id, {"status": "no scope"}), 403),
        (put(as_alice, post.id, {"status": "ы" * 141}), 422),
        (put(as_alice, post.id, {"status": " "}), 422),
        (put(as_alice, post.id, {"status": "with media", "media_ids": ["1"]}), 422),
        (put(as_alice, post.id, {"status": "poll", "poll": {"options": ["only one"], "expires_in": 600}}), 422),
    ]
    assert [response.status_code for response, _status in refusals] == [status for _response, status in refusals]
    assert "141 characters long" in refusals[4][0].json()["error"]
    assert refusals[5][0].json() == {"error": "Validation failed: Text can't be blank"}
    shown = as_alice.get(f"/api/v1/statuses/{post.id}").json()
    assert (shown["content"], shown["edited_at"]) == ("<p>as it was</p>", None)
    assert len(client.get(f"/api/v1/statuses/{post.id}/history").json()) == 1
    assert client.get(f"/api/v1/statuses/{secret.id}/history").status_code == 404


def test_pins_their_limit_and_the_pinned_flag(api_client, client, as_alice, as_bob, alice, bob):
    posts = [statuses.post_status(alice, f"post {i}") for i in range(6)]
    for post in posts[:5]:
        assert as_alice.post(f"/api/v1/statuses/{post.id}/pin").json()["pinned"] is True
    refused = as_alice.post(f"/api/v1/statuses/{posts[5].id}/pin")
    assert refused.status_code == 422
    assert refused.json() == {"error": "Validation failed: You have already pinned the maximum number of posts"}
    theirs = as_bob.post(f"/api/v1/statuses/{posts[0].id}/pin")
    assert (theirs.status_code, theirs.json()) == (422, {"error": "Validation failed: Someone else's post cannot be pinned"})
    message = statuses.post_status(alice, "d bob between us")
    as_alice.post(f"/api/v1/statuses/{posts[4].id}/unpin")
    direct = as_alice.post(f"/api/v1/statuses/{message.id}/pin")
    assert direct.json() == {"error": "Validation failed: Posts that are only visible to mentioned users cannot be pinned"}
    secret = statuses.post_status(bob, "for followers", visibility="private")
    assert as_alice.post(f"/api/v1/statuses/{secret.id}/pin").status_code == 404
    assert api_client(alice, scopes="write:statuses").post(f"/api/v1/statuses/{posts[5].id}/pin").status_code == 403

    pinned = client.get(f"/api/v1/accounts/{alice.id}/statuses?pinned=true").json()
    assert [s["id"] for s in pinned] == [str(p.id) for p in reversed(posts[:4])]
    assert "pinned" not in pinned[0]
    mine = as_alice.get(f"/api/v1/accounts/{alice.id}/statuses").json()
    assert [s["pinned"] for s in mine] == [False, False, True, True, True, True]
    assert "pinned" not in as_bob.get(f"/api/v1/statuses/{posts[0].id}").json()
    assert as_alice.post(f"/api/v1/statuses/{posts[0].id}/unpin").json()["pinned"] is False
    assert len(client.get(f"/api/v1/accounts/{alice.id}/statuses?pinned=1").json()) == 3
    assert client.get("/api/v2/instance").json()["configuration"]["accounts"]["max_pinned_statuses"] == 5


def test_context_reblog_favourite_and_bookmark_flags(as_alice, as_bob, alice, bob):
    root = statuses.post_status(alice, "root")
    reply = post_json(as_bob, "/api/v1/statuses", {"status": "@alice reply", "in_reply_to_id": str(root.id)}).json()
    context = as_alice.get(f"/api/v1/statuses/{root.id}/context").json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]] and context["ancestors"] == []
    boost = as_bob.post(f"/api/v1/statuses/{root.id}/reblog").json()
    assert boost["reblog"]["id"] == str(root.id) and boost["reblog"]["reblogged"] is True
    liked = as_bob.post(f"/api/v1/statuses/{root.id}/favourite").json()
    assert liked["favourited"] is True and liked["favourites_count"] == 1
    assert as_bob.post(f"/api/v1/statuses/{root.id}/bookmark").json()["bookmarked"] is True
    assert [a["username"] for a in as_alice.get(f"/api/v1/statuses/{root.id}/favourited_by").json()] == ["bob"]
    assert [a["username"] for a in as_alice.get(f"/api/v1/statuses/{root.id}/reblogged_by").json()] == ["bob"]
    assert [s["id"] for s in as_bob.get("/api/v1/bookmarks").json()] == [str(root.id)]
    assert [s["id"] for s in as_bob.get("/api/v1/favourites").json()] == [str(root.id)]
    assert as_bob.post(f"/api/v1/statuses/{root.id}/unreblog").json()["reblogged"] is False
    assert as_bob.post(f"/api/v1/statuses/{root.id}/unfavourite").json()["favourited"] is False


def test_home_timeline_pages_with_link_headers(as_alice, alice, bob):
    accounts.follow(alice, bob)
    posts = [statuses.post_status(bob, f"post {i}") for i in range(5)]
    first = as_alice.get("/api/v1/timelines/home?limit=2")
    assert [s["content"] for s in first.json()] == ["<p>post 4</p>", "<p>post 3</p>"]
    link = first["Link"]
    assert link.startswith(f'<http://127.0.0.1:8000/api/v1/timelines/home?limit=2&max_id={posts[3].id}>; rel="next"')
    assert f"min_id={posts[4].id}>; rel=\"prev\"" in link
    older = as_alice.get(f"/api/v1/timelines/home?limit=2&max_id={posts[3].id}").json()
    assert [s["content"] for s in older] == ["<p>post 2</p>", "<p>post 1</p>"]
    newer = as_alice.get(f"/api/v1/timelines/home?min_id={posts[2].id}").json()
    assert [s["content"] for s in newer] == ["<p>post 4</p>", "<p>post 3</p>"]
    assert "Link" not in as_alice.get(f"/api/v1/timelines/home?since_id={posts[4].id}")


def test_public_and_tag_timelines_need_no_token(client, alice):
    tagged = statuses.post_status(alice, "#Qazaq сәлем")
    statuses.post_status(alice, "hidden", visibility="unlisted")
    assert [s["id"] for s in client.get("/api/v1/timelines/public?local=true").json()] == [str(tagged.id)]
    assert [s["id"] for s in client.get("/api/v1/timelines/tag/QAZAQ").json()] == [str(tagged.id)]
    assert client.get("/api/v1/timelines/home").status_code == 401


def test_follow_a_protected_account_and_have_it_approved(as_alice, as_bob, alice, bob):
    accounts.update_profile(bob, locked=True)
    relation = as_alice.post(f"/api/v1/accounts/{bob.id}/follow", {"reblogs": "false"}).json()
    assert relation["requested"] is True and relation["following"] is False
    assert [a["username"] for a in as_bob.get("/api/v1/follow_requests").json()] == ["alice"]
    approved = as_bob.post(f"/api/v1/follow_requests/{alice.id}/authorize").json()
    assert approved["followed_by"] is True
    both = as_alice.get(f"/api/v1/accounts/relationships?id[]={bob.id}&id[]=999").json()
    assert len(both) == 1 and both[0]["following"] is True and both[0]["showing_reblogs"] is False
    bare = as_alice.get(f"/api/v1/accounts/relationships?id={bob.id}").json()
    assert bare[0]["id"] == str(bob.id)
    assert [a["username"] for a in as_alice.get(f"/api/v1/accounts/{bob.id}/followers").json()] == ["alice"]


def test_block_mute_and_their_lists(as_alice, bob):
    assert as_alice.post(f"/api/v1/accounts/{bob.id}/block").json()["blocking"] is True
    assert as_alice.post(f"/api/v1/accounts/{bob.id}/mute", {"notifications": "0"}).json()["muting_notifications"] is False
    assert [a["username"] for a in as_alice.get("/api/v1/blocks").json()] == ["bob"]
    assert [a["username"] for a in as_alice.get("/api/v1/mutes").json()] == ["bob"]
    blocked_follow = as_alice.post(f"/api/v1/accounts/{bob.id}/follow")
    assert blocked_follow.status_code == 403


def test_account_statuses_with_boolean_spellings(client, alice, bob):
    root = statuses.post_status(bob, "bob")
    statuses.post_status(alice, "own")
    statuses.post_status(alice, "@bob reply", in_reply_to_id=root.id)
    for spelling in ("1", "true", "True", "on"):
        found = client.get(f"/api/v1/accounts/{alice.id}/statuses?exclude_replies={spelling}").json()
        assert [s["content"] for s in found] == ["<p>own</p>"]
    assert client.get(f"/api/v1/accounts/{alice.id}/statuses?exclude_replies=maybe").status_code == 400


def test_notifications_filter_dismiss_and_clear(as_alice, alice, bob):
    statuses.post_status(bob, "@alice hi")
    accounts.follow(bob, alice)
    everything = as_alice.get("/api/v1/notifications").json()
    assert [n["type"] for n in everything] == ["follow", "mention"]
    assert "status" not in everything[0] and everything[1]["status"]["content"].startswith("<p>")
    mentions = as_alice.get("/api/v1/notifications?types[]=mention").json()
    assert [n["type"] for n in mentions] == ["mention"]
    assert as_alice.post(f"/api/v1/notifications/{mentions[0]['id']}/dismiss").json() == {}
    assert as_alice.post("/api/v1/notifications/clear").json() == {}
    assert as_alice.get("/api/v1/notifications").json() == []


def test_conversations_and_markers(as_alice, as_bob, alice, bob):
    statuses.post_status(alice, "d bob hello")
    conversations = as_bob.get("/api/v1/conversations/").json()
    assert conversations[0]["unread"] is True and conversations[0]["accounts"][0]["username"] == "alice"
    read = as_bob.post(f"/api/v1/conversations/{conversations[0]['id']}/read").json()
    assert read["unread"] is False
    saved = post_json(as_bob, "/api/v1/markers", {"home": {"last_read_id": "123"}}).json()
    assert saved["home"]["last_read_id"] == "123"
    assert as_bob.get("/api/v1/markers?timeline[]=home&timeline[]=notifications").json().keys() == {"home"}
    assert as_bob.get("/api/v1/markers").json() == {}
    assert as_bob.delete(f"/api/v1/conversations/{conversations[0]['id']}").json() == {}
    assert as_bob.get("/api/v1/conversations").json() == []


def test_scopes_and_tokens_are_enforced(api_client, alice, client):
    reader = api_client(alice, scopes="read")
    refused = reader.post("/api/v1/statuses", {"status": "hi"})
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    assert reader.get("/api/v1/timelines/home").status_code == 200
    anonymous = client.post("/api/v1/statuses", {"status": "hi"})
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "The access token is invalid"}
    wrong = client.get("/api/v1/timelines/home", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert wrong.status_code == 401
    app_only = api_client(None, scopes="read write")
    assert app_only.get("/api/v1/timelines/home").json() == {"error": "This method requires an authenticated user"}


BAD_INPUT = [
    # (method, path, body, content type, status, what the client did wrong)
    ("post", "/api/v1/statuses", "{not json", "application/json", 400, "invalid JSON"),
    ("post", "/api/v1/statuses", "[1, 2]", "application/json", 400, "JSON that is not an object"),
    ("post", "/api/v1/statuses", '{"status": {"nested": 1}}', "application/json", 400, "text of the wrong type"),
    ("post", "/api/v1/statuses", b"status=\xff\xfe", "application/x-www-form-urlencoded", 400, "invalid UTF-8"),
    ("post", "/api/v1/statuses", '{"status": "x", "in_reply_to_id": "999"}', "application/json", 404, "unknown reply"),
    ("post", "/api/v1/statuses", '{"status": "x", "visibility": "friends"}', "application/json", 422, "bad visibility"),
    ("post", "/api/v1/statuses", '{"status": "x", "media_ids": ["1"]}', "application/json", 422, "unknown media"),
    ("get", "/api/v1/statuses/abc", None, None, 404, "an ID that is no number"),
    ("get", "/api/v1/statuses/99999999999999999999999", None, None, 404, "an ID past 64 bits"),
    ("get", "/api/v1/timelines/home?limit=abc", None, None, 400, "a limit that is no number"),
    ("get", "/api/v1/timelines/home?max_id=x", None, None, 400, "a cursor that is no ID"),
    ("post", "/api/v1/accounts/1/follow", None, None, 404, "following an unknown account"),
    ("put", "/api/v1/timelines/home", None, None, 405, "a method the route does not take"),
    ("get", "/api/v1/lists/1/accounts", None, None, 404, "an unknown list"),
    ("post", "/api/v1/statuses", '{"status": "a\\u0000b"}', "application/json", 400, "a NUL in JSON"),
    ("post", "/api/v1/statuses", "status=a%00b", "application/x-www-form-urlencoded", 400, "a NUL in a form"),
    ("get", "/api/v1/accounts/lookup?acct=a%00b", None, None, 400, "a NUL in the query"),
    ("get", "/api/v1/markers?timeline[]=%00", None, None, 400, "a NUL in an array"),
]


@pytest.mark.parametrize("method,path,body,content_type,status,why", BAD_INPUT, ids=[c[-1] for c in BAD_INPUT])
def test_bad_input_gets_mastodons_status_and_a_clear_message(as_alice, method, path, body, content_type, status, why):
    kwargs = {"content_type": content_type} if content_type else {}
    response = getattr(as_alice, method)(path, body, **kwargs) if body is not None else getattr(as_alice, method)(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["error"], str) and response.json()["error"]
    assert not Status.objects.exists()


def test_an_oversized_body_is_refused(as_alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = as_alice.post("/api/v1/statuses", json.dumps({"status": "x" * 5000}), content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]


def test_start_up_lists_are_empty_not_errors(client):
    # Filters are real now (tests/filters/): they need a user token, as Mastodon's do.
    for path in ("/api/v1/custom_emojis", "/api/v1/announcements"):
        assert client.get(path).json() == []


@pytest.mark.parametrize("mode,enabled,approval", [("open", True, False), ("closed", False, False), ("approval", True, True)])
def test_the_instance_documents_tell_how_to_join(client, settings, mode, enabled, approval):
    settings.REGISTRATIONS = mode
    v1 = client.get("/api/v1/instance").json()
    v2 = client.get("/api/v2/instance/").json()
    assert (v1["registrations"], v1["approval_required"]) == (enabled, approval)
    assert (v2["registrations"]["enabled"], v2["registrations"]["approval_required"]) == (enabled, approval)
    assert v1["configuration"]["statuses"]["max_characters"] == 140


def test_browser_apps_on_other_sites_may_call_the_api(client):
    preflight = client.options(
        "/api/v1/timelines/public",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    assert client.get("/api/v1/instance", HTTP_ORIGIN="https://app.example")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/admin/login/", HTTP_ORIGIN="https://app.example")


def test_account_search_finds_names_in_any_script_and_clamps_the_limit(as_alice, make_account):
    make_account("aigerim", display_name="Әйгерім")
    make_account("aibek")
    assert [a["username"] for a in as_alice.get("/api/v1/accounts/search?q=ai").json()] == ["aibek", "aigerim"]
    assert [a["username"] for a in as_alice.get("/api/v1/accounts/search?q=Әйгер").json()] == ["aigerim"]
    assert len(as_alice.get("/api/v1/accounts/search?q=ai&limit=-1").json()) == 1


def test_a_direct_message_to_an_unknown_account_is_refused(as_alice, bob):
    refused = post_json(as_alice, "/api/v1/statuses", {"status": "@nobody hi", "visibility": "direct"})
    assert refused.status_code == 422
    assert "There is no account named @nobody." in refused.json()["error"]
    assert not Status.objects.exists()
    sent = post_json(as_alice, "/api/v1/statuses", {"status": "@bob hi", "visibility": "direct"})
    assert sent.status_code == 200 and sent.json()["mentions"][0]["username"] == "bob"
