"""Decision 766 indicators from the fact table against the naive query over raw dossiers, at 1M and 3M.

    .venv/bin/python benchmarks/kpi.py                       # 1,000,000 then 3,000,000 dossiers
    .venv/bin/python benchmarks/kpi.py --dossiers 100000 --more 200000 --repeat 3   # a quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_kpi .venv/bin/python benchmarks/kpi.py

What it does, in one run:

1. Creates a throwaway PostgreSQL database (default ``postgres://postgres@127.0.0.1:5432/motcua_kpi``; it
   must not exist unless ``--replace``), migrates it, loads the demo organisation, calendar and catalogue.
2. Generates ``--dossiers`` dossiers received on working days from 2021-01-04 to the end of 2026-09 over
   the demo procedures and their resolving units (commune procedures spread over the communes), with
   counter/online/postal channels, due moments from the calendar (working days of the procedure's limit),
   durations with a tail of lateness, supplements (requested within time, supplied two working days
   later, the due moment moved by two days), stops, and the recent ones still open. Each dossier's fact
   state comes from ``motcua.reporting.facts.fold`` over its synthetic events (receive, request and give
   the supplement, decide or stop) and its fact rows from ``contribution``, exactly as the same-transaction
   hook would write them; dossiers, supplement pauses and fact rows (per procedure and per unit)
   go in with COPY. No steps, components
   or event rows are written, so the figures the naive query counts from event rows (hand-overs,
   supplement requests, apologies) are left out of the comparison.
3. Times, for the quarter 2026-Q1, the figures the 766 indicators need (``period_figures`` per unit and per
   unit × procedure, then the roll-up of the province and of every unit over its subtree) from the fact
   table, and the same figures from ``motcua.reporting.naive`` over the raw dossiers, ``--repeat`` times
   each, alternating; checks that both give identical figures for every unit; prints the medians and the
   ratio (goal of issue 6: the fact table at least 50× faster).
4. Adds ``--more`` dossiers (default 2,000,000: 3,000,000 in all), times again and prints how the fact-table
   time grew (goal: no more than 1.5×) next to the naive one.

The database is dropped at the end whatever happens (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lifecycle import Pg  # the throwaway database helper of the lifecycle benchmark

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_kpi"
SETTINGS = "config.settings.dev"
FIRST_DAY = dt.date(2021, 1, 4)
LAST_DAY = dt.date(2026, 9, 30)
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)  # the data end here; later moments are "not yet"
QUARTER = "2026-Q1"


@contextmanager
def step(label: str) -> Iterator[None]:
    print(f"… {label}", end="", flush=True)
    started = time.perf_counter()
    yield
    print(f" ({time.perf_counter() - started:.1f} s)", flush=True)


def prepare() -> None:
    from django.core.management import call_command

    from motcua.calendar.demo import seed_demo_calendar
    from motcua.catalogue.demo import seed_demo_catalogue
    from motcua.org.demo import seed_demo_org

    call_command("migrate", verbosity=0, interactive=False)
    seed_demo_org()
    seed_demo_calendar()
    seed_demo_catalogue()


class Generator:
    """Synthetic dossiers, their supplement pauses and their fact rows, reproducible by seed."""

    def __init__(self, seed: int) -> None:
        from motcua.calendar.selectors import calendar_snapshot
        from motcua.catalogue.choices import OnlineLevel, ProcedureLevel, ResultType
        from motcua.catalogue.models import Procedure
        from motcua.org.models import OrgUnit

        self.rng = random.Random(seed)
        self.cal = calendar_snapshot()
        communes = list(OrgUnit.objects.filter(kind="commune").values_list("pk", flat=True))
        point = OrgUnit.objects.get(code="H56.40").pk
        self.procedures = []
        for p in Procedure.objects.filter(current_version__isnull=False).select_related("current_version"):
            v = p.current_version
            if v is None:
                continue
            if v.level == ProcedureLevel.COMMUNE:
                units = communes
            elif v.agency_id is not None:
                units = [v.agency_id]
            else:
                continue
            days = max(1, int(v.time_limit_amount)) if v.time_limit_unit == "working_days" else 1
            self.procedures.append(
                {
                    "version": v.pk,
                    "procedure": p.pk,
                    "units": units,
                    "days": min(days, 60),
                    "full_online": v.online_level == OnlineLevel.FULL,
                    "fee": v.has_fees,
                    "paper": v.result_type == ResultType.PAPER,
                    "name": v.name,
                }
            )
        self.point = point
        self.working = [
            FIRST_DAY + dt.timedelta(days=i)
            for i in range((LAST_DAY - FIRST_DAY).days + 1)
            if self.cal.is_working_day(FIRST_DAY + dt.timedelta(days=i))
        ]
        weights = [1 + 30 * self.rng.random() ** 3 for _ in self.procedures]
        self.cum_weights = list(itertools.accumulate(weights))
        self.serial = 0

    def _moment(self, day: dt.date, hour: float) -> dt.datetime:
        from motcua.reporting.facts import TZ

        h, m = int(hour), int((hour % 1) * 60)
        return dt.datetime(day.year, day.month, day.day, h, m, tzinfo=TZ).astimezone(dt.UTC)

    def dossier(
        self,
    ) -> tuple[dict[str, Any], list[tuple[dt.datetime, dt.datetime | None]], dict[str, Any], Any]:
        """(row overrides, supplement pauses, fact state, the counters of its events) of one dossier."""
        from motcua.reporting.facts import Event, Static, event_flows, fold

        rng = self.rng
        p = rng.choices(self.procedures, cum_weights=self.cum_weights)[0]
        unit = rng.choice(p["units"])
        day = rng.choice(self.working)
        received = self._moment(day, 7.5 + 9 * rng.random())
        due_day = self.cal.nth_working_day_after(day, p["days"]) if day < dt.date(2027, 6, 1) else day
        due = self._moment(due_day, 17)
        channel = rng.choices(["online", "counter", "postal"], [45, 50, 5])[0]
        static = Static(unit, p["procedure"], channel, p["full_online"], p["fee"], p["paper"])
        events = [Event("receive", received, {"due_at": due.isoformat()})]
        span = due - received
        pauses: list[tuple[dt.datetime, dt.datetime | None]] = []
        status, finished, outcome, supplements = "processing", None, "", 0
        if rng.random() < 0.07:
            requested = received + span * 0.3
            supplied = requested + dt.timedelta(days=2)
            supplements = 1
            events.append(Event("request_supplement", requested, {}))
            if supplied >= NOW:
                pauses.append((requested, None))
                status = "awaiting_supplement"
            else:
                pauses.append((requested, supplied))
                due = due + dt.timedelta(days=2)
                events.append(Event("supplement", supplied, {"due_at": due.isoformat()}))
        if status != "awaiting_supplement":
            fraction = rng.lognormvariate(-0.6, 0.45)
            end = received + span * fraction
            if supplements:  # after the supplement came in, with the two days it took
                end = max(end + dt.timedelta(days=2), supplied + dt.timedelta(hours=1))
            if end < NOW:
                finished = end
                if rng.random() < 0.01:
                    status = "stopped"
                    events.append(Event("withdraw", end, {}))
                else:
                    status = "returned"
                    from motcua.reporting.facts import day as local_day

                    outcome = (
                        "late" if end > due else ("early" if local_day(end) < local_day(due) else "on_time")
                    )
                    events.append(Event("decide", end, {"decision": "approved", "outcome": outcome}))
                    events.append(Event("return_result", end, {"method": "counter"}))
        state: dict[str, Any] = {}
        flows: Counter[tuple[dt.date, str]] = Counter()
        for event in events:
            state = fold(state, event, static)
            flows.update(event_flows(event, state))
        self.serial += 1
        row = {
            "code": f"BENCH-{self.serial:08d}",
            "procedure_version_id": p["version"],
            "status": status,
            "channel": channel,
            "applicant_kind": "citizen",
            "applicant_name": "Nguyễn Văn An",
            "receiving_point_id": self.point,
            "resolving_unit_id": unit,
            "created_at": received,
            "submitted_at": received,
            "received_at": received,
            "deemed_received_at": received,
            "due_at": due,
            "original_due_at": due,
            "finished_at": finished,
            "returned_at": finished if status == "returned" else None,
            "decision": "approved" if outcome else "",
            "outcome": outcome,
            "supplement_count": supplements,
            "fact_state": state,
        }
        return row, pauses, state, flows


def load(gen: Generator, count: int, facts: dict[Any, dict[str, int]], *, batch: int = 50000) -> None:
    """COPY ``count`` new dossiers and their pauses; add their fact rows to ``facts`` (all the dossiers' rows,
    kept across calls) and write the whole fact table again with COPY."""
    from django.db import connection
    from psycopg.types.json import Jsonb

    from motcua.dossiers.models import Dossier, DossierPause
    from motcua.reporting.counters import COUNTERS
    from motcua.reporting.facts import contribution
    from motcua.reporting.facts_store import grains, unit_rows
    from motcua.reporting.models import DossierFact, UnitFact

    fields = [f for f in Dossier._meta.concrete_fields if f.attname != "id"]
    columns = [f.column for f in fields]
    defaults = [(f.attname, f.get_default(), f.get_internal_type() == "JSONField") for f in fields]
    done = 0
    while done < count:
        n = min(batch, count - done)
        rows, pauses = [], []
        for _ in range(n):
            row, dossier_pauses, state, flows = gen.dossier()
            rows.append(
                [
                    Jsonb(row.get(name, default)) if is_json else row.get(name, default)
                    for name, default, is_json in defaults
                ]
            )
            pauses.append((row["code"], dossier_pauses))
            changes = contribution(state)
            changes.update(flows)
            grains(changes, state["u"], state["p"], into=facts)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {Dossier._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
            codes = [code for code, p in pauses if p]
            ids = dict(Dossier.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
            with raw.copy(
                f"COPY {DossierPause._meta.db_table} (dossier_id, kind, started_at, ended_at, reason, items) "
                "FROM STDIN"
            ) as copy:
                for code, dossier_pauses in pauses:
                    for started, ended in dossier_pauses:
                        copy.write_row((ids[code], "supplement", started, ended, "Bổ sung", Jsonb([])))
        done += n
        print(f"\r… {done:,} / {count:,} dossiers", end="", flush=True)
    print()
    with connection.cursor() as cursor:
        for model, keys, rows in (
            (DossierFact, "grain, period, unit_id, procedure_id", facts),
            (UnitFact, "grain, period, unit_id", unit_rows(facts)),
        ):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's table
            with cursor.cursor.copy(f"COPY {table} ({keys}, {', '.join(COUNTERS)}) FROM STDIN") as copy:
                for key, counters in rows.items():
                    copy.write_row((*key, *(counters.get(c, 0) for c in COUNTERS)))
        cursor.execute("ANALYZE")


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(repeat: int) -> tuple[float, float, int]:
    from motcua.reporting.figures import Tree, period_figures, period_flows, rollup
    from motcua.reporting.kpi766 import ONLINE_BY_PROCEDURE
    from motcua.reporting.naive import naive_period_figures
    from motcua.reporting.periods import parse_period

    period = parse_period(QUARTER)
    tree = Tree()
    units = sorted(tree.units)

    def from_facts() -> dict[int, dict[str, int]]:
        per_unit = period_figures(period)
        period_flows(period, ONLINE_BY_PROCEDURE, by_procedure=True)  # what 766 item 3.2 reads as well
        return {u: rollup(per_unit, tree, u) for u in units}

    def from_raw() -> dict[int, dict[str, int]]:
        per_unit = naive_period_figures(period)
        return {u: rollup(per_unit, tree, u) for u in units}

    fact_times, raw_times = [], []
    fact_result = raw_result = None
    for _ in range(repeat):
        t, fact_result = timed(from_facts, 1)
        fact_times.append(t)
        t, raw_result = timed(from_raw, 1)
        raw_times.append(t)
    if fact_result is None or raw_result is None:
        raise SystemExit("--repeat must be at least 1")
    # The naive query counts these from event rows, which the generator does not write.
    event_rows = {"handover_electronic", "handover_paper", "supplement_requests", "apologies"}
    compared = 0
    for unit in units:
        have, want = fact_result[unit], raw_result[unit]
        for name in want.keys() - event_rows:
            if name in have and have[name] != want[name]:
                raise SystemExit(
                    f"DIFFERENT: unit {tree.units[unit].code}, {name}: facts {have[name]} ≠ naive {want[name]}"
                )
            compared += name in have
    return statistics.median(fact_times), statistics.median(raw_times), compared


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--more", type=int, default=2_000_000, help="added for the second measurement")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    pg = Pg.from_url(args.database_url)
    try:
        version = pg.create(replace=args.replace)
    except SystemExit:
        raise
    except Exception as exc:
        print(f"PostgreSQL is not reachable ({exc}); point DATABASE_URL at a server.", file=sys.stderr)
        return 2
    os.environ.update({"DATABASE_URL": pg.url, "DJANGO_SETTINGS_MODULE": SETTINGS, "LOG_LEVEL": "WARNING"})
    try:
        import django

        django.setup()
        from motcua.reporting.models import DossierFact

        print(
            f"motcua KPI benchmark — PostgreSQL {version} (database {pg.name}), Python {sys.version.split()[0]}"
        )
        with step("migrate, load the demo organisation, calendar and catalogue"):
            prepare()
        gen = Generator(args.seed)
        facts: dict[Any, dict[str, int]] = {}
        results = []
        for count in (args.dossiers, args.more):
            if count <= 0:
                continue
            started = time.perf_counter()
            load(gen, count, facts)
            total = gen.serial
            print(
                f"… {count:,} dossiers generated and loaded in {time.perf_counter() - started:.0f} s "
                f"({total:,} in all; {DossierFact.objects.count():,} fact rows)"
            )
            facts_s, raw_s, compared = measure(args.repeat)
            results.append((total, facts_s, raw_s))
            print(
                f"{total:>10,} dossiers: fact table {facts_s * 1000:8.1f} ms, naive query {raw_s * 1000:9.1f} ms, "
                f"naive / facts = {raw_s / facts_s:6.1f}× (goal ≥ 50×); {compared:,} figures identical"
            )
        if len(results) == 2:
            (n1, f1, r1), (n2, f2, r2) = results
            print(
                f"from {n1:,} to {n2:,} dossiers: fact-table time × {f2 / f1:.2f} (goal ≤ 1.5×), "
                f"naive time × {r2 / r1:.2f}"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            pg.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
