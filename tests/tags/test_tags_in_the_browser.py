"""Following a hashtag and whom to follow, in a real browser against `chirvir serve`: the button
on a hashtag page changes in place, the hashtag's posts arrive at home, and the who-to-follow
panel at home follows someone with one click."""

import re

from playwright.sync_api import expect


def test_follow_a_hashtag_from_its_page_and_someone_from_the_home_panel(visitor):
    alice, bob, carol = visitor(), visitor(), visitor()
    alice.sign_up("alice")
    bob_name = bob.sign_up("bob")
    carol.sign_up("carol")
    page = alice.page

    page.goto("/tags/bread")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name=re.compile("^Following"))).to_have_attribute("aria-pressed", "true")
    alice.screenshot("tag-followed")

    bob.page.get_by_label("What are you doing?").fill("Fresh #bread at the market")
    bob.page.get_by_role("button", name="Post", exact=True).click()
    expect(bob.page.locator("#timeline")).to_contain_text("Fresh #bread at the market")

    # carol follows bob: he is the most followed account alice does not follow.
    carol.page.goto(f"/@{bob_name}")
    carol.page.get_by_role("button", name="Follow", exact=True).click()
    expect(carol.page.get_by_role("button", name=re.compile("^Following"))).to_be_visible()

    page.goto("/home")
    expect(page.locator("#timeline")).to_contain_text("Fresh #bread at the market", timeout=15_000)
    panel = page.locator(".who-to-follow")
    expect(panel).to_contain_text(f"@{bob_name}")
    alice.screenshot("who-to-follow")
    panel.get_by_role("button", name="Follow", exact=True).click()
    expect(panel.get_by_role("button", name=re.compile("^Following"))).to_be_visible()
    page.goto(f"/@{bob_name}")
    expect(page.get_by_role("button", name=re.compile("^Following"))).to_be_visible()
    assert alice.problems == []
