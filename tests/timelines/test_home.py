from chirvir.accounts import services as accounts
from chirvir.core.paging import Page
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Visibility
from chirvir.timelines import delivery
from chirvir.timelines import reads as timelines
from chirvir.timelines.feeds import feed_store
from tests.feed_state import holding, in_feed, lose_every_feed


def home_texts(account, **page):
    return [s.reblog.text if s.reblog_id else s.text for s in timelines.home(account, Page(**page))]


def test_a_followers_post_is_pushed_into_their_home_newest_first(alice, bob):
    accounts.follow(alice, bob)
    timelines.home(alice)  # the feed exists from now on; later posts arrive by delivery
    first = statuses.post_status(bob, "first")
    second = statuses.post_status(bob, "second")
    assert {first.id, second.id} <= in_feed(alice)
    assert home_texts(alice) == ["second", "first"]


def test_own_posts_are_in_ones_own_home(alice):
    statuses.post_status(alice, "me")
    assert home_texts(alice) == ["me"]


def test_own_posts_show_in_ones_home_before_delivery(alice, bob):
    accounts.follow(bob, alice)
    timelines.home(alice), timelines.home(bob)
    post = statuses.post_status(alice, "just now")
    # As if the delivery job had not run yet: out of every feed, still marked undelivered.
    delivery.remove_from_homes([post.id])
    type(post).objects.filter(id=post.id).update(delivered_at=None)
    assert home_texts(alice) == ["just now"]
    assert home_texts(bob) == []  # others see it once it is delivered
    delivery.deliver_status(post.id)
    assert home_texts(bob) == ["just now"]


def test_own_post_delivered_while_the_home_is_read_still_shows(alice, monkeypatch):
    timelines.home(alice)
    post = statuses.post_status(alice, "delivered mid-read")
    delivery.remove_from_homes([post.id])
    type(post).objects.filter(id=post.id).update(delivered_at=None)
    store = feed_store()

    class DeliveredJustAfterTheFeedIsRead:
        def __getattr__(self, name):
            return getattr(store, name)

        def read(self, owner_id, page):
            found = store.read(owner_id, page)
            delivery.deliver_status(post.id)  # another worker, between this read and the next
            return found

    monkeypatch.setattr(timelines, "feed_store", DeliveredJustAfterTheFeedIsRead)
    assert home_texts(alice) == ["delivered mid-read"]


def test_strangers_posts_stay_out_of_home(alice, bob):
    statuses.post_status(bob, "not followed")
    assert home_texts(alice) == []


def test_a_new_follow_brings_recent_posts_and_unfollow_takes_them_away(alice, bob):
    timelines.home(alice)
    statuses.post_status(bob, "older post")
    accounts.follow(alice, bob)
    assert home_texts(alice) == ["older post"]
    accounts.unfollow(alice, bob)
    assert in_feed(alice) == set()
    assert home_texts(alice) == []


def test_a_block_takes_posts_out_of_both_homes(alice, bob):
    accounts.follow(alice, bob)
    accounts.follow(bob, alice)
    statuses.post_status(alice, "from alice")
    statuses.post_status(bob, "from bob")
    accounts.block(alice, bob)
    assert home_texts(alice) == ["from alice"]
    assert home_texts(bob) == ["from bob"]


def test_delete_removes_the_post_from_every_feed(alice, bob, carol):
    accounts.follow(bob, alice)
    accounts.follow(carol, alice)
    status = statuses.post_status(alice, "oops")
    assert all(status.id in in_feed(a) for a in (alice, bob, carol))
    statuses.delete_status(alice, status.id)
    assert not holding(status.id, (alice, bob, carol))


def test_a_reply_reaches_only_followers_of_both(alice, bob, carol):
    accounts.follow(carol, alice)
    root = statuses.post_status(bob, "question")
    statuses.post_status(alice, "@bob answer", in_reply_to_id=root.id)
    assert home_texts(carol) == []  # carol does not follow bob
    accounts.follow(carol, bob)
    statuses.post_status(alice, "@bob another answer", in_reply_to_id=root.id)
    assert "@bob another answer" in home_texts(carol)


def test_reposts_reach_followers_unless_they_turned_reposts_off(alice, bob, carol, make_account):
    dave = make_account("dave")
    accounts.follow(bob, alice)
    accounts.follow(dave, alice, reblogs=False)
    original = statuses.post_status(carol, "worth sharing")
    statuses.reblog(alice, original.id)
    assert home_texts(bob) == ["worth sharing"]
    assert home_texts(dave) == []


def test_followers_only_posts_reach_followers_and_direct_messages_stay_out_of_home(alice, bob, carol):
    accounts.follow(bob, alice)
    statuses.post_status(alice, "for followers", visibility=Visibility.PRIVATE)
    statuses.post_status(alice, "@carol secret", visibility=Visibility.DIRECT)
    assert home_texts(bob) == ["for followers"]
    assert home_texts(carol) == []


