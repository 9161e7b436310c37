"""`chirvir createuser NAME`: make an account from the command line (the same rules as sign-up)."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from chirvir.accounts import services
from chirvir.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="read from the terminal when not given")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--admin", action="store_true", help="may use /admin")
        parser.add_argument("--moderator", action="store_true", help="staff: moderates in /admin and the admin API")

    def handle(self, *args, username, email, password, display_name, admin, moderator, **options):
        if password is None:
            password = getpass.getpass("Password: ")
        try:
            account = services.register(username, password, email=email, display_name=display_name)
        except DomainError as e:
            raise CommandError(str(e)) from e
        if admin:
            account.is_staff = account.is_superuser = True
            account.save(update_fields=["is_staff", "is_superuser"])
        elif moderator:
            account.is_staff = True
            account.save(update_fields=["is_staff"])
        role = " (admin)" if admin else " (moderator)" if moderator else ""
        self.stdout.write(self.style.SUCCESS(f"Created @{account.username}{role}"))
