"""Sign-up through the API (`POST /api/v1/accounts`), as toot and Mastodon.py do it: an app token
creates the account and gets a token for it. CHIRVIR_REGISTRATIONS can close it or hold new
accounts for approval."""

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from chirvir.accounts import services as accounts
from chirvir.api.base import ApiError, api, json_response
from chirvir.core.errors import Invalid
from chirvir.oauth import services as oauth
from chirvir.oauth.scopes import SCOPES


@api(methods=("POST",), scopes={"POST": "write:accounts"}, user="app")
def register(request, params):
    if settings.REGISTRATIONS == "closed":
        raise ApiError(403, _("This server is not accepting new accounts."))
    username = (params.text("username") or "").strip()
    email = (params.text("email") or "").strip()
    password = params.text("password") or ""
    problems = {
        field: ("ERR_BLANK", _("%(field)s can't be blank") % {"field": label})
        for field, label, value in [
            ("username", _("Username"), username),
            ("email", _("E-mail"), email),
            ("password", _("Password"), password),
        ]
        if not value
    }
    if not params.boolean("agreement"):
        problems["agreement"] = ("ERR_ACCEPTED", _("You must accept the server's rules and terms"))
    if problems:
        raise _validation_failed(problems)
    try:
        # Under approval the account waits inactive for an operator; its token is refused until then.
        account = accounts.register(
            username,
            password,
            email=email,
            language=_language(params.text("locale")),
            active=settings.REGISTRATIONS != "approval",
        )
    except Invalid as e:
        field, code = _blame(username, email, password)
        raise _validation_failed({field: (code, e.message)}) from e
    scopes = " ".join(scope for scope in SCOPES if scope in request.credentials.scopes)
    raw = oauth.issue_token(request.credentials.application, account, scopes)
    created_at = int(account.date_joined.timestamp())
    return json_response({"access_token": raw, "token_type": "Bearer", "scope": scopes, "created_at": created_at})


def _validation_failed(problems: dict) -> ApiError:
    return ApiError(
        422,
        "Validation failed: " + ", ".join(str(message) for _code, message in problems.values()),
        details={field: [{"error": code, "description": str(message)}] for field, (code, message) in problems.items()},
    )


def _language(locale: str | None) -> str:
    try:
        return get_supported_language_variant(locale or "")
    except LookupError:
        return ""


def _blame(username: str, email: str, password: str) -> tuple[str, str]:
    """register() says in words what is wrong; Mastodon apps also want the field and a code, so
    ask its checks again, in its order, which one failed."""
    try:
        accounts.validate_username(username)
    except Invalid:
        return "username", ("ERR_TAKEN" if accounts.USERNAME.fullmatch(username) else "ERR_INVALID")
    try:
        validate_email(email)
    except ValidationError:
        return "email", "ERR_INVALID"
    try:
        password_validation.validate_password(password, get_user_model()(username=username, email=email))
    except ValidationError as e:
        too_short = any(error.code == "password_too_short" for error in e.error_list)
        return "password", "ERR_TOO_SHORT" if too_short else "ERR_INVALID"
    # Everything else passes, so the e-mail address is someone else's already.
    return "email", "ERR_TAKEN"
