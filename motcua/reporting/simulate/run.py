"""Running a simulation: refusing a range already simulated, simulating the blocks of days in this process
or in forked worker processes (PostgreSQL), handing the batches to the writer, tallying the result."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, connections
from django.utils.translation import gettext as _

from motcua.calendar.engine.snapshot import TZ
from motcua.dossiers.bulk import Story
from motcua.dossiers.models import Dossier

from .arrivals import blocks
from .config import SIMULATED_KEY, SimulationConfig, SimulationError, SimulationResult
from .story import block_stories
from .world import World
from .writer import _Writer


def simulated_in_range(start: dt.date, end: dt.date) -> int:
    """How many simulated dossiers arrived between ``start`` and ``end`` (local days, inclusive)."""
    lo = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    return Dossier.objects.filter(
        **{f"form_data__{SIMULATED_KEY}": True}, submitted_at__gte=lo, submitted_at__lt=hi
    ).count()


def simulated_exist() -> bool:
    return Dossier.objects.filter(**{f"form_data__{SIMULATED_KEY}": True}).exists()


class _Tally:
    """Counts of a batch of stories (what a worker process reports to the parent)."""

    @staticmethod
    def of(batch: Sequence[Story]) -> dict[str, Any]:
        by_status: Counter[str] = Counter()
        by_channel: Counter[str] = Counter()
        by_outcome: Counter[str] = Counter()
        for story in batch:
            d = story.dossier
            by_status[d.status] += 1
            by_channel[d.channel] += 1
            if d.outcome:
                by_outcome[d.outcome] += 1
        return {
            "dossiers": len(batch),
            "events": sum(len(s.events) for s in batch),
            "steps": sum(len(s.steps) for s in batch),
            "components": sum(len(s.components) for s in batch),
            "by_status": dict(by_status),
            "by_channel": dict(by_channel),
            "by_outcome": dict(by_outcome),
        }

    @staticmethod
    def add(result: SimulationResult, tally: dict[str, Any]) -> None:
        result.dossiers += tally["dossiers"]
        result.events += tally["events"]
        result.steps += tally["steps"]
        result.components += tally["components"]
        result.by_status.update(tally["by_status"])
        result.by_channel.update(tally["by_channel"])
        result.by_outcome.update(tally["by_outcome"])


def _run_blocks(world: World, cfg: SimulationConfig, indices: Iterator[int],
                all_blocks: list[list[tuple[dt.date, int]]], report: Callable[[dict[str, Any]], None]) -> None:  # fmt: skip
    """Simulate and write the given blocks, reporting each batch written (or handed to the writer)."""
    writer = _Writer()
    batch: list[Story] = []

    def flush() -> None:
        writer.submit(list(batch), {key: world.counters[key] for key in world.touched})
        world.touched.clear()
        report(_Tally.of(batch))
        batch.clear()

    try:
        for index in indices:
            for story in block_stories(world, cfg, index, all_blocks[index]):
                batch.append(story)
                if len(batch) >= cfg.batch:
                    flush()
        if batch:
            flush()
    finally:
        writer.close()


def _worker(world: World, cfg: SimulationConfig, all_blocks: list[list[tuple[dt.date, int]]],
            todo: Any, done: Any) -> None:  # fmt: skip
    """A forked worker process: takes block indices until ``None``, reports tallies, then ``done``."""
    try:

        def indices() -> Iterator[int]:
            while (index := todo.get()) is not None:
                yield index

        _run_blocks(world, cfg, indices(), all_blocks, lambda tally: done.put(("batch", tally)))
        done.put(("done", None))
    except BaseException:  # reported to the parent, which stops the others
        done.put(("error", traceback.format_exc()))
    finally:
        connection.close()


def parallel_possible() -> bool:
    """Worker processes need PostgreSQL, fork, and no transaction of the caller (its rows are invisible to
    other connections)."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )


def simulate(cfg: SimulationConfig, *, append: bool = False, workers: int = 1,
             progress: Callable[[SimulationResult], None] | None = None) -> SimulationResult:  # fmt: skip
    """Create ``cfg.dossiers`` simulated dossiers; refuses a range already simulated unless ``append``.

    ``workers`` > 1 forks that many processes (PostgreSQL only), each simulating and writing whole blocks
    of days; the data are the same as with one worker, only their ids and the order they are written in
    differ.
    """
    if not append and simulated_in_range(cfg.start, cfg.end):
        raise SimulationError(
            _(
                "Đã có hồ sơ mô phỏng trong khoảng %(start)s–%(end)s. Dùng --append để thêm hồ sơ mô phỏng "
                "vào khoảng này."
            )
            % {"start": cfg.start.strftime("%d/%m/%Y"), "end": cfg.end.strftime("%d/%m/%Y")}
        )
    started = time.perf_counter()
    world = World(start=cfg.start, end=cfg.end)
    all_blocks = blocks(world, cfg)
    result = SimulationResult()

    def report(tally: dict[str, Any]) -> None:
        _Tally.add(result, tally)
        result.seconds = time.perf_counter() - started
        if progress is not None:
            progress(result)

    workers = min(workers, len(all_blocks))
    if workers <= 1 or not parallel_possible():
        _run_blocks(world, cfg, iter(range(len(all_blocks))), all_blocks, report)
    else:
        _run_parallel(world, cfg, all_blocks, workers, report)
    result.seconds = time.perf_counter() - started
    return result


def _run_parallel(world: World, cfg: SimulationConfig, all_blocks: list[list[tuple[dt.date, int]]],
                  workers: int, report: Callable[[dict[str, Any]], None]) -> None:  # fmt: skip
    for unit in world.units.values():
        _ = unit.cal  # build the calendars once, before the fork
    world.pickers()
    connections.close_all()  # the children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    todo: Any = context.Queue()
    done: Any = context.Queue()
    for index in range(len(all_blocks)):
        todo.put(index)
    for _n in range(workers):
        todo.put(None)
    processes = [
        context.Process(target=_worker, args=(world, cfg, all_blocks, todo, done)) for _n in range(workers)
    ]
    for process in processes:
        process.start()
    running, failure = workers, ""
    try:
        while running:
            kind, payload = done.get()
            if kind == "batch":
                report(payload)
            elif kind == "done":
                running -= 1
            else:
                failure, running = str(payload), 0
    finally:
        if failure:
            for process in processes:
                process.terminate()
        for process in processes:
            process.join()
    if failure:
        raise SimulationError(_("Một tiến trình mô phỏng bị lỗi:\n%(error)s") % {"error": failure})
