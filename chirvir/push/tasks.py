"""Push jobs on the queue, named apart from their work in push/delivery.py: one finds the
subscriptions a notification goes to, one sends to each, and tries again later, waiting twice as
long each time, while the push service is down."""

from django.conf import settings

from chirvir.jobs import task
from chirvir.push import delivery


@task(retries=3, retry_delay=5)
def notification_push_job(notification_id: int) -> None:
    for subscription_id in delivery.subscriptions_for(notification_id):
        push_delivery_job(subscription_id, notification_id)


@task()
def push_delivery_job(subscription_id: int, notification_id: int, attempt: int = 0) -> str:
    outcome = delivery.send(subscription_id, notification_id)
    if outcome == delivery.RETRY and attempt + 1 < settings.PUSH_TRIES:
        push_delivery_job.schedule(
            args=(subscription_id, notification_id, attempt + 1), delay=settings.PUSH_RETRY_DELAY * 2**attempt
        )
    return outcome
