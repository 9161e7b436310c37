"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by .ci/run;
never a browser download) against a real `chirvir serve`. Screenshots of the main pages go to
test-artifacts/screenshots/."""

import itertools
from pathlib import Path

import pytest

from tests.servers import ROOT, serving

CHROMIUM = Path("/usr/bin/chromium")
# No background traffic: the machine has no network beyond loopback, and tests send none.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "a long password 7"
_numbers = itertools.count(1)


@pytest.fixture(scope="package")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("web")
    with serving(data, CHIRVIR_STREAMING_HEARTBEAT="1", CHIRVIR_RATE_LIMIT="0") as base:
        yield base


# Module-scoped: while Playwright runs, an event loop runs in this thread, where Django refuses
# database work; it must be gone before the next module's tests.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Visitor:
    """One person at one browser: their own cookies, their own tab."""

    def __init__(self, browser, site: str, **options):
        self.context = browser.new_context(base_url=site, **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        # Anything the page's policy refused, and any script error, fails the test that saw it.
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def sign_up(self, name: str) -> str:
        username = f"{name}{next(_numbers)}"
        page = self.page
        page.goto("/signup")
        # By the fields' names, so that it works in every interface language.
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password_again]").fill(PASSWORD)
        page.locator("form[action='/signup'] button[type=submit]").click()
        page.wait_for_url("**/home")
        return username

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def visitor(browser, site):
    made = []

    def make(**options) -> Visitor:
        v = Visitor(browser, site, **options)
        made.append(v)
        return v

    yield make
    for v in made:
        v.context.close()
