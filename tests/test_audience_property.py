"""Hypothesis builds random communities (follows, requests, protected accounts, blocks, mutes,
suspensions, moderators' suspensions and silences, every visibility, replies, reposts and quotes) through the real
services, then asks every read path what each viewer gets, and checks each answer against the rules written out again
here, independently of the audience gate: no read path may return a status its viewer may not
see, nor carry one in a quote of the status's JSON."""

import os

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Account, Block, Follow
from chirvir.api import serializers
from chirvir.core.errors import DomainError, NotFound
from chirvir.moderation import services as moderation
from chirvir.notifications import services as notifications
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status, Tag
from chirvir.timelines import reads as timelines
from tests.feed_state import lose_every_feed

PEOPLE = 4
VISIBILITIES = ["public", "unlisted", "private", "direct"]

person = st.integers(0, PEOPLE - 1)
earlier_post = st.integers(0, 30)
post = st.tuples(
    st.just("post"),
    person,
    st.sampled_from(VISIBILITIES),
    st.lists(person, max_size=2),
    st.one_of(st.none(), earlier_post),
    st.booleans(),
)
graph_change = st.one_of(
    st.tuples(st.sampled_from(["follow", "unfollow", "approve", "block", "unblock", "mute"]), person, person),
    st.tuples(st.sampled_from(["lock", "suspend", "moderator_suspends", "moderator_silences"]), person, st.booleans()),
)
reaction = st.tuples(st.sampled_from(["reblog", "favourite", "bookmark", "quote"]), person, earlier_post)
# Posts weigh as much as everything else together, so most communities have several.
operation = st.one_of(post, post, graph_change, reaction)


def expected_visible(viewer: Account | None, status: Status) -> bool:
    """The rules, restated from the database alone."""

    def one(s: Status) -> bool:
        author = Account.objects.get(id=s.account_id)
        if not author.is_active:
            return False
        if viewer is not None and viewer.id == author.id:
            return True
        if viewer is not None and Block.objects.filter(
            account_id__in=[viewer.id, author.id], target_account_id__in=[viewer.id, author.id]
        ).exists():
            return False
        if author.silenced_at is not None and not (
            viewer is not None and Follow.objects.filter(account=viewer, target_account=author).exists()
        ):
            return False
        if s.visibility == "direct":
            return viewer is not None and s.mentions.filter(account_id=viewer.id).exists()
        if s.visibility == "private" or author.locked:
            return viewer is not None and Follow.objects.filter(account=viewer, target_account=author).exists()
        return True

    return one(status) and (status.reblog_id is None or one(Status.objects.get(id=status.reblog_id)))


def apply(people, posts, op):
    kind, who, *rest = op
    actor = Account.objects.get(id=people[who].id)
    try:
        if kind in {"follow", "unfollow", "approve", "block", "unblock", "mute"}:
            other = Account.objects.get(id=people[rest[0]].id)
            if kind == "follow":
                accounts.follow(actor, other)
            elif kind == "unfollow":
                accounts.unfollow(actor, other)
            elif kind == "approve":
                accounts.approve_follow_request(actor, other)
            elif kind == "block":
                accounts.block(actor, other)
            elif kind == "unblock":
                accounts.unblock(actor, other)
            else:
                accounts.mute(actor, other)
        elif kind == "lock":
            accounts.update_profile(actor, locked=rest[0])
        elif kind == "suspend":
            Account.objects.filter(id=actor.id).update(is_active=not rest[0])
        elif kind == "moderator_suspends":
            (moderation.suspend if rest[0] else moderation.unsuspend)(None, actor)
        elif kind == "moderator_silences":
            (moderation.silence if rest[0] else moderation.unsilence)(None, actor)
        elif kind == "post":
            visibility, mentioned, reply_to, tagged = rest
            body = " ".join(f"@{people[m].username}" for m in mentioned) + " news" + (" #topic" if tagged else "")
            parent = posts[reply_to % len(posts)] if reply_to is not None and posts else None
            posts.append(statuses.post_status(actor, body, visibility=visibility, in_reply_to_id=parent).id)
        elif kind == "quote" and posts:
            posts.append(statuses.post_status(actor, "look", quoted_status_id=posts[rest[0] % len(posts)]).id)
        elif posts:
            target = posts[rest[0] % len(posts)]
            action = {"reblog": statuses.reblog, "favourite": statuses.favourite, "bookmark": statuses.bookmark}[kind]
            result = action(actor, target)
            if kind == "reblog":
                posts.append(result.id)
    except DomainError:
        pass  # refused by a rule: part of the story


