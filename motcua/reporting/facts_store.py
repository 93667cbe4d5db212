"""Writing the fact table (one upsert per event) and reading cumulative sums from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection

from motcua.catalogue.choices import OnlineLevel, ResultType
from motcua.dossiers.models import Dossier, DossierEvent

from .counters import COUNTERS
from .facts import Changes, Event, Static, contribution, difference, event_flows, fold
from .models import DossierFact, Grain, UnitFact

Key = tuple[str, dt.date, int, int]  # grain, period, unit id, procedure id
Rows = dict[Key, dict[str, int]]

_INDEX = {name: i for i, name in enumerate(COUNTERS)}


_NO_STATIC = Static(0, 0, "", full_online=False, fee=False, paper_result=False)


def static_of(dossier: Dossier) -> Static:
    version = dossier.procedure_version
    return Static(
        unit_id=dossier.resolving_unit_id,
        procedure_id=version.procedure_id,
        channel=dossier.channel,
        full_online=version.online_level == OnlineLevel.FULL,
        fee=version.has_fees,
        paper_result=version.result_type == ResultType.PAPER,
    )


def grains(changes: Changes, unit_id: int, procedure_id: int, into: Rows | None = None) -> Rows:
    """Day changes spread to their day, month and year rows."""
    rows: Rows = into if into is not None else {}
    for (d, name), delta in changes.items():
        for grain, period in (
            (Grain.DAY, d),
            (Grain.MONTH, d.replace(day=1)),
            (Grain.YEAR, d.replace(month=1, day=1)),
        ):
            row = rows.setdefault((str(grain), period, unit_id, procedure_id), {})
            row[name] = row.get(name, 0) + delta
    return rows


UnitKey = tuple[str, dt.date, int]  # grain, period, unit id
UnitRows = dict[UnitKey, dict[str, int]]


def unit_rows(rows: Rows) -> UnitRows:
    """``rows`` summed over the procedures (the rows of ``UnitFact``)."""
    out: UnitRows = {}
    for (grain, period, unit_id, _procedure_id), counters in rows.items():
        row = out.setdefault((grain, period, unit_id), {})
        for name, value in counters.items():
            row[name] = row.get(name, 0) + value
    # Changes that cancel out across procedures leave zeros: drop them, as the table reads drop them.
    nonzero = {key: {n: v for n, v in row.items() if v} for key, row in out.items()}
    return {key: row for key, row in nonzero.items() if row}


def _upsert(
    table: str, keys: tuple[str, ...], rows: Mapping[tuple[Any, ...], Mapping[str, int]]
) -> tuple[str, list[Any]]:
    """``INSERT … ON CONFLICT DO UPDATE`` adding ``rows`` to ``table`` (SQLite ≥ 3.24 and PostgreSQL)."""
    columns = ", ".join([*keys, *COUNTERS])
    values = ", ".join(["(" + ", ".join(["%s"] * (len(keys) + len(COUNTERS))) + ")"] * len(rows))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    params: list[Any] = []
    # Keys in one order for every writer: two transactions upserting overlapping rows lock them in the
    # same order and wait for each other instead of deadlocking.
    for key, counters in sorted(rows.items()):
        params += [*key, *(counters.get(c, 0) for c in COUNTERS)]
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - names from the models and COUNTERS
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    return sql, params


def facts_add(rows: Rows) -> None:
    """Add ``rows`` to ``DossierFact`` and their sums per unit to ``UnitFact``: one statement on
    PostgreSQL (the first upsert in a ``WITH``), two on SQLite, in the caller's transaction."""
    if not rows:
        return
    facts_sql, facts_params = _upsert(
        DossierFact._meta.db_table, ("grain", "period", "unit_id", "procedure_id"), rows
    )
    units_sql, units_params = _upsert(
        UnitFact._meta.db_table, ("grain", "period", "unit_id"), unit_rows(rows)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH f AS ({facts_sql}) {units_sql}", facts_params + units_params)
        else:
            cursor.execute(facts_sql, facts_params)
            cursor.execute(units_sql, units_params)


def facts_add_many(rows: Rows) -> None:
    """``facts_add`` for tens of thousands of rows (a bulk import): on PostgreSQL the rows go into a temporary
    table by COPY and are added with one ``INSERT … SELECT … ON CONFLICT`` per table (a statement with a
    placeholder per value costs more to build than to run at that size); elsewhere one small upsert per row."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for key, counters in sorted(rows.items()):
            facts_add({key: counters})
        return
    facts, units = DossierFact._meta.db_table, UnitFact._meta.db_table
    keys = ("grain", "period", "unit_id", "procedure_id")
    columns = ", ".join([*keys, *COUNTERS])
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS motcua_facts_in AS SELECT {columns} FROM {facts} WITH NO DATA"  # noqa: S608 - names from the models and COUNTERS
        )
        cursor.execute("TRUNCATE motcua_facts_in")
        with cursor.copy(f"COPY motcua_facts_in ({columns}) FROM STDIN") as copy:
            for key, counters in sorted(rows.items()):
                copy.write_row((*key, *(counters.get(c, 0) for c in COUNTERS)))
        added = ", ".join(f"{c} = {{table}}.{c} + excluded.{c}" for c in COUNTERS)
        sums = ", ".join(f"SUM({c})" for c in COUNTERS)
        cursor.execute(
            f"INSERT INTO {facts} ({columns}) SELECT {columns} FROM motcua_facts_in "  # noqa: S608
            f"ORDER BY grain, period, unit_id, procedure_id "
            f"ON CONFLICT (grain, period, unit_id, procedure_id) DO UPDATE SET {added.format(table=facts)}"
        )
        unit_columns = ", ".join(["grain", "period", "unit_id", *COUNTERS])
        cursor.execute(
            f"INSERT INTO {units} ({unit_columns}) SELECT grain, period, unit_id, {sums} FROM motcua_facts_in "  # noqa: S608
            f"GROUP BY grain, period, unit_id ORDER BY grain, period, unit_id "
            f"ON CONFLICT (grain, period, unit_id) DO UPDATE SET {added.format(table=units)}"
        )


def event_of(row: DossierEvent) -> Event:
    return Event(action=row.action, at=row.occurred_at, data=row.data or {})


def facts_on_event(dossier: Dossier, row: DossierEvent) -> set[str]:
    """The hook run in the transaction of every dossier event (registered in ``apps.py``)."""
    event = event_of(row)
    old = dossier.fact_state or {}
    # The key and flags are fixed at the receipt; before it only a payment is remembered.
    static = static_of(dossier) if event.action == "receive" and not old.get("r") else _NO_STATIC
    new = fold(old, event, static)
    changes = event_flows(event, new)
    if new is not old:
        changes.update(difference(contribution(new), contribution(old)))
    if any(changes.values()):
        facts_add(grains(changes, new["u"], new["p"]))
    if new is not old:
        dossier.fact_state = new
        return {"fact_state"}
    return set()


def cumulative(
    end: dt.date,
    *,
    by_procedure: bool = False,
    unit_ids: Iterable[int] | None = None,
    names: Iterable[str] = COUNTERS,
) -> dict[tuple[int, ...], dict[str, int]]:
    """Every counter summed over all days up to and including ``end``, per unit (and procedure).

    Reads the year rows before ``end``'s year, the month rows of its year before its month, and the day
    rows of its month up to ``end``: at most 11 + 31 rows per key and year of history — of ``UnitFact``
    per unit, of ``DossierFact`` per unit and procedure. One plain SQL
    statement (the ORM spent longer building 30 sums than the database spent computing them).
    """
    year_start, month_start = end.replace(month=1, day=1), end.replace(day=1)
    keys = "unit_id, procedure_id" if by_procedure else "unit_id"
    chosen = [c for c in names if c in _INDEX]
    sums = ", ".join(f"SUM({c})" for c in chosen)
    where = (
        "((grain = %s AND period < %s) OR (grain = %s AND period >= %s AND period < %s)"
        " OR (grain = %s AND period >= %s AND period <= %s))"
    )
    params: list[Any] = [
        Grain.YEAR, year_start, Grain.MONTH, year_start, month_start, Grain.DAY, month_start, end
    ]  # fmt: skip
    if unit_ids is not None:
        ids = [int(pk) for pk in unit_ids]
        if not ids:
            return {}
        where += f" AND unit_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    table = (DossierFact if by_procedure else UnitFact)._meta.db_table
    sql = f"SELECT {keys}, {sums} FROM {table} WHERE {where} GROUP BY {keys}"  # noqa: S608 - names from COUNTERS
    width = 2 if by_procedure else 1
    out: dict[tuple[int, ...], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            out[tuple(row[:width])] = {c: int(v or 0) for c, v in zip(chosen, row[width:], strict=True)}
    return out


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def window_sums(
    start: dt.date,
    end: dt.date,
    *,
    by_procedure: bool = False,
    names: Iterable[str] = COUNTERS,
) -> dict[tuple[int, ...], dict[str, int]]:
    """Flows summed over the days ``start``..``end`` only: the month rows of the whole months inside, the
    day rows of the partial months at either end (no history before ``start`` is read)."""
    if end < start:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    first_full = start if start.day == 1 else _month_end(start) + dt.timedelta(days=1)
    last_full = end if end == _month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    if first_full <= last_full:
        parts.append("(grain = %s AND period >= %s AND period <= %s)")
        params += [Grain.MONTH, first_full, last_full.replace(day=1)]
        if start < first_full:
            parts.append("(grain = %s AND period >= %s AND period < %s)")
            params += [Grain.DAY, start, first_full]
        if last_full < end:
            parts.append("(grain = %s AND period > %s AND period <= %s)")
            params += [Grain.DAY, last_full, end]
    else:  # within one month, not a whole one
        parts.append("(grain = %s AND period >= %s AND period <= %s)")
        params += [Grain.DAY, start, end]
    chosen = [c for c in names if c in _INDEX]
    keys = "unit_id, procedure_id" if by_procedure else "unit_id"
    table = (DossierFact if by_procedure else UnitFact)._meta.db_table
    sums = ", ".join(f"SUM({c})" for c in chosen)
    sql = f"SELECT {keys}, {sums} FROM {table} WHERE {' OR '.join(parts)} GROUP BY {keys}"  # noqa: S608 - names from COUNTERS
    width = 2 if by_procedure else 1
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            tuple(row[:width]): {c: int(v or 0) for c, v in zip(chosen, row[width:], strict=True)}
            for row in cursor.fetchall()
        }


def table_rows(where: Mapping[str, object] | None = None) -> Rows:
    """The table as ``Rows`` without all-zero rows (for comparison with a rebuild)."""
    rows: Rows = {}
    values = DossierFact.objects.filter(**(where or {})).values_list(
        "grain", "period", "unit_id", "procedure_id", *COUNTERS
    )
    for grain, period, unit_id, procedure_id, *counts in values.iterator(chunk_size=5000):
        nonzero = {c: v for c, v in zip(COUNTERS, counts, strict=True) if v}
        if nonzero:
            rows[(grain, period, unit_id, procedure_id)] = nonzero
    return rows


def unit_table_rows() -> UnitRows:
    """``UnitFact`` as ``UnitRows`` without all-zero rows."""
    rows: UnitRows = {}
    values = UnitFact.objects.values_list("grain", "period", "unit_id", *COUNTERS)
    for grain, period, unit_id, *counts in values.iterator(chunk_size=5000):
        nonzero = {c: v for c, v in zip(COUNTERS, counts, strict=True) if v}
        if nonzero:
            rows[(grain, period, unit_id)] = nonzero
    return rows
