"""A poll in a real browser, with JavaScript on: one person opens "Add a poll" in the composer
and posts a poll; another votes on it and sees the results as bars with percentages."""

from playwright.sync_api import expect


def test_compose_a_poll_and_vote_on_it(visitor):
    asker, voter = visitor(), visitor()
    asker_name = asker.sign_up("asker")
    voter.sign_up("voter")
    page = asker.page
    page.get_by_label("What are you doing?").fill("Chai or coffee this morning?")
    page.get_by_text("Add a poll").click()
    page.get_by_label("Option 1", exact=True).fill("Chai")
    page.get_by_label("Option 2", exact=True).fill("Coffee")
    page.get_by_label("Poll length").select_option(label="1 hour")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#timeline .poll")).to_contain_text("Chai")
    expect(page.locator("#timeline .poll")).to_contain_text("Voters: 0")

    other = voter.page
    other.goto(f"/@{asker_name}")
    poll = other.locator(".status .poll").first
    poll.get_by_label("Coffee").check()
    poll.get_by_role("button", name="Vote").click()
    expect(other.get_by_role("status")).to_contain_text("Your vote is in.")
    results = other.locator(".status .poll").first
    expect(results.locator("li", has_text="Coffee")).to_contain_text("100%")
    expect(results.locator("li", has_text="Chai")).to_contain_text("0%")
    expect(results.locator("progress").first).to_be_visible()
    voter.screenshot("poll-results")
    assert not asker.problems and not voter.problems, asker.problems + voter.problems
