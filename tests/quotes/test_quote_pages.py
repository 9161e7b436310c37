"""Quote posts on the web: the Quote action opens a box that quotes the post, the quoting post
shows the quoted one as a card inside it, and a reader who may not see the quoted post reads
"This post is unavailable." instead, on every page that shows the quoting post."""

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_quote_a_post_on_the_web_and_see_it_as_a_card_only_where_the_reader_may(alice, bob, carol):
    accounts.update_profile(alice, locked=True)
    accounts.follow(bob, alice)
    accounts.approve_follow_request(alice, bob)
    secret = statuses.post_status(alice, "for my followers")
    as_bob = signed_in(bob)

    thread = as_bob.get(f"/@alice/{secret.id}").content.decode()
    assert f'href="/@alice/{secret.id}?quote=1#reply"' in thread
    box = as_bob.get(f"/@alice/{secret.id}?quote=1").content.decode()
    assert "Quote @alice" in box and f'name="quoted_status_id" value="{secret.id}"' in box
    form = {"status": "my thoughts", "quoted_status_id": str(secret.id), "visibility": "public"}
    posted = as_bob.post("/compose", form)
    assert posted.status_code == 302
    mine = Status.objects.get(account=bob, text="my thoughts")

    page = as_bob.get(f"/@bob/{mine.id}").content.decode()
    assert '<blockquote class="quote"' in page and "for my followers" in page
    assert "for my followers" in as_bob.get("/home").content.decode()

    for reader in (signed_in(carol), Client()):
        for path in (f"/@bob/{mine.id}", "/@bob", "/public"):
            shown = reader.get(path).content.decode()
            assert "my thoughts" in shown, path
            assert "This post is unavailable." in shown and "for my followers" not in shown, path
