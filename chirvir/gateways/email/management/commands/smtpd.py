"""`chirvir smtpd`: receive mail for posting (chirvir/gateways/email/smtpd.py)."""

from django.core.management.base import BaseCommand, CommandError

from chirvir.gateways.email import addresses, smtpd


class Command(BaseCommand):
    help = "Receive posts by e-mail on CHIRVIR_MAIL_BIND, for the addresses of CHIRVIR_MAIL_DOMAIN."

    def handle(self, *args, **options):
        if not addresses.enabled():
            raise CommandError("set CHIRVIR_MAIL_DOMAIN to the domain whose mail this server receives")
        smtpd.serve()
