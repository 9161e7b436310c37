"""Trends jobs on the queue, named apart from the work they run in trends/services.py."""

from huey import crontab

from chirvir.jobs import periodic_task
from chirvir.trends import services


@periodic_task(crontab(minute="*/5"))
def trends_refresh_job() -> int:
    # Every five minutes: trends move over hours, and each read is then one small query.
    return services.refresh_trends()
