"""Followed and featured hashtags through the real Mastodon.py against a live Chirvir."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from chirvir.tags.services import MAX_FEATURED_TAGS


@pytest.fixture
def alice_app(mastodon_for, alice):
    return mastodon_for(alice)


@pytest.fixture
def bob_app(mastodon_for, bob):
    return mastodon_for(bob)


def test_follow_a_hashtag_read_it_and_see_its_posts_at_home(alice_app, bob_app):
    assert alice_app.tag("Chirvir").following is False
    followed = alice_app.tag_follow("Chirvir")
    assert (followed.name, followed.following) == ("chirvir", True)
    assert len(followed.history) == 7 and followed.history[0].uses == "0"
    bob_app.status_post("Hello #chirvir")
    bob_app.status_post("only my followers #chirvir", visibility="private")
    home = alice_app.timeline_home()  # bob's public post, not his followers-only one
    assert [(s.account.username, s.visibility) for s in home] == [("bob", "public")]
    assert alice_app.tag("chirvir").history[0].uses == "1"
    assert alice_app.tag_unfollow("chirvir").following is False
    with pytest.raises(MastodonNotFoundError):
        alice_app.tag("not a tag")


def test_followed_tags_are_paged_with_a_link_header(alice_app):
    for name in ("one", "two", "three"):
        alice_app.tag_follow(name)
    page = alice_app.followed_tags(limit=2)
    assert [t.name for t in page] == ["three", "two"] and all(t.following for t in page)
    assert [t.name for t in alice_app.fetch_next(page)] == ["one"]


def test_feature_hashtags_on_the_profile_up_to_the_instance_limit(alice_app, bob_app, alice):
    alice_app.status_post("about #books")
    alice_app.status_post("more #books and #tea")
    assert [t.name for t in alice_app.featured_tag_suggestions()] == ["books", "tea"]
    featured = alice_app.featured_tag_create("Books")
    assert (featured.name, featured.statuses_count) == ("books", "2") and featured.last_status_at is not None
    assert [t.name for t in alice_app.featured_tags()] == ["books"]
    assert [t.name for t in bob_app.account_featured_tags(alice.id)] == ["books"]
    assert [t.name for t in alice_app.featured_tag_suggestions()] == ["tea"]
    limit = alice_app.instance_v2().configuration.accounts.max_featured_tags
    assert limit == MAX_FEATURED_TAGS
    for n in range(limit - 1):
        alice_app.featured_tag_create(f"tag{n}")
    with pytest.raises(MastodonAPIError):
        alice_app.featured_tag_create("onetoomany")
    alice_app.featured_tag_delete(featured.id)
    assert "books" not in [t.name for t in bob_app.account_featured_tags(alice.id)]
    with pytest.raises(MastodonNotFoundError):
        bob_app.featured_tag_delete(alice_app.featured_tags()[0].id)  # not bob's
