"""Writing the stories in bulk: the events chained as ``events.dossier_event_record`` chains them, each
batch stored at once (COPY on PostgreSQL, ``executemany`` on SQLite) with the code counters it used, in a
writer thread of its own on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields as dataclass_fields
from functools import partial
from operator import attrgetter
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.dossiers.events import GENESIS, _digest
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierStep,
)

from .config import SimulationError
from .rows import Story, _ComponentRow, _DossierRow, _EventRow, _PauseRow, _StepRow


def _chain(story: Story) -> None:
    """Chain the events exactly as ``events.dossier_event_record`` does (the dossier id is known)."""
    prev = GENESIS
    pk = story.dossier.id
    for event in story.events:
        event.dossier_id = pk
        event.prev_hash = prev
        event.hash = _digest(cast(DossierEvent, event))
        prev = event.hash


class _Table:
    """Rows of one model written without model instances: a binary COPY on PostgreSQL (with the columns'
    types, so psycopg dumps datetimes and JSON itself), ``executemany`` elsewhere (values converted as
    Django converts them for SQLite: datetimes as UTC text, JSON as text).

    ``row_type`` names the attributes the rows carry (the model's attribute names); any other concrete
    field except the automatic id gets the model's default.
    """

    def __init__(self, model: type[models.Model], row_type: type) -> None:
        carried = {f.name for f in dataclass_fields(row_type)}
        ops = connection.ops
        copy = connection.vendor == "postgresql"
        utc = connection.vendor == "sqlite" and connection.timezone_name == "UTC"
        given: list[str] = []
        given_columns: list[str] = []
        defaults: list[Any] = []
        default_columns: list[str] = []
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for f in model._meta.concrete_fields:
            converter: Callable[[Any], Any] | None = None
            if not copy and isinstance(f, models.JSONField):
                converter = partial(ops.adapt_json_value, encoder=f.encoder)
            elif not copy and isinstance(f, models.DateTimeField):
                converter = _sqlite_utc if utc else ops.adapt_datetimefield_value
            if f.attname in carried:
                if converter is not None:
                    self.converters.append((len(given), converter))
                given.append(f.attname)
                given_columns.append(f.column)
            elif not f.primary_key:
                default = f.get_default()
                defaults.append(
                    converter(default) if converter is not None and default is not None else default
                )
                default_columns.append(f.column)
        quote = ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(c) for c in [*given_columns, *default_columns])
        self.getter = attrgetter(*given)
        self.defaults = tuple(defaults)
        self.types: list[int] = []
        if copy:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {self.columns} FROM {self.table} LIMIT 0")  # noqa: S608 - names from the models
                self.types = [column.type_code for column in cursor.description]

    def write(self, objects: Sequence[Any]) -> None:
        if not objects:
            return
        getter, converters, defaults = self.getter, self.converters, self.defaults
        with connection.cursor() as cursor:
            if self.types:
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(self.types)
                    for o in objects:
                        copy.write_row((*getter(o), *defaults))
                return
            rows = []
            for o in objects:
                values = list(getter(o))
                for i, convert in converters:
                    if values[i] is not None:
                        values[i] = convert(values[i])
                rows.append((*values, *defaults))
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", rows)  # noqa: S608 - names from the models


def _sqlite_utc(value: dt.datetime) -> str:
    """``DatabaseOperations.adapt_datetimefield_value`` of SQLite for a UTC connection, without its checks."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


class _Tables:
    def __init__(self) -> None:
        self.dossiers = _Table(Dossier, _DossierRow)
        self.steps = _Table(DossierStep, _StepRow)
        self.pauses = _Table(DossierPause, _PauseRow)
        self.components = _Table(DossierComponent, _ComponentRow)
        self.events = _Table(DossierEvent, _EventRow)


def _new_dossier_ids(n: int) -> list[int]:
    """``n`` ids for new dossier rows, taken from the table's sequence (inside the writing transaction)."""
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise SimulationError(_("Chỉ hỗ trợ mô phỏng trên PostgreSQL và SQLite."))
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + n + 1))


@transaction.atomic
def write_batch(batch: Sequence[Story], counters: dict[tuple[str, dt.date], int], *,
                tables: _Tables | None = None) -> None:  # fmt: skip
    """Store a batch of stories and the code counters they used (``counters``), in one transaction."""
    tables = tables or _Tables()
    for story, pk in zip(batch, _new_dossier_ids(len(batch)), strict=True):
        d = story.dossier
        d.id = pk
        d.search_text = fold(
            " ".join([d.code or "", d.applicant_name, d.applicant_personal_id, d.applicant_tax_code])
        )
        for step in story.steps:
            step.dossier_id = pk
        for pause in story.pauses:
            pause.dossier_id = pk
        for component in story.components:
            component.dossier_id = pk
        _chain(story)
    tables.dossiers.write([s.dossier for s in batch])
    tables.steps.write([row for s in batch for row in s.steps])
    tables.pauses.write([row for s in batch for row in s.pauses])
    tables.components.write([row for s in batch for row in s.components])
    tables.events.write([row for s in batch for row in s.events])
    if counters:
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(prefix=p, day=d, last=last) for (p, d), last in sorted(counters.items())],
            update_conflicts=True,
            unique_fields=["prefix", "day"],
            update_fields=["last"],
        )


class _Writer:
    """Writes batches: in a thread of its own on PostgreSQL, so the database works while the next batch is
    simulated (waiting on the database releases the GIL); in the caller's thread otherwise, and always
    inside a transaction the caller holds (tests), where another connection would not see its rows."""

    def __init__(self) -> None:
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[list[Story], dict[tuple[str, dt.date], int]] | None] = queue.Queue(2)
        self.tables: _Tables | None = None
        self.thread: threading.Thread | None = None
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="motcua-simulate-writer", daemon=True)
            self.thread.start()

    def submit(self, batch: list[Story], counters: dict[tuple[str, dt.date], int]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self.tables = self.tables or _Tables()
            write_batch(batch, counters, tables=self.tables)
        else:
            self.queue.put((batch, counters))

    def close(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            tables = _Tables()
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    write_batch(*item, tables=tables)
        except BaseException as exc:  # handed to the simulating thread
            self.error = exc
            while self.queue.get() is not None:  # let the producer finish putting
                pass
        finally:
            connection.close()  # this thread's own connection
