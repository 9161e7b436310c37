"""The admin dashboard's numbers through the admin API, from the data: measures (active and new
users, interactions, opened and resolved reports) per day with the period before, the languages
posted in, and sign-up cohorts' retention; unknown keys left out, as Mastodon leaves them out;
refused (403) without the role or the admin scopes."""

from datetime import timedelta

from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.moderation import services as moderation
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.moderation.conftest import ADMIN_SCOPES


def dashboard(client, what, **fields):
    return client.post(f"/api/v1/admin/{what}", fields, content_type="application/json")


def test_measures_count_what_happened_each_day(as_moderator, moderator, alice, bob, carol):
    today = timezone.now().date()
    yesterday = today - timedelta(days=1)
    # Carol joined the day before yesterday and posted then; today alice posts, bob replies, likes
    # and reposts.
    Account.objects.filter(pk=carol.pk).update(date_joined=timezone.now() - timedelta(days=2), last_login=None)
    Account.objects.filter(pk__in=[alice.pk, bob.pk, moderator.pk]).update(last_login=None)
    old = statuses.post_status(carol, "long ago", language="de")
    Status.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    post = statuses.post_status(alice, "hello", language="en")
    statuses.post_status(bob, "@alice hi", in_reply_to_id=post.id, language="en")
    statuses.favourite(bob, post.id)
    statuses.reblog(bob, post.id)
    made = moderation.report(bob, alice, comment="rude")
    moderation.resolve(moderator, made)

    keys = ["active_users", "new_users", "interactions", "opened_reports", "resolved_reports", "unknown_key"]
    answer = dashboard(as_moderator, "measures", keys=keys, start_at=str(yesterday), end_at=str(today))
    assert answer.status_code == 200, answer.content
    got = {m["key"]: m for m in answer.json()}
    assert list(got) == keys[:-1]  # the unknown key is left out
    totals = {key: (m["total"], m["previous_total"], [d["value"] for d in m["data"]]) for key, m in got.items()}
    assert totals == {
        "active_users": ("2", "1", ["0", "2"]),  # alice and bob today; carol the day before yesterday
        "new_users": ("3", "1", ["0", "3"]),  # the moderator, alice and bob
        "interactions": ("3", "0", ["0", "3"]),  # the reply, the like, the repost
        "opened_reports": ("1", "0", ["0", "1"]),
        "resolved_reports": ("1", "0", ["0", "1"]),
    }
    assert got["new_users"]["data"][1]["date"].startswith(str(today))

    week = {"start_at": str(today - timedelta(days=3)), "end_at": str(today)}
    languages = dashboard(as_moderator, "dimensions", keys=["languages", "servers"], **week)
    assert languages.json() == [
        {
            "key": "languages",
            "data": [{"key": "en", "human_key": "en", "value": "2"}, {"key": "de", "human_key": "de", "value": "1"}],
        }
    ]

    days = {"start_at": str(today - timedelta(days=2)), "end_at": str(today)}
    cohorts = dashboard(as_moderator, "retention", frequency="day", **days)
    first = cohorts.json()[0]  # carol's day: she was active then, not since
    assert [(d["value"], d["rate"]) for d in first["data"]] == [("1", 1.0), ("0", 0.0), ("0", 0.0)]
    last = cohorts.json()[-1]  # today's sign-ups: alice and bob of the three were active
    assert [(d["value"], d["rate"]) for d in last["data"]] == [("2", 2 / 3)]

    for start_at, end_at in (("soon", str(today)), (str(today), str(yesterday))):
        wrong = dashboard(as_moderator, "measures", keys=["new_users"], start_at=start_at, end_at=end_at)
        assert wrong.status_code == 422, (start_at, end_at)
    long_ago = str(today - timedelta(days=1000))
    too_long = dashboard(as_moderator, "retention", start_at=long_ago, end_at=str(today), frequency="day")
    assert too_long.status_code == 422


def test_the_dashboard_is_refused_without_the_role_or_the_scopes(api_client, moderator, bob):
    normal, unscoped = api_client(bob, ADMIN_SCOPES), api_client(moderator)
    fields = {"keys": ["new_users", "languages"], "start_at": "2026-11-01", "end_at": "2026-11-30"}
    for what in ("measures", "dimensions", "retention"):
        assert dashboard(normal, what, **fields).status_code == 403, what
        assert dashboard(unscoped, what, **fields).status_code == 403, what
