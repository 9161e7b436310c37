import pytest

from chirvir.accounts import services as accounts
from chirvir.core.errors import NotAllowed, NotFound
from chirvir.notifications.models import Notification
from chirvir.statuses import services
from chirvir.statuses.models import AccountConversation, Bookmark, Favourite, Status, Visibility
from chirvir.timelines import reads as timelines
from tests.conftest import fresh


def test_only_the_author_deletes_and_counts_go_down(alice, bob):
    root = services.post_status(alice, "root")
    reply = services.post_status(bob, "@alice reply", in_reply_to_id=root.id)
    with pytest.raises(NotAllowed):
        services.delete_status(alice, reply.id)
    services.delete_status(bob, reply.id)
    root.refresh_from_db()
    assert root.replies_count == 0 and fresh(bob).statuses_count == 0
    with pytest.raises(NotFound):
        services.get_status(alice, reply.id)


def test_deleting_takes_reposts_likes_and_notifications_with_it(alice, bob):
    status = services.post_status(alice, "going soon")
    services.reblog(bob, status.id)
    services.favourite(bob, status.id)
    services.delete_status(alice, status.id)
    assert not Status.objects.exists() and not Favourite.objects.exists()
    assert not Notification.objects.filter(account=alice).exists()
    assert fresh(bob).statuses_count == 0


def test_repost_once_and_undo(alice, bob):
    status = services.post_status(alice, "share me")
    first = services.reblog(bob, status.id)
    assert services.reblog(bob, status.id).id == first.id
    assert services.reblog(bob, first.id).id == first.id  # reposting the repost means the original
    status.refresh_from_db()
    assert status.reblogs_count == 1
    assert Notification.objects.get(account=alice).type == "reblog"
    assert services.unreblog(bob, status.id).reblogs_count == 0
    assert not Status.objects.filter(reblog=status).exists()


def test_followers_only_and_protected_posts_cannot_be_reposted(alice, bob):
    accounts.follow(bob, alice)
    private = services.post_status(alice, "between us", visibility=Visibility.PRIVATE)
    with pytest.raises(NotAllowed):
        services.reblog(bob, private.id)
    accounts.update_profile(alice, locked=True)
    public = services.post_status(alice, "protected but public")
    with pytest.raises(NotAllowed):
        services.reblog(bob, public.id)


def test_like_once_and_undo(alice, bob):
    status = services.post_status(alice, "like me")
    services.favourite(bob, status.id)
    assert services.favourite(bob, status.id).favourites_count == 1
    assert Notification.objects.get(account=alice).type == "favourite"
    assert services.unfavourite(bob, status.id).favourites_count == 0
    assert services.unfavourite(bob, status.id).favourites_count == 0


def test_nobody_likes_what_they_may_not_see(alice, bob):
    secret = services.post_status(alice, "mine", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        services.favourite(bob, secret.id)
    assert not Favourite.objects.exists()


def test_bookmarks_are_private_and_listed_newest_first(alice, bob):
    one = services.post_status(alice, "one")
    two = services.post_status(alice, "two")
    services.bookmark(bob, one.id)
    services.bookmark(bob, two.id)
    services.bookmark(bob, two.id)
    assert [b.status_id for b in timelines.bookmarks(bob)] == [two.id, one.id]
    services.unbookmark(bob, one.id)
    assert Bookmark.objects.count() == 1
    assert not Notification.objects.filter(account=alice).exists()


def test_a_thread_reads_ancestors_and_descendants_in_order(alice, bob, carol):
    root = services.post_status(alice, "root")
    a = services.post_status(bob, "a", in_reply_to_id=root.id)
    a1 = services.post_status(carol, "a1", in_reply_to_id=a.id)
    b = services.post_status(carol, "b", in_reply_to_id=root.id)
    a2 = services.post_status(alice, "a2", in_reply_to_id=a.id)
    ancestors, descendants = services.context(bob, a1.id)
    assert [s.id for s in ancestors] == [root.id, a.id]
    assert descendants == []
    _, descendants = services.context(None, root.id)
    assert [s.id for s in descendants] == [a.id, a1.id, a2.id, b.id]


def test_a_thread_hides_what_the_viewer_may_not_see(alice, bob, carol):
    root = services.post_status(alice, "root")
    accounts.follow(carol, bob)
    services.post_status(bob, "followers only reply", in_reply_to_id=root.id, visibility=Visibility.PRIVATE)
    public_reply = services.post_status(carol, "public reply", in_reply_to_id=root.id)
    _, seen_by_alice = services.context(alice, root.id)
    assert [s.id for s in seen_by_alice] == [public_reply.id]
    _, seen_by_carol = services.context(carol, root.id)
    assert len(seen_by_carol) == 2


def test_deleting_the_last_direct_message_moves_the_conversation_back(alice, bob):
    first = services.post_status(alice, "@bob first", visibility=Visibility.DIRECT)
    second = services.post_status(alice, "@bob second", visibility=Visibility.DIRECT, in_reply_to_id=first.id)
    services.delete_status(alice, second.id)
    assert AccountConversation.objects.get(account=bob).last_status_id == first.id
    services.delete_status(alice, first.id)
    assert not AccountConversation.objects.exists()


def test_reading_a_conversation_marks_it_read(alice, bob):
    services.post_status(alice, "@bob psst", visibility=Visibility.DIRECT)
    conversation = AccountConversation.objects.get(account=bob)
    assert conversation.unread
    services.mark_conversation_read(bob, conversation.id)
    conversation.refresh_from_db()
    assert not conversation.unread
    with pytest.raises(NotFound):
        services.mark_conversation_read(alice, conversation.id + 1)


@pytest.mark.parametrize("bad_id", ["abc", "", None, -1, "1e3", 2**70])
def test_ids_that_cannot_be_ids_are_not_found(alice, bad_id):
    with pytest.raises(NotFound):
        services.get_status(alice, bad_id)
    with pytest.raises(NotFound):
        services.favourite(alice, bad_id)
    with pytest.raises(NotFound):
        services.mark_conversation_read(alice, bad_id)
