"""The Mastodon API answers as Mastodon does where clients rely on the detail: a repost's flags,
hashtag feeds, paging that stays full, sign-up errors, fixed paths, the instance document, and
what a protected account's reposts and follow graph show to others."""

import json
import time

import pytest
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.oauth import services as auth
from chirvir.statuses import services as statuses


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()]


def test_a_repost_shows_the_buttons_of_the_post_it_reposts(as_bob, alice):
    post = statuses.post_status(alice, "worth passing on")
    assert as_bob.post(f"/api/v1/statuses/{post.id}/favourite").status_code == 200
    assert as_bob.post(f"/api/v1/statuses/{post.id}/bookmark").status_code == 200
    repost = as_bob.post(f"/api/v1/statuses/{post.id}/reblog").json()
    assert repost["reblog"]["id"] == str(post.id)
    assert (repost["reblogged"], repost["favourited"], repost["bookmarked"]) == (True, True, True)
    again = as_bob.get(f"/api/v1/statuses/{repost['id']}").json()
    assert (again["reblogged"], again["favourited"], again["bookmarked"]) == (True, True, True)


def test_a_hashtag_feed_takes_any_all_and_none(client, alice):
    cats = statuses.post_status(alice, "#cats")
    both = statuses.post_status(alice, "#cats #dogs")
    dogs = statuses.post_status(alice, "#dogs")
    birds = statuses.post_status(alice, "#birds #cats")
    assert ids(client.get("/api/v1/timelines/tag/cats")) == [str(birds.id), str(both.id), str(cats.id)]
    assert ids(client.get("/api/v1/timelines/tag/cats?any[]=dogs")) == [
        str(birds.id), str(dogs.id), str(both.id), str(cats.id)
    ]
    assert ids(client.get("/api/v1/timelines/tag/cats?all[]=Dogs")) == [str(both.id)]
    assert ids(client.get("/api/v1/timelines/tag/cats?none[]=dogs&none[]=birds")) == [str(cats.id)]
    assert ids(client.get("/api/v1/timelines/tag/cats?any[]=dogs&none[]=cats")) == [str(dogs.id)]


def test_an_account_s_tagged_posts_come_in_full_pages(client, alice):
    tagged = [statuses.post_status(alice, f"#kazakh {i}") for i in range(3)]
    for i in range(45):
        statuses.post_status(alice, f"untagged {i}")
    first = client.get(f"/api/v1/accounts/{alice.id}/statuses?tagged=Kazakh&limit=2")
    assert ids(first) == [str(tagged[2].id), str(tagged[1].id)]
    older = client.get(f"/api/v1/accounts/{alice.id}/statuses?tagged=%23kazakh&limit=2&max_id={tagged[1].id}")
    assert ids(older) == [str(tagged[0].id)]


@pytest.fixture
def app_client():
    application, _client_id, _secret = auth.create_application("Sign-up app", scopes="read write follow push")
    return Client(HTTP_AUTHORIZATION=f"Bearer {auth.issue_token(application, None, 'read write follow push')}")


@pytest.mark.parametrize(
    "fields, field, code, description",
    [
        ({"username": ""}, "username", "ERR_BLANK", "can't be blank"),
        ({"email": ""}, "email", "ERR_BLANK", "can't be blank"),
        ({"agreement": "false"}, "agreement", "ERR_ACCEPTED", "must be accepted"),
        ({"username": "no spaces"}, "username", "ERR_INVALID", "is invalid"),
        ({"username": "Alice"}, "username", "ERR_TAKEN", "has already been taken"),
        ({"email": "not an address"}, "email", "ERR_INVALID", "is invalid"),
        ({"password": "short"}, "password", "ERR_TOO_SHORT", "is too short (minimum is 8 characters)"),
    ],
)
def test_sign_up_errors_carry_mastodons_bare_descriptions(app_client, alice, fields, field, code, description):
    data = {"username": "erin", "email": "erin@example.com", "password": "a long passphrase 42", "agreement": True}
    response = post_json(app_client, "/api/v1/accounts", {**data, "locale": "en", **fields})
    assert response.status_code == 422
    body = response.json()
    assert body["details"] == {field: [{"error": code, "description": description}]}
    label = {"username": "Username", "email": "Email", "password": "Password", "agreement": "Agreement"}[field]
    assert body["error"] == f"Validation failed: {label} {description}"


