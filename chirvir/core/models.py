"""The single row behind ID generation on SQLite (PostgreSQL uses a real sequence)."""

from django.db import models


class IdSequence(models.Model):
    value = models.BigIntegerField(default=0)
