"""The web's home page on two `chirvir serve` processes sharing one data directory: each keeps the
posts' HTML it rendered (chirvir/web/fragments.py), and yet what a person changes through one
process shows on the very next page the other serves: an edit, a new display name, a like, a
language, a deletion, a mute and a block; and one reader's like is never shown to another."""

import html
import re
import time

import httpx
import pytest
from mastodon import Mastodon

from tests.servers import serving

pytestmark = pytest.mark.slow

PASSWORD = "a long password 7"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    data = tmp_path_factory.mktemp("two-web")
    # One web worker each, so every page from a server comes from the process that served before.
    with serving(data, CHIRVIR_WEB_WORKERS="1", CHIRVIR_RATE_LIMIT="0") as first:
        with serving(data, CHIRVIR_WEB_WORKERS="1", CHIRVIR_RATE_LIMIT="0") as second:
            yield first, second


def join(base, client_id, client_secret, username):
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    api.create_account(username, PASSWORD, f"{username}@example.com", agreement=True)
    return api


def csrf_of(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def signed_in(base, username) -> httpx.Client:
    """A browser signed in through the log-in form. Its session is in the shared database, so it
    is signed in on both servers (cookies do not tell ports apart)."""
    browser = httpx.Client(follow_redirects=True, timeout=60)
    form = browser.get(f"{base}/login").text
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(form)}
    page = browser.post(f"{base}/login", data=form)
    assert page.status_code == 200 and page.url.path == "/home", page.text[:500]
    return browser


def home(browser, base) -> str:
    page = browser.get(f"{base}/home")
    assert page.status_code == 200, page.text[:500]
    return page.text


def post_of(page: str, status_id) -> str | None:
    """The HTML of one post on a page, or None when it is not there."""
    found = re.search(rf'<article class="status[^"]*" id="status-{status_id}".*?</article>', page, re.S)
    return found.group(0) if found else None


def act(browser, base, path, **data):
    """A button of the page: a form posted with the page's CSRF token, as a browser posts it."""
    token = csrf_of(home(browser, base))
    response = browser.post(f"{base}{path}", data={"csrfmiddlewaretoken": token, "next": "/home", **data})
    assert response.status_code == 200, response.text[:500]


def test_what_one_server_changes_the_others_home_page_shows_next(servers):
    first, second = servers
    client_id, client_secret = Mastodon.create_app("Two web servers", api_base_url=first)
    alice, carol = (join(first, client_id, client_secret, name) for name in ("alice", "carol"))
    join(first, client_id, client_secret, "bob")
    join(first, client_id, client_secret, "dave")
    bob, dave = signed_in(first, "bob"), signed_in(first, "dave")
    for other in ("alice", "carol"):
        act(bob, first, f"/@{other}/follow")
    act(dave, first, "/@alice/follow")
    edited = alice.status_post("as first written")
    liked = alice.status_post("a post to like")
    deleted = alice.status_post("to be deleted")
    muted = carol.status_post("carol talks")

    deadline = time.monotonic() + 60
    while not all(post_of(home(bob, second), s.id) for s in (edited, liked, deleted, muted)):
        assert time.monotonic() < deadline, "the posts never reached bob's home"  # delivery is a job
        time.sleep(0.3)
    # A post's age ("12s") is put in at each read, not kept in its HTML: what follows must be a
    # change of its own to be seen.
    for base in (first, second):  # each process has rendered every post, and keeps its HTML
        for _ in range(2):
            assert "as first written" in post_of(home(bob, base), edited.id)

    alice.status_update(edited.id, "as edited")
    page = home(bob, second)
    assert "as edited" in post_of(page, edited.id) and "as first written" not in page

    alice.account_update_credentials(display_name="Alice Almaty")
    assert "Alice Almaty" in post_of(home(bob, second), liked.id)

    act(bob, first, f"/statuses/{liked.id}/like")
    # Dave, who did not like it, sees it first, with its new count: bob's page must not show his.
    assert f'action="/statuses/{liked.id}/like"' in post_of(home(dave, second), liked.id)
    shown = post_of(home(bob, second), liked.id)
    assert f'action="/statuses/{liked.id}/unlike"' in shown and 'aria-pressed="true"' in shown

    act(bob, first, "/language", language="de")
    shown = html.unescape(post_of(home(bob, second), edited.id))
    assert "Gefällt mir" in shown and ">Like<" not in shown
    act(bob, first, "/language", language="en")

    alice.status_delete(deleted.id)
    assert post_of(home(bob, second), deleted.id) is None

    act(bob, first, "/@carol/mute", duration="0")
    assert post_of(home(bob, second), muted.id) is None

    bob_id = alice.account_lookup("bob").id
    alice.account_block(bob_id)
    page = home(bob, second)
    assert post_of(page, edited.id) is None and post_of(page, liked.id) is None


