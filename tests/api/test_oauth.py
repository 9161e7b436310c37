"""OAuth as Mastodon apps use it: registering an app, the authorize page (log in, approve, deny,
PKCE), every grant of /oauth/token, revocation, the server metadata, sign-up through the API, and
the real Mastodon.py client doing all of it against a live server."""

import base64
import hashlib
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.test import Client, RequestFactory
from mastodon import Mastodon, MastodonUnauthorizedError
from oauth2_provider.models import AccessToken, Application, RefreshToken

from chirvir.accounts.models import Account
from chirvir.core.errors import Unauthorized
from chirvir.oauth import services as auth
from chirvir.push import vapid

PASSWORD = "a long password 7"
CALLBACK = "https://app.example/callback"

@pytest.fixture
def dana(make_account):
    return make_account("dana", email="dana@example.com")


@pytest.fixture
def app():
    """An app as Mastodon.py registers one, with a web callback too; its secret kept for the test."""
    application, client_id, client_secret = auth.create_application(
        "Story app", redirect_uris=f"{auth.OOB}\n{CALLBACK}", scopes="read write follow push"
    )
    application.secret = client_secret
    return application


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def token_request(client, app, **params):
    return client.post("/oauth/token", {"client_id": app.client_id, "client_secret": app.secret, **params})


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def account_of(token):
    return auth.authenticate(RequestFactory().get("/", **bearer(token))).account


# Registering an app