def every_read(viewer: Account | None, people, all_ids):
    """(path, status) for everything every read path returns to this viewer."""
    seen = []
    for author in people:
        author = Account.objects.get(id=author.id)
        seen += [("account", s) for s in timelines.account_statuses(viewer, author)]
        seen += [("account-no-replies", s) for s in timelines.account_statuses(viewer, author, exclude_replies=True)]
        seen += [("likes", f.status) for f in timelines.liked_by(viewer, author)]
    seen += [("public", s) for s in timelines.public(viewer)]
    seen += [("hashtag", s) for s in timelines.hashtag(viewer, "topic")]
    for status_id in all_ids:
        try:
            seen.append(("status", statuses.get_status(viewer, status_id)))
        except NotFound:
            # The gate must not hide more than the rules do, either.
            assert not expected_visible(viewer, Status.objects.get(id=status_id)), f"status {status_id} hidden"
            continue
        ancestors, descendants = statuses.context(viewer, status_id)
        seen += [("context", s) for s in ancestors + descendants]
    if viewer is not None:
        seen += [("home", s) for s in timelines.home(viewer)]
        seen += [("mentions", s) for s in timelines.mentions(viewer)]
        seen += [("notifications", n.status) for n in notifications.list_notifications(viewer) if n.status]
        seen += [("favourites", f.status) for f in timelines.favourites(viewer)]
        seen += [("bookmarks", b.status) for b in timelines.bookmarks(viewer)]
        seen += [("conversations", c.last_status) for c in statuses.list_conversations(viewer)]
    return seen


# A public quote of a post whose author then becomes protected, or is suspended: the quote stays
# readable by everyone, the quoted post by the approved followers only, or by nobody.
QUOTED_THEN_HIDDEN = [
    [("post", 0, "public", [], None, False), ("quote", 1, 0), ("lock", 0, True), ("follow", 2, 0)],
    [("post", 0, "public", [], None, False), ("quote", 1, 0), ("suspend", 0, True), ("lock", 3, False)],
]


# How many random communities: 500 by default; CI's passes ask for fewer (.ci/run says how many)
# to stay inside their time.
EXAMPLES = int(os.environ.get("CHIRVIR_AUDIENCE_EXAMPLES", "500"))


def wipe():
    Account.objects.all().delete()
    Tag.objects.all().delete()
    lose_every_feed()


@pytest.mark.slow
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(operation, min_size=4, max_size=30), fanout_limit=st.integers(0, 3))
@example(ops=QUOTED_THEN_HIDDEN[0], fanout_limit=0)
@example(ops=QUOTED_THEN_HIDDEN[1], fanout_limit=0)
def test_no_read_path_shows_a_status_its_viewer_may_not_see(ops, fanout_limit, settings):
    settings.FANOUT_LIMIT = fanout_limit
    try:
        people = [accounts.register(f"p{i}", "a long password 7") for i in range(PEOPLE)]
        posts: list[int] = []
        for op in ops:
            apply(people, posts, op)
        all_ids = list(Status.objects.values_list("id", flat=True))
        for viewer in [None, *people]:
            viewer = Account.objects.get(id=viewer.id) if viewer else None
            seen = every_read(viewer, people, all_ids)
            for path, status in seen:
                # A silenced account's posts stay off the public timelines, for its followers too.
                silenced = path in {"public", "hashtag"} and status.account.silenced_at is not None
                assert expected_visible(viewer, status) and not silenced, (
                    f"{path} showed {status.visibility} status {status.id} by {status.account.username} "
                    f"to {viewer.username if viewer else 'anonymous'}"
                )
            for (path, _status), data in zip(seen, serializers.statuses([s for _path, s in seen], viewer)):
                for shown in (data, data["reblog"]):
                    quoted = shown and shown["quote"] and shown["quote"]["quoted_status"]
                    if not quoted:
                        continue
                    for quoted_id in [quoted["id"], (quoted["quote"] or {}).get("quoted_status_id")]:
                        if quoted_id:
                            assert expected_visible(viewer, Status.objects.get(id=quoted_id)), (
                                f"{path} quoted status {quoted_id} to {viewer.username if viewer else 'anonymous'}"
                            )
    finally:
        wipe()
