from chirvir.accounts import services as accounts
from chirvir.core.paging import Page
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Visibility
from chirvir.timelines import reads as timelines


def texts(found):
    return [s.text for s in found]


def test_account_timeline_with_and_without_replies_and_reposts(alice, bob):
    root = statuses.post_status(bob, "bob says")
    statuses.post_status(alice, "own post")
    statuses.post_status(alice, "@bob a reply", in_reply_to_id=root.id)
    statuses.reblog(alice, root.id)
    everything = timelines.account_statuses(None, alice)
    assert len(everything) == 3 and everything[0].reblog_id == root.id
    assert texts(timelines.account_statuses(None, alice, exclude_reblogs=True)) == ["@bob a reply", "own post"]
    assert texts(timelines.account_statuses(None, alice, exclude_replies=True, exclude_reblogs=True)) == ["own post"]


def test_a_protected_profile_shows_posts_to_approved_followers_only(alice, bob, carol):
    accounts.update_profile(alice, locked=True)
    statuses.post_status(alice, "protected")
    accounts.follow(bob, alice)
    assert timelines.account_statuses(bob, alice) == []  # only requested so far
    accounts.approve_follow_request(alice, bob)
    assert texts(timelines.account_statuses(bob, alice)) == ["protected"]
    assert timelines.account_statuses(carol, alice) == []
    assert timelines.account_statuses(None, alice) == []
    assert texts(timelines.account_statuses(alice, alice)) == ["protected"]


def test_public_timeline_has_public_posts_of_unprotected_accounts(alice, bob, carol):
    statuses.post_status(alice, "public")
    statuses.post_status(alice, "unlisted", visibility=Visibility.UNLISTED)
    statuses.post_status(alice, "followers", visibility=Visibility.PRIVATE)
    accounts.update_profile(bob, locked=True)
    statuses.post_status(bob, "protected public")
    statuses.reblog(carol, statuses.post_status(alice, "shared").id)
    assert texts(timelines.public(None)) == ["shared", "public"]


def test_hashtag_timeline_whatever_the_case(alice, bob):
    statuses.post_status(alice, "#Qazaqstan сәлем")
    statuses.post_status(bob, "no tag here")
    statuses.post_status(bob, "#qazaqstan again", visibility=Visibility.PRIVATE)
    assert texts(timelines.hashtag(None, "QAZAQSTAN")) == ["#Qazaqstan сәлем"]


def test_mentions_timeline(alice, bob, carol):
    statuses.post_status(bob, "@alice hi")
    statuses.post_status(carol, "@bob not alice")
    accounts.follow(bob, carol)
    statuses.post_status(carol, "@alice followers only", visibility=Visibility.PRIVATE)
    assert texts(timelines.mentions(alice)) == ["@alice hi"]


def test_public_paging_fills_the_page_past_hidden_posts(alice, bob):
    shown = [statuses.post_status(alice, f"p{i}") for i in range(3)]
    accounts.block(alice, bob)
    for i in range(5):
        statuses.post_status(bob, f"hidden {i}")
    assert texts(timelines.public(alice, Page(limit=3))) == ["p2", "p1", "p0"]
    assert texts(timelines.public(alice, Page(limit=2, max_id=shown[2].id))) == ["p1", "p0"]


def test_likes_list_newest_like_first(alice, bob):
    one = statuses.post_status(alice, "one")
    two = statuses.post_status(alice, "two")
    statuses.favourite(bob, two.id)
    statuses.favourite(bob, one.id)
    assert [f.status.text for f in timelines.favourites(bob)] == ["one", "two"]
