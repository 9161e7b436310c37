"""Mastodon's admin API through HTTP: every action works for a moderator's token with the admin
scopes, and is refused (403) to a normal account's token with them and to a moderator's token
without them; each action is in the audit log and tells the account."""

import pytest

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account
from chirvir.moderation import services as moderation
from chirvir.moderation.models import ModerationAction, Report
from chirvir.notifications.models import Notification
from chirvir.statuses import services as statuses
from tests.moderation.conftest import ADMIN_SCOPES


def _report(reporter, target):
    post = statuses.post_status(target, "buy cheap watches")
    return moderation.report(reporter, target, status_ids=[post.id], category="spam", comment="spam")


def routes(alice, report):
    """(method, path, body) of every admin operation, aimed at alice or at a report on her."""
    a, r = f"/api/v1/admin/accounts/{alice.id}", f"/api/v1/admin/reports/{report.id}"
    return [
        ("get", "/api/v1/admin/accounts", {}),
        ("get", "/api/v2/admin/accounts", {}),
        ("get", a, {}),
        ("post", f"{a}/action", {"type": "none", "text": "a warning"}),
        ("post", f"{a}/action", {"type": "sensitive"}),
        ("post", f"{a}/unsensitize", {}),
        ("post", f"{a}/action", {"type": "silence"}),
        ("post", f"{a}/unsilence", {}),
        ("post", f"{a}/action", {"type": "suspend"}),
        ("post", f"{a}/unsuspend", {}),
        ("post", f"{a}/enable", {}),
        ("get", "/api/v1/admin/reports", {}),
        ("get", r, {}),
        ("post", f"{r}/assign_to_self", {}),
        ("post", f"{r}/unassign", {}),
        ("post", f"{r}/resolve", {}),
        ("post", f"{r}/reopen", {}),
    ]


def test_every_admin_operation_is_refused_without_the_role_or_the_scopes(api_client, moderator, alice, bob):
    made = _report(bob, alice)
    normal = api_client(bob, ADMIN_SCOPES)
    unscoped = api_client(moderator)  # read write follow push: no admin scope
    for method, path, body in routes(alice, made):
        assert getattr(normal, method)(path, body).status_code == 403, (method, path)
        assert getattr(unscoped, method)(path, body).status_code == 403, (method, path)
    pending = accounts.register("waiting", "a long password 7", active=False)
    for verb in ("approve", "reject"):
        assert normal.post(f"/api/v1/admin/accounts/{pending.id}/{verb}").status_code == 403
        assert unscoped.post(f"/api/v1/admin/accounts/{pending.id}/{verb}").status_code == 403
    assert not ModerationAction.objects.exists()
    fresh = Account.objects.get(id=alice.id)
    assert (fresh.is_active, fresh.silenced_at, fresh.suspended_at) == (True, None, None)


def test_every_admin_operation_works_for_a_moderator(api_client, as_moderator, alice, bob):
    made = _report(bob, alice)
    for method, path, body in routes(alice, made):
        answer = getattr(as_moderator, method)(path, body)
        assert answer.status_code == 200, (method, path, answer.content)
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "none", "sensitize", "unsensitize", "silence", "unsilence", "suspend", "unsuspend", "resolve", "reopen"
    ]
    told = Notification.objects.filter(account=alice, type="moderation_warning").count()
    assert told == 7  # every action on her account, not the report's book-keeping
    warnings = api_client(alice).get("/api/v1/notifications", {"types[]": "moderation_warning"}).json()
    assert [n["moderation_warning"]["action"] for n in warnings] == [
        "unsuspend", "suspend", "unsilence", "silence", "unsensitize", "sensitize", "none"
    ]
    assert warnings[-1]["moderation_warning"]["text"] == "a warning"


def test_a_moderator_reads_accounts_and_reports_in_mastodons_shape(as_moderator, alice, bob):
    made = _report(bob, alice)
    listed = as_moderator.get("/api/v1/admin/accounts").json()
    assert {a["username"] for a in listed} == {"mod", "alice", "bob"}
    one = as_moderator.get(f"/api/v1/admin/accounts/{alice.id}").json()
    assert (one["username"], one["suspended"], one["silenced"], one["account"]["id"]) == (
        "alice", False, False, str(alice.id)
    )
    report = as_moderator.get(f"/api/v1/admin/reports/{made.id}").json()
    assert report["category"] == "spam" and report["target_account"]["id"] == str(alice.id)
    assert report["account"]["id"] == str(bob.id)
    assert [s["content"] for s in report["statuses"]] == ["<p>buy cheap watches</p>"]
    as_moderator.post(f"/api/v1/admin/reports/{made.id}/assign_to_self")
    assert as_moderator.get(f"/api/v1/admin/reports/{made.id}").json()["assigned_account"]["username"] == "mod"
    as_moderator.post(f"/api/v1/admin/reports/{made.id}/resolve")
    assert as_moderator.get("/api/v1/admin/reports").json() == []
    assert [r["id"] for r in as_moderator.get("/api/v1/admin/reports", {"resolved": "true"}).json()] == [str(made.id)]


def test_resolving_a_report_with_an_action_acts_on_its_account(api_client, as_moderator, alice, bob):
    made = _report(bob, alice)
    answer = as_moderator.post(
        f"/api/v1/admin/accounts/{alice.id}/action", {"type": "suspend", "report_id": str(made.id), "text": "scam"}
    )
    assert answer.status_code == 200
    made = Report.objects.get(id=made.id)
    assert made.resolved_at is not None and made.action_taken and made.action_taken_by.username == "mod"
    assert api_client(alice).get("/api/v1/accounts/verify_credentials").status_code == 401


@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_a_waiting_sign_up_is_approved_or_rejected(as_moderator, verb, mailoutbox):
    pending = accounts.register("waiting", "a long password 7", active=False, email="w@example.com", language="de")
    listed = as_moderator.get("/api/v2/admin/accounts", {"status": "pending"}).json()
    assert [a["username"] for a in listed] == ["waiting"]
    assert as_moderator.post(f"/api/v1/admin/accounts/{pending.id}/{verb}", {"text": "hello"}).status_code == 200
    assert Account.objects.filter(username="waiting", is_active=True).exists() == (verb == "approve")
    assert Account.objects.filter(username="waiting").exists() == (verb == "approve")
    assert ModerationAction.objects.get().target_username == "waiting"
    (mail,) = mailoutbox
    assert mail.to == ["w@example.com"]
    # In the account's own language (German), as its notice would be.
    told = "wurde bestätigt: Du kannst dich jetzt anmelden" if verb == "approve" else "wurde abgelehnt"
    assert mail.subject == f"Deine Registrierung auf Chirvir {told}."
    assert "hello" in mail.body


def test_a_moderator_deletes_a_reported_post(api_client, as_moderator, alice, bob):
    made = _report(bob, alice)
    (post,) = made.statuses.all()
    answer = as_moderator.post(
        f"/api/v1/admin/accounts/{alice.id}/action", {"type": "delete_statuses", "report_id": str(made.id)}
    )
    assert answer.status_code == 422  # Mastodon's types only: none, sensitive, disable, silence, suspend
    assert api_client(bob).get(f"/api/v1/statuses/{post.id}").status_code == 200
