"""Test settings: the real settings, with jobs run at once in the process (Huey's immediate
mode) so a test sees delivery as soon as the post's transaction commits."""

import os
import tempfile

os.environ.setdefault("CHIRVIR_DATA_DIR", tempfile.mkdtemp(prefix="chirvir-test-"))

from chirvir.settings import *  # noqa: E402,F403

HUEY = {**HUEY, "immediate": True}  # noqa: F405
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (the Host of Django's test client)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
