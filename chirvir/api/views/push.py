"""Mastodon's push resource: the Web Push subscription of the calling token (one per token)."""

from chirvir.api import serializers
from chirvir.api.base import TRUE, ApiError, api, json_response
from chirvir.core.errors import Invalid
from chirvir.oauth import services as oauth
from chirvir.push import services

SCOPES = {method: "push" for method in ("GET", "POST", "PUT", "DELETE")}


def _data(params) -> tuple[dict | None, str | None]:
    """`data[alerts][...]` and `policy` (Mastodon reads `data[policy]` too)."""
    data = params.get("data")
    data = data if isinstance(data, dict) else {}
    alerts = data.get("alerts")
    if alerts is not None and not isinstance(alerts, dict):
        raise ApiError(400, "The parameter data[alerts] must be an object.")
    alerts = {name: _true(value) for name, value in alerts.items()} if alerts is not None else None
    policy = params.text("policy") or (data.get("policy") if isinstance(data.get("policy"), str) else None)
    return alerts, policy


def _true(value) -> bool:
    """A nested boolean, read as Params.boolean reads a top-level one."""
    return value is True or (isinstance(value, (str, int)) and str(value).strip().lower() in TRUE)


@api(methods=("GET", "POST", "PUT", "DELETE"), scopes=SCOPES)
def subscription(request, params):
    credentials = request.credentials
    if request.method == "GET":
        found = services.get_subscription(credentials)
    elif request.method == "DELETE":
        services.unsubscribe(credentials)
        return json_response({})
    elif request.method == "PUT":
        alerts, policy = _data(params)
        found = services.update_subscription(credentials, alerts=alerts, policy=policy)
    else:
        given = params.get("subscription")
        given = given if isinstance(given, dict) else {}
        keys = given.get("keys") if isinstance(given.get("keys"), dict) else {}
        for name, value in (("endpoint", given.get("endpoint")), ("keys", keys.get("p256dh") and keys.get("auth"))):
            if not value:
                raise ApiError(400, f"param is missing or the value is empty: subscription[{name}]")
        alerts, policy = _data(params)
        try:
            found = services.subscribe(
                credentials, oauth.token_of(request.headers, request.GET), str(given["endpoint"]),
                str(keys["p256dh"]), str(keys["auth"]), alerts=alerts, policy=policy,
                standard=_true(given.get("standard", False)),
            )
        except Invalid as e:
            raise ApiError(422, f"Validation failed: {e.message}") from e
    return json_response(serializers.push_subscription(found))
