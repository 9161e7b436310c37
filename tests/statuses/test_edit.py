"""Editing a post, as its author and its readers notice it: the new text under the rules of a post,
the versions before it kept, mentions, hashtags and reposters told, visibility and the readers of a
direct message left as they were."""

import pytest

from chirvir.accounts import services as accounts
from chirvir.core.errors import Invalid, NotAllowed, NotFound
from chirvir.notifications.models import Notification
from chirvir.statuses import services
from chirvir.statuses.models import Status, StatusEdit, Visibility
from chirvir.timelines import reads as timelines


def test_an_edit_changes_the_text_and_history_shows_both_versions(alice):
    post = services.post_status(alice, "Teh first try")
    edited = services.edit_status(alice, post.id, "The first try")
    assert edited.text == "The first try" and edited.content == "<p>The first try</p>"
    assert edited.edited_at is not None and edited.edited_at > post.created_at
    versions = services.history(None, post.id)
    assert [v.content for v in versions] == ["<p>Teh first try</p>", "<p>The first try</p>"]
    assert [v.created_at for v in versions] == [post.created_at, edited.edited_at]
    services.edit_status(alice, post.id, "The third try")
    assert [v.text for v in services.history(None, post.id)] == ["Teh first try", "The first try", "The third try"]


def test_a_post_never_edited_has_one_version(alice):
    post = services.post_status(alice, "as written")
    [only] = services.history(None, post.id)
    assert (only.content, only.created_at) == ("<p>as written</p>", post.created_at)


def test_an_edit_that_breaks_the_limit_is_refused_and_nothing_changes(alice):
    post = services.post_status(alice, "short")
    with pytest.raises(Invalid, match="Your post is 141 characters long; the limit is 140"):
        services.edit_status(alice, post.id, "ы" * 141)
    with pytest.raises(Invalid):
        services.edit_status(alice, post.id, "   ")
    stored = Status.objects.get(id=post.id)
    assert (stored.text, stored.content, stored.edited_at) == ("short", "<p>short</p>", None)
    assert not StatusEdit.objects.exists()


def test_the_edited_text_is_counted_and_stored_as_a_post_is(alice):
    post = services.post_status(alice, "draft")
    edited = services.edit_status(alice, post.id, "e\u0301" * 140)  # 280 code points, 140 after NFC
    assert edited.text == "\u00e9" * 140


def test_someone_else_cannot_edit_and_nothing_changes(alice, bob):
    post = services.post_status(alice, "mine")
    with pytest.raises(NotAllowed):
        services.edit_status(bob, post.id, "yours now")
    secret = services.post_status(alice, "for followers", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):  # a post one may not see does not exist for one
        services.edit_status(bob, secret.id, "seen")
    assert [s.text for s in Status.objects.order_by("id")] == ["mine", "for followers"]
    assert not StatusEdit.objects.exists()


def test_a_repost_cannot_be_edited(alice, bob):
    post = services.post_status(alice, "worth sharing")
    repost = services.reblog(bob, post.id)
    with pytest.raises(NotAllowed):
        services.edit_status(bob, repost.id, "my words now")
    assert Status.objects.get(id=post.id).edited_at is None


def test_an_edit_that_changes_nothing_keeps_no_version(alice):
    post = services.post_status(alice, "same", spoiler_text="cw", language="en")
    again = services.edit_status(alice, post.id, "  same ")
    assert again.edited_at is None and not StatusEdit.objects.exists()


def test_content_warning_sensitivity_and_language_stay_unless_given(alice):
    post = services.post_status(alice, "plot twist", spoiler_text="spoilers", language="en")
    kept = services.edit_status(alice, post.id, "the plot twist")
    assert (kept.spoiler_text, kept.sensitive, kept.language) == ("spoilers", True, "en")
    # As on Mastodon: a content warning sent without `sensitive` makes the post sensitive exactly
    # when there is one.
    cleared = services.edit_status(alice, post.id, "the plot twist!", spoiler_text="", language="kk")
    assert (cleared.spoiler_text, cleared.sensitive, cleared.language) == ("", False, "kk")
    marked = services.edit_status(alice, post.id, "the plot twist!", sensitive=True)
    assert (marked.spoiler_text, marked.sensitive) == ("", True)
    assert [v.sensitive for v in services.history(None, post.id)] == [True, True, False, True]