def test_a_protected_account_s_reposts_and_graph_are_hidden_from_strangers(api_client, client, alice, bob, carol):
    post = statuses.post_status(alice, "public news")
    statuses.reblog(bob, post.id)
    accounts.follow(carol, bob)
    accounts.follow(bob, alice)
    accounts.update_profile(bob, locked=True)  # protected after the fact: the rows stay
    stranger = api_client(accounts.register("dana", "a long passphrase 42"))
    for viewer in (client, stranger):
        shown = viewer.get(f"/api/v1/statuses/{post.id}/reblogged_by")
        assert shown.status_code == 200 and shown.json() == [] and "Link" not in shown
        for listing in ("followers", "following"):
            hidden = viewer.get(f"/api/v1/accounts/{bob.id}/{listing}")
            assert hidden.status_code == 200 and hidden.json() == [] and "Link" not in hidden
    # An approved follower sees them, as on the profile page.
    as_carol = api_client(carol)
    assert [a["username"] for a in as_carol.get(f"/api/v1/statuses/{post.id}/reblogged_by").json()] == ["bob"]
    assert [a["username"] for a in as_carol.get(f"/api/v1/accounts/{bob.id}/followers").json()] == ["carol"]
    assert [a["username"] for a in as_carol.get(f"/api/v1/accounts/{bob.id}/following").json()] == ["alice"]
    # And the open account's lists stay open to all.
    assert [a["username"] for a in client.get(f"/api/v1/accounts/{alice.id}/followers").json()] == ["bob"]


def test_fixed_paths_are_not_taken_for_ids(api_client, as_alice, alice, bob, carol, make_account):
    dave = make_account("dave")
    accounts.follow(alice, bob)
    accounts.follow(bob, carol)
    accounts.follow(bob, dave)
    accounts.update_profile(dave, locked=True)  # bob's follow stays, but dave's followers are hidden now
    familiar = as_alice.get(f"/api/v1/accounts/familiar_followers?id[]={carol.id}&id[]={dave.id}&id[]={alice.id}")
    assert familiar.status_code == 200
    assert [(f["id"], [a["username"] for a in f["accounts"]]) for f in familiar.json()] == [
        (str(carol.id), ["bob"]), (str(dave.id), []), (str(alice.id), [])
    ]
    # Three notifications; the marker after the first leaves two unread.
    accounts.follow(bob, alice)
    accounts.follow(carol, alice)
    statuses.post_status(carol, "@alice hi")
    first = as_alice.get("/api/v1/notifications").json()[-1]
    assert as_alice.get("/api/v1/notifications/unread_count").json() == {"count": 3}
    as_alice.post("/api/v1/markers", {"notifications[last_read_id]": first["id"]})
    assert as_alice.get("/api/v1/notifications/unread_count").json() == {"count": 2}
    assert as_alice.get("/api/v1/notifications/unread_count?types[]=mention").json() == {"count": 1}
    assert as_alice.get("/api/v1/notifications/unread_count?limit=1").json() == {"count": 1}
    # By default the policy accepts all, so no request waits.
    policy = as_alice.get("/api/v2/notifications/policy")
    assert policy.status_code == 200 and policy.json()["for_not_following"] == "accept"
    assert policy.json()["summary"] == {"pending_requests_count": 0, "pending_notifications_count": 0}
    assert as_alice.get("/api/v1/notifications/policy").json()["filter_not_following"] is False
    # The policy is real now (tests/notifications has its requests): a change is kept.
    changed = as_alice.patch("/api/v2/notifications/policy", "for_not_following=filter",
                             content_type="application/x-www-form-urlencoded")
    assert changed.status_code == 200 and changed.json()["for_not_following"] == "filter"
    assert as_alice.get("/api/v1/notifications/requests").json() == []
    assert as_alice.get("/api/v1/notifications/requests/merged").json() == {"merged": True}


def test_the_instance_documents_advertise_the_poll_limits(client):
    # Media attachments exist, and what the documents say of them is tests/media's to prove; that
    # the poll limits are the ones enforced is tests/polls' to prove.
    for path in ("/api/v1/instance", "/api/v2/instance"):
        configuration = client.get(path).json()["configuration"]
        assert configuration["polls"]["max_options"] == 4 and configuration["polls"]["max_expiration"] == 2629746
        assert configuration["statuses"]["max_characters"] == 140  # what clients need is still there


