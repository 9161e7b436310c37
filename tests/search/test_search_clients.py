"""Real clients search a real server: Mastodon.py against `chirvir serve` (a post is found at
once after it is posted, and a private one only by a follower), and the toot CLI's `search`,
`whois` and `follow`, which find accounts through search."""

import time

from mastodon import Mastodon

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Follow
from chirvir.statuses import services as statuses
from tests.servers import serving

PASSWORD = "a long password 7"


def joined(base: str, client_id: str, client_secret: str, username: str) -> Mastodon:
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    api.create_account(username, PASSWORD, f"{username}@example.com", agreement=True)
    return api


def test_mastodon_py_finds_a_post_within_a_second_of_posting_and_only_where_the_gate_allows(tmp_path):
    with serving(tmp_path, CHIRVIR_RATE_LIMIT="0") as base:
        client_id, client_secret = Mastodon.create_app("Search tests", api_base_url=base)
        alice, bob, carol = (joined(base, client_id, client_secret, name) for name in ("alice", "bob", "carol"))
        alice.account_update_credentials(display_name="Алия Нұрлан")
        bob.account_follow(alice.me().id)

        for text, word in [
            ("मौसम आज बहुत सुहाना है", "सुहाना"),
            ("Ертең Астанаға барамыз", "астанаға"),
            ("お花見は楽しかったです", "花見"),
        ]:
            posted = alice.status_post(text)
            started = time.monotonic()
            results = bob.search_v2(word, result_type="statuses")
            assert time.monotonic() - started < 1.0
            assert [s.id for s in results.statuses] == [posted.id]

        secret = alice.status_post("a quiet garden party", visibility="private")
        assert [s.id for s in bob.search_v2("garden", result_type="statuses").statuses] == [secret.id]
        assert carol.search_v2("garden", result_type="statuses").statuses == []

        people = carol.search_v2("алия", result_type="accounts").accounts
        assert [a.acct for a in people] == ["alice"]
        everything = carol.search_v2("alice")  # Mastodon.py's defaults: resolve and exclude_unreviewed
        assert everything.accounts[0].acct == "alice" and everything.hashtags == []


def test_toot_searches_and_finds_accounts_to_show_and_follow(toot, live_server, make_account):
    alice = make_account("alice", email="alice@example.com", display_name="Alice")
    make_account("bobby", display_name="Bobby Tables")
    bob = make_account("bob", display_name="Bob Builder")
    statuses.post_status(bob, "Building a #birdhouse today")
    toot("login_cli", "--instance", live_server.url, "--email", "alice@example.com", "--password", PASSWORD)

    found = toot("search", "bob")
    assert "@bob" in found and "@bobby" in found
    assert "#birdhouse" in toot("search", "birdh")
    statuses_found = toot("search", "birdhouse", "--type", "statuses")
    assert str(bob.statuses.get().id) in statuses_found

    assert "Bob Builder" in toot("whois", "bob")  # the exact acct, though "bobby" starts alike
    toot("follow", "bob")
    assert Follow.objects.filter(account=alice, target_account=bob).exists()
    assert not Follow.objects.filter(account=alice, target_account__username="bobby").exists()
    accounts.block(bob, alice)
    assert "Account not found" in toot("whois", "bob", fails=True)  # a block hides the account from search
