"""The list pages in a real browser: make a list, put someone you follow on it from their
profile, read it; another person finds it on the owner's profile, subscribes and reads it."""

import re

from playwright.sync_api import expect


def test_a_list_made_filled_and_read_by_a_subscriber(visitor):
    alice, bob, carol = visitor(), visitor(), visitor()
    alice_name, bob_name = alice.sign_up("alice"), bob.sign_up("bob")
    carol.sign_up("carol")
    page = alice.page

    page.goto(f"/@{bob_name}")
    page.get_by_role("button", name="Follow", exact=True).click()
    expect(page.get_by_role("button", name=re.compile("^Following"))).to_be_visible()
    page.get_by_role("link", name="Lists").click()
    page.get_by_label("Title").fill("Market")
    page.get_by_label("Public: show it on your profile and let others subscribe").check()
    page.get_by_role("button", name="Create the list").click()
    expect(page.get_by_role("heading", name="Market")).to_be_visible()

    # From bob's profile, onto the list.
    page.goto(f"/@{bob_name}")
    page.locator(".list-buttons summary").click()
    page.get_by_role("button", name=re.compile("^Market.*Add to the list")).click()
    page.locator(".list-buttons summary").click()
    on_it = page.get_by_role("button", name=re.compile("^Market.*Remove from the list"))
    expect(on_it).to_have_attribute("aria-pressed", "true")

    bob.page.get_by_label("What are you doing?").fill("Fresh bread at the market")
    bob.page.get_by_role("button", name="Post", exact=True).click()
    expect(bob.page.locator("#timeline")).to_contain_text("Fresh bread at the market")

    page.goto("/lists")
    page.get_by_role("link", name="Market").click()
    expect(page.locator("#timeline")).to_contain_text("Fresh bread at the market", timeout=15_000)
    page.locator(".list-owner summary").click()
    expect(page.locator(".list-owner .people")).to_contain_text(f"@{bob_name}")
    alice.screenshot("list-owner")

    # carol finds it on alice's profile and subscribes.
    other = carol.page
    other.goto(f"/@{alice_name}")
    other.get_by_role("link", name="Market").click()
    expect(other.locator("#timeline")).to_contain_text("Fresh bread at the market")
    other.get_by_role("button", name="Subscribe").click()
    expect(other.get_by_role("button", name=re.compile("^Subscribed.*unsubscribe"))).to_be_visible()
    other.goto("/lists")
    expect(other.locator("section").filter(has_text="Lists you subscribe to")).to_contain_text("Market")
    carol.screenshot("list-subscriber")

    # The owner takes bob off again: his post leaves the list.
    page.locator(".list-owner .people").get_by_role("button", name="Remove from the list").click()
    page.locator(".list-owner summary").click()
    expect(page.locator(".list-owner .people")).not_to_contain_text(f"@{bob_name}")
    # The feed lets go of his posts in a job just after; a reload a moment later shows it.
    for _attempt in range(30):
        if "Fresh bread at the market" not in page.locator("#timeline").inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator("#timeline")).not_to_contain_text("Fresh bread at the market")
    assert not alice.problems and not carol.problems
