"""Profile links verified as Mastodon verifies them: a job fetches each field that is a web page
and looks for a rel="me" link back to the profile; here the page is served on loopback by a small
http.server. The fetch never reaches a private or loopback address unless a setting allows it
(an SSRF guard), is http(s) only, and reads a bounded page."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chirvir.accounts import links
from chirvir.core.links import profile_url


@pytest.fixture
def pages():
    """A web server on 127.0.0.1: `pages[path] = html` serves it; `pages.requests` lists the paths asked for."""

    class Pages(dict):
        requests: list[str] = []

    served = Pages()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            served.requests.append(self.path)
            body = served.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            if body.startswith("redirect:"):
                self.send_response(302)
                self.send_header("Location", body.removeprefix("redirect:"))
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield served
    server.shutdown()
    server.server_close()


def fields_of(client, account):
    return {f["name"]: f for f in client.get(f"/api/v1/accounts/{account.id}").json()["fields"]}


def set_fields(client, *fields):
    given = [{"name": name, "value": value} for name, value in fields]
    response = client.patch(
        "/api/v1/accounts/update_credentials", {"fields_attributes": given}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return {f["name"]: f for f in response.json()["fields"]}


@pytest.fixture
def loopback_allowed(settings):
    settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES = True


def test_a_page_that_links_back_with_rel_me_is_verified(loopback_allowed, pages, api_client, alice, bob):
    me = profile_url("alice")
    pages["/home"] = f'<html><head><link rel="me" href="{me}"></head><body>hi</body></html>'
    pages["/blog"] = f'<p>Find me <a href="{me}/" rel="nofollow me">on Chirvir</a></p>'
    pages["/other"] = f'<a href="{me}">no rel</a> <a rel="me" href="{profile_url("bob")}">bob</a>'
    as_alice = api_client(alice)
    shown = set_fields(
        as_alice,
        ("Home", f"{pages.base}/home"), ("Blog", f"{pages.base}/blog"),
        ("Other", f"{pages.base}/other"), ("Pets", "two cats"),
    )
    # The job ran when the change committed (the test queue runs jobs at once).
    assert shown["Home"]["verified_at"]
    found = fields_of(api_client(bob), alice)
    assert found["Home"]["verified_at"] and found["Blog"]["verified_at"]
    blog_verified_at = found["Blog"]["verified_at"]  # kept while the link still links back
    assert as_alice.get("/@alice").content.decode().count('class="verified"') == 2  # marked on the profile page
    assert found["Other"]["verified_at"] is None and found["Pets"]["verified_at"] is None
    source = as_alice.get("/api/v1/accounts/verify_credentials").json()["source"]["fields"]
    assert [bool(f["verified_at"]) for f in source] == [True, True, False, False]
    # The page stops linking back: the next change of the fields finds it out.
    pages["/home"] = "<p>moved</p>"
    set_fields(as_alice, ("Home", f"{pages.base}/home"), ("Blog", f"{pages.base}/blog"))
    found = fields_of(as_alice, alice)
    assert found["Home"]["verified_at"] is None and found["Blog"]["verified_at"] == blog_verified_at


def test_loopback_and_private_pages_are_never_fetched_by_default(pages, api_client, alice):
    pages["/home"] = f'<a rel="me" href="{profile_url("alice")}">me</a>'
    set_fields(api_client(alice), ("Home", f"{pages.base}/home"), ("Local", "http://localhost:9/x"))
    assert fields_of(api_client(alice), alice)["Home"]["verified_at"] is None
    assert pages.requests == []  # the server was never reached
    private = ("http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/")
    for url in private:
        with pytest.raises(links.Refused):
            links.fetch_page(url)


def test_a_redirect_to_loopback_is_refused_too(settings, pages):
    settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES = True
    pages["/hop"] = f"redirect:{pages.base}/home"
    pages["/home"] = "<p>here</p>"
    assert "here" in links.fetch_page(f"{pages.base}/hop")  # allowed: followed
    settings.VERIFY_LINKS_TO_PRIVATE_ADDRESSES = False
    with pytest.raises(links.Refused):
        links.fetch_page(f"{pages.base}/hop")


def test_only_http_pages_of_bounded_size_are_read(loopback_allowed, pages):
    pages["/big"] = "x" * (links.MAX_PAGE + 1) + f'<a rel="me" href="{profile_url("alice")}">me</a>'
    with pytest.raises(links.Refused):
        links.fetch_page(f"{pages.base}/big")
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/"):
        with pytest.raises(links.Refused):
            links.fetch_page(url)
