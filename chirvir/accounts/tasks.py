"""Account jobs on the queue: the hourly clean-up of timed mutes that are over (the audience gate
already ignores them at their end; this only keeps the table small), and the check of a
profile's links (rel="me") after its fields change."""

from huey import crontab

from chirvir.accounts import links, services
from chirvir.jobs import periodic_task, task


@periodic_task(crontab(minute="7"))
def remove_expired_mutes() -> int:
    return services.remove_expired_mutes()


@task(retries=2, retry_delay=30)
def profile_links_job(account_id: int) -> int:
    return links.verify_profile_links(account_id)
