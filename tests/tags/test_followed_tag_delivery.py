"""A followed hashtag's posts reach the follower's home, as a followed account's do, through the
audience gate: public posts only, never followers-only or direct ones, nor those of a protected
account, an account the follower blocks or mutes, or that blocks the follower; and the live
`user` stream hears of them, of their edits and of their deletion."""

import time

from chirvir.accounts import services as accounts
from chirvir.events import bus as events
from chirvir.statuses import services as statuses
from chirvir.tags import services as tags
from chirvir.timelines import delivery
from chirvir.timelines import reads as timelines
from chirvir.timelines.feeds import feed_store


def home_texts(account):
    return [s.text for s in timelines.home(account)]


def test_a_public_post_with_a_followed_hashtag_reaches_the_followers_home(alice, bob):
    tags.follow_tag(alice, "#Chirvir")
    timelines.home(alice)  # the feed exists; later posts arrive by delivery
    statuses.post_status(bob, "Hello #chirvir")
    statuses.post_status(bob, "Another tag #other")
    assert home_texts(alice) == ["Hello #chirvir"]


def test_followers_only_direct_and_protected_posts_never_reach_a_tag_follower(alice, bob, carol, make_account):
    tags.follow_tag(alice, "chirvir")
    timelines.home(alice)
    statuses.post_status(bob, "for my followers #chirvir", visibility="private")
    statuses.post_status(bob, "@carol secret #chirvir", visibility="direct")
    statuses.post_status(bob, "quietly #chirvir", visibility="unlisted")
    statuses.reblog(carol, statuses.post_status(carol, "mine #chirvir").id)
    dave = make_account("dave", locked=True)
    statuses.post_status(dave, "protected #chirvir", visibility="public")
    # Only carol's own public post: not bob's other ones, not carol's repost of it, not dave's.
    assert home_texts(alice) == ["mine #chirvir"]
    # And the feed holds nothing more for a later change of the gate to let through.
    assert len(feed_store().read(alice.id, timelines.Page(limit=40))) == 1


def test_blocked_blocking_and_muted_authors_never_reach_a_tag_follower(alice, bob, carol, make_account):
    dave = make_account("dave")
    tags.follow_tag(alice, "chirvir")
    timelines.home(alice)
    accounts.block(alice, bob)
    accounts.block(carol, alice)
    accounts.mute(alice, dave)
    eve = make_account("eve")
    for author in (bob, carol, dave, eve):
        statuses.post_status(author, f"{author.username} says #chirvir")
    assert home_texts(alice) == ["eve says #chirvir"]
    assert len(feed_store().read(alice.id, timelines.Page(limit=40))) == 1


def test_a_follower_of_both_the_author_and_the_tag_gets_the_post_once(alice, bob):
    accounts.follow(alice, bob)
    tags.follow_tag(alice, "chirvir")
    timelines.home(alice)
    post = statuses.post_status(bob, "twice? #chirvir")
    assert delivery.home_recipients(delivery.Route.of(post)).count(alice.id) == 1
    assert home_texts(alice) == ["twice? #chirvir"]


def test_a_rebuilt_home_holds_the_followed_tags_posts_through_the_same_gate(alice, bob):
    statuses.post_status(bob, "before #chirvir")
    statuses.post_status(bob, "hidden #chirvir", visibility="private")
    tags.follow_tag(alice, "chirvir")
    feed_store().drop(alice.id)  # a lost feed, made again from the graph
    assert home_texts(alice) == ["before #chirvir"]


def test_the_user_stream_hears_of_a_followed_tags_post_its_edit_and_its_deletion(alice, bob):
    tags.follow_tag(alice, "chirvir")
    reader = events.event_bus().reader()
    post = statuses.post_status(bob, "live #chirvir")
    other = statuses.post_status(bob, "soon gone #chirvir")
    # An edit that takes the hashtag out still reaches those it was shown to.
    statuses.edit_status(bob, post.id, "live, edited and untagged")
    statuses.delete_status(bob, other.id)
    # On Redis the events come by pub/sub, a moment after each publish returns: read until the
    # four have come (or ten seconds pass), never only what has come at once.
    heard, deadline = [], time.monotonic() + 10
    while len(heard) < 4 and time.monotonic() < deadline:
        heard += [(e.name, e.payload["status_id"]) for e in reader.read(wait=0.2) if events.home(alice.id) in e.keys]
    assert heard == [("update", post.id), ("update", other.id), ("status.update", post.id), ("delete", other.id)]


def test_unfollowing_a_hashtag_takes_its_strangers_posts_out_of_home(alice, bob, carol):
    accounts.follow(alice, carol)
    tags.follow_tag(alice, "chirvir")
    tags.follow_tag(alice, "tea")
    timelines.home(alice)
    statuses.post_status(bob, "stranger #chirvir")
    statuses.post_status(bob, "stranger with #chirvir and #tea")
    statuses.post_status(carol, "followed #chirvir")
    statuses.post_status(alice, "mine #chirvir")
    tags.unfollow_tag(alice, "chirvir")
    assert home_texts(alice) == ["mine #chirvir", "followed #chirvir", "stranger with #chirvir and #tea"]
    statuses.post_status(bob, "later #chirvir")
    assert "later #chirvir" not in home_texts(alice)
