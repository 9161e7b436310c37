"""Sign-up through the API (`POST /api/v1/accounts`), as toot and Mastodon.py do it: an app token
creates the account and gets a token for it. CHIRVIR_REGISTRATIONS can close it or hold new
accounts for approval."""

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from chirvir.accounts import services as accounts
from chirvir.api.base import ApiError, api, json_response
from chirvir.core.addresses import client_address
from chirvir.core.errors import Invalid
from chirvir.moderation import blocks
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
        field: ("ERR_BLANK", DESCRIPTIONS["ERR_BLANK"])
        for field, value in [("username", username), ("email", email), ("password", password)]
        if not value
    }
    if not params.boolean("agreement"):
        problems["agreement"] = ("ERR_ACCEPTED", DESCRIPTIONS["ERR_ACCEPTED"])
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
            address=client_address(request),
        )
    except Invalid as e:
        with translation.override(_language(params.text("locale")) or translation.get_language()):
            field, code, description = _blame(username, email, password)
        raise _validation_failed({field: (code, description)}) from e
    scopes = " ".join(scope for scope in SCOPES if scope in request.credentials.scopes)
    raw = oauth.issue_token(request.credentials.application, account, scopes)
    created_at = int(account.date_joined.timestamp())
    return json_response({"access_token": raw, "token_type": "Bearer", "scope": scopes, "created_at": created_at})


# Rails' own words, as Mastodon's `details` carry them (apps show them after the field's name),
# and the names its `error` puts before them; English, as the rest of the API's messages are.
LABELS = {"username": "Username", "email": "Email", "password": "Password", "agreement": "Agreement"}
DESCRIPTIONS = {
    "ERR_BLANK": "can't be blank",
    "ERR_ACCEPTED": "must be accepted",
    "ERR_INVALID": "is invalid",
    "ERR_TAKEN": "has already been taken",
    "ERR_BLOCKED": "is not allowed",
}


def _validation_failed(problems: dict) -> ApiError:
    """Mastodon's 422: the whole story in `error` ("Validation failed: Username can't be blank"),
    and per field a code and the bare description."""
    told = ", ".join(f"{LABELS[field]} {description}" for field, (_code, description) in problems.items())
    details = {field: [{"error": code, "description": description}] for field, (code, description) in problems.items()}
    return ApiError(422, f"Validation failed: {told}", details=details)


def _language(locale: str | None) -> str:
    try:
        return get_supported_language_variant(locale or "")
    except LookupError:
        return ""


def _blame(username: str, email: str, password: str) -> tuple[str, str, str]:
    """register() says in words what is wrong; Mastodon apps want the field, a code and Rails'
    description, so ask its checks again, in its order, which one failed."""
    try:
        accounts.validate_username(username)
    except Invalid:
        code = "ERR_TAKEN" if accounts.USERNAME.fullmatch(username) else "ERR_INVALID"
        return "username", code, DESCRIPTIONS[code]
    try:
        validate_email(email)
    except ValidationError:
        return "email", "ERR_INVALID", DESCRIPTIONS["ERR_INVALID"]
    try:
        password_validation.validate_password(password, get_user_model()(username=username, email=email))
    except ValidationError as e:
        for error in e.error_list:
            if error.code == "password_too_short":
                minimum = (error.params or {}).get("min_length")
                return "password", "ERR_TOO_SHORT", f"is too short (minimum is {minimum} characters)"
        # Too common, a banned word, all digits, too like the username: Mastodon's code, and the
        # validator's own words in the person's language, so that the app can show why.
        return "password", "ERR_INVALID", e.messages[0]
    if blocks.email_blocked(email):  # a moderator's block of its domain or of the address
        return "email", "ERR_BLOCKED", DESCRIPTIONS["ERR_BLOCKED"]
    # Everything else passes, so the e-mail address is someone else's already.
    return "email", "ERR_TAKEN", DESCRIPTIONS["ERR_TAKEN"]
