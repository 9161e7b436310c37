"""Phishing by direct message, in a real browser: a stranger's message carries a link to a
look-alike of this site's name; the reader's click opens Chirvir's warning page, which names the
real destination and warns hard, before anything of the other site loads."""

import re

from playwright.sync_api import expect

from tests.web.conftest import SCREENSHOTS


def test_a_look_alike_link_in_a_strangers_dm_opens_the_warning_page(visitor):
    phisher, reader = visitor(), visitor()
    phisher.sign_up("phisher")
    reader_name = reader.sign_up("reader")

    page = phisher.page
    page.goto("/messages")
    page.get_by_role("textbox", name="To").fill(reader_name)
    # "chirvlr" is one letter from "chirvir", the site's name: the classic "log in again" lure.
    page.get_by_role("textbox", name="Message").fill("Your account is locked, log in again: https://chirvlr.com/login")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".conversations")).to_contain_text("chirvlr.com")

    reader.page.goto("/messages")
    link = reader.page.locator(".conversations a[title='https://chirvlr.com/login']")
    expect(link).to_have_attribute("href", re.compile(r"^/leaving\?url="))
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer ugc")
    with reader.context.expect_page() as opened:
        link.click()
    warning = opened.value
    warning.wait_for_load_state()
    assert re.search(r"/leaving\?url=", warning.url), warning.url
    expect(warning.locator(".destination-host")).to_have_text("chirvlr.com")
    expect(warning.locator(".strong-warning")).to_be_visible()
    expect(warning.get_by_role("link", name=re.compile("chirvlr.com"))).to_have_attribute(
        "href", "https://chirvlr.com/login"
    )
    reader.screenshot("phishing-messages")
    warning.screenshot(path=str(SCREENSHOTS / "phishing-warning.png"), full_page=True)
    assert not phisher.problems and not reader.problems, phisher.problems + reader.problems
