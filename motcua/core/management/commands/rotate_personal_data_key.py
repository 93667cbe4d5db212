"""``motcua rotate_personal_data_key``: re-encrypt every encrypted personal ID to the current key.

After a new key is added to ``MOTCUA_PERSONAL_DATA_KEYS`` and made current (``MOTCUA_PERSONAL_DATA_KEY_ID``),
every column of type ``EncryptedPersonalIdField`` (found through ``django.apps``: the core imports no domain
app) is read in batches of primary keys; a token under another key is opened and written again under the
current one, each row on its own (``WHERE`` the old token is still there, so a row changed meanwhile is left
for the next run). Running it again changes nothing: it is idempotent, and safe to stop and restart. When it
reports no token under another key, the old key can be removed from the settings.

A row whose new token is already another row's (the same person stored twice across keys, in a column with a
unique constraint) is left as it is and reported: resolve it by hand, then run the command again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, connection, transaction

from motcua.core import personal_data
from motcua.core.fields import EncryptedPersonalIdField


def encrypted_columns() -> list[tuple[Any, list[EncryptedPersonalIdField]]]:
    """Every concrete model with encrypted columns, and those columns."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedPersonalIdField)]
        if fields and not model._meta.proxy and model._meta.managed:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


class Command(BaseCommand):
    help = (
        "Re-encrypt the personal IDs stored under an older key to the current key "
        "(MOTCUA_PERSONAL_DATA_KEY_ID), in batches; idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="rows read at once (default 1000)")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be re-encrypted")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = personal_data.configuration_problems()
        if problems:
            raise CommandError("; ".join(problems))
        ring = personal_data.keyring()
        current = ring.current.id
        dry_run, batch_size = options["dry_run"], max(1, options["batch_size"])
        totals: Counter[str] = Counter()
        for model, fields in encrypted_columns():
            for f in fields:
                counts = self._rotate(model, f, current, batch_size=batch_size, dry_run=dry_run)
                totals.update(counts)
                self.stdout.write(
                    f"{model._meta.label}.{f.name}: {counts['rotated']} "
                    f"{'to re-encrypt' if dry_run else 're-encrypted'}, {counts['current']} already current, "
                    f"{counts['conflict']} left (another row holds the same value)"
                )
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        summary = f"Key {current!r}: {totals['rotated']} values {verb}, {totals['current']} already current."
        if totals["conflict"]:
            raise CommandError(
                f"{summary} {totals['conflict']} values left: another row holds the same value."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _rotate(
        self, model: Any, f: EncryptedPersonalIdField, current: str, *, batch_size: int, dry_run: bool
    ) -> Counter[str]:
        quote = connection.ops.quote_name
        table, pk, column = quote(model._meta.db_table), quote(model._meta.pk.column), quote(f.column)
        counts: Counter[str] = Counter(rotated=0, current=0, conflict=0)
        last: Any = None
        while True:
            where = "" if last is None else f"AND {pk} > %s"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' "  # noqa: S608 - names from the models
                    f"{where} ORDER BY {pk} LIMIT %s",
                    [*([] if last is None else [last]), batch_size],
                )
                rows = cursor.fetchall()
            if not rows:
                return counts
            last = rows[-1][0]
            for key, token in rows:
                if personal_data.key_id_of(token) == current:
                    counts["current"] += 1
                    continue
                fresh = personal_data.encrypt(personal_data.decrypt(token))
                if dry_run:
                    counts["rotated"] += 1
                    continue
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608 - names from the models
                            [fresh, key, token],
                        )
                except IntegrityError:
                    counts["conflict"] += 1
                    continue
                counts["rotated"] += 1
