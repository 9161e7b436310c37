"""toot's list commands (0.52.1) against a live Chirvir: make a list, see it, put a followed
account on it and read who is on it."""

from chirvir.accounts import services as accounts
from chirvir.lists.models import List


def test_toot_lists_and_list_add(toot, live_server, make_account, bob):
    alice = make_account("alice", email="alice@example.com")
    accounts.follow(alice, bob)
    toot("login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", "a long password 7")

    assert "List \"Tea\" created" in toot("list_create", "Tea", "--replies-policy", "list")
    assert "Tea" in toot("lists", "list")  # `toot lists` is a group of commands since 0.40
    assert List.objects.get(owner=alice).title == "Tea"
    # toot finds the account to add through GET /api/v2/search.
    assert "Added account \"bob\"" in toot("list_add", "Tea", "bob")
    assert "bob" in toot("lists", "accounts", "Tea")
    assert list(List.objects.get(owner=alice).members.values_list("account__username", flat=True)) == ["bob"]
