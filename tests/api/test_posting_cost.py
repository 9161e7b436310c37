"""What answering a post costs: the status `post_status` returns carries what the post just wrote
(its mentions, its hashtags, its media), so rendering it for the API's answer reads none of them
back, and the answer is the status as any later read renders it."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chirvir.api import serializers
from chirvir.core import cache
from chirvir.statuses import services as statuses

WRITTEN = ("statuses_mention", "statuses_statustag", "media_mediaattachment")


def test_the_answer_to_a_post_reads_nothing_the_post_wrote(alice, bob, api_client):
    status = statuses.post_status(alice, "hello @bob #cats #dogs")
    with CaptureQueriesContext(connection) as captured:
        answer = serializers.statuses([status], alice, keep_hidden=True)[0]  # as POST /api/v1/statuses answers
    assert [q["sql"] for q in captured if any(table in q["sql"] for table in WRITTEN)] == []
    assert [m["username"] for m in answer["mentions"]] == ["bob"]
    assert sorted(t["name"] for t in answer["tags"]) == ["cats", "dogs"]
    assert answer["media_attachments"] == []
    # Another process renders it from the database: the same status.
    cache._CACHE = None
    caches["default"].clear()
    again = api_client(alice).get(f"/api/v1/statuses/{status.id}").json()
    for field in ("mentions", "media_attachments", "content", "id", "visibility"):
        assert again[field] == answer[field]
    assert sorted(t["name"] for t in again["tags"]) == ["cats", "dogs"]


def test_the_api_answers_a_post_with_what_it_wrote(alice, bob, api_client):
    posted = api_client(alice).post("/api/v1/statuses", {"status": "hi @bob #cats"}).json()
    assert [m["username"] for m in posted["mentions"]] == ["bob"]
    assert [t["name"] for t in posted["tags"]] == ["cats"]
