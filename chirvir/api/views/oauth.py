"""OAuth 2 as Mastodon apps use it: the authorize page (log in, then approve or deny), the token
and revoke endpoints, and the server metadata. These speak OAuth's error shape, not Mastodon's."""

import base64
import binascii
import time
from urllib.parse import parse_qs, unquote_plus, urlsplit

import orjson
from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UsernameField
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.models import Application
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.oauth2 import InvalidRequestError
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from chirvir.api.base import ApiError, Params, error_response, json_response
from chirvir.oauth import services
from chirvir.oauth.provider import GRANT_TYPES, TWO_FACTOR
from chirvir.oauth.scopes import SCOPES, describe
from chirvir.signins import services as signins
from chirvir.signins.forms import SecondFactorForm, ThrottledAuthenticationForm

# Mastodon's (Doorkeeper's) words, for errors that oauthlib leaves without a description.
DESCRIPTIONS = {
    "invalid_request": "The request is missing a required parameter, includes an unsupported parameter value, "
    "or is otherwise malformed.",
    "invalid_client": "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method.",
    "invalid_grant": "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client.",
    "invalid_scope": "The requested scope is invalid, unknown, or malformed.",
    "unauthorized_client": "The client is not authorized to perform this request using this method.",
    "unsupported_grant_type": "The authorization grant type is not supported by the authorization server.",
}


def oauth_error(error: str, status: int, description: str | None = None, headers: dict | None = None) -> HttpResponse:
    body = {"error": error, "error_description": description or DESCRIPTIONS[error]}
    return json_response(body, status=status, headers=headers)


