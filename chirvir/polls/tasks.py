"""Poll jobs on the queue, named apart from the work they run in polls/services.py: each poll's
closing at its end, and a sweep that closes the ended polls whose job was lost."""

from huey import crontab

from chirvir.jobs import periodic_task, task
from chirvir.polls import services


@task(retries=3, retry_delay=5)
def poll_closing_job(poll_id: int) -> bool:
    return services.close_poll(poll_id)


@periodic_task(crontab(minute="*"))
def poll_sweep_job() -> int:
    return services.close_ended_polls()
