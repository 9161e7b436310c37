"""The filters page in a real browser: a reader makes a filter that warns of a word on the public
timeline; the post shows collapsed behind the filter's title, and opens with its button."""

from playwright.sync_api import expect


def test_a_warned_post_is_collapsed_until_shown(visitor):
    alice, bob = visitor(), visitor()
    alice.sign_up("alice")
    bob.sign_up("bob")
    alice.page.get_by_label("What are you doing?").fill("Broccoli soup tonight")
    alice.page.get_by_role("button", name="Post", exact=True).click()
    expect(alice.page.locator("#timeline")).to_contain_text("Broccoli soup tonight")

    page = bob.page
    page.goto("/settings")
    page.get_by_role("link", name="Filters").click()
    page.get_by_label("Title").fill("Vegetables")
    page.get_by_label("Words, one a line").fill("broccoli")
    page.get_by_label("Public timelines").check()
    page.get_by_label("What it does").select_option("warn")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Vegetables")).to_be_visible()

    page.goto("/public")
    post = page.locator("article.status.filtered").filter(has_text="Filtered: Vegetables")
    expect(post).to_be_visible()
    expect(post.locator(".content")).to_be_hidden()
    post.get_by_text("Show").click()
    expect(post.locator(".content")).to_contain_text("Broccoli soup tonight")
    bob.screenshot("filtered-post")
    assert bob.problems == [] and alice.problems == []
