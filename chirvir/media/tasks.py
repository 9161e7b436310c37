"""Media jobs on the queue, named apart from the work they run in media/services.py."""

from huey import crontab

from chirvir.jobs import periodic_task, task
from chirvir.media import services


@task(retries=2, retry_delay=10)
def processing_job(media_id: int) -> None:
    services.process_media(media_id)


@periodic_task(crontab(minute="23"))
def unattached_media_sweep() -> int:
    """Hourly: the uploads no post took, a day on (media/services.py remove_unattached)."""
    return services.remove_unattached()
