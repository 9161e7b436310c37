"""Reporting an account: POST /api/v1/reports in Mastodon's shape, and the web form at
/@USERNAME/report with the reported posts ticked (?status=ID) and a category."""

from django.test import Client

from chirvir.moderation.models import Report
from chirvir.statuses import services as statuses


def test_a_report_through_the_api_in_mastodons_shape(api_client, alice, bob):
    post = statuses.post_status(alice, "something nasty")
    answer = api_client(bob).post(
        "/api/v1/reports",
        {"account_id": str(alice.id), "status_ids[]": [str(post.id)], "category": "violation", "comment": "rude"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["category"], body["comment"], body["status_ids"], body["target_account"]["id"]) == (
        "violation", "rude", [str(post.id)], str(alice.id)
    )
    assert body["action_taken"] is False and body["forwarded"] is False
    made = Report.objects.get()
    assert (made.reporter, made.target, list(made.statuses.all())) == (bob, alice, [post])


def test_a_report_may_not_name_posts_the_reporter_cannot_see_or_others_posts(api_client, alice, bob, carol):
    hidden = statuses.post_status(alice, "for followers", visibility="private")
    carols = statuses.post_status(carol, "carol's own")
    as_bob = api_client(bob)
    for status in (hidden, carols):
        answer = as_bob.post("/api/v1/reports", {"account_id": str(alice.id), "status_ids[]": [str(status.id)]})
        assert answer.status_code == 404
    assert as_bob.post("/api/v1/reports", {"account_id": str(bob.id)}).status_code == 422  # oneself
    assert as_bob.post("/api/v1/reports", {"account_id": str(alice.id), "category": "boring"}).status_code == 422
    assert not Report.objects.exists()


def test_reporting_needs_a_token_with_write_reports(api_client, alice, bob):
    assert Client().post("/api/v1/reports", {"account_id": str(alice.id)}).status_code == 401
    assert api_client(bob, "read").post("/api/v1/reports", {"account_id": str(alice.id)}).status_code == 403
    assert api_client(bob, "write:reports").post("/api/v1/reports", {"account_id": str(alice.id)}).status_code == 200


def test_the_web_form_reports_the_ticked_posts(signed_in, alice, bob):
    first = statuses.post_status(alice, "first nasty")
    second = statuses.post_status(alice, "second nasty")
    browser = signed_in(bob)
    page = browser.get(f"/@alice/report?status={second.id}").content.decode()
    assert "second nasty" in page and "first nasty" in page
    assert f'value="{second.id}" checked' in page and f'value="{first.id}" checked' not in page
    answer = browser.post(
        "/@alice/report", {"status_ids": [str(second.id)], "category": "spam", "comment": "ads"}, follow=True
    )
    assert answer.status_code == 200 and "Thank you" in answer.content.decode()
    made = Report.objects.get()
    assert (made.reporter, made.category, made.comment, list(made.statuses.all())) == (bob, "spam", "ads", [second])


def test_the_web_form_is_for_signed_in_people(alice):
    answer = Client().get("/@alice/report")
    assert answer.status_code == 302 and "/login" in answer["Location"]


def test_an_email_domain_block_refuses_sign_ups_at_it_and_under_it(settings):
    from chirvir.moderation.models import EmailDomainBlock

    EmailDomainBlock.objects.create(domain="Spam.Example")
    settings.REGISTRATIONS = "open"
    app = Client().post("/api/v1/apps", {"client_name": "signup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "write"}).json()
    token = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "scope": "write",
        },
    ).json()["access_token"]
    signer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for email in ("a@spam.example", "b@mail.spam.example"):
        answer = signer.post(
            "/api/v1/accounts",
            {"username": email[0], "email": email, "password": "a long password 7", "agreement": "true", "locale": "en"},
        )
        assert answer.status_code == 422, answer.content
    fine = signer.post(
        "/api/v1/accounts",
        {"username": "c", "email": "c@notspam.example", "password": "a long password 7", "agreement": "true"},
    )
    assert fine.status_code == 200, fine.content
