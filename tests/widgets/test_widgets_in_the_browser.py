"""The widget in a real browser, as another web site holds it: a page served from another origin
(a small http.server on another port of 127.0.0.1) loads /widget.js from a live `chirvir serve`,
the script inserts the frame, and a new post arrives in it live; the dark theme and the Arabic
interface, right to left, in the same frames; and no other Chirvir page in another site's frame."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.servers import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PASSWORD = "a long password 7"
LIVE = 15_000  # ms: a post reaches the frame through the job, the public stream and the widget's fetch


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("widgets"), CHIRVIR_STREAMING_HEARTBEAT="1", CHIRVIR_RATE_LIMIT="0") as base:
        yield base


@pytest.fixture(scope="module")
def blog(site):
    """Another site: its own origin, one page per query, each holding the widget's script tag."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            path, _mark, query = self.path.partition("?")
            # /framed?PATH: a frame of any Chirvir page; else the widget's script tag with the query.
            held = f"<iframe src='{site}{query}'></iframe>" if path == "/framed" else (
                f"<script src='{site}/widget.js?{query}' async></script>"
            )
            body = (
                "<!doctype html><html><head><meta charset='utf-8'><title>A blog</title></head><body>"
                f"<h1>My blog</h1>{held}</body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Author:
    """Someone posting on the live server through its web form."""

    def __init__(self, site: str, username: str):
        self.client = httpx.Client(base_url=site, timeout=10)
        token = self._token("/signup")
        answer = self.client.post("/signup", data={
            "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "password_again": PASSWORD,
        })
        assert answer.status_code == 302, answer.text

    def _token(self, address: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.client.get(address).text).group(1)

    def post(self, text: str, visibility: str = "public") -> None:
        answer = self.client.post("/compose", data={
            "csrfmiddlewaretoken": self._token("/home"), "status": text, "visibility": visibility,
        })
        assert answer.status_code in (200, 302), answer.text


def _open(browser, blog, query: str, path: str = "/", **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{blog}{path}?{query}")
    return context, page, problems


def test_another_site_holds_the_widget_and_a_new_post_arrives_live(browser, site, blog):
    author = Author(site, "kavya")
    author.post("Morning at the harbour")
    author.post("zqprivate only for my followers", visibility="private")
    context, page, problems = _open(browser, blog, "user=kavya")
    frame = page.frame_locator("iframe.chirvir-widget")
    expect(frame.locator("article.post").first).to_contain_text("Morning at the harbour")
    assert page.locator("iframe.chirvir-widget").get_attribute("src") == f"{site}/@kavya/widget"
    page.wait_for_timeout(1000)  # the frame's stream is open

    author.post("The boats are back with fish")
    expect(frame.locator("article.post").first).to_contain_text("The boats are back with fish", timeout=LIVE)
    expect(frame.locator("article.post")).to_have_count(2)
    author.post("zqunlisted a quiet one", visibility="unlisted")
    author.post("Evening tide", visibility="public")
    expect(frame.locator("article.post").first).to_contain_text("Evening tide", timeout=LIVE)
    assert "zq" not in frame.locator("body").inner_text()
    assert not problems, problems
    context.close()


def test_the_widget_dark_and_in_arabic_right_to_left(browser, site, blog):
    Author(site, "salma").post("صباح الخير من الميناء")
    context, page, problems = _open(browser, blog, "user=salma&theme=dark&lang=ar")
    frame = page.frame_locator("iframe.chirvir-widget")
    expect(frame.locator("article.post").first).to_contain_text("صباح الخير")
    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    expect(frame.locator("html")).to_have_attribute("lang", "ar")
    background = frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(21, 32, 43)", background
    # Without ?theme, the reader's system choice decides.
    assert not problems, problems
    context.close()

    context, page, problems = _open(browser, blog, "user=salma", color_scheme="dark")
    body = page.frame_locator("iframe.chirvir-widget").locator("body")
    expect(body.locator("article.post").first).to_be_visible()
    assert body.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(21, 32, 43)"
    context.close()
    context, page, problems = _open(browser, blog, "user=salma", color_scheme="light")
    body = page.frame_locator("iframe.chirvir-widget").locator("body")
    expect(body.locator("article.post").first).to_be_visible()
    assert body.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    assert not problems, problems
    context.close()


def test_another_site_cannot_frame_any_other_page(browser, site, blog):
    Author(site, "omar").post("Only in the widget")
    for address in ("/@omar", "/login", "/public"):
        context, page, problems = _open(browser, blog, address, path="/framed")
        page.wait_for_timeout(500)
        assert any("frame-ancestors" in problem for problem in problems), (address, problems)
        assert all("Only in the widget" not in frame.content() for frame in page.frames), address
        context.close()
    context, page, problems = _open(browser, blog, "/@omar/widget", path="/framed")
    expect(page.frame_locator("iframe").locator("article.post").first).to_contain_text("Only in the widget")
    assert not problems, problems
    context.close()
