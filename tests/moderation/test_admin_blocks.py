"""The moderators' blocks through the admin API, and what they do to the attacker who comes back:
e-mail domains and canonical e-mail addresses refused at sign-up (API and web), IP blocks that
refuse sign-ups, send them to the waiting list, or refuse every request; Mastodon's domain blocks
answered as a server that does not federate. Each is refused (403) to a normal account's token
with the admin scopes and to a moderator's token without them."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chirvir.accounts.models import Account
from chirvir.moderation.models import CanonicalEmailBlock, EmailDomainBlock, IpBlock
from chirvir.oauth import services as auth
from tests.moderation.conftest import ADMIN_SCOPES

PASSWORD = "a long password 7"
ATTACKER = "192.0.2.7"
SOMEONE_ELSE = "198.51.100.9"


@pytest.fixture
def stranger():
    """An app (no user yet) signing people up from an address of our choosing, as a client would."""
    application, _client_id, _secret = auth.create_application("Sign-ups", scopes="read write follow")
    token = auth.issue_token(application, None, "read write follow")

    def make(address=ATTACKER, **headers):
        return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)

    return make


def sign_up(client, username="erin", email="erin@example.com"):
    return client.post(
        "/api/v1/accounts",
        {"username": username, "email": email, "password": PASSWORD, "agreement": "true"},
        content_type="application/json",
    )


def web_sign_up(address, username="erin", email="erin@example.com"):
    return Client(REMOTE_ADDR=address).post(
        "/signup", {"username": username, "email": email, "password": PASSWORD, "password_again": PASSWORD}
    )


def block_routes():
    """(method, path, body) of every block operation; the :id ones aim at blocks that exist."""
    domain = EmailDomainBlock.objects.create(domain="kept.example")
    ip = IpBlock.objects.create(ip="203.0.113.0/24", severity="sign_up_block")
    canonical = CanonicalEmailBlock.objects.create(canonical_email_hash="0" * 64)
    return [
        ("get", "/api/v1/admin/email_domain_blocks", {}),
        ("post", "/api/v1/admin/email_domain_blocks", {"domain": "spam.example"}),
        ("get", f"/api/v1/admin/email_domain_blocks/{domain.id}", {}),
        ("delete", f"/api/v1/admin/email_domain_blocks/{domain.id}", {}),
        ("get", "/api/v1/admin/ip_blocks", {}),
        ("post", "/api/v1/admin/ip_blocks", {"ip": "192.0.2.0/24", "severity": "no_access"}),
        ("get", f"/api/v1/admin/ip_blocks/{ip.id}", {}),
        ("put", f"/api/v1/admin/ip_blocks/{ip.id}", {"severity": "no_access"}),
        ("delete", f"/api/v1/admin/ip_blocks/{ip.id}", {}),
        ("get", "/api/v1/admin/canonical_email_blocks", {}),
        ("post", "/api/v1/admin/canonical_email_blocks", {"email": "jane@example.com"}),
        ("post", "/api/v1/admin/canonical_email_blocks/test", {"email": "jane@example.com"}),
        ("get", f"/api/v1/admin/canonical_email_blocks/{canonical.id}", {}),
        ("delete", f"/api/v1/admin/canonical_email_blocks/{canonical.id}", {}),
        ("get", "/api/v1/admin/domain_blocks", {}),
    ]


def call(client, method, path, body):
    return getattr(client, method)(path, body, content_type="application/json")


def test_every_block_operation_is_refused_without_the_role_or_the_scopes(api_client, moderator, bob):
    normal = api_client(bob, ADMIN_SCOPES)
    unscoped = api_client(moderator)  # read write follow push: no admin scope
    for method, path, body in block_routes():
        assert call(normal, method, path, body).status_code == 403, (method, path)
        assert call(unscoped, method, path, body).status_code == 403, (method, path)
    assert (EmailDomainBlock.objects.count(), IpBlock.objects.count(), CanonicalEmailBlock.objects.count()) == (1, 1, 1)
    assert IpBlock.objects.get().severity == "sign_up_block"


def test_every_block_operation_works_for_a_moderator(as_moderator):
    for method, path, body in block_routes():
        answer = call(as_moderator, method, path, body)
        assert answer.status_code == 200, (method, path, answer.content)
    assert list(EmailDomainBlock.objects.values_list("domain", flat=True)) == ["spam.example"]
    assert list(IpBlock.objects.values_list("ip", "severity")) == [("192.0.2.0/24", "no_access")]
    assert CanonicalEmailBlock.objects.count() == 1


def test_an_email_domain_block_refuses_sign_ups_at_the_domain_and_under_it(as_moderator, stranger):
    made = as_moderator.post("/api/v1/admin/email_domain_blocks", {"domain": "Spam.Example"})
    assert made.status_code == 200
    block = made.json()
    assert block["domain"] == "spam.example" and set(block) == {"id", "domain", "created_at", "history"}
    assert as_moderator.get(f"/api/v1/admin/email_domain_blocks/{block['id']}").json() == block
    assert as_moderator.get("/api/v1/admin/email_domain_blocks").json() == [block]
    assert as_moderator.post("/api/v1/admin/email_domain_blocks", {"domain": "spam.example"}).status_code == 422
    assert as_moderator.post("/api/v1/admin/email_domain_blocks", {"domain": "not a domain"}).status_code == 422

    refused = sign_up(stranger(), email="erin@mail.spam.example")
    assert refused.status_code == 422
    assert refused.json()["details"]["email"][0]["error"] == "ERR_BLOCKED"
    assert web_sign_up(SOMEONE_ELSE, email="erin@spam.example").status_code == 422
    assert not Account.objects.filter(username="erin").exists()

    assert as_moderator.delete(f"/api/v1/admin/email_domain_blocks/{block['id']}").status_code == 200
    assert as_moderator.get(f"/api/v1/admin/email_domain_blocks/{block['id']}").status_code == 404
    assert sign_up(stranger(), email="erin@spam.example").status_code == 200


def test_a_canonical_email_block_refuses_every_spelling_of_the_address(as_moderator, stranger):
    made = as_moderator.post("/api/v1/admin/canonical_email_blocks", {"email": "Jane.Doe+spam@Example.com"})
    assert made.status_code == 200
    block = made.json()
    # Mastodon's canonical form: lower case, no dots and no +tag in the local part; only its hash is kept.
    assert block["canonical_email_hash"] == hashlib.sha256(b"janedoe@example.com").hexdigest()
    assert as_moderator.get("/api/v1/admin/canonical_email_blocks").json() == [block]
    assert as_moderator.get(f"/api/v1/admin/canonical_email_blocks/{block['id']}").json() == block
    tested = as_moderator.post("/api/v1/admin/canonical_email_blocks/test", {"email": "j.a.n.e.doe+x@example.com"})
    assert tested.json() == [block]
    assert as_moderator.post("/api/v1/admin/canonical_email_blocks/test", {"email": "jane@example.com"}).json() == []
    by_hash = {"canonical_email_hash": hashlib.sha256(b"other@example.com").hexdigest()}
    assert as_moderator.post("/api/v1/admin/canonical_email_blocks", by_hash).status_code == 200
    assert as_moderator.post("/api/v1/admin/canonical_email_blocks", by_hash).status_code == 422  # already
    assert as_moderator.post("/api/v1/admin/canonical_email_blocks", {"canonical_email_hash": "xyz"}).status_code == 422

    refused = sign_up(stranger(), email="JaneDoe+new@example.com")
    assert refused.status_code == 422
    assert refused.json()["details"]["email"][0]["error"] == "ERR_BLOCKED"
    page = web_sign_up(SOMEONE_ELSE, email="jane.doe@example.com")
    assert page.status_code == 422 and "Sign-ups with this e-mail address are not allowed." in page.content.decode()
    assert sign_up(stranger(), username="other", email="o.t.h.e.r@example.com").status_code == 422
    assert not Account.objects.filter(username__in=["erin", "other"]).exists()

    assert as_moderator.delete(f"/api/v1/admin/canonical_email_blocks/{block['id']}").status_code == 200
    assert sign_up(stranger(), email="jane.doe@example.com").status_code == 200


def test_an_ip_block_refuses_sign_ups_from_the_network_and_no_other(as_moderator, stranger):
    made = as_moderator.post(
        "/api/v1/admin/ip_blocks",
        {"ip": "192.0.2.0/24", "severity": "sign_up_block", "comment": "a spam wave", "expires_in": 86400},
    )
    assert made.status_code == 200
    block = made.json()
    assert (block["ip"], block["severity"], block["comment"]) == ("192.0.2.0/24", "sign_up_block", "a spam wave")
    assert block["expires_at"] is not None
    assert as_moderator.get("/api/v1/admin/ip_blocks").json() == [block]
    assert as_moderator.get(f"/api/v1/admin/ip_blocks/{block['id']}").json() == block
    for wrong in ({"ip": "192.0.2.300", "severity": "no_access"}, {"ip": "192.0.2.1", "severity": "everything"},
                  {"ip": "192.0.2.1"}, {"ip": "192.0.2.0/24", "severity": "no_access"}):
        assert as_moderator.post("/api/v1/admin/ip_blocks", wrong).status_code == 422, wrong

    assert sign_up(stranger(ATTACKER)).status_code == 403
    assert web_sign_up(ATTACKER).status_code == 422
    assert not Account.objects.filter(username="erin").exists()
    assert sign_up(stranger(SOMEONE_ELSE)).status_code == 200

    # An expired block no longer applies.
    IpBlock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert sign_up(stranger(ATTACKER), username="late", email="late@example.com").status_code == 200


def test_an_approval_block_puts_the_sign_up_on_the_waiting_list(as_moderator, stranger):
    block = as_moderator.post("/api/v1/admin/ip_blocks", {"ip": "192.0.2.7", "severity": "sign_up_block"}).json()
    approval = {"severity": "sign_up_requires_approval"}
    changed = call(as_moderator, "put", f"/api/v1/admin/ip_blocks/{block['id']}", approval)
    assert changed.status_code == 200 and changed.json()["ip"] == "192.0.2.7/32"
    assert sign_up(stranger(ATTACKER)).status_code == 200
    waiting = Account.objects.get(username="erin")
    assert not waiting.is_active
    pending = as_moderator.get("/api/v2/admin/accounts", {"status": "pending"}).json()
    assert [a["username"] for a in pending] == ["erin"]
    assert web_sign_up(ATTACKER, username="fred", email="fred@example.com").status_code == 200
    assert not Account.objects.get(username="fred").is_active
    assert sign_up(stranger(SOMEONE_ELSE), username="gina", email="gina@example.com").status_code == 200
    assert Account.objects.get(username="gina").is_active


def test_a_no_access_block_refuses_every_request_from_the_network(as_moderator, stranger, alice, settings):
    from chirvir.oauth import services as oauth

    application, _id, _secret = oauth.create_application("Alice's app", scopes="read")
    alice_token = oauth.issue_token(application, alice, "read")
    as_moderator.post("/api/v1/admin/ip_blocks", {"ip": "192.0.2.0/24", "severity": "no_access"})
    attacker = Client(REMOTE_ADDR=ATTACKER, HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    for path in ("/", "/api/v1/instance", "/api/v1/accounts/verify_credentials", "/login", "/api/v1/timelines/public"):
        assert attacker.get(path).status_code == 403, path
    assert sign_up(stranger(ATTACKER)).status_code == 403
    honest = Client(REMOTE_ADDR=SOMEONE_ELSE, HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    assert honest.get("/api/v1/accounts/verify_credentials").status_code == 200
    # Behind a proxy the operator names, the address is the one the proxy saw; a forged header
    # from anyone else changes nothing.
    settings.TRUSTED_PROXIES = [__import__("ipaddress").ip_network("10.0.0.1/32")]
    assert Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER).get("/api/v1/instance").status_code == 403
    assert Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=SOMEONE_ELSE).get("/api/v1/instance").status_code == 200
    assert Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=SOMEONE_ELSE).get("/api/v1/instance").status_code == 403
    # Lifted: the network gets in again at once in this process.
    block_id = IpBlock.objects.get().id
    assert as_moderator.delete(f"/api/v1/admin/ip_blocks/{block_id}").status_code == 200
    assert attacker.get("/api/v1/instance").status_code == 200


def test_domain_blocks_answer_as_a_server_that_does_not_federate(as_moderator):
    assert as_moderator.get("/api/v1/admin/domain_blocks").json() == []
    refused = as_moderator.post("/api/v1/admin/domain_blocks", {"domain": "evil.example", "severity": "suspend"})
    assert refused.status_code == 422 and "does not federate" in refused.json()["error"]
    assert as_moderator.get("/api/v1/admin/domain_blocks/1").status_code == 404
    assert as_moderator.delete("/api/v1/admin/domain_blocks/1").status_code == 404


def test_a_moderator_sees_and_lifts_ip_blocks_in_djangos_admin(signed_in, moderator, stranger):
    block = IpBlock.objects.create(ip="192.0.2.0/24", severity="sign_up_block", comment="a wave")
    admin = signed_in(moderator)
    listed = admin.get("/admin/moderation/ipblock/")
    assert listed.status_code == 200 and b"192.0.2.0/24" in listed.content
    assert admin.get("/admin/moderation/canonicalemailblock/").status_code == 200
    lifted = admin.post(f"/admin/moderation/ipblock/{block.id}/delete/", {"post": "yes"})
    assert lifted.status_code == 302 and not IpBlock.objects.exists()
    assert sign_up(stranger(ATTACKER)).status_code == 200


def test_a_no_access_block_refuses_the_streams_too(as_moderator, alice):
    """Through the ASGI application the server runs (the streaming side is not Django's, so its
    middleware does not guard it): a blocked network's stolen token opens no stream."""
    import asyncio

    import httpx

    from chirvir.asgi import application

    application_, _id, _secret = auth.create_application("Alice's app", scopes="read")
    token = auth.issue_token(application_, alice, "read")
    as_moderator.post("/api/v1/admin/ip_blocks", {"ip": "192.0.2.0/24", "severity": "no_access"})

    async def stream(address, token):
        """The status of a refusal; "open" for a stream that is let in (it never ends by itself)."""
        transport = httpx.ASGITransport(app=application, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://chirvir.test") as client:
            asked = client.get("/api/v1/streaming/user", headers={"Authorization": f"Bearer {token}"})
            try:
                return (await asyncio.wait_for(asked, 10)).status_code
            except TimeoutError:
                return "open"

    assert asyncio.run(stream(ATTACKER, token)) == 403
    assert asyncio.run(stream(SOMEONE_ELSE, "not a token")) == 401  # past the block, to the token check
