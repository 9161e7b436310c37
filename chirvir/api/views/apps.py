"""Mastodon's apps endpoints: register a client app, and tell an app what it is."""

from chirvir.api.base import ApiError, api, json_response
from chirvir.core.errors import Invalid
from chirvir.oauth import services as oauth
from chirvir.push import vapid


def application_json(application) -> dict:
    uris = application.redirect_uris.split()
    return {
        "id": str(application.id),
        "name": application.name,
        "website": oauth.application_website(application),
        "scopes": oauth.application_scopes(application),
        "redirect_uris": uris,
        "redirect_uri": "\n".join(uris),
        "vapid_key": vapid.public_key(),  # the server's, as Mastodon sends it
    }


@api(methods=("POST",), user="optional")
def create(request, params):
    try:
        application, client_id, client_secret = oauth.create_application(
            params.text("client_name") or "",
            # A string of URIs split by new lines or spaces, or (JSON) a list of them.
            " ".join(params.array("redirect_uris")),
            " ".join(params.array("scopes")) or "read",
            params.text("website") or "",
        )
    except Invalid as e:
        raise ApiError(422, f"Validation failed: {e.message}") from e
    return json_response(
        {
            **application_json(application),
            "client_id": client_id,
            "client_secret": client_secret,
            "client_secret_expires_at": 0,
        }
    )


@api(methods=("GET",), user="app")
def verify_credentials(request, params):
    return json_response(application_json(request.credentials.application))
