"""The list pages through Django's test client: a private list is its owner's alone, a public one
is read through the reader's gate, the profile shows public lists, and the pages speak Kazakh."""

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.lists import services as lists
from chirvir.statuses import services as statuses


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_private_and_public_list_pages(alice, bob, make_account):
    pat, erin = make_account("pat", locked=True), make_account("erin")
    accounts.follow(alice, bob)
    accounts.follow(alice, pat)
    accounts.approve_follow_request(pat, alice)
    mine = lists.create_list(alice, "Private notes")
    shared = lists.create_list(alice, "Shared", public=True)
    for lst in (mine, shared):
        lists.add_members(alice, lst.id, [bob.id, pat.id])
    statuses.post_status(bob, "Bob in public")
    statuses.post_status(pat, "Pat for followers")

    owner = signed_in(alice).get(f"/lists/{shared.id}").content.decode()
    assert "Bob in public" in owner and "Pat for followers" in owner and "Delete the list" in owner
    assert signed_in(erin).get(f"/lists/{mine.id}").status_code == 404
    assert Client().get(f"/lists/{mine.id}").status_code == 404
    reader = signed_in(erin).get(f"/lists/{shared.id}").content.decode()
    assert "Bob in public" in reader and "Pat for followers" not in reader and "Subscribe" in reader
    profile = Client().get("/@alice").content.decode()
    assert f"/lists/{shared.id}" in profile and f"/lists/{mine.id}" not in profile

    # Making a list from the page; a title it refuses comes back as a message.
    page = signed_in(erin)
    assert page.post("/lists/new", {"title": "Reading", "replies_policy": "none"}).status_code == 302
    assert [lst.title for lst in lists.lists_of(erin)] == ["Reading"]
    page.post("/lists/new", {"title": " ", "replies_policy": "none"})
    assert lists.lists_of(erin)[0].replies_policy == "none" and len(lists.lists_of(erin)) == 1


def test_the_lists_page_in_kazakh(make_account):
    aigerim = make_account("aigerim", language="kk")
    lists.create_list(aigerim, "Достар")
    html = signed_in(aigerim).get("/lists").content.decode()
    assert "Сіздің тізімдеріңіз" in html and "Достар" in html
    assert "Тізімді құру" in html
