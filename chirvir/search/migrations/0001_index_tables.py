"""The search index's tables, of the database's own kind (see chirvir/search/index.py), filled
with the posts and accounts that exist already."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_status USING fts5(terms, tokenize='ascii')",
    # Prefix indexes: account search matches the start of names, often of one or two letters.
    "CREATE VIRTUAL TABLE search_account USING fts5(terms, tokenize='ascii', prefix='1 2 3')",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE search_status (id bigint PRIMARY KEY, terms tsvector NOT NULL)",
    "CREATE INDEX search_status_terms ON search_status USING gin (terms)",
    "CREATE TABLE search_account (id bigint PRIMARY KEY, terms tsvector NOT NULL)",
    "CREATE INDEX search_account_terms ON search_account USING gin (terms)",
    # Hashtags are found by the start of their name; a trigram index answers LIKE 'x%' whatever
    # the database's collation (a btree answers it only under "C" or with text_pattern_ops).
    "CREATE INDEX search_tag_name_trgm ON statuses_tag USING gin (name gin_trgm_ops)",
]


def create(apps, schema_editor):
    for statement in POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_tag_name_trgm")
    for kind in ("status", "account"):
        schema_editor.execute(f"DROP TABLE IF EXISTS search_{kind}")


def fill(apps, schema_editor):
    from chirvir.search import services

    Status = apps.get_model("statuses", "Status")
    Account = apps.get_model("accounts", "Account")
    for status in Status.objects.filter(reblog__isnull=True).only("id", "text", "spoiler_text").iterator():
        services.index_status(status)
    for account in Account.objects.only("id", "username", "display_name").iterator():
        services.index_account(account)


class Migration(migrations.Migration):
    dependencies = [("statuses", "0003_edits_and_pins"), ("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