def test_a_timed_mute_ends_by_itself(as_alice, alice, bob, carol):
    accounts.follow(alice, bob)
    accounts.follow(alice, carol)
    forever = as_alice.post(f"/api/v1/accounts/{carol.id}/mute").json()
    assert forever["muting"] is True and forever["muting_expires_at"] is None
    muted = as_alice.post(f"/api/v1/accounts/{bob.id}/mute", {"duration": "2"}).json()
    assert muted["muting"] is True and muted["muting_expires_at"] is not None
    listed = {a["username"]: a["mute_expires_at"] for a in as_alice.get("/api/v1/mutes").json()}
    assert listed == {"bob": muted["muting_expires_at"], "carol": None}
    during = statuses.post_status(bob, "while muted")
    assert str(during.id) not in ids(as_alice.get("/api/v1/timelines/home"))
    time.sleep(2.1)
    relation = as_alice.get(f"/api/v1/accounts/relationships?id[]={bob.id}").json()[0]
    assert relation["muting"] is False and relation["muting_expires_at"] is None
    assert [a["username"] for a in as_alice.get("/api/v1/mutes").json()] == ["carol"]
    assert str(during.id) in ids(as_alice.get("/api/v1/timelines/home"))
    statuses.post_status(bob, "@alice over now")
    assert [n["account"]["username"] for n in as_alice.get("/api/v1/notifications?types[]=mention").json()] == ["bob"]
    assert accounts.remove_expired_mutes() == 1
    assert as_alice.post(f"/api/v1/accounts/{bob.id}/mute", {"duration": "-5"}).status_code == 422


def test_profile_settings_are_stored_applied_and_shown(as_alice, alice, client):
    changed = as_alice.patch(
        "/api/v1/accounts/update_credentials",
        "bot=true&discoverable=false&source[privacy]=unlisted&source[sensitive]=true&source[language]=kk"
        "&fields_attributes[0][name]=Blog&fields_attributes[0][value]=https://alice.example/blog"
        "&fields_attributes[1][name]=Тіл&fields_attributes[1][value]=<b>қазақша</b>",
        content_type="application/x-www-form-urlencoded",
    )
    assert changed.status_code == 200, changed.content
    me = as_alice.get("/api/v1/accounts/verify_credentials").json()
    assert (me["bot"], me["discoverable"], me["source"]["discoverable"]) == (True, False, False)
    assert (me["source"]["privacy"], me["source"]["sensitive"], me["source"]["language"]) == ("unlisted", True, "kk")
    assert me["source"]["fields"] == [
        {"name": "Blog", "value": "https://alice.example/blog", "verified_at": None},
        {"name": "Тіл", "value": "<b>қазақша</b>", "verified_at": None},
    ]
    public = client.get(f"/api/v1/accounts/{alice.id}").json()
    assert public["bot"] is True and public["discoverable"] is False
    assert public["fields"] == [
        {
            "name": "Blog",
            "value": '<a href="https://alice.example/blog" target="_blank" rel="me nofollow noopener noreferrer ugc" '
            'translate="no">'
            "https://alice.example/blog</a>",
            "verified_at": None,
        },
        {"name": "Тіл", "value": "&lt;b&gt;қазақша&lt;/b&gt;", "verified_at": None},
    ]
    preferences = as_alice.get("/api/v1/preferences").json()
    assert preferences["posting:default:visibility"] == "unlisted" and preferences["posting:default:language"] == "kk"
    # A post that does not say takes the defaults; one that says keeps its own.
    plain = post_json(as_alice, "/api/v1/statuses", {"status": "сәлем"}).json()
    assert (plain["visibility"], plain["sensitive"], plain["language"]) == ("unlisted", True, "kk")
    said = post_json(as_alice, "/api/v1/statuses", {"status": "hi", "visibility": "public", "sensitive": False,
                                                     "language": "en"}).json()
    assert (said["visibility"], said["sensitive"], said["language"]) == ("public", False, "en")
    # The web profile shows the fields, a web address as a rel="me" link.
    page = client.get("/@alice").content.decode()
    assert '<a href="https://alice.example/blog" title="https://alice.example/blog" rel="me nofollow noopener' in page
    assert "&lt;b&gt;қазақша&lt;/b&gt;" in page
    # JSON sends the fields as a list; an emptied list clears them.
    cleared = as_alice.patch("/api/v1/accounts/update_credentials", json.dumps({"fields_attributes": []}),
                             content_type="application/json").json()
    assert cleared["source"]["fields"] == [] and [f["name"] for f in cleared["fields"]] == []


@pytest.mark.parametrize(
    "body",
    [
        {"fields_attributes": [{"name": f"n{i}", "value": "v"} for i in range(5)]},
        {"source": {"privacy": "direct"}},
        {"source": {"language": "not a language"}},
        {"hide_collections": True},
        {"indexable": False},
    ],
)
def test_profile_settings_the_server_cannot_keep_are_refused(as_alice, alice, body):
    response = as_alice.patch("/api/v1/accounts/update_credentials", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    me = as_alice.get("/api/v1/accounts/verify_credentials").json()
    assert me["source"]["fields"] == [] and me["source"]["privacy"] == "public" and me["source"]["language"] is None


def test_the_instance_document_tells_the_profile_field_limits(client):
    accounts_configuration = client.get("/api/v2/instance").json()["configuration"]["accounts"]
    assert accounts_configuration["max_profile_fields"] == 4
    assert accounts_configuration["profile_field_name_limit"] == 255
