"""The rest of the instance's Mastodon API (issue 10, item 10), as a client reads it: the
operator's rules (in /rules and in both instance documents), the extended description and privacy
policy, the weekly activity computed from the rows, the languages, and what a server that does
not federate or translate answers (peers, domain blocks, translation languages: empty, never a
404); preferences that follow the account's defaults; `allowed_mentions`; and confirming an
e-mail address over a real SMTP server on loopback, with posting held until it is confirmed."""

import re

import pytest
from django.test import Client
from mastodon import Mastodon, MastodonAPIError

from chirvir.instance.models import Rule
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.conftest import fresh


def test_the_operators_rules_are_listed_and_in_both_instance_documents(client):
    second = Rule.objects.create(text="No spam", hint="Adverts included.", position=2)
    first = Rule.objects.create(text="Be kind", position=1)
    expected = [
        {"id": str(first.id), "text": "Be kind", "hint": ""},
        {"id": str(second.id), "text": "No spam", "hint": "Adverts included."},
    ]
    assert client.get("/api/v1/instance/rules").json() == expected
    assert client.get("/api/v1/instance").json()["rules"] == expected
    assert client.get("/api/v2/instance").json()["rules"] == expected


def test_the_extended_description_and_privacy_policy_are_the_operators_text(client, settings):
    settings.INSTANCE_DESCRIPTION = "A small server.\n\n<b>Friendly</b> people."
    settings.PRIVACY_POLICY = ""
    described = client.get("/api/v1/instance/extended_description").json()
    assert described["content"] == "<p>A small server.</p>\n\n<p>&lt;b&gt;Friendly&lt;/b&gt; people.</p>"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", described["updated_at"])
    assert client.get("/api/v1/instance/privacy_policy").json()["content"] == ""
    # No terms of service published: Mastodon's 404.
    assert client.get("/api/v1/instance/terms_of_service").status_code == 404


def test_activity_counts_twelve_weeks_of_posts_sign_ups_and_sign_ins(client, alice, bob):
    statuses.post_status(alice, "one")
    post = statuses.post_status(bob, "two")
    statuses.reblog(alice, post.id)
    Client().force_login(alice)  # a sign-in
    weeks = client.get("/api/v1/instance/activity").json()
    assert len(weeks) == 12
    assert weeks[0] == {"week": weeks[0]["week"], "statuses": "2", "logins": "1", "registrations": "2"}
    assert all(w == {**w, "statuses": "0", "logins": "0", "registrations": "0"} for w in weeks[1:])
    starts = [int(w["week"]) for w in weeks]
    assert [a - b for a, b in zip(starts, starts[1:])] == [7 * 24 * 3600] * 11


def test_a_server_that_neither_federates_nor_translates_answers_empty(client):
    assert client.get("/api/v1/instance/peers").json() == []
    assert client.get("/api/v1/instance/domain_blocks").json() == []
    assert client.get("/api/v1/instance/translation_languages").json() == {}
    for path in ("/api/v1/announcements", "/api/v1/custom_emojis"):
        assert client.get(path).json() == []
    languages = client.get("/api/v1/instance/languages").json()
    assert {"code": "kk", "name": "Kazakh"} in languages and len(languages) == 12


def test_switched_off_features_answer_as_mastodon_answers_them(as_alice, alice):
    post = statuses.post_status(alice, "hola")
    # No translation service: Mastodon's 404 for translating any post.
    assert as_alice.post(f"/api/v1/statuses/{post.id}/translate").json() == {"error": "Record not found"}
    assert as_alice.get(f"/api/v1/accounts/{alice.id}/identity_proofs").json() == []
    assert as_alice.get("/api/v1/accounts/12345/identity_proofs").status_code == 404


def test_preferences_follow_the_accounts_defaults(as_alice):
    as_alice.patch(
        "/api/v1/accounts/update_credentials",
        "source[privacy]=private&source[sensitive]=true&source[language]=hi&source[quote_policy]=followers",
        content_type="application/x-www-form-urlencoded",
    )
    preferences = as_alice.get("/api/v1/preferences").json()
    assert preferences["posting:default:visibility"] == "private"
    assert preferences["posting:default:sensitive"] is True
    assert preferences["posting:default:language"] == "hi"
    assert preferences["posting:default:quote_policy"] == "followers"
    posted = as_alice.post("/api/v1/statuses", {"status": "with the defaults"}).json()
    assert (posted["visibility"], posted["sensitive"], posted["language"]) == ("private", True, "hi")


