"""Published versions are immutable in the database itself, like the audit chain (core 0002).

PostgreSQL refuses UPDATE and DELETE on version rows; SQLite refuses UPDATE (DELETE stays possible there
because Django's test flush empties tables with DELETE). ``ProcedureVersion.save`` and ``delete`` refuse
too, so the ORM never gets as far as the database.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER catalogue_procedureversion_no_update BEFORE UPDATE ON catalogue_procedureversion
       BEGIN SELECT RAISE(ABORT, 'catalogue_procedureversion is immutable'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS catalogue_procedureversion_no_update;"]
PG_UP = [
    """CREATE OR REPLACE FUNCTION catalogue_procedureversion_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'catalogue_procedureversion is immutable'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER catalogue_procedureversion_no_update_delete
       BEFORE UPDATE OR DELETE ON catalogue_procedureversion
       FOR EACH ROW EXECUTE FUNCTION catalogue_procedureversion_immutable();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS catalogue_procedureversion_no_update_delete ON catalogue_procedureversion;",
    "DROP FUNCTION IF EXISTS catalogue_procedureversion_immutable();",
]


def forwards(apps, schema_editor):
    statements = PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_trigram_index")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
