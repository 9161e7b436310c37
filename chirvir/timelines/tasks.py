"""Timeline jobs on the queue. Each is idempotent: running one twice leaves the feeds as once.
The periodic sweep re-queues deliveries a crash lost and keeps feeds at their length."""

from django.conf import settings
from huey import crontab

from chirvir.events import bus as events
from chirvir.jobs import periodic_task, task
from chirvir.timelines import services
from chirvir.timelines.feeds import feed_store


@task(retries=3, retry_delay=5)
def deliver_status(status_id: int) -> int:
    return services.deliver_status(status_id)


@task(retries=3, retry_delay=5)
def announce_edit(status_id: int, earlier_tags: list[str]) -> None:
    services.announce_edit(status_id, earlier_tags)


@task(retries=3, retry_delay=5)
def remove_from_homes(status_ids: list[int]) -> None:
    services.remove_from_homes(status_ids)


@task(retries=3, retry_delay=5)
def merge_into_home(owner_id: int, author_id: int) -> None:
    services.merge_into_home(owner_id, author_id)


@task(retries=3, retry_delay=5)
def unmerge_from_home(owner_id: int, author_id: int) -> None:
    services.unmerge_from_home(owner_id, author_id)


@periodic_task(crontab(minute="*"))
def sweep() -> int:
    lost = services.redeliver_lost()
    for status_id in lost:
        deliver_status(status_id)
    feed_store().trim(settings.FEED_LENGTH)
    events.event_bus().prune(events.KEEP)  # live events, once every streaming process has read them
    return len(lost)
