"""The real toot CLI (0.52.1) against a live Chirvir: log in with a password, post, and read the
home timeline, each command a subprocess with a config directory of its own."""

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status


def test_log_in_post_and_read_the_home_timeline(toot, live_server, make_account, bob):
    alice = make_account("alice", email="alice@example.com", display_name="Alice")
    accounts.follow(alice, bob)
    statuses.post_status(bob, "Tea at five? #chirvir")

    # An http:// base URL as --instance: a bare domain would mean https://.
    logged_in = toot(
        "login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", "a long password 7"
    )
    assert "Successfully logged in" in logged_in
    assert "alice" in toot("auth")

    posted = toot("post", "Hello from toot, @bob!")
    assert "Toot posted" in posted
    mine = Status.objects.get(account=alice)
    assert mine.text == "Hello from toot, @bob!" and str(mine.id) in posted

    home = toot("timelines", "home", "--no-pager", "--no-clear")
    assert "Hello from toot, @bob!" in home and "Tea at five? #chirvir" in home
    assert home.index("Hello from toot") < home.index("Tea at five")  # newest first


def test_a_post_scheduled_in_a_duration_is_due_at_that_time_from_when_it_was_sent(toot, live_server, make_account):
    """`toot post --scheduled-in` (toot's own test of it is left out, tests/toot_integration.toml):
    the time toot prints is the server's scheduled_at, the duration after the moment it was sent,
    to the second, and the scheduled post is kept with it."""
    from datetime import datetime, timedelta, timezone

    from chirvir.scheduled.models import ScheduledStatus

    make_account("alice", email="alice@example.com")
    toot("login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", "a long password 7")
    durations = {"1 day 6 hours 13 minutes 51 second": timedelta(days=1, hours=6, minutes=13, seconds=51),
                 "2d6h": timedelta(days=2, hours=6)}
    for duration, delta in durations.items():
        before = datetime.now(timezone.utc).replace(microsecond=0)
        printed = toot("post", f"Later, in {duration}", "--scheduled-in", duration)
        after = datetime.now(timezone.utc)
        at = datetime.strptime(printed.split("Toot scheduled for: ", 1)[1].strip(), "%Y-%m-%d %H:%M:%S%z")
        assert before + delta <= at <= after + delta, (before, at, after)
        (kept,) = [s for s in ScheduledStatus.objects.all() if s.params["text"] == f"Later, in {duration}"]
        assert abs(kept.scheduled_at - at) < timedelta(seconds=1)