def test_only_newly_mentioned_accounts_are_notified_and_mentions_follow_the_text(alice, bob, carol):
    post = services.post_status(alice, "hello @bob")
    services.edit_status(alice, post.id, "hello @bob and @carol")
    services.edit_status(alice, post.id, "hello @carol")
    notified = Notification.objects.filter(type="mention").order_by("id")
    assert [(n.account.username, n.status_id) for n in notified] == [("bob", post.id), ("carol", post.id)]
    assert Status.objects.get(id=post.id).mentioned_account_ids == {carol.id}
    assert [s.id for s in timelines.mentions(carol)] == [post.id]
    assert timelines.mentions(bob) == []
    assert '<a href="http://127.0.0.1:8000/@carol"' in Status.objects.get(id=post.id).content


def test_hashtags_are_found_again(alice):
    post = services.post_status(alice, "reading #poetry")
    services.edit_status(alice, post.id, "reading #Prose")
    assert [s.id for s in timelines.hashtag(None, "prose")] == [post.id]
    assert timelines.hashtag(None, "poetry") == []


def test_the_visibility_never_changes(alice, bob):
    accounts.follow(bob, alice)
    private = services.post_status(alice, "for followers", visibility=Visibility.PRIVATE)
    edited = services.edit_status(alice, private.id, "d bob still for followers")
    # The SMS convention's "d bob" is only a mention here: an edit never makes a direct message.
    assert edited.visibility == Visibility.PRIVATE and edited.text == "@bob still for followers"
    assert services.get_status(bob, private.id).text == "@bob still for followers"


def test_a_direct_message_reaches_the_same_people_after_an_edit(alice, bob, carol):
    message = services.post_status(alice, "d bob see you at 6")
    services.edit_status(alice, message.id, "@bob @carol see you at 7")
    assert services.get_status(bob, message.id).text == "@bob @carol see you at 7"
    with pytest.raises(NotFound):
        services.get_status(carol, message.id)
    assert not Notification.objects.filter(account=carol).exists()
    services.edit_status(alice, message.id, "see you at 8")  # bob stays a reader without his name
    assert services.get_status(bob, message.id).text == "see you at 8"


def test_those_who_reposted_hear_of_an_edit(alice, bob, carol):
    post = services.post_status(alice, "breaking news")
    services.reblog(bob, post.id)
    services.edit_status(alice, post.id, "breaking news, corrected")
    [update] = Notification.objects.filter(type="update")
    assert (update.account, update.from_account, update.status_id) == (bob, alice, post.id)
    assert not Notification.objects.filter(account=carol).exists()


def test_the_edited_text_shows_on_the_next_api_read_despite_the_json_cache(client, alice, bob):
    accounts.follow(bob, alice)
    post = services.post_status(alice, "first #draft")
    repost = services.reblog(bob, post.id)
    before = client.get(f"/api/v1/statuses/{post.id}").json()  # cached now, with its repost
    assert client.get(f"/api/v1/statuses/{repost.id}").json()["reblog"]["content"] == before["content"]
    assert before["edited_at"] is None and before["tags"][0]["name"] == "draft"
    services.edit_status(alice, post.id, "second #final @bob", spoiler_text="edited")
    after = client.get(f"/api/v1/statuses/{post.id}").json()
    assert after["content"].startswith("<p>second") and after["spoiler_text"] == "edited" and after["sensitive"]
    assert after["edited_at"] is not None and after["edited_at"] > before["created_at"]
    assert [t["name"] for t in after["tags"]] == ["final"] and [m["username"] for m in after["mentions"]] == ["bob"]
    assert client.get(f"/api/v1/statuses/{repost.id}").json()["reblog"] == after
    assert client.get("/api/v1/timelines/public").json()[0]["content"] == after["content"]


def test_deleting_an_edited_post_takes_its_versions_with_it(alice):
    post = services.post_status(alice, "one")
    services.edit_status(alice, post.id, "two")
    services.delete_status(alice, post.id)
    assert not StatusEdit.objects.exists()
