"""PostgreSQL only: the pg_trgm extension and a trigram GIN index over the folded search text of the
published versions (used by ``LIKE '%word%'`` and by the word-similarity operator ``<%``). SQLite searches
the same folded column with LIKE and ranks in Python (motcua.catalogue.trigram)."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX IF NOT EXISTS catalogue_version_search_trgm "
    "ON catalogue_procedureversion USING gin (search_text gin_trgm_ops);",
    "CREATE INDEX IF NOT EXISTS catalogue_procedure_search_trgm "
    "ON catalogue_procedure USING gin (search_text gin_trgm_ops);",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS catalogue_procedure_search_trgm;",
    "DROP INDEX IF EXISTS catalogue_version_search_trgm;",
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
    dependencies = [("catalogue", "0002_standard_sectors")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
