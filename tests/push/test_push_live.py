"""Web Push against a live Chirvir (`chirvir serve`, its job consumer included) and a push
service on loopback that decrypts what it gets with the subscription's keys: subscriptions made
and changed through Mastodon.py, a mention pushed in the recipient's language in both of
Mastodon's encodings, alerts and policy honoured, a 410 that ends the subscription, a 500 tried
again later, and a revoked token that takes its subscription with it."""

import time

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from tests.push.push_service import PushService, b64url, open_push
from tests.servers import manage, serving

PASSWORD = "a long password 7"
RETRY_DELAY = 0.5


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("push-serve")
    # Loopback endpoints allowed: the push service below is on 127.0.0.1, as none real is.
    settings = dict(CHIRVIR_RATE_LIMIT="0", CHIRVIR_PUSH_ALLOW_LOCAL="1", CHIRVIR_PUSH_RETRY_DELAY=str(RETRY_DELAY))
    with serving(data, **settings) as base:
        client_id, client_secret = Mastodon.create_app("Push tests", api_base_url=base)
        yield base, data, client_id, client_secret


@pytest.fixture
def service():
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def join(served):
    base, _data, client_id, client_secret = served

    def join(username: str) -> Mastodon:
        app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
        app.create_account(username, PASSWORD, f"{username}@example.com", agreement=True)
        return app

    return join


def another_token(served, username: str) -> Mastodon:
    """A second app of the same person (a second phone): a token of its own."""
    base, _data, client_id, client_secret = served
    app = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    app.log_in(f"{username}@example.com", PASSWORD, scopes=["read", "write", "follow", "push"], allow_http=True)
    return app


def server_key(base: str) -> str:
    return httpx.get(f"{base}/api/v2/instance").json()["configuration"]["vapid"]["public_key"]


def test_an_app_subscribes_reads_changes_and_ends_its_subscription(served, join, service):
    base = served[0]
    bob = join("sub_bob")
    private, public = bob.push_subscription_generate_keys()
    made = bob.push_subscription_set(service.endpoint("bob"), public, mention_events=True, follow_events=True)
    assert made.endpoint == service.endpoint("bob") and made.policy == "all" and made.standard is False
    assert made.alerts.mention is True and made.alerts.follow is True and made.alerts.favourite is False
    # The key apps check pushes against, the same everywhere the server names it.
    assert made.server_key == server_key(base) == bob.app_verify_credentials().vapid_key
    assert len(made.server_key) == 87
    assert bob.push_subscription().id == made.id

    changed = bob.push_subscription_update(favourite_events=True, mention_events=False, policy="follower")
    assert changed.id == made.id and changed.policy == "follower"
    assert (changed.alerts.favourite, changed.alerts.mention, changed.alerts.follow) == (True, False, True)

    again = bob.push_subscription_set(service.endpoint("bob-2"), public, reblog_events=True)
    assert again.endpoint == service.endpoint("bob-2") and bob.push_subscription().id == again.id  # one per token

    bob.push_subscription_delete()
    with pytest.raises(MastodonNotFoundError):
        bob.push_subscription()
    with pytest.raises(MastodonNotFoundError):
        bob.push_subscription_update(mention_events=True)
    with pytest.raises(MastodonAPIError) as refused:
        bob.push_subscription_set(service.endpoint("bob"), {"pubkey": b"not a key", "auth": public["auth"]})
    assert refused.value.args[1] == 422


