"""django-oauth-toolkit (DOT) bent to Mastodon's rules: its scope backend, validator and request
reader, named in settings.OAUTH2_PROVIDER."""

import orjson
from oauth2_provider.models import Grant
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from chirvir.oauth.scopes import SCOPES, covers
from chirvir.oauth.services import application_scopes, login_name, remember_code, revoke_code_tokens
from chirvir.signins.services import has_two_factor

TWO_FACTOR = (
    "This account uses two-factor authentication, which the password grant cannot ask for: "
    "log in through the browser (the authorization code flow) instead."
)
GRANT_TYPES = frozenset({"authorization_code", "password", "client_credentials", "refresh_token"})


class Scopes(BaseScopes):
    """DOT's scope backend: Mastodon's scopes; an app may ask for those it registered, or parts of them."""

    def get_all_scopes(self):
        return SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        registered = frozenset(application_scopes(application) if application else SCOPES)
        return [scope for scope in SCOPES if covers(registered, scope)]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return ["read"]


class Validator(OAuth2Validator):
    """DOT's validator: every Mastodon app may use every grant (DOT records one per app), the code
    flow is the only redirect flow, a password log-in may give the e-mail address (and is refused
    to an account with two factors), and a code presented twice revokes the tokens it gave."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in GRANT_TYPES

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code"

    def validate_user(self, username, password, client, request, *args, **kwargs):
        if not super().validate_user(login_name(username), password, client, request, *args, **kwargs):
            return False
        # A password alone would skip the second factor: such an account logs in on the authorize page.
        if has_two_factor(request.user):
            raise InvalidGrantError(description=TWO_FACTOR, request=request)
        return True

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            return True
        # DOT deletes a code when it is exchanged, so one it no longer knows may be a replay.
        revoke_code_tokens(client, code)
        return False

    def save_bearer_token(self, token, request, *args, **kwargs):
        if request.grant_type != "authorization_code":
            return super().save_bearer_token(token, request, *args, **kwargs)
        # The code's Grant is still there: oauthlib deletes it after the token is saved.
        grant = Grant.objects.filter(code=request.code, application=request.client).first()
        result = super().save_bearer_token(token, request, *args, **kwargs)
        if grant is not None:
            remember_code(request.client, request.code, token["access_token"], grant.expires)
        return result


class OAuthCore(OAuthLibCore):
    """DOT's request reader, which also reads JSON bodies: toot sends JSON to /oauth/token."""

    def extract_body(self, request):
        if request.content_type != "application/json" or not request.body:
            return super().extract_body(request)
        data = orjson.loads(request.body)  # the token view has checked that it parses
        items = []
        for key, value in data.items() if isinstance(data, dict) else ():
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            if isinstance(value, (str, int, float)):
                items.append((key, str(value)))
        return items
