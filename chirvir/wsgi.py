"""WSGI entry point: Django alone (scale-out web workers under Granian's WSGI interface)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chirvir.settings")
application = get_wsgi_application()
