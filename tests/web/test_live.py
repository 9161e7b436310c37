"""The home page's live updates: the streaming side takes a signed-in page's own session
cookie, and only from the site's own origin."""

import re

import httpx


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=5)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/signup").text).group(1)
    password = "a long password 7"
    answer = client.post(
        "/signup", data={"csrfmiddlewaretoken": token, "username": "rani", "password": password, "password_again": password}
    )
    assert answer.status_code == 302
    return client


def test_a_signed_in_page_listens_with_its_session_and_a_foreign_site_cannot(site):
    client = signed_in(site)
    with client.stream("GET", "/api/v1/streaming/user") as stream:
        assert stream.status_code == 200
        assert next(stream.iter_lines()) == ":)"
    with client.stream("GET", "/api/v1/streaming/user", headers={"Origin": "https://elsewhere.example"}) as stream:
        assert stream.status_code == 401
    with httpx.stream("GET", f"{site}/api/v1/streaming/user", cookies={"sessionid": "forged"}, timeout=5) as stream:
        assert stream.status_code == 401
