"""Account jobs on the queue: the hourly clean-up of timed mutes that are over (the audience gate
already ignores them at their end; this only keeps the table small)."""

from huey import crontab

from chirvir.accounts import services
from chirvir.jobs import periodic_task


@periodic_task(crontab(minute="7"))
def remove_expired_mutes() -> int:
    return services.remove_expired_mutes()
