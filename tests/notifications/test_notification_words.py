"""Every kind of notification is told in words on the notifications page, in the reader's
language: quotes, edits of a quoted post, ended polls and moderators' warnings too."""

import pytest

from chirvir.notifications.models import Notification, NotificationType
from chirvir.statuses import services as statuses

WORDS = {
    NotificationType.QUOTE: {"en": "quoted your post", "de": "hat deinen Beitrag zitiert"},
    NotificationType.QUOTED_UPDATE: {"en": "edited a post you quoted", "de": "hat einen Beitrag bearbeitet"},
    NotificationType.POLL: {"en": "The poll has ended.", "de": None},
}


@pytest.mark.parametrize("kind", list(WORDS))
def test_each_kind_of_notification_is_told_in_words(kind, client, alice, bob):
    post = statuses.post_status(alice, "Soup or salad?")
    Notification.objects.create(account=alice, from_account=bob, type=kind, status=post)
    client.force_login(alice)
    page = client.get("/notifications").content.decode()
    assert WORDS[kind]["en"] in page
    if WORDS[kind]["de"]:
        alice.language = "de"
        alice.save()
        assert WORDS[kind]["de"] in client.get("/notifications", HTTP_ACCEPT_LANGUAGE="de").content.decode()