class LogInForm(ThrottledAuthenticationForm):
    username = UsernameField(
        label=gettext_lazy("Username or e-mail"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        **ThrottledAuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("That username or e-mail and password don't match an account."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sizes the box to the username column; an e-mail address is longer.
        self.fields["username"].max_length = self.fields["username"].widget.attrs["maxlength"] = 254

    def clean(self):
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = services.login_name(self.cleaned_data["username"])
        return super().clean()


@csrf_exempt  # _authorize checks CSRF, so that another method gets its 405 first
def authorize(request):
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    # Apps pass the person's language; "lang=None" and the like are ignored.
    lang = request.GET.get("lang", "")
    with translation.override(lang if lang in dict(settings.LANGUAGES) else translation.get_language()):
        return _authorize(request)


@csrf_protect
def _authorize(request):
    form, code_form = LogInForm(request), SecondFactorForm()
    if request.method == "POST" and "password" in request.POST:
        form = LogInForm(request, data=request.POST)
        if form.is_valid():
            account = form.get_user()
            if signins.has_two_factor(account):
                signins.await_second_factor(request, account)  # the page asks for the code next
            else:
                login(request, account)
            return HttpResponseRedirect(request.get_full_path(), status=303)
    if request.method == "POST" and "code" in request.POST and not request.user.is_authenticated:
        code_form = SecondFactorForm(request.POST)
        if code_form.is_valid():
            try:
                account = signins.check_second_factor(request, code_form.cleaned_data["code"])
            except signins.Throttled as e:
                code_form.add_error(None, str(e))
            else:
                if account is not None:
                    login(request, account)
                    return HttpResponseRedirect(request.get_full_path(), status=303)
                code_form.add_error("code", _("That code is not right. Enter the six digits your app shows now."))
    core = get_oauthlib_core()
    try:
        scopes, credentials = core.validate_authorization_request(request)
        if credentials.get("code_challenge") and credentials.get("code_challenge_method") != "S256":
            refusal = InvalidRequestError(
                description="PKCE needs code_challenge_method=S256; no other method is supported.",
                state=credentials.get("state"),
            )
            raise OAuthToolkitError(refusal, redirect_uri=credentials["redirect_uri"])
        application = Application.objects.get(client_id=credentials["client_id"])
        decision = request.POST.get("decision") if request.method == "POST" else None
        if request.user.is_authenticated and decision in ("approve", "deny"):
            uri, _headers, _body, _status = core.create_authorization_response(
                request, scopes, credentials, allow=decision == "approve"
            )
            return _send_back(request, uri, application)
    except FatalClientError as e:
        # A wrong client or redirect URI: never redirect there; tell the person.
        return _page(request, "oauth/error.html", {"message": _fatal_message(e.oauthlib_error)}, status=400)
    except OAuthToolkitError as e:
        error = e.oauthlib_error
        if not error.redirect_uri:
            return _page(request, "oauth/error.html", {"message": error.description}, status=400)
        return _send_back(request, error.in_uri(error.redirect_uri), None)
    context = {
        "application": application,
        "website": services.application_website(application),
        "scopes": describe(scopes),
        "form": form,
        "code_form": code_form,
        "awaiting_code": not request.user.is_authenticated and signins.awaiting_second_factor(request) is not None,
    }
    return _page(request, "oauth/authorize.html", context)


def _fatal_message(error) -> str:
    if isinstance(error, (oauth_errors.InvalidClientIdError, oauth_errors.MissingClientIdError)):
        return _("This app is not registered on this server, so it can't ask to use your account.")
    redirect_errors = (
        oauth_errors.InvalidRedirectURIError,
        oauth_errors.MissingRedirectURIError,
        oauth_errors.MismatchingRedirectURIError,
    )
    if isinstance(error, redirect_errors):
        return _("The app asked to send you back to an address it did not register, so its request was stopped.")
    return error.description


def _send_back(request, uri: str, application) -> HttpResponse:
    """To the app's redirect URI; the out-of-band URI means showing the code for the person to copy."""
    if not uri.startswith(services.OOB):
        # Not HttpResponseRedirect: it allows only http(s), and apps register their own schemes.
        return HttpResponse(status=302, headers={"Location": uri})
    query = parse_qs(urlsplit(uri).query)
    if "code" in query:
        return _page(request, "oauth/code.html", {"application": application, "code": query["code"][0]})
    if query.get("error") == ["access_denied"]:
        message = _("You did not let the app use your account. You can close this page.")
    else:
        message = query.get("error_description", query.get("error", [""]))[0]
    return _page(request, "oauth/error.html", {"message": message}, status=400)


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, {"site_title": settings.INSTANCE_TITLE, **context}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def token(request):
    if request.method != "POST":
        return oauth_error("invalid_request", 405, "Send a POST request.", headers={"Allow": "POST"})
    try:
        params = Params(request)  # a body that cannot be read gets a clear message, not oauthlib's guess
        password_grant = params.text("grant_type") == "password"
        # A password log-in is tried under the same throttle as the log-in page's.
        username = services.login_name(params.text("username") or "") if password_grant else None
    except ApiError as e:
        return oauth_error("invalid_request", 400, e.message)
    if username is not None:
        try:
            signins.refuse_if_throttled(request, username)
        except signins.Throttled as e:
            # The shape of every 429 here, the rate limits' too (apps read the status, not the code).
            return error_response(429, str(e))
    _uri, headers, body, status = get_oauthlib_core().create_token_response(request)
    data = orjson.loads(body)
    if username is not None and data.get("error") == "invalid_grant" and data.get("error_description") != TWO_FACTOR:
        signins.count_failure(request, username)
    if "access_token" in data:
        # Tokens do not expire, so no expires_in; Mastodon's Token has created_at instead.
        data.pop("expires_in", None)
        data["created_at"] = int(time.time())
    elif not data.get("error_description"):
        data["error_description"] = DESCRIPTIONS.get(data.get("error"), "The request was refused.")
    response = json_response(data, status=status)
    if "WWW-Authenticate" in headers:
        response["WWW-Authenticate"] = headers["WWW-Authenticate"]
    return response


@csrf_exempt
def revoke(request):
    if request.method != "POST":
        return oauth_error("invalid_request", 405, "Send a POST request.", headers={"Allow": "POST"})
    try:
        params = Params(request)
        client_id, client_secret = _basic_auth(request) or (params.text("client_id"), params.text("client_secret"))
        raw = params.text("token")
    except ApiError as e:
        return oauth_error("invalid_request", 400, e.message)
    application = services.authenticate_client(client_id, client_secret)
    if application is None:
        return oauth_error("invalid_client", 401)
    if not raw:
        return oauth_error("invalid_request", 400, "param is missing or the value is empty: token")
    found = services.find_token(raw)
    if found is not None:
        if found.application_id != application.id:
            return oauth_error("unauthorized_client", 403, "You are not authorized to revoke this token")
        services.revoke(found)
    return json_response({})


def _basic_auth(request) -> tuple[str, str] | None:
    kind, _space, encoded = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        client_id, _colon, client_secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return unquote_plus(client_id), unquote_plus(client_secret)


@csrf_exempt
@require_GET
def server_metadata(request):
    """RFC 8414. Mastodon.py uses these URLs, and takes the password grant only if listed."""
    site = settings.SITE_URL
    return json_response(
        {
            "issuer": f"{site}/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": f"{site}/oauth/authorize",
            "token_endpoint": f"{site}/oauth/token",
            "revocation_endpoint": f"{site}/oauth/revoke",
            "app_registration_endpoint": f"{site}/api/v1/apps",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": sorted(GRANT_TYPES),
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )
