"""Test settings: the real settings, with jobs run at once in the process (Huey's immediate
mode) so a test sees delivery as soon as the post's transaction commits."""

import os
import secrets
import tempfile

if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Each of pytest-xdist's workers has a data directory of its own: its rate-limit counters,
    # media files and job queue are never another worker's (whatever the parent's said).
    os.environ["CHIRVIR_DATA_DIR"] = tempfile.mkdtemp(prefix=f"chirvir-test-{worker}-")
else:
    os.environ.setdefault("CHIRVIR_DATA_DIR", tempfile.mkdtemp(prefix="chirvir-test-"))

# In the scale-out pass, each run and each of its workers keeps its Redis keys under a prefix of its
# own, and forgets only those between tests (tests/conftest.py).
os.environ["CHIRVIR_REDIS_PREFIX"] = f"chirvir-test-{worker or 'main'}-{secrets.token_hex(4)}"

# Argon2id at OWASP's least recommended cost (19 MiB, 2 passes, 1 lane: about 26 ms of a core a hash
# here) rather than Django's (100 MiB, 2 passes, 8 lanes: about 244 ms), in this process and in every
# server and command the tests start, which inherit it: signing up and logging in through HTTP was most
# of what the server did for toot's own suite (docs/performance.md). The in-process tests hash with
# MD5 (below) but where they test the hasher itself (tests/auth/test_passwords.py).
os.environ.setdefault("CHIRVIR_ARGON2", "m=19456,t=2,p=1")

from chirvir.settings import *  # noqa: E402,F403

HUEY = {**HUEY, "immediate": True}  # noqa: F405
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405  (the Host of Django's test client)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
