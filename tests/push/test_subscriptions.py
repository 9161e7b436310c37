"""A push subscription lives and ends with its token: revoking the token through OAuth, as an
app signing out does, ends it at once, and the other tokens' subscriptions stay."""

from django.test import Client
from mastodon import Mastodon

from chirvir.oauth import services as auth
from chirvir.push.models import PushSubscription
from tests.push.push_service import b64url

KEYS = Mastodon.push_subscription_generate_keys(None)[1]


def test_revoking_a_token_ends_its_subscription_and_no_other(bob, settings):
    settings.PUSH_ALLOW_LOCAL = True
    application, client_id, client_secret = auth.create_application("Phone", scopes="read write follow push")
    phone, tablet = auth.issue_token(application, bob), auth.issue_token(application, bob)
    for token, name in ((phone, "phone"), (tablet, "tablet")):
        made = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
            "/api/v1/push/subscription",
            {
                "subscription[endpoint]": f"http://127.0.0.1:9/{name}",
                "subscription[keys][p256dh]": b64url(KEYS["pubkey"]),
                "subscription[keys][auth]": b64url(KEYS["auth"]),
                "data[alerts][mention]": "true",
            },
        )
        assert made.status_code == 200 and made.json()["alerts"]["mention"] is True
    revoked = Client().post("/oauth/revoke", {"client_id": client_id, "client_secret": client_secret, "token": phone})
    assert revoked.status_code == 200
    assert [s.endpoint for s in PushSubscription.objects.all()] == ["http://127.0.0.1:9/tablet"]
