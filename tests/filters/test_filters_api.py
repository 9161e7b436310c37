"""Filters through the Mastodon API: a reader's words and posts, warned of, blurred or hidden in
the contexts they chose, on every timeline, in notifications and threads."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.filters.models import Filter
from chirvir.statuses import services as statuses


def body(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def make_filter(client, title, context, action="warn", keywords=(), whole_word=True, **extra):
    payload = {
        "title": title,
        "context": list(context),
        "filter_action": action,
        "keywords_attributes": [{"keyword": k, "whole_word": whole_word} for k in keywords],
        **extra,
    }
    return body(client.post("/api/v2/filters", json.dumps(payload), content_type="application/json"))


def ids(items):
    return [item["id"] for item in items]


@pytest.fixture
def as_bob(api_client, bob):
    return api_client(bob)


def test_a_warn_filter_marks_a_post_on_home_and_a_hide_filter_leaves_it_out(alice, bob, as_bob):
    accounts.follow(bob, alice)
    spoilers = statuses.post_status(alice, "The ending of the Spoilerfilm is sad")
    lunch = statuses.post_status(alice, "Having broccoli for lunch")
    plain = statuses.post_status(alice, "A fine day")
    warned = make_filter(as_bob, "Films", ["home"], keywords=["spoilerfilm"])
    make_filter(as_bob, "Vegetables", ["home"], action="hide", keywords=["broccoli"])

    home = body(as_bob.get("/api/v1/timelines/home"))
    assert ids(home) == [str(plain.id), str(spoilers.id)]
    shown = {s["id"]: s for s in home}
    assert shown[str(plain.id)]["filtered"] == []
    [result] = shown[str(spoilers.id)]["filtered"]
    assert result["filter"]["id"] == warned["id"]
    assert result["filter"]["title"] == "Films"
    assert result["filter"]["filter_action"] == "warn"
    assert result["keyword_matches"] == ["spoilerfilm"]
    assert result["status_matches"] is None
    # A repost of a filtered post is filtered as the post is.
    statuses.reblog(alice, lunch.id)
    assert str(lunch.id) not in [s["reblog"] and s["reblog"]["id"] for s in body(as_bob.get("/api/v1/timelines/home"))]


def test_a_filter_applies_only_in_its_contexts(alice, bob, as_bob, api_client):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "More about broccoli")
    make_filter(as_bob, "Vegetables", ["public"], action="hide", keywords=["broccoli"])
    assert ids(body(as_bob.get("/api/v1/timelines/public"))) == []
    assert ids(body(as_bob.get("/api/v1/timelines/tag/anything"))) == []
    # Not in home, not in the account's posts, and for nobody else.
    assert ids(body(as_bob.get("/api/v1/timelines/home"))) == [str(post.id)]
    assert ids(body(as_bob.get(f"/api/v1/accounts/{alice.id}/statuses"))) == [str(post.id)]
    assert ids(body(api_client(alice).get("/api/v1/timelines/public"))) == [str(post.id)]


def test_a_hashtag_timeline_and_an_account_and_a_thread_are_filtered(alice, bob, as_bob):
    first = statuses.post_status(alice, "Talking about #food and broccoli")
    reply = statuses.post_status(alice, "@alice more broccoli", in_reply_to_id=first.id)
    statuses.post_status(alice, "nothing to see")
    make_filter(as_bob, "Veg", ["public", "account", "thread"], action="hide", keywords=["broccoli"])
    assert body(as_bob.get("/api/v1/timelines/tag/food")) == []
    assert str(first.id) not in ids(body(as_bob.get(f"/api/v1/accounts/{alice.id}/statuses")))
    thread = body(as_bob.get(f"/api/v1/statuses/{first.id}/context"))
    assert thread["descendants"] == []
    # Asked for by itself, a hidden post is still given, marked as filtered.
    one = body(as_bob.get(f"/api/v1/statuses/{reply.id}"))
    assert one["filtered"][0]["filter"]["filter_action"] == "hide"


def test_a_filter_on_notifications_hides_the_notification(alice, bob, as_bob, carol):
    statuses.post_status(alice, "@bob broccoli again")
    statuses.post_status(carol, "@bob hello")
    assert len(body(as_bob.get("/api/v1/notifications"))) == 2
    make_filter(as_bob, "Veg", ["notifications"], action="hide", keywords=["broccoli"])
    [left] = body(as_bob.get("/api/v1/notifications"))
    assert left["account"]["username"] == "carol"
    # A warn filter keeps it, marked.
    make_filter(as_bob, "Hello", ["notifications"], keywords=["hello"])
    [marked] = body(as_bob.get("/api/v1/notifications"))
    assert marked["status"]["filtered"][0]["keyword_matches"] == ["hello"]


def test_spoilers_and_media_descriptions_are_matched_and_ones_own_posts_never(alice, bob, as_bob, api_client):
    accounts.follow(bob, alice)
    accounts.follow(alice, bob)
    behind = statuses.post_status(alice, "look", spoiler_text="Broccoli inside")
    own = statuses.post_status(bob, "my broccoli")
    make_filter(as_bob, "Veg", ["home"], keywords=["broccoli"])
    shown = {s["id"]: s for s in body(as_bob.get("/api/v1/timelines/home"))}
    assert shown[str(behind.id)]["filtered"][0]["keyword_matches"] == ["broccoli"]
    assert shown[str(own.id)]["filtered"] == []


def test_whole_words_in_hindi_and_kazakh(alice, bob, as_bob):
    accounts.follow(bob, alice)
    # राम then a vowel sign is another word (रामायण); the standard `re` would see a boundary there.
    ramayana = statuses.post_status(alice, "रामायण पढ़ी")
    ram = statuses.post_status(alice, "राम ने कहा")
    almaz = statuses.post_status(alice, "Алмаз жарқырайды")
    alma = statuses.post_status(alice, "Алма тәтті екен")
    make_filter(as_bob, "Words", ["home"], keywords=["राम", "алма"])
    parts = make_filter(as_bob, "Parts", ["home"], keywords=["रामा"], whole_word=False)
    shown = {s["id"]: s["filtered"] for s in body(as_bob.get("/api/v1/timelines/home"))}
    assert [r["keyword_matches"] for r in shown[str(ram.id)]] == [["राम"]]
    assert [r["keyword_matches"] for r in shown[str(alma.id)]] == [["алма"]]  # any case
    assert shown[str(almaz.id)] == []
    assert [r["filter"]["id"] for r in shown[str(ramayana.id)]] == [parts["id"]]


def test_words_in_a_script_without_spaces_are_found_inside_the_text(alice, bob, as_bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "今日はブロッコリーを食べた")
    make_filter(as_bob, "Veg", ["home"], keywords=["ブロッコリー"])
    [shown] = body(as_bob.get("/api/v1/timelines/home"))
    assert shown["id"] == str(post.id) and shown["filtered"][0]["keyword_matches"] == ["ブロッコリー"]


def test_a_filtered_post_and_an_expired_filter(alice, bob, as_bob):
    accounts.follow(bob, alice)
    post = statuses.post_status(alice, "a post bob is tired of")
    other = statuses.post_status(alice, "broccoli")
    made = make_filter(as_bob, "That one", ["home"], action="hide")
    added = body(as_bob.post(f"/api/v2/filters/{made['id']}/statuses", {"status_id": post.id}))
    assert added["status_id"] == str(post.id)
    make_filter(as_bob, "Old", ["home"], action="hide", keywords=["broccoli"])
    assert ids(body(as_bob.get("/api/v1/timelines/home"))) == []
    Filter.objects.filter(title="Old").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ids(body(as_bob.get("/api/v1/timelines/home"))) == [str(other.id)]
    as_bob.delete(f"/api/v2/filters/statuses/{added['id']}")
    assert ids(body(as_bob.get("/api/v1/timelines/home"))) == [str(other.id), str(post.id)]


def test_filters_are_their_owners_only(alice, bob, as_bob, api_client):
    made = make_filter(as_bob, "Mine", ["home"], keywords=["x"])
    as_alice = api_client(alice)
    assert as_alice.get(f"/api/v2/filters/{made['id']}").status_code == 404
    assert as_alice.delete(f"/api/v2/filters/keywords/{made['keywords'][0]['id']}").status_code == 404
    assert body(as_alice.get("/api/v2/filters")) == []
    assert as_bob.post("/api/v2/filters", {"title": "", "context[]": ["home"]}).status_code == 422
    assert as_bob.post("/api/v2/filters", {"title": "No context"}).status_code == 422
    unknown_action = {"title": "t", "context[]": ["home"], "filter_action": "x"}
    assert as_bob.post("/api/v2/filters", unknown_action).status_code == 422


def test_v1_filters_are_the_keywords_of_v2_filters(bob, as_bob):
    made = body(as_bob.post("/api/v1/filters", {"phrase": "broccoli", "context[]": ["home", "public"],
                                                "irreversible": "true", "whole_word": "false"}))
    assert made["phrase"] == "broccoli" and made["irreversible"] is True and made["whole_word"] is False
    [v2] = body(as_bob.get("/api/v2/filters"))
    assert v2["title"] == "broccoli" and v2["filter_action"] == "hide"
    assert v2["keywords"] == [{"id": made["id"], "keyword": "broccoli", "whole_word": False}]
    changed = body(as_bob.put(f"/api/v1/filters/{made['id']}", "phrase=kale&irreversible=false",
                              content_type="application/x-www-form-urlencoded"))
    assert changed["phrase"] == "kale" and changed["irreversible"] is False
    assert body(as_bob.get("/api/v1/filters")) == [changed]
    as_bob.delete(f"/api/v1/filters/{made['id']}")
    assert body(as_bob.get("/api/v2/filters")) == []


def test_keywords_through_mastodon_py(alice, bob, mastodon_for):
    accounts.follow(bob, alice)
    api = mastodon_for(bob)
    made = api.create_filter_v2(
        "Vegetables", ["home", "notifications"], "warn",
        keywords_attributes=[{"keyword": "broccoli", "whole_word": True}],
    )
    assert made.title == "Vegetables" and [k.keyword for k in made.keywords] == ["broccoli"]
    kale = api.add_filter_keyword_v2(made.id, "kale", whole_word=False)
    assert [k.keyword for k in api.filter_keywords_v2(made.id)] == ["broccoli", "kale"]
    post = statuses.post_status(alice, "Curly kalette")
    [shown] = api.timeline_home()
    assert shown.id == str(post.id) and shown.filtered[0].keyword_matches == ["kale"]
    api.delete_filter_keyword_v2(kale.id)
    assert api.timeline_home()[0].filtered == []
    status_filter = api.add_filter_status_v2(made.id, post.id)
    assert api.filter_status_v2(status_filter.id).status_id == str(post.id)
    assert [fs.id for fs in api.filter_statuses_v2(made.id)] == [status_filter.id]
    assert api.timeline_home()[0].filtered[0].status_matches == [str(post.id)]
    changed = api.update_filter_v2(made.id, title="Greens", filter_action="hide")
    assert changed.title == "Greens" and api.timeline_home() == []
    assert [f.id for f in api.filters_v2()] == [made.id]
    api.delete_filter_v2(made.id)
    assert api.filters_v2() == [] and [s.id for s in api.timeline_home()] == [str(post.id)]
    # v1, as older apps ask.
    old = api.filter_create("broccoli", ["home"], irreversible=True)
    assert [f.phrase for f in api.filters()] == ["broccoli"] and api.filter(old.id).irreversible is True
    api.filter_delete(old.id)
    assert api.filters() == []
