"""The session engine (settings.SESSION_ENGINE): Django's sessions in the database, with the read
that every request bearing a session cookie makes compiled once (chirvir/core/queries.py). Every
read still asks the database, so a session ended in one process (a log-out, a password change)
is gone for the next request in every other."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from chirvir.core.queries import Prepared

_SESSION = Prepared(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))


class SessionStore(db.SessionStore):
    """Named as Django's own: the class's name is in the salt of every session's signature, so
    the sessions it wrote are read as they were."""

    def _get_session_from_db(self):
        found = _SESSION(self.session_key, timezone.now())
        if found:
            return found[0]
        self._session_key = None  # unknown or expired: a new session, as Django's does
        return None
