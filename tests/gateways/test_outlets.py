"""Which linked addresses a delivered post goes out to: only followees turned ON, never past the
audience gate as it stands when the post is sent, within quiet hours and the daily cap, once."""

from datetime import datetime, time, timezone

import pytest

from chirvir.accounts import services as accounts
from chirvir.gateways import outlets
from chirvir.gateways.commands import run
from chirvir.gateways.models import Link
from chirvir.statuses import services as statuses
from chirvir.timelines.signals import status_delivered


@pytest.fixture
def sent(monkeypatch):
    """What the SMS channel was asked to send, by address (a channel of the test's own making)."""
    log: list[tuple[str, str]] = []
    monkeypatch.setitem(outlets._senders, "sms", lambda link, texts: log.extend((link.address, t) for t in texts))
    return log


@pytest.fixture
def heard():
    """What delivery told the gateways: (status_id, recipient_ids) each time."""
    log = []

    def hear(sender, status_id, recipient_ids, **kw):
        log.append((status_id, recipient_ids))

    status_delivered.connect(hear, dispatch_uid="test-heard")
    yield log
    status_delivered.disconnect(dispatch_uid="test-heard")


def deliver(status, heard):
    """What outlets would send for a status whose delivery was heard."""
    recipients = next(r for s, r in heard if s == status.id)
    return [outlets.deliver(i, status.id) for i in outlets.links_for("sms", status.id, recipients)]


def test_delivery_tells_the_gateways_its_home_recipients(alice, bob, heard):
    accounts.follow(alice, bob)
    status = statuses.post_status(bob, "hi")
    assert heard == [(status.id, [bob.id, alice.id])]


def test_a_followee_turned_on_reaches_the_phone_once(alice_link, bob, carol, heard, sent):
    run(alice_link, "follow bob")
    run(alice_link, "follow carol")
    run(alice_link, "on bob")
    post = statuses.post_status(bob, "to phones")
    statuses.post_status(carol, "not turned on")
    assert deliver(post, heard) == [outlets.SENT]
    assert outlets.deliver(alice_link.id, post.id) == outlets.ALREADY
    assert sent == [("+15550001", "bob: to phones")]


def test_off_and_stop_keep_posts_away(alice_link, bob, heard, sent):
    run(alice_link, "follow bob")
    run(alice_link, "on bob")
    run(alice_link, "off")
    assert deliver(statuses.post_status(bob, "one"), heard) == []
    run(alice_link, "on")
    first = statuses.post_status(bob, "two")
    recipients = heard[-1][1]
    run(alice_link, "stop")  # after the job was queued: STOP holds at once
    assert [outlets.deliver(i, first.id) for i in [alice_link.id]] == [outlets.SKIPPED]
    assert outlets.links_for("sms", first.id, recipients) == []
    assert sent == []


def test_nothing_private_reaches_someone_the_gate_refuses(alice_link, alice, bob, heard, sent):
    run(alice_link, "follow bob")
    run(alice_link, "on bob")
    carol = accounts.register("carol", "a long password 7")
    assert outlets.deliver(alice_link.id, statuses.post_status(bob, "followers only", visibility="private").id) == "sent"
    assert outlets.deliver(alice_link.id, statuses.post_status(bob, "@carol secret", visibility="direct").id) == "skipped"
    assert carol.id and sent == [("+15550001", "bob: followers only")]
    sent.clear()
    # Bob removes alice after she turned him on: what was queued for her before goes nowhere.
    queued = statuses.post_status(bob, "after removal", visibility="private")
    accounts.remove_from_followers(bob, alice)
    assert outlets.deliver(alice_link.id, queued.id) == outlets.SKIPPED
    accounts.update_profile(bob, locked=True)
    accounts.follow(alice, bob)  # only a request now
    assert outlets.deliver(alice_link.id, statuses.post_status(bob, "protected").id) == outlets.SKIPPED
    assert sent == []


def test_quiet_hours_and_the_daily_cap(alice_link, bob, sent):
    run(alice_link, "follow bob")
    run(alice_link, "on bob")
    Link.objects.filter(id=alice_link.id).update(quiet_from=time(22), quiet_until=time(7), daily_cap=2)
    night = datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc)
    day = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    posts = [statuses.post_status(bob, f"post {i}") for i in range(4)]
    assert outlets.deliver(alice_link.id, posts[0].id, now=night) == outlets.SKIPPED
    assert [outlets.deliver(alice_link.id, p.id, now=day) for p in posts[:3]] == [outlets.SENT] * 2 + [outlets.SKIPPED]
    assert outlets.deliver(alice_link.id, posts[3].id, now=day.replace(day=2)) == outlets.SENT
    assert [text for _address, text in sent] == ["bob: post 0", "bob: post 1", "bob: post 3"]


def test_a_failing_channel_leaves_the_post_unsent_for_the_retry(alice_link, bob, monkeypatch, sent):
    run(alice_link, "follow bob")
    run(alice_link, "on bob")
    post = statuses.post_status(bob, "retry me")

    def down(link, texts):
        raise ConnectionError("gateway down")

    monkeypatch.setitem(outlets._senders, "sms", down)
    with pytest.raises(ConnectionError):
        outlets.deliver(alice_link.id, post.id)
    monkeypatch.setitem(outlets._senders, "sms", lambda link, texts: sent.extend(texts))
    assert outlets.deliver(alice_link.id, post.id) == outlets.SENT
    assert sent == ["bob: retry me"]
