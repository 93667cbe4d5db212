"""Database triggers that make a table append-only (used by migrations of the audit and history tables).

PostgreSQL refuses UPDATE and DELETE (production should also grant the application role no
UPDATE/DELETE/TRUNCATE on these tables). SQLite refuses UPDATE; DELETE stays possible there because
Django's test flush empties tables with DELETE, and the hash-chain verifiers detect any deleted row.
Keep this module stable: migrations import it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _statements(table: str, vendor: str, *, up: bool) -> list[str]:
    if vendor == "postgresql":
        if up:
            return [
                f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;""",
                f"""CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();""",
            ]
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_append_only();",
        ]
    if up:
        return [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"""
        ]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;"]


def append_only(table: str) -> migrations.RunPython:
    """A migration operation installing (and, reversed, removing) the append-only triggers on ``table``."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for sql in _statements(table, schema_editor.connection.vendor, up=True):
            schema_editor.execute(sql)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for sql in _statements(table, schema_editor.connection.vendor, up=False):
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards, elidable=False)
