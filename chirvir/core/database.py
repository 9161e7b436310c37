"""Whether the configured database is there and migrated, told to an operator in one line before a
command that needs it starts (instead of a traceback about a missing table, much later)."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def describe() -> str:
    """Where the data lives, as start-up says it."""
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"Data directory: {settings.DATA_DIR}"
    replicas = ", ".join(_address(settings.DATABASES[alias]) for alias in settings.DATABASE_REPLICAS)
    lagging = f"; reads that may lag from {replicas}" if replicas else ""
    return f"Data directory: {settings.DATA_DIR} (database: PostgreSQL at {_address(database)}{lagging})"


def _address(database: dict) -> str:
    return f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}/{database.get('NAME')}"


def problem() -> str | None:
    """None when the database is there and fully migrated; else what is wrong and what to do."""
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    remedy = "run `chirvir migrate` (or `chirvir serve`, which migrates), or point CHIRVIR_DATA_DIR at the data"
    if database["ENGINE"] == "django.db.backends.sqlite3" and not settings.DATA_DIR.joinpath(database["NAME"]).exists():
        return f"No Chirvir database at {database['NAME']}: {remedy}."
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as e:
        return f"Cannot reach the database ({e}".strip() + ")."
    finally:
        connection.close()
    if pending:
        return f"The database at {database['NAME']} is not migrated ({len(pending)} migrations to apply): {remedy}."
    return None
