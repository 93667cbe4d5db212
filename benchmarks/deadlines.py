"""Deadline engine vs numpy.busday_offset on 1,000,000 (receipt, working-days limit) pairs.

    .venv/bin/python benchmarks/deadlines.py [--pairs 1000000] [--repeat 3] [--skip-scalar]

Both sides use the same calendar in the same run: the official 2021–2027 calendar (the ``holidays``
package rows plus the 2026 swap it misses, as in the demo data) with a Monday–Friday week. numpy gets the
holidays and the weekmask; it cannot express make-up Saturdays, so those are reported, not timed
differently. The engine works on receipt *moments* (deemed receipt after hours, end-of-day due moments in
Asia/Ho_Chi_Minh), numpy on receipt *dates*. The best of ``--repeat`` runs is reported for each.

Checks printed at the end: the batch function agrees with the scalar one on a sample, and on a
holidays-only calendar the engine gives exactly numpy's dates for every receipt before 17:00.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from motcua.calendar.demo import DEMO_YEARS, MISSING_SWAPS  # noqa: E402
from motcua.calendar.engine import (  # noqa: E402
    TZ,
    CalendarSnapshot,
    DayInfo,
    DayKind,
    batch_due_working_days,
    due_working_days,
    from_datetime64,
)
from motcua.calendar.library import library_year  # noqa: E402

US_PER_DAY = 86_400_000_000
OFFSET_US = 7 * 3_600_000_000


def official_days(*, make_up_days: bool = True) -> dict[dt.date, DayInfo]:
    days: dict[dt.date, DayInfo] = {}
    for year in DEMO_YEARS:
        for row in library_year(year):
            days[row.date] = DayInfo(DayKind(row.kind.value), row.name, row.legal_reference)
    for swap in MISSING_SWAPS:
        days[swap.day_off] = DayInfo(DayKind.HOLIDAY, swap.name, swap.notice)
        days[swap.make_up_day] = DayInfo(DayKind.WORKING_DAY, "Ngày làm việc bù", swap.notice)
    if not make_up_days:
        days = {d: info for d, info in days.items() if info.kind == DayKind.HOLIDAY}
    return days


def best_of(repeat: int, fn):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20260213)
    parser.add_argument(
        "--skip-scalar", action="store_true", help="do not time the scalar function on every pair"
    )
    args = parser.parse_args()

    first, last = dt.date(2021, 1, 1), dt.date(2031, 12, 31)
    days = official_days()
    snapshot = CalendarSnapshot(days=days, first=first, last=last)
    holidays = np.array(
        sorted(d for d, i in days.items() if i.kind == DayKind.HOLIDAY), dtype="datetime64[D]"
    )
    make_up = sorted(d for d, i in days.items() if i.kind == DayKind.WORKING_DAY)
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    snapshot.arrays  # noqa: B018 - build the numpy tables once, outside the timings (like busdaycalendar)

    # Receipts: uniform over 2021-01-01 .. 2026-12-31 to the second, as UTC instants; limits 1..max-days.
    rng = np.random.default_rng(args.seed)
    start_us = (dt.datetime(2021, 1, 1, tzinfo=TZ) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
        microseconds=1
    )
    span_s = (dt.date(2027, 1, 1) - dt.date(2021, 1, 1)).days * 86_400
    received_us = start_us + rng.integers(0, span_s, args.pairs, dtype=np.int64) * 1_000_000
    received = received_us.astype("datetime64[us]")
    n = rng.integers(1, args.max_days + 1, args.pairs, dtype=np.int64)
    receipt_dates = ((received_us + OFFSET_US) // US_PER_DAY).astype("datetime64[D]")

    print(
        f"motcua deadline benchmark — {args.pairs:,} (receipt, working-days) pairs, N in 1..{args.max_days}"
    )
    print(
        f"calendar {first.year}–{max(DEMO_YEARS)}: {int(sum(1 for d in holidays.tolist() if d.weekday() < 5))} "
        f"weekday holidays, {len(make_up)} make-up Saturdays; numpy {np.__version__}, Python {sys.version.split()[0]}"
    )

    t_numpy, numpy_due = best_of(
        args.repeat, lambda: np.busday_offset(receipt_dates, n, roll="forward", busdaycal=busdaycal)
    )
    t_batch, batch_due = best_of(args.repeat, lambda: batch_due_working_days(snapshot, received, n))
    print(f"numpy.busday_offset (dates)                 : {t_numpy:8.3f} s")
    print(f"engine batch_due_working_days (moments)     : {t_batch:8.3f} s   {t_batch / t_numpy:5.2f}× numpy")

    if not args.skip_scalar:
        moments = from_datetime64(received)
        limits = n.tolist()

        def scalar() -> list[dt.datetime]:
            return [due_working_days(snapshot, m, k) for m, k in zip(moments, limits, strict=True)]

        t_scalar, scalar_due = best_of(1, scalar)
        print(
            f"engine due_working_days, scalar loop        : {t_scalar:8.3f} s   {t_scalar / t_numpy:5.1f}× numpy"
        )
        sample = range(0, args.pairs, max(1, args.pairs // 20_000))
        batch_list = from_datetime64(batch_due[list(sample)])
        agree = all(batch_list[j] == scalar_due[i] for j, i in enumerate(sample))
    else:
        sample = range(0, args.pairs, max(1, args.pairs // 20_000))
        batch_list = from_datetime64(batch_due[list(sample)])
        agree = all(
            batch_list[j] == due_working_days(snapshot, from_datetime64(received[i : i + 1])[0], int(n[i]))
            for j, i in enumerate(sample)
        )
    print(f"check: batch == scalar on {len(sample):,} sampled pairs: {'yes' if agree else 'NO'}")

    # Same calendar without make-up Saturdays (what numpy can express): for receipts before 17:00 local
    # (the deemed receipt day is then numpy's rolled-forward date) the due dates must be identical.
    holidays_only = CalendarSnapshot(days=official_days(make_up_days=False), first=first, last=last)
    local_us = received_us + OFFSET_US
    before_17 = (local_us % US_PER_DAY) < 17 * 3_600_000_000
    ours = batch_due_working_days(holidays_only, received[before_17], n[before_17])
    ours_dates = ((ours.astype(np.int64) + OFFSET_US) // US_PER_DAY).astype("datetime64[D]")
    differences = int(np.count_nonzero(ours_dates != numpy_due[before_17]))
    print(
        f"check: holidays-only calendar, receipts before 17:00: engine == numpy on "
        f"{int(before_17.sum()):,} pairs: {'yes' if differences == 0 else f'NO ({differences} differ)'}"
    )
    full_dates = ((batch_due.astype(np.int64) + OFFSET_US) // US_PER_DAY).astype("datetime64[D]")
    print(
        f"note: with make-up Saturdays and after-hours receipts (which busday_offset cannot express) "
        f"{int(np.count_nonzero(full_dates != numpy_due)):,} of {args.pairs:,} due dates differ from numpy's"
    )
    if not agree or differences:
        sys.exit(1)


if __name__ == "__main__":
    main()
