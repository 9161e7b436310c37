"""The real toot CLI (0.52.1) posts a poll and schedules a post, as it sends them (JSON bodies)."""

from chirvir.polls.models import Poll
from chirvir.scheduled.models import ScheduledStatus


def test_toot_posts_a_poll_and_schedules_a_post(toot, live_server, make_account):
    make_account("alice", email="alice@example.com")
    toot("login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", "a long password 7")
    posted = toot("post", "Chai or coffee?", "--poll-option", "Chai", "--poll-option", "Coffee",
                  "--poll-expires-in", "1h", "--poll-multiple")
    assert "Toot posted" in posted
    poll = Poll.objects.get()
    assert poll.options == ["Chai", "Coffee"] and poll.multiple and not poll.hide_totals
    scheduled = toot("post", "Later", "--scheduled-in", "10m")
    assert "scheduled" in scheduled.lower()
    assert ScheduledStatus.objects.get().params["text"] == "Later"
    refused = toot("post", "Too soon", "--scheduled-in", "1m", fails=True)
    assert "The scheduled date must be in the future" in refused
