"""Media jobs on the queue, named apart from the work they run in media/services.py."""

from chirvir.jobs import task
from chirvir.media import services


@task(retries=2, retry_delay=10)
def processing_job(media_id: int) -> None:
    services.process_media(media_id)
