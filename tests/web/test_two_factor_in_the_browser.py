"""Two-factor authentication in Chromium against a live server: a person turns it on from the
QR code page (pyotp reads the key as their phone's app would, and computes the codes), keeps the
recovery codes, logs out, and logs in again with the password and then a code; a wrong code
keeps them out."""

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD


def test_a_person_turns_on_two_factor_and_logs_in_with_a_code(visitor):
    person = visitor()
    username = person.sign_up("tara")
    page = person.page
    page.goto("/settings")
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.locator("input[name=code]").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("status")).to_contain_text("Two-factor authentication is on.")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    person.screenshot("two-factor-recovery-codes")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login/code"))
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert person.problems == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
    person.problems.clear()  # the refusal, answered 422 as the sign-up form's are; nothing else went wrong
    page.goto("/home")
    assert "/login" in page.url

    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login/code"))
    # The code of the step after the one taken when turning it on: each code lets in once.
    page.locator("input[name=code]").fill(totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/home$"))
    assert person.problems == []
