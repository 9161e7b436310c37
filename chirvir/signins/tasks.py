"""Sign-in jobs on the queue: the mail telling an account of a sign-in from a new browser (mail
goes over SMTP, which a request should not wait for)."""

from chirvir.jobs import task


@task()
def new_browser_mail_job(account_id: int, details: dict) -> None:
    from chirvir.accounts.models import Account
    from chirvir.signins import services

    account = Account.objects.filter(pk=account_id, is_active=True).first()
    if account is not None and account.email:
        services.tell_new_browser(account, details.get("user_agent", ""), details.get("address", ""))
