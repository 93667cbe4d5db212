"""Writing dossier rows in bulk without model instances: the events chained as
``events.dossier_event_record`` chains them, each table written at once (a binary COPY on PostgreSQL,
``executemany`` on SQLite). Used by the simulation (``motcua.reporting.simulate``) and the history import
(``motcua.integrations.history``)."""

from __future__ import annotations

from typing import cast

from django.db import connection

from motcua.core.bulk import Table

from ..events import GENESIS, _digest
from ..models import Dossier, DossierComponent, DossierEvent, DossierPause, DossierStep
from .rows import ComponentRow, DossierRow, EventRow, PauseRow, StepRow, Story


def chain_events(story: Story, *, prev: str = GENESIS) -> None:
    """Chain the events exactly as ``events.dossier_event_record`` does (the dossier id is known); ``prev``
    is the hash of the event before the first one (an existing history that goes on)."""
    pk = story.dossier.id
    for event in story.events:
        event.dossier_id = pk
        event.prev_hash = prev
        event.hash = _digest(cast(DossierEvent, event))
        prev = event.hash


class Tables:
    def __init__(self) -> None:
        self.dossiers = Table(Dossier, DossierRow)
        self.steps = Table(DossierStep, StepRow)
        self.pauses = Table(DossierPause, PauseRow)
        self.components = Table(DossierComponent, ComponentRow)
        self.events = Table(DossierEvent, EventRow)


def new_dossier_ids(n: int) -> list[int]:
    """``n`` ids for new dossier rows, taken from the table's sequence (inside the writing transaction)."""
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"bulk writes support PostgreSQL and SQLite, not {connection.vendor}")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + n + 1))
