"""Data migrations of encrypted personal data (docs/architecture/personal-data.md): rows rewritten in place by
plain SQL, in batches of primary keys, so that the models' encrypted fields never see a value that is not yet a
token. Used by the migrations that turned columns into ``EncryptedPersonalIdField`` — keep it stable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import personal_data

BATCH_SIZE = 1000


def rewrite_rows(
    schema_editor: Any,
    model: Any,
    fields: Sequence[str],
    rewrite: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Read ``fields`` of every row of ``model`` (a historical model) as stored, and write back what
    ``rewrite`` returns for the row (the changed fields only; an empty dict leaves the row). Returns the number
    of rows changed."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    meta = model._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = {name: quote(meta.get_field(name).column) for name in fields}
    select = ", ".join(columns.values())
    changed, last = 0, None
    while True:
        params: list[Any] = [] if last is None else [last]
        where = "" if last is None else f"WHERE {pk} > %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {select} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608 - names from the model
                [*params, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            last = rows[-1][0]
            for key, *values in rows:
                new = rewrite(dict(zip(fields, values, strict=True)))
                if new:
                    assignments = ", ".join(f"{columns[name]} = %s" for name in new)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 - names from the model
                        [*new.values(), key],
                    )
                    changed += 1


def sealed(value: Any) -> Any:
    """A stored value as it must be stored now: a token (NULL, empty and tokens stay as they are)."""
    if value is None or value == "" or personal_data.is_token(value):
        return value
    return personal_data.encrypt(str(value))


def opened(value: Any) -> Any:
    """A stored value as it was stored before encryption (for a migration going backwards)."""
    return personal_data.decrypt(value) if personal_data.is_token(value) else value


def encrypt_columns(schema_editor: Any, model: Any, fields: Sequence[str]) -> int:
    """Encrypt the plain values of ``fields`` in place (idempotent: tokens are left alone)."""

    def rewrite(row: dict[str, Any]) -> dict[str, Any]:
        return {name: sealed(value) for name, value in row.items() if sealed(value) != value}

    return rewrite_rows(schema_editor, model, fields, rewrite)


def decrypt_columns(schema_editor: Any, model: Any, fields: Sequence[str]) -> int:
    """Put the plain values back (the migration reversed)."""

    def rewrite(row: dict[str, Any]) -> dict[str, Any]:
        return {name: opened(value) for name, value in row.items() if opened(value) != value}

    return rewrite_rows(schema_editor, model, fields, rewrite)
