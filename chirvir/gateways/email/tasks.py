"""The e-mail gateway's job: one batched notification e-mail (SMTP is not for a request to wait on).
A mail server that is down makes it fail; Huey tries again, with the queue kept whole."""

from chirvir.jobs import task


@task(retries=8, retry_delay=30)
def notification_mail_job(account_id: int) -> None:
    from chirvir.gateways.email import outbound

    outbound.send_batch(account_id)
