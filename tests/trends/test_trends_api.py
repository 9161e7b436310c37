"""Trends through the API, as a client app sees them: a hashtag burst against a steady
background trends, a busy-as-always hashtag and one account's spam do not; per language;
links and posts; what an operator hides; what an anonymous visitor may not read never counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from chirvir.trends import services as trends
from chirvir.trends.models import Trend, TrendKind


@pytest.fixture
def people(make_account):
    return [make_account(f"person{n}") for n in range(8)]


def post(author, text, hours_ago=0.0, **options):
    status = statuses.post_status(author, text, **options)
    if hours_ago:
        Status.objects.filter(id=status.id).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return status


def steady_background(people, tag):
    """Four accounts use the tag in every three hours of the past week, and again now."""
    for window in range(0, 7 * 8):
        for person in people[:4]:
            post(person, f"as always #{tag}", hours_ago=window * 3 + 1)


def tag_names(client, query=""):
    answer = client.get(f"/api/v1/trends/tags{query}")
    assert answer.status_code == 200
    return [t["name"] for t in answer.json()]


def test_a_burst_trends_against_a_steady_background_and_spam_does_not(people):
    steady_background(people, "coffee")
    for person in people[:5]:
        post(person, "It is happening #Eclipse")
    for _ in range(30):
        post(people[7], "buy now #Spam")
    trends.refresh_trends()

    client = Client()
    assert tag_names(client) == ["eclipse"]  # not #coffee, always this busy; not one account's #spam
    eclipse = client.get("/api/v1/trends").json()[0]  # Mastodon's older path, for Mastodon.py's trends()
    assert eclipse["url"].endswith("/tags/eclipse")
    today = eclipse["history"][0]
    assert len(eclipse["history"]) == 7 and (today["uses"], today["accounts"]) == ("5", "5")
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    assert today["day"] == str(int(midnight.timestamp()))
    assert [day["uses"] for day in eclipse["history"][1:]] == ["0"] * 6


def test_two_accounts_are_not_yet_a_trend(people):
    for person in people[:2]:
        post(person, "#Quiet")
    trends.refresh_trends()
    assert tag_names(Client()) == []


def test_trends_per_language_from_the_parameter_or_the_posting_language(people, api_client):
    for person in people[:3]:
        post(person, "Бүгін #Наурыз", language="kk")
    for person in people[3:7]:
        post(person, "Today #Marathon", language="en")
    trends.refresh_trends()

    client = Client()
    assert tag_names(client) == ["marathon", "наурыз"]  # four accounts before three
    assert tag_names(client, "?language=kk") == ["наурыз"]
    assert tag_names(client, "?language=en&limit=1&offset=0") == ["marathon"]
    assert tag_names(client, "?offset=1") == ["наурыз"]
    accounts.update_profile(people[0], posting_language="kk")
    assert tag_names(api_client(people[0])) == ["наурыз"]


def test_protected_and_followers_only_posts_never_count(people):
    accounts.update_profile(people[0], locked=True)
    post(people[0], "#Secret")
    for person in people[1:3]:
        post(person, "#Secret", visibility="private")
    for person in people[3:5]:
        post(person, "#Secret")
    post(people[5], "#Secret", visibility="unlisted")
    trends.refresh_trends()
    assert tag_names(Client()) == []  # only two accounts posted it where anyone may read it


def test_an_operator_hides_a_trend_in_the_admin(people, make_account, client):
    for person in people[:3]:
        post(person, "#Rumour and #News")
    trends.refresh_trends()
    assert sorted(tag_names(Client())) == ["news", "rumour"]

    operator = make_account("operator")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    form = {"kind": "tag", "key": "#RUMOUR", "created_at_0": "2026-01-01", "created_at_1": "00:00:00"}
    added = client.post("/admin/trends/hiddentrend/add/", form)
    assert added.status_code == 302, added.content[:2000]
    assert tag_names(Client()) == ["news"]  # at once, without a refresh

    listed = client.get("/admin/trends/trend/")
    assert listed.status_code == 200 and b"news" in listed.content
    news = trends.trends(TrendKind.TAG)[0]
    hidden = client.post("/admin/trends/trend/", {"action": "hide", "_selected_action": [news.id]})
    assert hidden.status_code == 302
    assert tag_names(Client()) == []


def test_trending_links_as_cards_with_history(people):
    steady = "https://example.org/always"
    for window in range(0, 7 * 8):
        for person in people[:4]:
            post(person, f"see {steady}", hours_ago=window * 3 + 1)
    for person in people[:3]:
        post(person, "Read https://news.example.com/story and https://news.example.com/story again")
    accounts.update_profile(people[7], locked=True)
    post(people[7], "https://locked.example.net/x")
    for person in people[4:6]:
        post(person, "https://locked.example.net/x")
    trends.refresh_trends()

    cards = Client().get("/api/v1/trends/links").json()
    assert [c["url"] for c in cards] == ["https://news.example.com/story"]
    card = cards[0]
    assert card["title"] == card["url"] and card["type"] == "link" and card["image"] is None
    assert (card["history"][0]["uses"], card["history"][0]["accounts"]) == ("3", "3")


def test_trending_posts_by_distinct_accounts_reposts_and_likes(people, api_client):
    popular = post(people[0], "a good one")
    liked_alone = post(people[1], "liked by its author and one other")
    hidden_away = post(people[2], "followers only", visibility="private")
    accounts.update_profile(people[6], locked=True)
    protected = post(people[6], "public, but its author is protected")
    for person in people[3:6]:
        statuses.favourite(person, popular.id)
    statuses.reblog(people[6], popular.id)
    statuses.favourite(people[1], liked_alone.id)
    statuses.favourite(people[3], liked_alone.id)
    for person in people[3:6]:
        accounts.follow(person, people[2])
        statuses.favourite(person, hidden_away.id)  # its followers may like it; it still never trends
        accounts.follow(person, people[6])
        accounts.approve_follow_request(people[6], person)
        statuses.favourite(person, protected.id)
    trends.refresh_trends()

    shown = Client().get("/api/v1/trends/statuses").json()
    assert [s["id"] for s in shown] == [str(popular.id)]
    assert hidden_away.id not in [int(s["id"]) for s in shown]
    assert not Trend.objects.filter(key__in=[str(hidden_away.id), str(protected.id)]).exists()  # never counted

    # A viewer who blocks the author does not see it; and an operator can hide a post.
    accounts.block(people[7], people[0])
    assert api_client(people[7]).get("/api/v1/trends/statuses").json() == []
    trends.hide_trend(TrendKind.STATUS, str(popular.id))
    assert Client().get("/api/v1/trends/statuses").json() == []


def test_the_answers_are_as_the_openapi_document_describes_them(people):
    import jsonschema_rs

    from chirvir.api.openapi import build

    first = post(people[0], "#Docs https://example.com/docs")
    for person in people[1:4]:
        post(person, "#Docs https://example.com/docs")
        statuses.favourite(person, first.id)
    trends.refresh_trends()
    components = build()["components"]
    for path, entity in [("tags", "Tag"), ("links", "PreviewCard"), ("statuses", "Status")]:
        answer = Client().get(f"/api/v1/trends/{path}").json()
        assert len(answer) == 1, path
        schema = {"type": "array", "items": {"$ref": f"#/components/schemas/{entity}"}, "components": components}
        jsonschema_rs.Draft202012Validator(schema).validate(answer)


def test_paging_past_the_end_is_empty_not_an_error(people):
    for person in people[:3]:
        post(person, "#Paging")
    trends.refresh_trends()
    client = Client()
    assert tag_names(client, "?offset=1") == []
    assert tag_names(client, f"?offset={10 ** 30}&limit=-5") == []


def test_the_periodic_job_refreshes_the_lists(people):
    from chirvir.trends.tasks import trends_refresh_job

    for person in people[:3]:
        post(person, "#Scheduled")
    assert tag_names(Client()) == []
    trends_refresh_job.call_local()
    assert tag_names(Client()) == ["scheduled"]


def test_mastodon_py_reads_the_trends(people, mastodon_for):
    popular = post(people[0], "#Live https://example.com/live")
    for person in people[1:3]:
        post(person, "#Live https://example.com/live")
    for person in people[3:6]:
        statuses.favourite(person, popular.id)
    trends.refresh_trends()
    mastodon = mastodon_for(people[7])
    assert [t["name"] for t in mastodon.trending_tags()] == ["live"]
    assert [t["name"] for t in mastodon.trends()] == ["live"]
    assert [c["url"] for c in mastodon.trending_links()] == ["https://example.com/live"]
    assert [str(s["id"]) for s in mastodon.trending_statuses()] == [str(popular.id)]
