"""Timeline jobs on the queue, each named apart from the work it runs in timelines/delivery.py,
so that grep finds where work is queued and where it is done. Each is idempotent: running one
twice leaves the feeds as once. The periodic sweep re-queues deliveries a crash lost and keeps
feeds at their length."""

from django.conf import settings
from huey import crontab

from chirvir.events import bus as events
from chirvir.jobs import periodic_task, task
from chirvir.timelines import delivery
from chirvir.timelines.feeds import feed_store


@task(retries=3, retry_delay=5)
def delivery_job(status_id: int) -> int:
    return delivery.deliver_status(status_id)


@task(retries=3, retry_delay=5)
def edit_announcement_job(status_id: int, earlier_tags: list[str]) -> None:
    delivery.announce_edit(status_id, earlier_tags)


@task(retries=3, retry_delay=5)
def delete_announcement_job(gone: list[dict]) -> None:
    delivery.announce_delete(gone)


@task(retries=3, retry_delay=5)
def feed_removal_job(status_ids: list[int]) -> None:
    delivery.remove_from_homes(status_ids)


@task(retries=3, retry_delay=5)
def merge_job(owner_id: int, author_id: int) -> None:
    delivery.merge_into_home(owner_id, author_id)


@task(retries=3, retry_delay=5)
def unmerge_job(owner_id: int, author_id: int) -> None:
    delivery.unmerge_from_home(owner_id, author_id)


@task(retries=3, retry_delay=5)
def tag_unmerge_job(owner_id: int, tag_id: int) -> None:
    delivery.unmerge_tag_from_home(owner_id, tag_id)


@task(retries=3, retry_delay=5)
def list_merge_job(list_id: int, account_id: int) -> None:
    delivery.merge_into_list(list_id, account_id)


@task(retries=3, retry_delay=5)
def list_unmerge_job(list_id: int, account_id: int) -> None:
    delivery.unmerge_from_list(list_id, account_id)


@task(retries=3, retry_delay=5)
def list_feed_removal_job(list_id: int) -> None:
    delivery.drop_list_feed(list_id)


def requeue_undelivered(older_than_seconds: float = 30) -> list[int]:
    """Queue again the deliveries of posts still undelivered after that long. Delivery is
    idempotent, so one that is only slow, not lost, is merely done twice over nothing."""
    lost = delivery.redeliver_lost(older_than_seconds)
    for status_id in lost:
        delivery_job(status_id)
    return lost


@periodic_task(crontab(minute="*"))
def sweep() -> int:
    lost = requeue_undelivered()
    feed_store().trim(settings.FEED_LENGTH)
    events.event_bus().prune(events.KEEP)  # live events, once every streaming process has read them
    return len(lost)
