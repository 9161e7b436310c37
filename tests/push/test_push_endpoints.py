"""Push endpoints are URLs that apps choose and the server calls: an attacker's app must not
make Chirvir POST into its own network. Through the API as such an app would try, and at send
time, when a name that was public when subscribed has since turned private."""

import pytest
from mastodon import Mastodon

from chirvir.push.models import PushSubscription
from chirvir.statuses import services as statuses
from tests.push.push_service import PushService, b64url

KEYS = Mastodon.push_subscription_generate_keys(None)[1]


def subscribe(client, endpoint: str):
    return client.post(
        "/api/v1/push/subscription",
        {
            "subscription": {
                "endpoint": endpoint,
                "keys": {"p256dh": b64url(KEYS["pubkey"]), "auth": b64url(KEYS["auth"])},
            },
            "data": {"alerts": {"mention": True}},
        },
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/push",  # this machine
        "https://localhost:8000/push",  # a name for it
        "https://[::1]/push",
        "https://[::ffff:127.0.0.1]/push",  # IPv4 in IPv6 clothing
        "https://10.1.2.3/push",  # the private network
        "https://192.168.0.1/push",
        "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "https://0.0.0.0/push",
        "http://push.example/push",  # plain http: anyone on the way could change it
        "https://user:secret@push.example/push",
        "file:///etc/passwd",
    ],
)
def test_an_endpoint_on_a_private_or_local_address_is_refused(as_bob, endpoint):
    refused = subscribe(as_bob, endpoint)
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"].startswith("Validation failed")
    assert not PushSubscription.objects.exists()


def test_the_setting_for_tests_and_development_allows_loopback(as_bob, settings):
    settings.PUSH_ALLOW_LOCAL = True
    assert subscribe(as_bob, "http://127.0.0.1:9/push").status_code == 200


def test_an_endpoint_that_turned_private_since_it_subscribed_gets_nothing_and_is_dropped(
    as_bob, alice, bob, settings
):
    service = PushService()
    try:
        settings.PUSH_ALLOW_LOCAL = True  # as if the name resolved to a public address then
        assert subscribe(as_bob, service.endpoint("bob")).status_code == 200
        settings.PUSH_ALLOW_LOCAL = False
        statuses.post_status(alice, "@bob look behind you")  # the job runs at once in tests
        assert service.nothing_more(wait=1)
        assert not PushSubscription.objects.exists()
    finally:
        service.close()


def test_a_push_needs_the_push_scope(api_client, bob):
    client = api_client(bob, "read write")
    assert subscribe(client, "https://push.example/push").status_code == 403
    assert client.get("/api/v1/push/subscription").status_code == 403
