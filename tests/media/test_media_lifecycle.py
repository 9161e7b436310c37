"""What becomes of uploads (issue 9, media): an upload no post takes is removed, files and all, a
day after it was made or let go; a post's media stay while the post does; a version in an edited
post's history shows the media it carried, and those media stay while the post does."""

import json
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from chirvir.media import services as media
from chirvir.media.models import MediaAttachment
from chirvir.media.tasks import unattached_media_sweep
from tests.media.test_attachments import png, post, upload

A_DAY_ON = timedelta(days=1, minutes=1)


def files_of(media_id) -> list[str]:
    m = MediaAttachment.objects.get(id=media_id)
    return [m.file.name, m.thumbnail.name]


def test_an_upload_no_post_takes_is_removed_with_its_files_after_a_day(as_alice):
    kept_id = upload(as_alice, "kept.png", png()).json()["id"]
    post(as_alice, status="with a picture", media_ids=[kept_id])
    left_id = upload(as_alice, "left.png", png()).json()["id"]
    names = files_of(left_id)
    assert all(default_storage.exists(n) for n in names)

    assert media.remove_unattached(now=timezone.now() + timedelta(hours=23)) == 0  # not a day yet
    assert media.remove_unattached(now=timezone.now() + A_DAY_ON) == 1
    assert not MediaAttachment.objects.filter(id=left_id).exists()
    assert not any(default_storage.exists(n) for n in names)
    assert as_alice.get(f"/api/v1/media/{left_id}").status_code == 404
    assert all(default_storage.exists(n) for n in files_of(kept_id))  # a post holds it


def test_media_let_go_by_a_deleted_post_wait_a_day_from_then_for_a_redraft(as_alice):
    media_id = upload(as_alice, "a.png", png()).json()["id"]
    status = post(as_alice, status="first draft", media_ids=[media_id]).json()
    MediaAttachment.objects.filter(id=media_id).update(created_at=timezone.now() - timedelta(days=30))
    deleted = as_alice.delete(f"/api/v1/statuses/{status['id']}").json()
    assert [m["id"] for m in deleted["media_attachments"]] == [media_id]  # what a redraft posts again

    assert media.remove_unattached() == 0  # uploaded a month ago, but let go just now
    assert post(as_alice, status="second draft", media_ids=[media_id]).status_code == 200
    assert media.remove_unattached(now=timezone.now() + A_DAY_ON) == 0  # taken again


def test_an_edited_posts_history_shows_the_media_each_version_carried(as_alice, client):
    first, second = (upload(as_alice, f"{i}.png", png()).json()["id"] for i in range(2))
    status = post(as_alice, status="look", media_ids=[first]).json()
    as_alice.put(f"/api/v1/statuses/{status['id']}", json.dumps({"status": "look again", "media_ids": [second]}),
                 content_type="application/json")
    as_alice.put(f"/api/v1/statuses/{status['id']}", json.dumps({"status": "look once more"}),
                 content_type="application/json")

    versions = client.get(f"/api/v1/statuses/{status['id']}/history").json()
    assert [[m["id"] for m in v["media_attachments"]] for v in versions] == [[first], [second], [second]]
    assert versions[0]["media_attachments"][0]["url"].endswith(".png")

    # The first version's picture is no post's now, but the history shows it: it stays.
    assert media.remove_unattached(now=timezone.now() + A_DAY_ON) == 0
    assert all(default_storage.exists(n) for n in files_of(first))
    as_alice.delete(f"/api/v1/statuses/{status['id']}")
    assert media.remove_unattached(now=timezone.now() + A_DAY_ON) == 2  # the post and its history gone


def test_the_sweep_is_an_hourly_job_of_the_queue():
    job = unattached_media_sweep.task_class()
    assert [h for h in range(24) if job.validate_datetime(datetime(2026, 12, 1, h, 23))] == list(range(24))
    assert not job.validate_datetime(datetime(2026, 12, 1, 5, 24))
