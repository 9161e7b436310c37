"""Signing in, as a person meets it: a password checked under a throttle (failed attempts counted
per account and address, in the database, so every process counts the same), then a code from an
authenticator app when the account has two factors, the browsers an account is signed in on, with
"log out everywhere else", and a mail when a browser never seen before signs in. The web log-in, the OAuth authorize page, the token endpoint and the password
reset form all come here."""

import base64
import hashlib
import secrets
import time
from datetime import timedelta

import pyotp

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from chirvir.core.addresses import client_address
from chirvir.core.errors import DomainError, Invalid
from chirvir.oauth import services as oauth
from chirvir.signins.models import FailedLogin, KnownBrowser, RecoveryCode, TwoFactor, WebSession

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
        # Two first requests of one browser may both get here; the second insert changes nothing.
        row = WebSession(
            account=request.user,
            session_key=key,
            user_agent=request.headers.get("User-Agent", "")[:300],
            browser=browser_id(request),
            address=_address(request),
            created_at=now,
            last_seen=now,
        )
        WebSession.objects.bulk_create([row], ignore_conflicts=True)


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


# --- Two-factor authentication (TOTP, RFC 6238) ---

RECOVERY_CODES = 10
_PENDING = "two_factor_pending"  # in the session: the account whose password was right, and when


def has_two_factor(account) -> bool:
    return TwoFactor.objects.filter(account=account).exists()


def new_two_factor_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(account, secret: str) -> str:
    """What an authenticator app reads from the QR code: the account, and this instance as issuer."""
    return pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=settings.INSTANCE_TITLE)


def qr_code(uri: str) -> str:
    """The URI as a QR code, an SVG in a data: URL (the pages' policy allows images from data:)."""
    # Imported here: qrcode and the Pillow it loads (~5 MB) would stay in every process, for a page
    # shown once per account.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _digest_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _step_of(secret: str, code: str, after: int) -> int | None:
    """The 30-second step this code belongs to (now, or one step either side for a slow clock),
    if it is later than `after`: a code once taken does not let anyone in again."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    code = code.strip().replace(" ", "")
    for step in (now, now - 1, now + 1):
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def enable_two_factor(account, secret: str, code: str) -> list[str]:
    """Turn two-factor authentication on with the secret the owner's app was shown, once a code
    from that app proves it holds it. Returns the ten recovery codes, this once; Invalid when
    the code is wrong."""
    step = _step_of(secret, code, 0)
    if step is None:
        raise Invalid(_("That code is not right. Enter the six digits your app shows now."))
    TwoFactor.objects.update_or_create(
        account=account, defaults={"secret": secret, "enabled_at": timezone.now(), "last_step": step}
    )
    codes = ["-".join((secrets.token_hex(3), secrets.token_hex(3))) for _n in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(account=account).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(account=account, digest=_digest_code(c)) for c in codes)
    return codes


def _second_factor_ok(account, code: str) -> bool:
    """Whether the code is the account's TOTP code now (and not one already taken), or one of its
    unused recovery codes, which is then spent."""
    with transaction.atomic():
        factor = TwoFactor.objects.select_for_update().filter(account=account).first()
        if factor is None:
            return True
        step = _step_of(factor.secret, code, factor.last_step)
        if step is not None:
            factor.last_step = step
            factor.save(update_fields=["last_step"])
            return True
        spent = RecoveryCode.objects.filter(account=account, digest=_digest_code(code), used_at=None).update(
            used_at=timezone.now()
        )
        return spent == 1


def disable_two_factor(request, account, code: str) -> None:
    """Turn two-factor authentication off, on a code from the app (or a recovery code); Invalid
    when it is wrong. Wrong codes count under the log-in throttle."""
    refuse_if_throttled(request, f"code {account.username}")
    if not _second_factor_ok(account, code):
        count_failure(request, f"code {account.username}")
        raise Invalid(_("That code is not right. Enter the six digits your app shows now."))
    TwoFactor.objects.filter(account=account).delete()
    RecoveryCode.objects.filter(account=account).delete()


def await_second_factor(request, account) -> None:
    """The password was right and the account has two factors: remember, in this browser's
    session only, whose code to ask for (for ten minutes); nobody is logged in yet."""
    request.session[_PENDING] = {"account": account.pk, "at": time.time()}


def awaiting_second_factor(request):
    """The account whose code this browser is asked for, or None."""
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > 600:
        return None
    from chirvir.accounts.models import Account

    return Account.objects.filter(pk=pending["account"], is_active=True).first()


def check_second_factor(request, code: str):
    """The account that may now be logged in, when this code is right for the one awaited; None
    when wrong. Throttled as passwords are, per account and address."""
    account = awaiting_second_factor(request)
    if account is None:
        return None
    refuse_if_throttled(request, f"code {account.username}")
    if not _second_factor_ok(account, code):
        count_failure(request, f"code {account.username}")
        return None
    del request.session[_PENDING]
    return account