def test_an_app_registers_with_a_form_as_mastodon_py_does(client):
    response = client.post(
        "/api/v1/apps",
        {
            "client_name": "Mastodon.py app",
            "scopes": "read write follow push",
            "redirect_uris": auth.OOB,
            "website": "https://app.example",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Mastodon.py app" and body["website"] == "https://app.example"
    assert body["scopes"] == ["read", "write", "follow", "push"]
    assert body["redirect_uris"] == [auth.OOB] and body["redirect_uri"] == auth.OOB
    assert body["vapid_key"] == vapid.public_key() and body["client_secret_expires_at"] == 0
    application = Application.objects.get(client_id=body["client_id"])
    assert body["id"] == str(application.id)
    assert application.client_secret != body["client_secret"], "the secret is stored only as a hash"


def test_an_app_registers_with_json_and_a_list_of_redirect_uris(client):
    body = post_json(
        client, "/api/v1/apps/", {"client_name": "toot", "redirect_uris": [CALLBACK, "myapp://callback"]}
    ).json()
    assert body["redirect_uris"] == [CALLBACK, "myapp://callback"]
    assert body["redirect_uri"] == f"{CALLBACK}\nmyapp://callback"
    assert body["scopes"] == ["read"] and body["website"] is None
    spaced = client.post("/api/v1/apps", {"client_name": "x", "redirect_uris": f"{CALLBACK}\n{auth.OOB}"}).json()
    assert spaced["redirect_uris"] == [CALLBACK, auth.OOB]


@pytest.mark.parametrize(
    "uris, message",
    [
        ("/callback", "Redirect URI must be an absolute URI."),
        ("app.example/callback", "Redirect URI must be an absolute URI."),
        ("javascript:alert(1)", "Redirect URI can't use the javascript: scheme."),
        ("data:text/html,hello", "Redirect URI can't use the data: scheme."),
        ("VBScript:msgbox", "Redirect URI can't use the vbscript: scheme."),
        (f"{CALLBACK}#top", "Redirect URI can't contain a fragment."),
        ("", "Redirect URI can't be blank."),
    ],
)
def test_an_app_with_a_bad_redirect_uri_is_refused(client, uris, message):
    response = client.post("/api/v1/apps", {"client_name": "bad", "redirect_uris": uris})
    assert response.status_code == 422
    assert response.json() == {"error": f"Validation failed: {message}"}


def test_an_app_needs_a_name_and_known_scopes(client):
    nameless = client.post("/api/v1/apps", {"client_name": " ", "redirect_uris": auth.OOB})
    assert nameless.status_code == 422
    assert nameless.json()["error"] == "Validation failed: Application name can't be blank."
    greedy = client.post("/api/v1/apps", {"client_name": "x", "redirect_uris": auth.OOB, "scopes": "read everything"})
    assert greedy.status_code == 422
    assert greedy.json()["error"] == "Validation failed: Scopes include an unknown scope: everything"


def test_an_app_learns_what_it_is_from_any_token(client, app, dana):
    for token in (auth.issue_token(app, None, "read"), auth.issue_token(app, dana, "profile")):
        response = client.get("/api/v1/apps/verify_credentials", **bearer(token))
        assert response.status_code == 200
        assert response.json() == {
            "id": str(app.id),
            "name": "Story app",
            "website": None,
            "scopes": ["read", "write", "follow", "push"],
            "redirect_uris": [auth.OOB, CALLBACK],
            "redirect_uri": f"{auth.OOB}\n{CALLBACK}",
            "vapid_key": vapid.public_key(),
        }
    for headers in (bearer("not-a-token"), {}):
        refused = client.get("/api/v1/apps/verify_credentials/", **headers)
        assert refused.status_code == 401 and refused.json() == {"error": "The access token is invalid"}


# The authorize page and the authorization code grant


def pkce_pair():
    verifier = base64.urlsafe_b64encode(b"a verifier that is long enough, 43+ chars!").decode().rstrip("=")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorize_url(app, slash="", **params):
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK, **params}
    return f"/oauth/authorize{slash}?{urlencode(query)}"


def csrf_token(page) -> str:
    html = page.text if isinstance(page, requests.Response) else page.content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(browser, url, username, password=PASSWORD):
    page = browser.get(url)
    return browser.post(url, {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": password})


def decide(browser, url, decision):
    page = browser.get(url)
    return browser.post(url, {"csrfmiddlewaretoken": csrf_token(page), "decision": decision})


def test_a_person_logs_in_on_the_authorize_page_approves_and_the_app_gets_a_token_with_pkce(app, dana):
    browser = Client(enforce_csrf_checks=True)
    verifier, challenge = pkce_pair()
    # Mastodon.py sends unset values as the words None and False; they change nothing.
    url = authorize_url(
        app,
        slash="/",
        scope="read write",
        state="s1",
        code_challenge=challenge,
        code_challenge_method="S256",
        lang="None",
        force_login="False",
    )

    page = browser.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in html
    assert '<h1 dir="auto">Story app</h1>' in html
    assert '<label for="id_username">Username or e-mail' in html and '<label for="id_password">' in html
    assert "<script" not in html and "Approve" not in html

    wrong = log_in(browser, url, "dana@example.com", "not the password")
    assert wrong.status_code == 200
    assert "That username or e-mail and password don&#x27;t match an account." in wrong.content.decode()
    assert 'role="alert"' in wrong.content.decode()

    logged_in = log_in(browser, url, "Dana@Example.com")
    assert logged_in.status_code == 303 and logged_in["Location"] == url

    consent = browser.get(url).content.decode()
    assert "@dana" in consent and "Approve" in consent and "Deny" in consent
    assert "Read all your account&#x27;s data" in consent and "(<code>write</code>)" in consent

    approved = decide(browser, url, "approve")
    assert approved.status_code == 302
    location = urlsplit(approved["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    code = query["code"][0]

    api = Client()
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    wrong_verifier = token_request(api, app, **exchange, code_verifier="x" * 43)
    assert wrong_verifier.status_code == 400 and wrong_verifier.json()["error"] == "invalid_grant"
    missing_verifier = token_request(api, app, **exchange)
    assert missing_verifier.status_code == 400

    granted = token_request(api, app, **exchange, code_verifier=verifier)
    assert granted.status_code == 200
    token = granted.json()
    assert token["token_type"] == "Bearer" and token["scope"] == "read write"
    assert isinstance(token["created_at"], int) and "expires_in" not in token
    assert account_of(token["access_token"]) == dana
    assert Client().get("/api/v1/apps/verify_credentials", **bearer(token["access_token"])).status_code == 200

    again = token_request(api, app, **exchange, code_verifier=verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", "a code works once"


def approved_code(browser, app, dana) -> str:
    browser.force_login(dana)
    return parse_qs(urlsplit(browser.post(authorize_url(app), {"decision": "approve"})["Location"]).query)["code"][0]


def test_a_code_presented_again_revokes_the_token_it_gave(client, app, dana):
    exchange = {"grant_type": "authorization_code", "code": approved_code(client, app, dana), "redirect_uri": CALLBACK}
    api = Client()
    token = token_request(api, app, **exchange).json()
    assert api.get("/api/v1/accounts/verify_credentials", **bearer(token["access_token"])).status_code == 200
    # Someone else has the code too (RFC 6749 4.1.2): the replay is refused, and the token it gave goes.
    replay = token_request(api, app, **exchange)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    refused = api.get("/api/v1/accounts/verify_credentials", **bearer(token["access_token"]))
    assert refused.status_code == 401 and refused.json() == {"error": "The access token was revoked"}
    again = token_request(api, app, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", "its refresh token went with it"


def test_a_code_presented_again_revokes_the_tokens_refreshed_from_it(client, app, dana):
    exchange = {"grant_type": "authorization_code", "code": approved_code(client, app, dana), "redirect_uri": CALLBACK}
    api = Client()
    first = token_request(api, app, **exchange).json()
    refreshed = token_request(api, app, grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert api.get("/api/v1/accounts/verify_credentials", **bearer(refreshed["access_token"])).status_code == 200
    assert token_request(api, app, **exchange).status_code == 400
    assert api.get("/api/v1/accounts/verify_credentials", **bearer(refreshed["access_token"])).status_code == 401
    again = token_request(api, app, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
    assert again.status_code == 400


def test_another_apps_replay_of_a_code_revokes_nothing(client, app, dana):
    exchange = {"grant_type": "authorization_code", "code": approved_code(client, app, dana), "redirect_uri": CALLBACK}
    api = Client()
    token = token_request(api, app, **exchange).json()
    _other, other_id, other_secret = auth.create_application("Other app", redirect_uris=CALLBACK)
    stranger = api.post("/oauth/token", {"client_id": other_id, "client_secret": other_secret, **exchange})
    assert stranger.status_code == 400 and stranger.json()["error"] == "invalid_grant"
    assert api.get("/api/v1/accounts/verify_credentials", **bearer(token["access_token"])).status_code == 200


def test_a_person_who_denies_sends_the_app_access_denied(client, app, dana):
    client.force_login(dana)
    url = authorize_url(app, state="s2")
    denied = client.post(url, {"decision": "deny"})
    assert denied.status_code == 302
    query = parse_qs(urlsplit(denied["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["s2"]
    assert not AccessToken.objects.exists()


def test_the_out_of_band_uri_shows_the_code_to_copy(client, app, dana):
    client.force_login(dana)
    url = authorize_url(app, redirect_uri=auth.OOB, scope="read write follow push")
    assert "read write follow push" not in client.get(url).content.decode()  # each scope is described
    page = client.post(url, {"decision": "approve"})
    html = page.content.decode()
    assert page.status_code == 200 and '<label for="code">' in html
    code = re.search(r'id="code" type="text" value="([^"]+)"', html).group(1)
    token = token_request(client, app, grant_type="authorization_code", code=code, redirect_uri=auth.OOB).json()
    assert token["scope"] == "read write follow push" and account_of(token["access_token"]) == dana

    denied = client.post(url, {"decision": "deny"})
    assert denied.status_code == 400 and "You did not let the app use your account" in denied.content.decode()


def test_the_page_speaks_the_language_the_app_asks_for(client, app):
    page = client.get(authorize_url(app, lang="ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page


@pytest.mark.parametrize(
    "params, error",
    [
        ({"scope": "admin:read"}, "invalid_scope"),  # not one the app registered
        ({"scope": "read everything"}, "invalid_scope"),
        ({"code_challenge": "abc", "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "abc"}, "invalid_request"),  # no method means plain
        ({"response_type": "token"}, "unauthorized_client"),  # the implicit grant is off
    ],
)
def test_a_request_the_app_may_not_make_goes_back_to_it_as_an_error(client, app, dana, params, error):
    client.force_login(dana)
    refused = client.get(authorize_url(app, state="s3", **params))
    assert refused.status_code == 302 and refused["Location"].startswith(CALLBACK)
    query = parse_qs(urlsplit(refused["Location"]).query)
    assert query["error"] == [error] and query["state"] == ["s3"]


def test_a_granular_scope_within_the_registered_ones_may_be_asked_for(client, app, dana):
    client.force_login(dana)
    url = authorize_url(app, scope="read:statuses write:favourites")
    code = parse_qs(urlsplit(client.post(url, {"decision": "approve"})["Location"]).query)["code"][0]
    token = token_request(client, app, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
    assert token["scope"] == "read:statuses write:favourites"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"client_id": "nobody"}, "This app is not registered on this server"),
        ({"client_id": ""}, "This app is not registered on this server"),
        ({"redirect_uri": "https://evil.example/callback"}, "an address it did not register"),
    ],
)
def test_a_wrong_client_or_redirect_uri_is_shown_to_the_person_not_redirected(client, app, params, message):
    page = client.get(authorize_url(app, **params))
    assert page.status_code == 400 and "Location" not in page
    assert 'role="alert"' in page.content.decode() and message in page.content.decode()


def test_a_long_email_address_fits_the_log_in_box(client, app, make_account):
    make_account("gail", email="gail.with.a.rather.long.address@example.com")
    url = authorize_url(app)
    client.post(url, {"username": "gail.with.a.rather.long.address@example.com", "password": PASSWORD})
    consent = client.get(url).content.decode()
    assert "Approve" in consent and "(<code>read</code>)" in consent, "no scope asked means read"
    assert "<code>write</code>" not in consent


# The other grants of /oauth/token


def test_the_password_grant_takes_the_email_or_the_username_in_any_case(client, app, dana):
    by_email = token_request(client, app, grant_type="password", username="DANA@example.com", password=PASSWORD)
    assert by_email.status_code == 200
    body = by_email.json()
    assert body["scope"] == "read" and account_of(body["access_token"]) == dana, "the default scope is read"
    by_name = post_json(
        client,
        "/oauth/token/",
        {
            "grant_type": "password",
            "username": "Dana",
            "password": PASSWORD,
            "scope": "read write follow push",
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )
    assert by_name.status_code == 200 and by_name.json()["scope"] == "read write follow push"


def test_the_client_may_authenticate_with_http_basic(client, app, dana):
    basic = base64.b64encode(f"{app.client_id}:{app.secret}".encode()).decode()
    response = client.post(
        "/oauth/token",
        {"grant_type": "password", "username": "dana", "password": PASSWORD},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200 and account_of(response.json()["access_token"]) == dana


def test_client_credentials_give_an_app_token_without_a_user(client, app):
    response = token_request(client, app, grant_type="client_credentials", scope="read write")
    assert response.status_code == 200 and response.json()["scope"] == "read write"
    assert "refresh_token" not in response.json()
    credentials = auth.authenticate(RequestFactory().get("/", **bearer(response.json()["access_token"])))
    assert credentials.account is None and credentials.application == app
    assert credentials.scopes == {"read", "write"}


def test_a_refresh_token_gives_a_new_token_and_retires_the_old_one(client, app, dana):
    first = token_request(client, app, grant_type="password", username="dana", password=PASSWORD, scope="read").json()
    second = token_request(client, app, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    assert second.json()["scope"] == "read" and account_of(second.json()["access_token"]) == dana
    with pytest.raises(Unauthorized):
        account_of(first["access_token"])


@pytest.mark.parametrize(
    "params, status, error",
    [
        ({"grant_type": "password", "username": "dana", "password": "wrong"}, 400, "invalid_grant"),
        ({"grant_type": "password", "username": "nobody@example.com", "password": PASSWORD}, 400, "invalid_grant"),
        ({"grant_type": "password", "username": "dana", "password": PASSWORD, "scope": "admin:write"}, 400,
         "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "read nonsense"}, 400, "invalid_scope"),
        ({"grant_type": "authorization_code", "code": "made-up", "redirect_uri": CALLBACK}, 400, "invalid_grant"),
        ({"grant_type": "implicit"}, 400, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "dana", "password": PASSWORD, "client_secret": "wrong"}, 401,
         "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "nobody"}, 401, "invalid_client"),
    ],
)
def test_token_errors_speak_oauth(client, app, dana, params, status, error):
    response = token_request(client, app, **params)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error and body["error_description"]


def test_a_token_request_with_a_broken_body_is_told_so(client):
    response = client.post("/oauth/token", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "The request body is not valid JSON."}


def test_tokens_and_refresh_tokens_are_stored_only_as_hashes(client, app, dana):
    token = token_request(client, app, grant_type="password", username="dana", password=PASSWORD).json()
    stored = AccessToken.objects.get()
    assert stored.token == "" and stored.token_checksum == hashlib.sha256(token["access_token"].encode()).hexdigest()
    assert RefreshToken.objects.get().token == ""
    assert auth.issue_token(app, dana) and set(AccessToken.objects.values_list("token", flat=True)) == {""}


# Revocation


def test_a_revoked_token_is_told_it_was_revoked(client, app, dana):
    token = token_request(client, app, grant_type="password", username="dana", password=PASSWORD).json()
    form = {"client_id": app.client_id, "client_secret": app.secret, "token": token["access_token"]}
    for _ in range(2):  # revoking twice is fine
        revoked = client.post("/oauth/revoke", form)
        assert revoked.status_code == 200 and revoked.json() == {}
    refused = client.get("/api/v1/apps/verify_credentials", **bearer(token["access_token"]))
    assert refused.status_code == 401 and refused.json() == {"error": "The access token was revoked"}
    again = token_request(client, app, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert again.status_code == 400, "its refresh token went with it"
    assert client.post("/oauth/revoke/", {**form, "token": "never-issued"}).json() == {}


def test_an_app_cannot_revoke_another_apps_token(client, app, dana):
    _other, other_id, other_secret = auth.create_application("Other app")
    token = auth.issue_token(app, dana)
    stranger = client.post("/oauth/revoke", {"client_id": other_id, "client_secret": other_secret, "token": token})
    assert stranger.status_code == 403
    assert stranger.json() == {
        "error": "unauthorized_client",
        "error_description": "You are not authorized to revoke this token",
    }
    impostor = client.post("/oauth/revoke", {"client_id": app.client_id, "client_secret": "guess", "token": token})
    assert impostor.status_code == 401 and impostor.json()["error"] == "invalid_client"
    assert account_of(token) == dana


# Tokens in API requests


def test_tokens_are_read_from_the_header_or_the_legacy_query_parameter(app, dana):
    token = auth.issue_token(app, dana, "read")
    factory = RequestFactory()
    assert auth.authenticate(factory.get("/")) is None
    assert auth.authenticate(factory.get("/", {"access_token": token})).account == dana
    assert auth.authenticate(factory.get("/", HTTP_AUTHORIZATION=f"bearer {token}")).scopes == {"read"}
    dana.is_active = False
    dana.save()
    with pytest.raises(Unauthorized) as suspended:
        auth.authenticate(factory.get("/", **bearer(token)))
    assert suspended.value.message == "The access token is invalid"


@pytest.mark.parametrize(
    "granted, wanted, allowed",
    [
        ("read", "read:statuses", True),
        ("read:statuses", "read:statuses", True),
        ("read:statuses", "read", False),
        ("read:accounts", "read:statuses", False),
        ("write", "write:media", True),
        ("read", "write:statuses", False),
        ("follow", "write:follows", True),
        ("follow", "read:mutes", True),
        ("follow", "write:statuses", False),
        ("profile", "read:accounts", False),
        ("profile", "profile|read:accounts", True),
        ("read", "profile|read:accounts", True),
        ("read", "profile", False),
        ("admin:read", "admin:read:accounts", True),
        ("admin:write", "admin:read", False),
    ],
)
def test_scopes_follow_mastodons_hierarchy(granted, wanted, allowed):
    credentials = auth.Credentials(account=None, scopes=frozenset(granted.split()), application=None)
    assert auth.allows(credentials, wanted) is allowed


# Server metadata


def test_the_server_describes_its_oauth_at_the_well_known_address(client, settings):
    settings.SITE_URL = "https://chirvir.example"
    document = client.get("/.well-known/oauth-authorization-server").json()
    assert document["issuer"] == "https://chirvir.example/"
    assert document["authorization_endpoint"] == "https://chirvir.example/oauth/authorize"
    assert document["token_endpoint"] == "https://chirvir.example/oauth/token"
    assert document["revocation_endpoint"] == "https://chirvir.example/oauth/revoke"
    assert document["app_registration_endpoint"] == "https://chirvir.example/api/v1/apps"
    assert "password" in document["grant_types_supported"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert {"read", "write:statuses", "follow", "push", "profile", "admin:read"} <= set(document["scopes_supported"])


# Signing up through the API


@pytest.fixture
def app_client(app):
    return Client(**bearer(auth.issue_token(app, None, "read write follow push")))


def sign_up(client, **fields):
    data = {"username": "erin", "email": "erin@example.com", "password": PASSWORD, "agreement": "true", "locale": "de"}
    return post_json(client, "/api/v1/accounts", {**data, **fields})


def test_an_app_signs_a_person_up_and_gets_their_token(app_client):
    response = sign_up(app_client)
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "Bearer" and token["scope"] == "read write follow push"
    erin = account_of(token["access_token"])
    assert erin.username == "erin" and erin.email == "erin@example.com" and erin.language == "de"


def test_signing_up_needs_an_app_token_with_write_accounts(client, app, dana):
    assert sign_up(client).status_code == 401
    reader = Client(**bearer(auth.issue_token(app, None, "read")))
    refused = sign_up(reader)
    assert refused.status_code == 403 and refused.json() == {"error": "This action is outside the authorized scopes"}
    granular = Client(**bearer(auth.issue_token(app, None, "write:accounts")))
    assert sign_up(granular).status_code == 200


@pytest.mark.parametrize(
    "fields, field, code",
    [
        ({"agreement": "false"}, "agreement", "ERR_ACCEPTED"),
        ({"email": ""}, "email", "ERR_BLANK"),
        ({"username": "dana"}, "username", "ERR_TAKEN"),
        ({"username": "DANA"}, "username", "ERR_TAKEN"),
        ({"username": "no spaces"}, "username", "ERR_INVALID"),
        ({"email": "DANA@example.com"}, "email", "ERR_TAKEN"),
        ({"email": "not an address"}, "email", "ERR_INVALID"),
        ({"password": "short"}, "password", "ERR_TOO_SHORT"),
        ({"password": "password123"}, "password", "ERR_INVALID"),
    ],
)
def test_a_sign_up_that_breaks_a_rule_says_which_field_and_why(app_client, dana, fields, field, code):
    response = sign_up(app_client, **fields)
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("Validation failed: ")
    assert body["details"][field][0]["error"] == code
    assert body["details"][field][0]["description"] in body["error"]
    assert not Account.objects.filter(username__iexact="erin").exists()


def test_closed_registrations_refuse_sign_up(app_client, settings):
    settings.REGISTRATIONS = "closed"
    response = sign_up(app_client)
    assert response.status_code == 403 and response.json() == {"error": "This server is not accepting new accounts."}


def test_with_approval_the_account_waits_and_its_token_works_once_approved(app_client, client, settings):
    settings.REGISTRATIONS = "approval"
    response = sign_up(app_client)
    assert response.status_code == 200
    token = response.json()["access_token"]
    erin = Account.objects.get(username="erin")
    assert not erin.is_active
    waiting = client.get("/api/v1/apps/verify_credentials", **bearer(token))
    assert waiting.status_code == 401 and waiting.json() == {"error": "The access token is invalid"}
    erin.is_active = True  # what an operator does in the admin
    erin.save()
    assert client.get("/api/v1/apps/verify_credentials", **bearer(token)).status_code == 200


# The real Mastodon.py against a live server


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def test_mastodon_py_registers_an_app_logs_in_and_revokes(site, dana):
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py story", api_base_url=site, website="https://app.example"
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=site)
    # The well-known document lists http URLs on this test server, so Mastodon.py must be told it may use them.
    token = api.log_in("dana@example.com", PASSWORD, allow_http=True)
    assert account_of(token) == dana
    application = api.app_verify_credentials()
    assert application.name == "Mastodon.py story" and application.website == "https://app.example"
    api.revoke_access_token(allow_http=True)
    holder = Mastodon(client_id=client_id, client_secret=client_secret, access_token=token, api_base_url=site)
    with pytest.raises(MastodonUnauthorizedError, match="The access token was revoked"):
        holder.app_verify_credentials()


def test_mastodon_py_signs_a_person_up(site):
    client_id, client_secret = Mastodon.create_app("Sign-up app", api_base_url=site)
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=site)
    token = api.create_account("frank", PASSWORD, "frank@example.com", agreement=True, locale="fr")
    frank = account_of(token)
    assert frank.username == "frank" and frank.language == "fr"
    assert api.app_verify_credentials().name == "Sign-up app"
    refused, error = api.create_account(
        "frank", PASSWORD, "other@example.com", agreement=True, return_detailed_error=True
    )
    assert refused is None and error.details.username[0].error == "ERR_TAKEN"


def test_mastodon_py_logs_in_with_the_code_a_person_copies_from_the_page(site, dana):
    client_id, client_secret = Mastodon.create_app("Code app", api_base_url=site)
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=site)
    url = api.auth_request_url(allow_http=True)  # with state=None, force_login=False, lang=None
    browser = requests.Session()
    login_page = browser.get(url)
    consent = browser.post(url, {"csrfmiddlewaretoken": csrf_token(login_page), "username": "dana", "password": PASSWORD})
    assert "Approve" in consent.text
    shown = browser.post(url, {"csrfmiddlewaretoken": csrf_token(consent), "decision": "approve"})
    code = re.search(r'id="code" type="text" value="([^"]+)"', shown.text).group(1)
    token = api.log_in(code=code, allow_http=True)
    assert account_of(token) == dana
