"""PostgreSQL only: the trigram GIN index moves to the narrow search table (catalogue entries), which is
what search reads; the versions keep the history and need no search index."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX IF NOT EXISTS catalogue_entry_search_trgm "
    "ON catalogue_catalogueentry USING gin (search_text gin_trgm_ops);",
    "DROP INDEX IF EXISTS catalogue_version_search_trgm;",
]
PG_DOWN = [
    "CREATE INDEX IF NOT EXISTS catalogue_version_search_trgm "
    "ON catalogue_procedureversion USING gin (search_text gin_trgm_ops);",
    "DROP INDEX IF EXISTS catalogue_entry_search_trgm;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_catalogueentry")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
