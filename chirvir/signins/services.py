"""Signing in, as a person meets it: a password checked under a throttle (failed attempts counted
per account and address, in the database, so every process counts the same), the browsers an
account is signed in on, with "log out everywhere else", and a mail when a browser never seen
before signs in. The web log-in, the OAuth authorize page, the token endpoint and the password
reset form all come here."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.core.addresses import client_address
from chirvir.core.errors import DomainError
from chirvir.oauth import services as oauth
from chirvir.signins.models import FailedLogin, KnownBrowser, WebSession

BROWSER_COOKIE = "chirvir_browser"
SEEN_EVERY = timedelta(minutes=1)  # the sessions page's "last seen" is kept to the minute, no finer


class Throttled(DomainError):
    """Too many failed attempts from this address, or at this account from this address."""


def _address(request) -> str | None:
    return client_address(request) or None


def _fold(username: str) -> str:
    return username.strip().casefold()[:254]


def _throttled(username: str, address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_WINDOW)
    recent = FailedLogin.objects.filter(at__gt=since)
    if address and recent.filter(address=address).count() >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return True
    account = recent.filter(username=_fold(username))
    here = account.filter(address=address).count()
    if here >= settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS:
        return True
    return here >= 1 and account.count() >= settings.LOGIN_FAILURES_PER_ACCOUNT


def refuse_if_throttled(request, username: str) -> None:
    """Throttled when this request's address may not try this account now. An address gets
    LOGIN_FAILURES_PER_ADDRESS failures in a window in all, and LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
    at one account; once an account has had LOGIN_FAILURES_PER_ACCOUNT from everywhere, each address
    that failed at it is refused too. An address that never failed keeps its try, so the owner still
    gets in while an attacker's address is locked out."""
    if _throttled(username, _address(request)):
        raise Throttled(_("Too many failed attempts. Wait a few minutes, then try again."))


def count_failure(request, username: str) -> None:
    """Count one failed attempt at this account from this request's address, and sweep those
    older than the window."""
    now = timezone.now()
    FailedLogin.objects.filter(at__lte=now - timedelta(seconds=settings.LOGIN_WINDOW)).delete()
    FailedLogin.objects.create(username=_fold(username), address=_address(request), at=now)


def check_password(request, username: str, password: str):
    """The account this username (or e-mail address, resolved by the caller) and password log in
    to, or None; Throttled, before any password is checked, when this address has failed too
    often. An unknown account costs the same work as a known one (Django's ModelBackend hashes
    the password anyway) and gets the same None."""
    refuse_if_throttled(request, username)
    account = authenticate(request, username=username, password=password)
    if account is None:
        count_failure(request, username)
    return account


def check_reset_request(request, email: str) -> None:
    """A password reset asked for: counted as an attempt at that address, under the same throttle,
    so that nobody can mail-bomb an account or sweep addresses from one place."""
    refuse_if_throttled(request, f"reset {email}")
    count_failure(request, f"reset {email}")


# --- The browsers an account is signed in on ---


def browser_id(request) -> str:
    """This browser's own mark: the cookie it keeps (the web middleware sets one on every
    browser that has none), as a digest, so that the table holds nothing a cookie thief can use."""
    raw = getattr(request, "browser_mark", None) or request.COOKIES.get(BROWSER_COOKIE, "")
    return hashlib.sha256(raw.encode()).hexdigest() if raw else ""


def new_browser_mark() -> str:
    return secrets.token_urlsafe(24)


def signed_in(request, account) -> None:
    """A browser has just logged in: record its session, and if this account has signed in from
    other browsers but never this one, tell the owner by e-mail (after commit, as a job)."""
    key = request.session.session_key
    now = timezone.now()
    browser = browser_id(request)
    WebSession.objects.update_or_create(
        session_key=key,
        defaults={
            "account": account,
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "browser": browser,
            "address": _address(request),
            "created_at": now,
            "last_seen": now,
        },
    )
    request.session["seen_at"] = now.timestamp()
    if not browser:
        return
    known_before = KnownBrowser.objects.filter(account=account).exists()
    _known, new = KnownBrowser.objects.get_or_create(account=account, browser=browser, defaults={"first_seen": now})
    if new and known_before and account.email:
        from chirvir.signins.tasks import new_browser_mail_job

        details = {"user_agent": request.headers.get("User-Agent", "")[:300], "address": _address(request) or ""}
        transaction.on_commit(lambda: new_browser_mail_job(account.pk, details))


def tell_new_browser(account, user_agent: str, address: str) -> None:
    """The mail of a sign-in from a new browser, in the account's language."""
    with translation.override(account.language or settings.LANGUAGE_CODE):
        subject = _("New sign-in to your %(site)s account") % {"site": settings.INSTANCE_TITLE}
        body = _(
            "Hello @%(username)s,\n\nSomeone signed in to your account from a browser it has not been used "
            "from before:\n\n%(browser)s\n%(address)s\n%(time)s UTC\n\nIf it was you, there is nothing to do. "
            "If not, change your password now and end the other sessions:\n%(url)s\n"
        ) % {
            "username": account.username,
            "browser": user_agent or "?",
            "address": address or "?",
            "time": timezone.now().strftime("%Y-%m-%d %H:%M"),
            "url": f"{settings.SITE_URL}/settings/sessions",
        }
    send_mail(subject, body, None, [account.email])


def seen(request) -> None:
    """A signed-in browser came back: move its "last seen" on, at most once a minute."""
    now = timezone.now()
    last = request.session.get("seen_at")
    if last is not None and now.timestamp() - last < SEEN_EVERY.total_seconds():
        return
    request.session["seen_at"] = now.timestamp()
    key = request.session.session_key
    if key is None:
        return
    updated = WebSession.objects.filter(session_key=key).update(last_seen=now, address=_address(request))
    if not updated:  # a session from before this table: it joins the list now
        WebSession.objects.create(
            account=request.user,
            session_key=key,
            user_agent=request.headers.get("User-Agent", "")[:300],
            browser=browser_id(request),
            address=_address(request),
            created_at=now,
            last_seen=now,
        )


def sessions_of(account) -> list[WebSession]:
    """The account's web sessions that still let someone in, the most recently seen first."""
    rows = list(WebSession.objects.filter(account=account).order_by("-last_seen"))
    alive = set(
        Session.objects.filter(session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now())
        .values_list("session_key", flat=True)
    )
    gone = [row.pk for row in rows if row.session_key not in alive]
    if gone:
        WebSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.session_key in alive]


@transaction.atomic
def end_sessions(account, keep: str | None = None) -> int:
    """Log the account out of every browser but the one whose session is `keep` (None: every
    one); their live streams close. Returns how many ended."""
    rows = WebSession.objects.filter(account=account).exclude(session_key=keep or "")
    # A session from before this table is listed (and so ended here) once its browser comes back.
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    for key in keys:
        transaction.on_commit(lambda key=key: oauth.signed_out(key))
    return len(keys)


def end_session(request) -> None:
    """This browser logged out: its row goes with its session."""
    if request.session.session_key:
        WebSession.objects.filter(session_key=request.session.session_key).delete()
