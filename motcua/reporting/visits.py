"""The portal's visit counter ("Lượt truy cập": today, yesterday, this week, this month, all time).

Nothing about the visitor is kept — no IP address, no cookie, no user: a page view adds one to the day's
counter in the cache (``visit_record``: one atomic increment; Redis in production, the process's memory in
development), and ``visits_flush`` moves the counters to ``DailyVisits`` (one row of totals per day) at
most every ``FLUSH_SECONDS`` (triggered by a counted request, ``motcua.portal.visits``) and whenever
``motcua visits --flush`` runs. Days are Asia/Ho_Chi_Minh days.

A counter waits in the cache for ``KEEP_DAYS`` days, so a missed flush loses nothing until then. The flush
takes a day's pending views out of the cache (an atomic decrement by what it read: views counted meanwhile
stay) before it adds them to the row; if the database refuses, they go back. It then reads the rows' sums
once and keeps them in the cache as a *snapshot* (today, yesterday, this week, this month, all time, as of
the snapshot's day).

``visit_totals`` answers the footer with no query at all: one cache read of the snapshot and the pending
counters. Every row written after the snapshot was taken is written by a flush, which takes a new one, so
the snapshot moved to today (its "today" becomes "yesterday", its week and month count while they last)
plus the pending counters are the totals. Without a snapshot (the cache was just emptied and no page has
been counted since) it answers None and the footer shows nothing; ``visit_totals_from_db`` reads the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from .models import DailyVisits
from .periods import PROVINCE_TZ

KEY = "motcua:visits:day:"  # + YYYYMMDD
FLUSH_MARK = "motcua:visits:flush-due"
SNAPSHOT = "motcua:visits:snapshot"
KEEP_DAYS = 8
FLUSH_SECONDS = 300


@dataclass(frozen=True)
class VisitTotals:
    today: int
    yesterday: int
    week: int  # Monday to today
    month: int  # the 1st to today
    total: int


def visit_day(moment: dt.datetime | None = None) -> dt.date:
    """The day (in the province's time) of ``moment`` (default: now)."""
    return timezone.localdate(moment or timezone.now(), PROVINCE_TZ)


def _key(day: dt.date) -> str:
    return f"{KEY}{day:%Y%m%d}"


def _pending_keys(today: dt.date) -> dict[str, dt.date]:
    return {_key(today - dt.timedelta(days=i)): today - dt.timedelta(days=i) for i in range(KEEP_DAYS)}


def _pending(found: dict[str, Any], days: dict[str, dt.date]) -> dict[dt.date, int]:
    return {days[key]: int(value) for key, value in found.items() if key in days and int(value or 0) > 0}


def visit_record(*, at: dt.datetime | None = None) -> None:
    """Count one page view (one cache increment; two on the day's first view; no database)."""
    key = _key(visit_day(at))
    try:
        cache.incr(key)
    except ValueError:  # the day's first view (or the counter expired)
        cache.add(key, 0, KEEP_DAYS * 86400)
        cache.incr(key)


# -- the flush -------------------------------------------------------------------------------------------


def visits_flush(*, today: dt.date | None = None) -> int:
    """Add the pending views to ``DailyVisits`` and take a new snapshot; returns how many were added."""
    today = today or visit_day()
    days = _pending_keys(today)
    added = 0
    for day, count in sorted(_pending(cache.get_many(list(days)), days).items()):
        try:
            cache.decr(_key(day), count)
        except ValueError:  # expired meanwhile: nothing to move
            continue
        try:
            _add(day, count)
        except Exception:
            cache.incr(_key(day), count)  # back to the cache for the next flush
            raise
        added += count
    cache.set(SNAPSHOT, {"day": today.isoformat(), **asdict(visit_totals_from_db(today))}, None)
    return added


def _add(day: dt.date, count: int) -> None:
    with transaction.atomic():
        if DailyVisits.objects.filter(day=day).update(views=F("views") + count):
            return
        try:
            with transaction.atomic():
                DailyVisits.objects.create(day=day, views=count)
        except IntegrityError:  # another process created the day's row first
            DailyVisits.objects.filter(day=day).update(views=F("views") + count)


def visits_flush_if_due() -> None:
    """Flush when the last flush (by any process sharing the cache) is ``FLUSH_SECONDS`` old."""
    if cache.add(FLUSH_MARK, 1, FLUSH_SECONDS):
        visits_flush()


# -- the totals ------------------------------------------------------------------------------------------


def _windows(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The days each total covers (both included)."""
    yesterday = today - dt.timedelta(days=1)
    return {
        "today": (today, today),
        "yesterday": (yesterday, yesterday),
        "week": (today - dt.timedelta(days=today.weekday()), today),
        "month": (today.replace(day=1), today),
    }


def visit_totals_from_db(today: dt.date) -> VisitTotals:
    """The rows' sums (one query), without what is still pending in the cache."""
    sums = DailyVisits.objects.aggregate(
        total=Sum("views"),
        **{
            name: Sum("views", filter=Q(day__gte=first, day__lte=last))
            for name, (first, last) in _windows(today).items()
        },
    )
    return VisitTotals(**{name: int(value or 0) for name, value in sums.items()})


def _moved(snapshot: dict[str, Any], today: dt.date) -> dict[str, int] | None:
    """The snapshot's sums for ``today``'s windows: the rows are those of the snapshot's day and before."""
    try:
        day = dt.date.fromisoformat(snapshot["day"])
    except (KeyError, TypeError, ValueError):
        return None
    if day > today:
        return None
    then, now = _windows(day), _windows(today)
    out = {"total": int(snapshot["total"])}
    for name, (first, last) in now.items():
        # A window of today's that holds the snapshot's window of the same name counts its rows; a window
        # after the snapshot's day holds no row yet; "yesterday" may be the snapshot's "today".
        if (first, last) == then[name] or (name in ("week", "month") and then[name][0] == first):
            out[name] = int(snapshot[name])
        elif name == "yesterday" and first == day:
            out[name] = int(snapshot["today"])
        else:
            out[name] = 0
    return out


def visit_totals(*, today: dt.date | None = None) -> VisitTotals | None:
    """Today, yesterday, this week, this month and all time, from one cache read and no query; None
    before the first flush since the cache was emptied."""
    today = today or visit_day()
    days = _pending_keys(today)
    found = cache.get_many([SNAPSHOT, *days])
    snapshot = found.get(SNAPSHOT)
    out = _moved(snapshot, today) if isinstance(snapshot, dict) else None
    if out is None:
        return None
    for day, count in _pending(found, days).items():
        out["total"] += count
        for name, (first, last) in _windows(today).items():
            out[name] += count if first <= day <= last else 0
    return VisitTotals(**out)
