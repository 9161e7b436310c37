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
