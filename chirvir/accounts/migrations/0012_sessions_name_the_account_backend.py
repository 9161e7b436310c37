"""Sessions logged in before AUTHENTICATION_BACKENDS named chirvir's own backend keep the name of
Django's ModelBackend, which Django would no longer accept: they are given the new name, so that
nobody is logged out by the upgrade. Backwards, they are given the old one again."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ACCOUNT_BACKEND = "chirvir.accounts.backends.AccountBackend"
BATCH = 1000


def _rename(apps, old: str, new: str) -> None:
    Session = apps.get_model("sessions", "Session")
    # The store signs and reads session data as every session engine named SessionStore does.
    store = SessionStore()
    changed = []
    for session in Session.objects.only("session_key", "session_data").iterator(chunk_size=BATCH):
        data = store.decode(session.session_data)  # {} for one that does not verify: left as it is
        if data.get(BACKEND_SESSION_KEY) != old:
            continue
        data[BACKEND_SESSION_KEY] = new
        session.session_data = store.encode(data)
        changed.append(session)
        if len(changed) >= BATCH:
            Session.objects.bulk_update(changed, ["session_data"])
            changed = []
    Session.objects.bulk_update(changed, ["session_data"])


def forwards(apps, schema_editor):
    _rename(apps, MODEL_BACKEND, ACCOUNT_BACKEND)


def backwards(apps, schema_editor):
    _rename(apps, ACCOUNT_BACKEND, MODEL_BACKEND)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_account_by_followers_count"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
