"""Parameters nested past any client's need (query, form or JSON) are refused with a 400 and
Mastodon's `{"error": ...}`, anonymously and at once; the nesting Mastodon's API uses still works."""

import json

import pytest
from django.test import Client

DEEP = 500


def deep_key(levels: int) -> str:
    return "client_name" + "[a]" * (levels - 1)


def deep_json(levels: int) -> str:
    value: object = "x"
    for _ in range(levels - 1):
        value = {"a": value}
    return json.dumps({"client_name": "Deep", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "extra": value})


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": f"/api/v1/accounts/lookup?{deep_key(DEEP)}=1", "method": "get"},
        {"path": f"/api/v1/apps?{deep_key(DEEP)}=1", "method": "post"},
        {
            "path": "/api/v1/apps",
            "method": "post",
            "data": f"{deep_key(DEEP)}=1",
            "content_type": "application/x-www-form-urlencoded",
        },
        {"path": "/api/v1/apps", "method": "post", "data": deep_json(DEEP), "content_type": "application/json"},
    ],
    ids=["query", "query on a POST", "form", "JSON"],
)
def test_parameters_nested_five_hundred_deep_are_refused(request_kwargs):
    method, path = request_kwargs.pop("method"), request_kwargs.pop("path")
    response = getattr(Client(raise_request_exception=False), method)(path, **request_kwargs)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"] == "The parameters are nested too deeply."


def test_seventeen_levels_are_refused_and_sixteen_taken():
    client = Client()
    base = {"client_name": "Deep", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    # The body's object is the first level, so `extra` holding 15 more is sixteen.
    assert client.post("/api/v1/apps", deep_json(16), content_type="application/json").status_code == 200
    assert client.post("/api/v1/apps", deep_json(17), content_type="application/json").status_code == 400
    assert client.post("/api/v1/apps", {**base, "extra" + "[a]" * 15: "1"}).status_code == 200
    assert client.post("/api/v1/apps", {**base, "extra" + "[a]" * 16: "1"}).status_code == 400


def test_the_nesting_mastodons_api_uses_still_reads(as_alice):
    app = Client().post(
        "/api/v1/apps",
        {"client_name": "Nested", "redirect_uris[]": ["urn:ietf:wg:oauth:2.0:oob"], "scopes[]": ["read", "write"]},
    )
    assert app.status_code == 200 and app.json()["scopes"] == ["read", "write"]
    form = {"status": "Which?", "poll[options][]": ["a", "b"], "poll[expires_in]": "600"}
    poll = as_alice.post("/api/v1/statuses", form)
    assert poll.status_code == 200 and [o["title"] for o in poll.json()["poll"]["options"]] == ["a", "b"]
    poll = as_alice.post(
        "/api/v1/statuses",
        json.dumps({"status": "Which?", "poll": {"options": ["a", "b"], "expires_in": 600}}),
        content_type="application/json",
    )
    assert poll.status_code == 200 and [o["title"] for o in poll.json()["poll"]["options"]] == ["a", "b"]
    # A NUL deep inside is still found.
    nul = as_alice.post("/api/v1/statuses", {"status": "hi", "source[privacy]": "a\x00b"})
    assert nul.status_code == 400 and "NUL" in nul.json()["error"]
