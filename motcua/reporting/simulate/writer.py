"""Writing the stories in bulk: the events chained as ``events.dossier_event_record`` chains them, each
batch stored at once (COPY on PostgreSQL, ``executemany`` on SQLite) with the code counters it used, in a
writer thread of its own on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Sequence

from django.db import connection, transaction

from motcua.dossiers.bulk import Story, Tables, chain_events, new_dossier_ids
from motcua.dossiers.models import DossierCodeCounter, search_words


@transaction.atomic
def write_batch(batch: Sequence[Story], counters: dict[tuple[str, dt.date], int], *,
                tables: Tables | None = None) -> None:  # fmt: skip
    """Store a batch of stories and the code counters they used (``counters``), in one transaction."""
    tables = tables or Tables()
    for story, pk in zip(batch, new_dossier_ids(len(batch)), strict=True):
        d = story.dossier
        d.id = pk
        d.search_text = search_words(d.code, d.applicant_name, d.applicant_tax_code)
        for step in story.steps:
            step.dossier_id = pk
        for pause in story.pauses:
            pause.dossier_id = pk
        for component in story.components:
            component.dossier_id = pk
        chain_events(story)
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
        self.tables: Tables | None = None
        self.thread: threading.Thread | None = None
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="motcua-simulate-writer", daemon=True)
            self.thread.start()

    def submit(self, batch: list[Story], counters: dict[tuple[str, dt.date], int]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self.tables = self.tables or Tables()
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
            tables = Tables()
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    write_batch(*item, tables=tables)
        except BaseException as exc:  # handed to the simulating thread
            self.error = exc
            while self.queue.get() is not None:  # let the producer finish putting
                pass
        finally:
            connection.close()  # this thread's own connection
