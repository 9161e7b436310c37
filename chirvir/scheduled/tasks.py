"""Scheduled-post jobs on the queue, named apart from the work they run in scheduled/publishing.py:
each post's publication at its time, and a sweep that publishes those whose job was lost."""

from huey import crontab

from chirvir.jobs import periodic_task, task
from chirvir.scheduled import publishing


@task(retries=3, retry_delay=5)
def publication_job(scheduled_id: int) -> bool:
    return publishing.publish_scheduled(scheduled_id) is not None


@periodic_task(crontab(minute="*"))
def scheduled_sweep_job() -> int:
    return publishing.publish_due()
