"""The trends under the moderators' review through the admin API: every computed hashtag, link
and post, hidden ones too; rejecting one takes it off the public trends at once, approving it
puts it back; refused (403) without the role or the admin scopes."""

import pytest
from django.test import Client

from chirvir.statuses import services as statuses
from chirvir.statuses.models import Tag
from chirvir.trends import services as trends
from chirvir.trends.models import HiddenTrend
from tests.moderation.conftest import ADMIN_SCOPES

URL = "https://news.example.com/story"
PLURALS = {"tag": "tags", "link": "links", "status": "statuses"}


@pytest.fixture
def trending(make_account):
    """A hashtag, a link and a post trending among five people."""
    people = [make_account(f"person{n}") for n in range(5)]
    for person in people:
        statuses.post_status(person, f"#Rumour read {URL}")
    popular = statuses.post_status(people[0], "a popular post")
    for person in people[1:]:
        statuses.favourite(person, popular.id)
        statuses.reblog(person, popular.id)
    trends.refresh_trends()
    return {"tag": Tag.objects.get(name="rumour").id, "link": trends.link_id(URL), "status": popular.id}


def public(kind):
    return Client().get(f"/api/v1/trends/{kind}").json()


def test_a_moderator_rejects_and_approves_trends(as_moderator, trending):
    tags = as_moderator.get("/api/v1/admin/trends/tags").json()
    assert [(t["name"], t["id"], t["trendable"]) for t in tags] == [("rumour", str(trending["tag"]), True)]
    links = as_moderator.get("/api/v1/admin/trends/links").json()
    assert [(c["url"], c["id"]) for c in links] == [(URL, str(trending["link"]))]
    posts = as_moderator.get("/api/v1/admin/trends/statuses").json()
    assert str(trending["status"]) in [p["id"] for p in posts]

    for one, kind, found in (("tag", "tags", "name"), ("link", "links", "url"), ("status", "statuses", "id")):
        before = [item[found] for item in public(kind)]
        assert before, kind
        rejected = as_moderator.post(f"/api/v1/admin/trends/{kind}/{trending[one]}/reject")
        assert rejected.status_code == 200, (kind, rejected.content)
        gone = [item[found] for item in public(kind)]
        assert len(gone) == len(before) - 1, kind  # off the public list at once
        if kind != "statuses":
            assert rejected.json()["trendable"] is False
            again = as_moderator.get(f"/api/v1/admin/trends/{kind}").json()
            assert [item["trendable"] for item in again] == [False]  # moderators still see it
    assert HiddenTrend.objects.count() == 3

    for one, kind in PLURALS.items():
        approved = as_moderator.post(f"/api/v1/admin/trends/{kind}/{trending[one]}/approve")
        assert approved.status_code == 200, kind
    assert not HiddenTrend.objects.exists()
    assert [t["name"] for t in public("tags")] == ["rumour"]
    assert [c["url"] for c in public("links")] == [URL]
    assert as_moderator.post("/api/v1/admin/trends/links/12345/reject").status_code == 404


def test_the_trends_review_is_refused_without_the_role_or_the_scopes(api_client, moderator, bob, trending):
    normal = api_client(bob, ADMIN_SCOPES)
    unscoped = api_client(moderator)
    paths = [("get", f"/api/v1/admin/trends/{kind}") for kind in ("tags", "links", "statuses")]
    paths += [
        ("post", f"/api/v1/admin/trends/{kind}/{trending[one]}/{verb}")
        for one, kind in PLURALS.items()
        for verb in ("approve", "reject")
    ]
    for method, path in paths:
        assert getattr(normal, method)(path).status_code == 403, path
        assert getattr(unscoped, method)(path).status_code == 403, path
    assert not HiddenTrend.objects.exists()
