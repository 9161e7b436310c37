"""The search index behind one small interface, with one implementation per database: SQLite FTS5
in embedded mode, PostgreSQL full text (a tsvector of the same terms, GIN-indexed) in scale-out
mode. Both hold the terms that chirvir.search.tokens makes, so both find the same things; each
only stores them and answers which rows hold every part of a query."""

from typing import Protocol

from django.db import connection, connections

from chirvir.core import replicas
from chirvir.search.tokens import Term

# What each kind of indexed thing is called in the tables' names: search_status, search_account.
KINDS = ("status", "account")
_MAX_POSITION = 16383  # PostgreSQL's largest position in a tsvector; later ones share it


class Index(Protocol):
    def put(self, kind: str, row_id: int, terms: list[str]) -> None:
        """Index the row under these terms, in place of whatever it was indexed under."""

    def remove(self, kind: str, row_id: int) -> None: ...

    def matching(self, kind: str, query: list[Term]) -> tuple[str, list]:
        """A SELECT of the IDs of the rows holding every part of the query, and its parameters,
        for the caller to narrow its own query with (`id__in=RawSQL(...)`)."""

    def ids(self, kind: str, query: list[Term], *, below=None, above=None, ascending=False, limit=100) -> list[int]:
        """The IDs of up to `limit` rows holding the query, between the bounds (exclusive), newest
        first or, `ascending`, oldest first: a page read from the index alone, so that a word in
        a tenth of a million posts costs one page of them, not all of them."""


class SqliteIndex:
    """FTS5 tables of space-separated terms. The `ascii` tokenizer splits them at the spaces only
    (the terms are already folded, and hold no ASCII punctuation) and keeps every other script
    whole; the rowid is the status's or account's ID."""

    def put(self, kind, row_id, terms):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_{kind} WHERE rowid = %s", [row_id])
            cursor.execute(f"INSERT INTO search_{kind} (rowid, terms) VALUES (%s, %s)", [row_id, " ".join(terms)])

    def remove(self, kind, row_id):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_{kind} WHERE rowid = %s", [row_id])

    def matching(self, kind, query):
        # An FTS5 phrase, "a b", is terms that follow one another; `*` makes its last a prefix.
        expression = " ".join(f'"{" ".join(t.phrase)}"' + ("*" if t.prefix else "") for t in query)
        return f"SELECT rowid FROM search_{kind} WHERE search_{kind} MATCH %s", [expression]

    def ids(self, kind, query, *, below=None, above=None, ascending=False, limit=100):
        return _page_of_ids(self.matching(kind, query), "rowid", below, above, ascending, limit)


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresIndex:
    """Tables of (id, tsvector) with a GIN index. The tsvector is written out from the terms with
    their positions rather than made by to_tsvector: PostgreSQL's parser would split words at
    Devanagari vowel signs in some locales, and its 'simple' configuration is all it would add."""

    def put(self, kind, row_id, terms):
        positions: dict[str, list[int]] = {}
        for at, term in enumerate(terms, start=1):
            positions.setdefault(term, []).append(min(at, _MAX_POSITION))
        vector = " ".join(f"{_lexeme(t)}:{','.join(map(str, sorted(set(p))))}" for t, p in positions.items())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO search_{kind} (id, terms) VALUES (%s, %s::tsvector)"
                " ON CONFLICT (id) DO UPDATE SET terms = EXCLUDED.terms",
                [row_id, vector],
            )

    def remove(self, kind, row_id):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_{kind} WHERE id = %s", [row_id])

    def matching(self, kind, query):
        parts = []
        for t in query:
            lexemes = [_lexeme(term) for term in t.phrase]
            if t.prefix:
                lexemes[-1] += ":*"
            parts.append("(" + " <-> ".join(lexemes) + ")")
        return f"SELECT id FROM search_{kind} WHERE terms @@ %s::tsquery", [" & ".join(parts)]

    def ids(self, kind, query, *, below=None, above=None, ascending=False, limit=100):
        return _page_of_ids(self.matching(kind, query), "id", below, above, ascending, limit)


def _page_of_ids(matching: tuple[str, list], column: str, below, above, ascending: bool, limit: int) -> list[int]:
    # FTS5 walks its matches by rowid in either direction and stops at the LIMIT; PostgreSQL
    # picks between the GIN index and a backward walk of the primary key.
    sql, params = matching
    if below is not None:
        sql, params = f"{sql} AND {column} < %s", [*params, below]
    if above is not None:
        sql, params = f"{sql} AND {column} > %s", [*params, above]
    sql = f"{sql} ORDER BY {column} {'ASC' if ascending else 'DESC'} LIMIT %s"
    # A search reads its index where it reads its posts: a replica, when there is one (chirvir/core/replicas.py).
    with connections[replicas.reading()].cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def index() -> Index:
    """The index of the database in use: one per vendor, chosen where the connection is known."""
    return PostgresIndex() if connection.vendor == "postgresql" else SqliteIndex()