def test_allowed_mentions_refuses_a_post_that_would_reach_others(as_alice, alice, bob, carol):
    text = "hello @bob and @carol"
    refused = as_alice.post("/api/v1/statuses", {"status": text, "allowed_mentions[]": [str(bob.id)]})
    assert refused.status_code == 422
    assert refused.json()["error"] == "Post would be sent to unexpected accounts"
    assert [a["id"] for a in refused.json()["unexpected_accounts"]] == [str(carol.id)]
    assert not Status.objects.filter(account=alice).exists()
    allowed = as_alice.post("/api/v1/statuses", {"status": text, "allowed_mentions[]": [str(bob.id), str(carol.id)]})
    assert allowed.status_code == 200
    assert as_alice.post("/api/v1/statuses", {"status": text}).status_code == 200




def link_in(message) -> str:
    return re.search(r"https?://\S+/auth/confirm/\S+", message.get_content()).group(0)


def test_posting_waits_for_a_confirmed_email_address(inbox, settings, make_account, api_client):
    settings.REQUIRE_CONFIRMED_EMAIL = True
    dana = make_account("dana", email="dana@example.org")
    assert [m["To"] for m in inbox.messages] == ["dana@example.org"]
    as_dana = api_client(dana)
    refused = as_dana.post("/api/v1/statuses", {"status": "hello"})
    assert as_dana.get("/api/v1/emails/check_confirmation").json() is False
    assert refused.status_code == 403
    assert refused.json() == {"error": "Your login is missing a confirmed e-mail address"}

    assert as_dana.post("/api/v1/emails/confirmations").json() == {}
    assert len(inbox.messages) == 2
    link = link_in(inbox.messages[-1])
    assert link.startswith(settings.SITE_URL)
    # A forged link confirms nothing.
    Client().get(link[:-3] + "xyz")
    assert fresh(dana).email_confirmed_at is None
    opened = Client().get(link.removeprefix(settings.SITE_URL))
    assert opened.status_code == 302
    assert fresh(dana).email_confirmed_at is not None
    assert as_dana.post("/api/v1/statuses", {"status": "hello"}).status_code == 200
    assert as_dana.get("/api/v1/emails/check_confirmation").json() is True
    again = as_dana.post("/api/v1/emails/confirmations")
    assert again.status_code == 403 and len(inbox.messages) == 2


def test_a_new_address_is_confirmed_anew_and_the_old_link_no_longer_works(inbox, settings, make_account, api_client):
    settings.REQUIRE_CONFIRMED_EMAIL = True
    dana = make_account("dana", email="dana@example.org")
    old_link = link_in(inbox.messages[-1])
    as_dana = api_client(dana)
    assert as_dana.post("/api/v1/emails/confirmations", {"email": "dana@example.net"}).status_code == 200
    assert inbox.messages[-1]["To"] == "dana@example.net"
    Client().get(old_link.removeprefix(settings.SITE_URL))
    assert fresh(dana).email_confirmed_at is None
    Client().get(link_in(inbox.messages[-1]).removeprefix(settings.SITE_URL))
    assert fresh(dana).email_confirmed_at is not None


def test_without_the_setting_posting_needs_no_confirmation(as_alice):
    assert as_alice.post("/api/v1/statuses", {"status": "hello"}).status_code == 200


def test_the_instance_family_through_mastodon_py(mastodon_for, alice, inbox):
    Rule.objects.create(text="Be kind")
    app = mastodon_for(alice)
    assert [r.text for r in app.instance_rules()] == ["Be kind"]
    assert app.instance_extended_description().content == ""
    assert len(app.instance_activity()) == 12
    assert app.instance_peers() == [] and app.instance_domain_blocks() == []
    assert app.instance_translation_languages() == {}
    assert len(app.instance_languages()) == 12
    assert app.announcements() == [] and app.custom_emojis() == []
    assert app.preferences()["posting:default:visibility"] == "public"
    with pytest.raises(MastodonAPIError):  # alice has no address to confirm
        app.email_resend_confirmation()
    assert isinstance(app, Mastodon)
