"""How a signed-in request finds its account: Django's ModelBackend (log-in, passwords and
permissions as it has them), with the read that every signed-in page makes compiled once
(chirvir/core/queries.py): through the ORM it cost ~0.8 ms a page, prepared ~0.2 ms."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from chirvir.accounts.models import Account
from chirvir.core.queries import Prepared

_ACCOUNT = Prepared(lambda pk: Account.objects.filter(pk=pk))


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's account, read afresh: none when it is gone or may not log in (suspended)."""
        try:
            pk = Account._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = _ACCOUNT(pk)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
