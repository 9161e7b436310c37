"""Conversations and threads: a direct conversation marked unread again, and a muted thread that
sends its muter no more notifications."""

from chirvir.accounts import services as accounts
from chirvir.statuses import services as statuses


def test_a_conversation_is_marked_unread_again_through_mastodon_py(alice, bob, mastodon_for):
    statuses.post_status(alice, "@bob a secret", visibility="direct")
    api = mastodon_for(bob)
    [conversation] = api.conversations()
    assert conversation.unread is True
    assert api.conversations_read(conversation.id).unread is False
    assert api.conversations()[0].unread is False
    again = api._Mastodon__api_request("POST", f"/api/v1/conversations/{conversation.id}/unread")
    assert again.unread is True and api.conversations()[0].unread is True


def test_a_muted_thread_sends_no_more_notifications_through_mastodon_py(alice, bob, carol, mastodon_for):
    accounts.follow(bob, alice)
    root = statuses.post_status(alice, "What do you think, @bob?")
    elsewhere = statuses.post_status(alice, "@bob another thread")
    api = mastodon_for(bob)
    assert api.status(root.id).muted is False
    reply = statuses.post_status(bob, "@alice let me think", in_reply_to_id=root.id)
    muted = api.status_mute(reply.id)  # a reply names its thread as well as the first post does
    assert muted.muted is True and api.status(root.id).muted is True
    assert api.status(elsewhere.id).muted is False
    before = [n.id for n in api.notifications()]
    statuses.post_status(carol, "@bob @alice me too", in_reply_to_id=root.id)
    statuses.favourite(alice, reply.id)
    statuses.reblog(carol, reply.id)
    assert [n.id for n in api.notifications()] == before
    # Another thread still notifies, and so does the thread once unmuted.
    statuses.post_status(carol, "@bob elsewhere", in_reply_to_id=elsewhere.id)
    assert [n.type for n in api.notifications()][0] == "mention"
    assert api.status_unmute(root.id).muted is False
    statuses.post_status(carol, "@bob back again", in_reply_to_id=root.id)
    newest = api.notifications()[0]
    assert newest.status.in_reply_to_id == str(root.id)
