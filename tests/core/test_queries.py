"""Hot queries compiled once (chirvir/core/queries.py): a Prepared query answers what its queryset
would, with what it select_related loaded, for every shape of its arguments, and reads the
database afresh on every call: what changed since its last call shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chirvir.accounts import services as accounts
from chirvir.core.paging import Page, in_order, page_of
from chirvir.core.queries import Prepared
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status

pytestmark = pytest.mark.django_db

BY_IDS = Prepared(lambda ids: Status.objects.filter(id__in=ids).select_related("account", "reblog__account"))
OF_AUTHOR = Prepared(
    lambda author, max_id, since_id, min_id, *, limit: page_of(
        Status.objects.filter(account_id=author).values_list("id", flat=True), Page(max_id, since_id, min_id, limit)
    )
)


def test_it_answers_what_the_queryset_does_with_its_relations_loaded(alice, bob):
    posts = [statuses.post_status(alice, f"post {i}") for i in range(3)]
    repost = statuses.reblog(bob, posts[0].id)
    for ids in ([posts[0].id], [p.id for p in posts], [repost.id, posts[1].id], []):
        found = BY_IDS(ids)
        assert sorted(s.id for s in found) == sorted(ids)
        with CaptureQueriesContext(connection) as captured:
            for s in found:
                assert s.account.username in {"alice", "bob"}
                assert s.reblog is None or s.reblog.account.username == "alice"
        assert len(captured) == 0


def test_every_call_reads_the_database_afresh(alice):
    post = statuses.post_status(alice, "first")
    assert [s.text for s in BY_IDS([post.id])] == ["first"]
    statuses.edit_status(alice, post.id, "edited")
    assert [s.text for s in BY_IDS([post.id])] == ["edited"]
    statuses.delete_status(alice, post.id)
    assert BY_IDS([post.id]) == []


def test_absent_arguments_and_fixed_keywords_make_shapes_of_their_own(alice, bob):
    posts = [statuses.post_status(alice, f"post {i}").id for i in range(5)]
    statuses.post_status(bob, "not alice's")
    assert OF_AUTHOR(alice.id, None, None, None, limit=20) == posts[::-1]
    assert OF_AUTHOR(alice.id, None, None, None, limit=2) == posts[:2:-1]
    assert OF_AUTHOR(alice.id, posts[3], None, None, limit=20) == posts[2::-1]
    assert OF_AUTHOR(alice.id, posts[4], posts[1], None, limit=20) == posts[3:1:-1]
    page = Page(min_id=posts[0], limit=2)
    assert in_order(page, OF_AUTHOR(alice.id, None, None, posts[0], limit=2)) == [posts[2], posts[1]]
    accounts.follow(bob, alice)
    assert OF_AUTHOR(bob.id, None, None, None, limit=20) != posts[::-1]


SINCE = Prepared(
    lambda author, since: Status.objects.filter(account_id=author, created_at__gte=since).values_list("id", flat=True)
)


def test_a_time_is_an_argument_like_any_other(alice):
    old, new = statuses.post_status(alice, "old"), statuses.post_status(alice, "new")
    Status.objects.filter(id=old.id).update(created_at=timezone.now() - timezone.timedelta(days=2))
    assert SINCE(alice.id, timezone.now() - timezone.timedelta(days=1)) == [new.id]
    assert sorted(SINCE(alice.id, timezone.now() - timezone.timedelta(days=3))) == [old.id, new.id]
    assert SINCE(alice.id, timezone.now() + timezone.timedelta(days=1)) == []


TAGGED = Prepared(lambda names: Status.objects.filter(tags__name__in=names).values_list("id", flat=True))


def test_a_list_of_text_is_an_argument_like_a_list_of_ids(alice):
    cats, dogs = statuses.post_status(alice, "#cats"), statuses.post_status(alice, "#dogs")
    assert TAGGED(["cats"]) == [cats.id]
    assert sorted(TAGGED(["cats", "dogs"])) == [cats.id, dogs.id]
    assert TAGGED(["birds"]) == []


def test_a_union_reads_what_each_call_would_in_one_statement(alice, bob, carol):
    """Each call keeps its own arguments, ORDER BY and LIMIT (a page of each account's newest
    posts, not the newest of all); the rows of every call come back together, from one query."""
    posts = {a.id: [statuses.post_status(a, f"{a.username} {i}").id for i in range(4)] for a in (alice, bob, carol)}
    calls = [
        ((alice.id, None, None, None), {"limit": 2}),
        ((bob.id, posts[bob.id][3], None, None), {"limit": 2}),
        ((carol.id, None, None, posts[carol.id][1]), {"limit": 20}),
    ]
    with CaptureQueriesContext(connection) as captured:
        together = OF_AUTHOR.union(calls)
    assert len(captured) == 1
    assert sorted(together) == sorted(i for args, fixed in calls for i in OF_AUTHOR(*args, **fixed))
    assert sorted(together) == sorted([*posts[alice.id][2:], *posts[bob.id][1:3], *posts[carol.id][2:]])
    assert sorted(OF_AUTHOR.union(calls[1:] + calls[:1])) == sorted(together)  # in any order
    assert OF_AUTHOR.union([]) == []
    statuses.delete_status(alice, posts[alice.id][3])
    assert posts[alice.id][3] not in OF_AUTHOR.union(calls)  # read afresh


def test_a_union_is_for_queries_of_one_column(alice):
    statuses.post_status(alice, "post")
    with pytest.raises(ValueError):
        BY_IDS.union([(([1],), {})])
    assert BY_IDS.union([(([],), {})]) == []  # a query Django answers without the database
