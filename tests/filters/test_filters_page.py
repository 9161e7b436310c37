"""The filters page in settings and filters on the web timelines, with JavaScript off (Django's
test client): a warned post is collapsed behind its filter's title in a <details>, a hidden one
is gone."""

from chirvir.accounts import services as accounts
from chirvir.filters.models import Filter
from chirvir.statuses import services as statuses


def test_a_person_makes_changes_and_deletes_a_filter_and_their_timelines_obey_it(client, alice, bob):
    accounts.follow(bob, alice)
    statuses.post_status(alice, "Broccoli soup tonight")
    statuses.post_status(alice, "The film's ending, a spoiler")
    client.force_login(bob)
    assert "No filters yet." in client.get("/settings/filters").content.decode()
    made = client.post("/settings/filters", {
        "new-title": "Vegetables", "new-keywords": "broccoli\nkale", "new-whole_word": "on",
        "new-context": ["home", "public"], "new-filter_action": "hide", "new-expires_in": "",
    })
    assert made.status_code == 302 and made["Location"] == "/settings/filters"
    flt = Filter.objects.get(account=bob)
    assert [k.keyword for k in flt.keywords.all()] == ["broccoli", "kale"] and flt.context == ["home", "public"]
    home = client.get("/home").content.decode()
    assert "Broccoli soup" not in home and "a spoiler" in home
    assert "Broccoli soup" not in client.get("/public").content.decode()

    changed = client.post(f"/settings/filters/{flt.id}", {
        f"{flt.id}-title": "Films", f"{flt.id}-keywords": "spoiler", f"{flt.id}-whole_word": "on",
        f"{flt.id}-context": ["home"], f"{flt.id}-filter_action": "warn", f"{flt.id}-expires_in": "86400",
    })
    assert changed.status_code == 302
    home = client.get("/home").content.decode()
    assert "Broccoli soup" in home
    # Collapsed behind the filter's title, opened without JavaScript by the <details> it sits in.
    assert '<details class="filtered"><summary><span>Filtered: <bdi>Films</bdi></span>' in home
    warned = home.index("Filtered: <bdi>Films</bdi>")  # after the compose box's own <details> (a poll)
    assert warned < home.index("a spoiler", warned) < home.index("</details>", warned)
    page = client.get("/settings/filters").content.decode()
    assert "Films" in page and "spoiler" in page
    # A filter without a place to apply is refused, and the page says why.
    nowhere = {"new-title": "Nowhere", "new-keywords": "x", "new-filter_action": "warn"}
    refused = client.post("/settings/filters", nowhere)
    assert refused.status_code == 422 and Filter.objects.count() == 1

    client.post(f"/settings/filters/{flt.id}/delete")
    assert not Filter.objects.exists()
    assert "Filtered:" not in client.get("/home").content.decode()


def test_nobody_edits_anothers_filter(client, alice, bob):
    theirs = Filter.objects.create(account=alice, title="Alice's", context=["home"])
    client.force_login(bob)
    client.post(f"/settings/filters/{theirs.id}/delete")
    assert Filter.objects.filter(id=theirs.id).exists()
    answer = client.post(f"/settings/filters/{theirs.id}", {
        f"{theirs.id}-title": "Mine now", f"{theirs.id}-context": ["home"], f"{theirs.id}-filter_action": "hide",
    })
    assert answer.status_code == 422
    assert Filter.objects.get(id=theirs.id).title == "Alice's"


def test_the_thread_and_notifications_pages_obey_their_filters(client, alice, bob):
    """A "thread" filter hides the replies it matches on a post's page and collapses those it warns
    of; a "notifications" filter hides the mention it matches from the notifications page."""
    root = statuses.post_status(alice, "Which soup tonight?")
    statuses.post_status(bob, "@alice broccoli soup, of course", in_reply_to_id=root.id)
    statuses.post_status(bob, "@alice a leek soup, with a spoiler of the recipe", in_reply_to_id=root.id)
    statuses.post_status(bob, "@alice tomato soup")
    hide = Filter.objects.create(account=alice, title="Greens", context=["thread", "notifications"],
                                 filter_action="hide")
    hide.keywords.create(keyword="broccoli", whole_word=True)
    warn = Filter.objects.create(account=alice, title="Recipes", context=["thread"], filter_action="warn")
    warn.keywords.create(keyword="spoiler", whole_word=True)
    client.force_login(alice)

    thread = client.get(f"/@alice/{root.id}").content.decode()
    assert "Which soup tonight?" in thread and "broccoli" not in thread
    warned = thread.index("Filtered: <bdi>Recipes</bdi>")
    assert warned < thread.index("a leek soup", warned) < thread.index("</details>", warned)

    notifications = client.get("/notifications").content.decode()
    assert "tomato soup" in notifications and "a leek soup" in notifications  # a thread filter, not this one's
    assert "broccoli" not in notifications
