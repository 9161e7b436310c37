"""64-bit, time-ordered IDs: milliseconds since the epoch in the high 48 bits, and 16 low bits
taken from one database-wide sequence, so two processes on any machines never make the same ID."""

import time

from django.db import connection, models

SEQUENCE_BITS = 16
_SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1


def _next_sequence() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('chirvir_id_seq')")
        else:
            cursor.execute(
                "INSERT INTO core_idsequence (id, value) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET value = value + 1 RETURNING value"
            )
        return cursor.fetchone()[0]


def next_id() -> int:
    """A new ID, larger than every ID made in an earlier millisecond."""
    return (int(time.time() * 1000) << SEQUENCE_BITS) | (_next_sequence() & _SEQUENCE_MASK)


def id_at(timestamp: float) -> int:
    """The smallest ID a given Unix time could carry: paging by time compares against it."""
    return int(timestamp * 1000) << SEQUENCE_BITS


class IdField(models.BigIntegerField):
    """A primary key filled with `next_id()` when a row is first saved (or bulk-created), not
    when the object is made: making an object must not touch the database."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def get_pk_value_on_save(self, instance):
        return next_id()


def parse_id(value) -> int | None:
    """An ID as a client sent it (a number or a decimal string), or None if it cannot be one."""
    try:
        id_ = int(value)
    except (TypeError, ValueError):
        return None
    return id_ if 0 < id_ < 1 << 63 else None
