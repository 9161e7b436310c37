"""Streams end when their owner ends the sign-in from the settings pages of a live server: Revoke
on the connected apps page closes the app's streams at once (long before the periodic recheck), as
does ticking "also sign out every app" when changing the password."""

import re

from tests.streaming.conftest import PASSWORD
from tests.streaming.test_streaming import is_update_of


def revoke_from_the_apps_page(browser) -> None:
    page = browser.get("/settings/apps").text
    [action] = re.findall(r'action="(/settings/apps/\d+/revoke)"', page)
    assert browser.post(action, headers={"X-CSRFToken": browser.cookies["csrftoken"]}).status_code == 302


def test_revoking_an_app_on_the_settings_page_closes_its_streams(community):
    alice, bob = community.join("alice"), community.join("bob")
    bob.api.account_follow(alice.id)
    with community.sse("user", bob.token) as stream:
        before = alice.api.status_post("for my followers", visibility="private")
        assert is_update_of(before)(stream.next_event())
        revoke_from_the_apps_page(community.browser(bob))
        assert stream.ends() == []
    with community.sse("user", bob.token) as again:
        assert (again.status_code, again.body()) == (401, {"error": "The access token was revoked"})


def test_a_password_change_that_signs_out_the_apps_closes_their_streams(community):
    alice, carol = community.join("alice"), community.join("carol")
    carol.api.account_follow(alice.id)
    browser = community.browser(carol)
    with community.sse("user", carol.token) as stream:
        before = alice.api.status_post("for my followers", visibility="private")
        assert is_update_of(before)(stream.next_event())
        new = "a brand new secret 42"
        change = {"old_password": PASSWORD, "new_password1": new, "new_password2": new, "sign_out_apps": "on"}
        answer = browser.post("/settings/password", data=change, headers={"X-CSRFToken": browser.cookies["csrftoken"]})
        assert answer.status_code == 302
        assert stream.ends() == []
