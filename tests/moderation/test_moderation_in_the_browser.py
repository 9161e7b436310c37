"""Done when, in Chromium against a real `chirvir serve`: someone reports a post from the web
form, a moderator opens /admin/, resolves the report by suspending the account (with a note, on
the action's own page), and the account's posts are gone from another person's home, search and
the public timeline; the suspended account can no longer log in."""

import pytest
from playwright.sync_api import expect

from tests.servers import manage, serving
from tests.web.conftest import PASSWORD, Visitor, browser  # noqa: F401  (browser: a fixture)

SETUP = f"""
from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
mod = accounts.register("mod", {PASSWORD!r})
mod.is_staff = True
mod.save()
alice, bob, carol = (accounts.register(name, {PASSWORD!r}) for name in ("alice", "bob", "carol"))
accounts.follow(bob, alice)
accounts.follow(carol, alice)
statuses.post_status(bob, "bob says hello #wildlife")
print(statuses.post_status(alice, "zebras for sale, cheap #wildlife").id)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("moderation")
    # Migrated first, so that on a busy machine the server answers within serving()'s minute
    # (on a PostgreSQL run the served database is its own, and serve migrates it).
    manage(data, "migrate", "--verbosity", "0")
    with serving(data, CHIRVIR_RATE_LIMIT="0") as base:
        yield base, data


def log_in(visitor: Visitor, username: str, admin: bool = False) -> None:
    page = visitor.page
    page.goto("/admin/login/?next=/admin/" if admin else "/login")
    form = page.locator("#login-form" if admin else "form[action='/login']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()


def test_a_moderator_resolves_a_report_by_suspending_and_the_posts_are_gone(browser, site):  # noqa: F811
    base, data = site
    post_id = manage(data, "shell", "-c", SETUP).split()[-1]
    bob, carol, moderator, alice = (Visitor(browser, base) for _ in range(4))

    # Bob reports the post from the form its Report link opens.
    log_in(bob, "bob")
    bob.page.wait_for_url("**/home")
    bob.page.goto(f"/@alice/report?status={post_id}")
    expect(bob.page.locator(f"input[name=status_ids][value='{post_id}']")).to_be_checked()
    bob.page.locator("input[name=category][value=spam]").check()
    bob.page.locator("textarea[name=comment]").fill("a scam")
    bob.page.locator("form[action='/@alice/report'] [type=submit]").click()
    expect(bob.page.get_by_role("status")).to_contain_text("Thank you")

    # Carol reads her home, the public timeline and a search: the post is there.
    log_in(carol, "carol")
    carol.page.wait_for_url("**/home")
    for path in ("/home", "/public", "/search?q=zebras"):
        carol.page.goto(path)
        expect(carol.page.locator("main")).to_contain_text("zebras for sale")

    # The moderator resolves it in Django's admin by suspending the account, with a note.
    log_in(moderator, "mod", admin=True)
    page = moderator.page
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("#result_list")).to_contain_text("alice")
    page.locator("#result_list input.action-select").first.check()
    page.locator("select[name=action]").select_option(label="Resolve by suspending the account")
    page.locator("button[name=index], input[name=index]").first.click()
    page.get_by_label("Note").fill("Scam posts, reported by a member.")
    page.get_by_role("button", name="Confirm").or_(page.locator("input[value=Confirm]")).first.click()
    expect(page.locator(".messagelist")).to_contain_text("1 done")
    page.get_by_role("link", name="Moderation actions").click()
    expect(page.locator("#result_list")).to_contain_text("Scam posts, reported by a member.")

    # The post is gone from Carol's home, the public timeline and search; Bob's post stays.
    for path in ("/home", "/public", "/search?q=zebras", "/tags/wildlife"):
        carol.page.goto(path)
        expect(carol.page.locator("main")).not_to_contain_text("zebras for sale")
    carol.page.goto("/public")
    expect(carol.page.locator("main")).to_contain_text("bob says hello")
    thread = carol.page.goto(f"/@alice/{post_id}")
    assert thread.status == 404
    expect(carol.page.locator("main")).not_to_contain_text("zebras for sale")
    carol.problems.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")

    # Alice cannot log in.
    log_in(alice, "alice")
    expect(alice.page).to_have_url(f"{base}/login")
    # Chirvir's own pages raised no error (Django's admin pages ask for a /favicon.ico there is not).
    for name, visitor in {"bob": bob, "carol": carol, "alice": alice}.items():
        assert visitor.problems == [], (name, visitor.problems)
    for visitor in (bob, carol, moderator, alice):
        visitor.context.close()