def test_each_page_carries_its_own_csrf_token_and_address(servers):
    """The posts' forms come from the cache, yet each page's forms post with that browser's
    token and come back to that page."""
    first, _second = servers
    client_id, client_secret = Mastodon.create_app("Tokens", api_base_url=first)
    dana = join(first, client_id, client_secret, "dana")
    join(first, client_id, client_secret, "erin")
    join(first, client_id, client_secret, "fred")
    post = dana.status_post("dana's post")
    after = int(post.id) + 1
    readers = [signed_in(first, name) for name in ("erin", "fred")]
    for reader in readers:
        act(reader, first, "/@dana/follow")
    deadline = time.monotonic() + 60
    while not all(post_of(home(r, first), post.id) for r in readers):
        assert time.monotonic() < deadline, "the post never reached the readers' homes"
        time.sleep(0.3)
    for reader in readers:  # the second reader's post comes from the cache the first one's page filled
        shown = post_of(home(reader, first), post.id)
        assert 'name="next" value="/home"' in shown
        older = reader.get(f"{first}/home", params={"max_id": str(after)}).text
        assert f'name="next" value="/home?max_id={after}"' in post_of(older, post.id)
        # The like button, from the cache, works for this reader: a token of another's session would not.
        like = re.search(rf'<form method="post" action="/statuses/{post.id}/like".*?</form>', shown, re.S).group(0)
        form = {"csrfmiddlewaretoken": csrf_of(like), "next": "/home"}
        response = reader.post(f"{first}/statuses/{post.id}/like", data=form)
        assert response.status_code == 200 and f"/statuses/{post.id}/unlike" in post_of(response.text, post.id)


def test_whom_to_follow_shows_the_profile_as_it_is_now_on_either_server(servers):
    """Whom to follow comes from the cache too (chirvir/web/fragments.py, `suggested`): a new
    display name or a protected account made through one server shows in the other's next page,
    and the follow button posts with this page's own token."""
    first, second = servers
    client_id, client_secret = Mastodon.create_app("Suggestions", api_base_url=first)
    join(first, client_id, client_secret, "hana")
    join(first, client_id, client_secret, "ivan")
    jack = join(first, client_id, client_secret, "jack")
    hana, ivan = signed_in(first, "hana"), signed_in(first, "ivan")
    act(ivan, first, "/@jack/follow")
    act(hana, first, "/@ivan/follow")  # jack is now a friend of a friend of hana's

    def entry(base) -> str:
        page = home(hana, base)
        found = re.search(r'<li class="person">(?:(?!</li>).)*?href="/@jack".*?</li>', page, re.S)
        assert found, "jack is not suggested"
        return found.group(0)

    for base in (first, second, first, second):  # each process keeps the entry it rendered
        assert "@jack" in entry(base) and ">Follow<" in entry(base)
    jack.account_update_credentials(display_name="Jack of Almaty", locked=True)
    shown = entry(second)
    assert "Jack of Almaty" in shown and ">Ask to follow<" in shown and 'class="lock"' in shown
    shown = entry(first)
    assert "Jack of Almaty" in shown and ">Ask to follow<" in shown
    form = re.search(r'<form method="post" action="/@jack/follow".*?</form>', shown, re.S).group(0)
    assert 'name="next" value="/home"' in form
    response = hana.post(f"{second}/@jack/follow", data={"csrfmiddlewaretoken": csrf_of(form), "next": "/home"})
    assert response.status_code == 200 and response.url.path == "/home"
    assert "Requested" in hana.get(f"{second}/@jack").text