def test_muted_accounts_leave_home(alice, bob):
    accounts.follow(alice, bob)
    statuses.post_status(bob, "noise")
    accounts.mute(alice, bob)
    assert home_texts(alice) == []
    accounts.unmute(alice, bob)
    assert home_texts(alice) == ["noise"]


def test_a_missing_feed_is_rebuilt_from_the_follow_graph(alice, bob, carol):
    accounts.follow(alice, bob)
    statuses.post_status(bob, "bob 1")
    statuses.post_status(carol, "carol 1")
    statuses.post_status(alice, "alice 1")
    lose_every_feed()
    assert home_texts(alice) == ["alice 1", "bob 1"]
    assert feed_store().exists(alice.id)


def test_accounts_above_the_fanout_limit_are_merged_when_read(alice, bob, carol, settings):
    settings.FANOUT_LIMIT = 1
    accounts.follow(alice, bob)
    accounts.follow(carol, bob)  # bob now has 2 followers, above the limit
    timelines.home(alice)
    status = statuses.post_status(bob, "too popular to push")
    assert status.id not in in_feed(alice)  # not fanned out...
    assert home_texts(alice) == ["too popular to push"]  # ...but merged in when read
    assert home_texts(carol) == ["too popular to push"]


def test_the_posts_of_every_account_merged_when_read_come_in_one_query(alice, make_account, settings):
    """However many of the followed accounts are too large to fan out, their posts are read by one
    statement, each account's newest page read on its own, and the home's page is the newest of them all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FANOUT_LIMIT = 0
    large = [make_account(f"large{i}") for i in range(4)]
    accounts.follow(alice, large[0])
    timelines.home(alice)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            timelines.home(alice, Page(limit=5))
        return len(captured)

    statuses.post_status(large[1], "quiet one")
    for i in range(12):
        statuses.post_status(large[0], f"chatty {i}")
    alone = queries()
    for account in large[1:]:
        accounts.follow(alice, account)
    assert queries() == alone
    assert home_texts(alice, limit=5) == [f"chatty {i}" for i in range(11, 6, -1)]
    assert home_texts(alice, limit=20) == [*(f"chatty {i}" for i in range(11, -1, -1)), "quiet one"]


def test_an_account_merged_when_read_reaches_a_home_by_the_rules_of_delivery(alice, bob, carol, make_account, settings):
    """The home of an account that follows only accounts merged at read time (the fan-out limit at
    0, and no feed to hold what delivery pushed) is the home that delivery made: no reposts from an
    account whose reposts are off, none of one's own posts, no replies to strangers, no direct
    messages; pages cut alike."""
    dave = make_account("dave")
    accounts.follow(alice, bob)
    accounts.follow(alice, carol, reblogs=False)
    accounts.follow(dave, bob)
    timelines.home(alice)  # the feed exists from now on; the posts arrive by delivery
    asked = statuses.post_status(dave, "dave asks")  # alice does not follow dave
    statuses.post_status(bob, "@dave bob answers dave", in_reply_to_id=asked.id)
    mine = statuses.post_status(alice, "alice's own")
    statuses.post_status(bob, "@alice bob answers alice", in_reply_to_id=mine.id)
    carols = statuses.post_status(carol, "carol posts")
    statuses.post_status(bob, "@carol bob answers carol", in_reply_to_id=carols.id)
    statuses.reblog(bob, mine.id)
    statuses.reblog(carol, asked.id)
    statuses.reblog(bob, asked.id)
    statuses.post_status(bob, "@alice bob whispers", visibility=Visibility.DIRECT)
    statuses.post_status(bob, "bob posts")
    delivered = home_texts(alice)
    assert delivered == [
        "bob posts", "dave asks", "@carol bob answers carol", "carol posts", "@alice bob answers alice", "alice's own"
    ]
    pages = [home_texts(alice, limit=2), home_texts(alice, limit=2, max_id=mine.id + 1), home_texts(alice, min_id=mine.id)]
    settings.FANOUT_LIMIT = 0
    lose_every_feed()
    assert home_texts(alice) == delivered
    assert [
        home_texts(alice, limit=2), home_texts(alice, limit=2, max_id=mine.id + 1), home_texts(alice, min_id=mine.id)
    ] == pages
    assert in_feed(alice) == {mine.id}  # her own post only, as rebuilt: the rest was merged


def test_paging_with_max_since_and_min_id(alice):
    posts = [statuses.post_status(alice, f"post {i}") for i in range(6)]
    ids = [p.id for p in posts]
    assert home_texts(alice, limit=2) == ["post 5", "post 4"]
    assert home_texts(alice, limit=2, max_id=ids[4]) == ["post 3", "post 2"]
    assert home_texts(alice, since_id=ids[3]) == ["post 5", "post 4"]
    assert home_texts(alice, min_id=ids[1], limit=2) == ["post 3", "post 2"]


def test_feeds_are_trimmed_to_their_length(alice):
    for i in range(5):
        statuses.post_status(alice, f"post {i}")
    assert feed_store().trim(3) == 2
    assert len(in_feed(alice)) == 3