def test_a_mention_reaches_each_of_the_recipients_apps_encrypted_and_in_their_language(served, join, service):
    base, data = served[0], served[1]
    alice, bob = join("lang_alice"), join("lang_bob")
    alice.account_update_credentials(display_name="Alice")
    manage(data, "shell", "-c", "from chirvir.accounts.models import Account; "
           "Account.objects.filter(username='lang_bob').update(language='de')")
    # One phone on Mastodon's older encoding (Mastodon.py's), one on RFC 8291's, as browsers subscribe.
    legacy_private, legacy_public = bob.push_subscription_generate_keys()
    bob.push_subscription_set(service.endpoint("legacy"), legacy_public, mention_events=True)
    phone = another_token(served, "lang_bob")
    private, public = phone.push_subscription_generate_keys()
    answer = httpx.post(
        f"{base}/api/v1/push/subscription",
        headers={"Authorization": f"Bearer {phone.access_token}"},
        json={
            "subscription": {
                "endpoint": service.endpoint("standard"),
                "keys": {"p256dh": b64url(public["pubkey"]), "auth": b64url(public["auth"])},
                "standard": True,
            },
            "data": {"alerts": {"mention": True}},
        },
    )
    assert answer.status_code == 200 and answer.json()["standard"] is True

    alice.status_post("@lang_bob Tee um fünf?")
    pushes = {p.path: p for p in (service.next(), service.next())}
    key = server_key(base)
    notification = bob.notifications()[0]
    for path, app, keys in [("/push/legacy", bob, legacy_private), ("/push/standard", phone, private)]:
        payload = open_push(app, pushes[path], keys, key, service.origin)
        assert payload["notification_type"] == "mention" and str(payload["notification_id"]) == str(notification.id)
        assert payload["title"] == "Alice hat dich erwähnt" and payload["preferred_locale"] == "de"
        assert payload["body"] == "@lang_bob Tee um fünf?"
        assert payload["access_token"] == app.access_token  # which of the app's accounts it is for
    assert pushes["/push/standard"].headers["content-encoding"] == "aes128gcm"
    assert int(pushes["/push/standard"].headers["ttl"]) > 0
    assert service.nothing_more()


def test_only_the_alerts_asked_for_from_the_accounts_the_policy_names_are_pushed(join, service):
    alice, bob, carol = join("pol_alice"), join("pol_bob"), join("pol_carol")
    _private, public = bob.push_subscription_generate_keys()
    bob.push_subscription_set(service.endpoint("bob"), public, mention_events=True, policy="followed")
    post = bob.status_post("Anyone for tea?")

    carol.status_post("@pol_bob I am not followed")  # the policy leaves her out
    alice.status_favourite(post.id)  # likes were not asked for
    alice.account_follow(bob.me().id)  # nor follows
    bob.account_follow(alice.me().id)
    alice.status_post("@pol_bob now you follow me")

    arrived = service.next()
    assert service.nothing_more()
    assert arrived.path == "/push/bob"


def test_a_push_service_that_says_gone_ends_the_subscription(join, service):
    alice, bob = join("gone_alice"), join("gone_bob")
    _private, public = bob.push_subscription_generate_keys()
    bob.push_subscription_set(service.endpoint("bob"), public, mention_events=True)
    service.answers = [410]
    alice.status_post("@gone_bob are you there?")
    service.next()
    # The job ends the subscription once the 410 has reached it, a moment after the service sent it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            bob.push_subscription()
        except MastodonNotFoundError:
            break
        time.sleep(0.2)
    with pytest.raises(MastodonNotFoundError):
        bob.push_subscription()
    alice.status_post("@gone_bob hello?")
    assert service.nothing_more()


def test_a_push_service_that_fails_is_tried_again_later_each_time_later(join, service):
    alice, bob = join("retry_alice"), join("retry_bob")
    private, public = bob.push_subscription_generate_keys()
    bob.push_subscription_set(service.endpoint("bob"), public, mention_events=True)
    service.answers = [500, 503]
    alice.status_post("@retry_bob third time lucky")
    first, second, third = service.next(), service.next(), service.next()
    assert first.body != second.body != third.body  # each try encrypted afresh
    assert second.at - first.at >= RETRY_DELAY and third.at - second.at >= 2 * RETRY_DELAY
    assert service.nothing_more()  # the 201 ended it
    assert bob.push_subscription().endpoint == service.endpoint("bob")


def test_revoking_the_token_ends_its_subscription(served, join, service):
    data = served[1]
    alice, bob = join("revoke_alice"), join("revoke_bob")
    _private, public = bob.push_subscription_generate_keys()
    bob.push_subscription_set(service.endpoint("bob"), public, mention_events=True)
    count = (
        "from chirvir.push.models import PushSubscription as P; "
        "print(P.objects.filter(account__username='revoke_bob').count())"
    )

    def held() -> str:
        return manage(data, "shell", "-c", count).splitlines()[-1]  # after the shell's own chatter

    assert held() == "1"
    bob.revoke_access_token(allow_http=True)
    assert held() == "0"
    alice.status_post("@revoke_bob still there?")
    assert service.nothing_more()
