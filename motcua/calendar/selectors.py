"""Read-side of the calendar: the engine snapshot (cached), a year's calendar for the pages, the hours."""

from __future__ import annotations

import calendar as std_calendar
import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit

from .engine import (
    DEFAULT_SESSIONS,
    WEEKDAY_NAMES,
    CalendarSnapshot,
    DayInfo,
    SeasonHours,
    Session,
)
from .engine import DayKind as EngineDayKind
from .errors import CalendarError
from .models import CalendarDay, DayKind, WorkingHours, WorkSession

WEEKDAY_SHORT = (_("T2"), _("T3"), _("T4"), _("T5"), _("T6"), _("T7"), _("CN"))

#: How many years after the last seeded year (or this year) a snapshot still answers for. Beyond the
#: seeded years only weekends are known; ``Explanation.unknown_years`` says so.
HORIZON_YEARS = 5

_cache: dict[tuple[Any, ...], CalendarSnapshot] = {}
_cache_lock = threading.Lock()


def _version() -> tuple[Any, ...]:
    """A fingerprint of the three calendar tables, in one query (counts, newest change, highest id)."""
    days, hours, sessions = (m._meta.db_table for m in (CalendarDay, WorkingHours, WorkSession))
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {days}), (SELECT MAX(updated_at) FROM {days}), (SELECT MAX(id) FROM {days}),"  # noqa: S608 - table names from models
        f" (SELECT COUNT(*) FROM {hours}), (SELECT MAX(updated_at) FROM {hours}), (SELECT MAX(id) FROM {hours}),"
        f" (SELECT COUNT(*) FROM {sessions}), (SELECT MAX(id) FROM {sessions})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(str(value) for value in row)


#: The fingerprint read in the current ``calendar_snapshot_memo`` block (None outside any block).
_memo: ContextVar[dict[str, tuple[Any, ...]] | None] = ContextVar("motcua_calendar_memo", default=None)


@contextlib.contextmanager
def calendar_snapshot_memo() -> Iterator[None]:
    """Within the block, ``calendar_snapshot`` checks the calendar tables once, not on every call.

    For one dossier action (closing a step and opening the next each ask for a calendar): the fingerprint
    query runs at the first call and its answer is reused until the block ends, so a calendar change made
    by someone else meanwhile is seen by the next action, never by this one half-way. Nothing is kept after
    the block; nested blocks share the outer one. Do not change the calendar inside a block (or call
    ``calendar_snapshot_cache_clear``, which forgets the memo too).
    """
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _current_version() -> tuple[Any, ...]:
    memo = _memo.get()
    if memo is None:
        return _version()
    if "version" not in memo:
        memo["version"] = _version()
    return memo["version"]


def calendar_snapshot_cache_clear() -> None:
    with _cache_lock:
        _cache.clear()
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def _unit_chain(org_unit: OrgUnit | int | None) -> list[int | None]:
    """[unit id, parent id, ..., None] — from the most specific level to the province-wide one."""
    chain: list[int | None] = []
    unit_id = org_unit.pk if isinstance(org_unit, OrgUnit) else org_unit
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        chain.append(unit_id)
        unit_id = OrgUnit.objects.filter(pk=unit_id).values_list("parent_id", flat=True).first()
    chain.append(None)
    return chain


def _sessions_of(hours: WorkingHours) -> tuple[Session, ...]:
    return tuple(Session(s.start, s.end) for s in hours.sessions.all())


def resolve_hours(
    org_unit: OrgUnit | int | None = None,
) -> tuple[tuple[Session, ...], tuple[SeasonHours, ...]]:
    """(default sessions, seasons) for a unit: the most specific level wins, a season beats an open schedule.

    Walking from the unit up to the province, seasons are collected until the first level that has an
    open-ended schedule, whose sessions become the default (else the built-in 07:00–11:30, 13:30–17:00).
    """
    schedules = list(
        WorkingHours.objects.prefetch_related(
            Prefetch("sessions", queryset=WorkSession.objects.order_by("start"))
        )
    )
    by_level: dict[int | None, list[WorkingHours]] = {}
    for hours in schedules:
        by_level.setdefault(hours.org_unit_id, []).append(hours)
    seasons: list[SeasonHours] = []
    for level in _unit_chain(org_unit):
        level_rows = by_level.get(level, [])
        for hours in sorted(level_rows, key=lambda h: (h.valid_from or dt.date.min, h.pk)):
            if hours.is_seasonal:
                seasons.append(SeasonHours(_sessions_of(hours), hours.valid_from, hours.valid_to))
        open_ended = [h for h in level_rows if not h.is_seasonal]
        if open_ended:
            return _sessions_of(open_ended[0]), tuple(seasons)
    return DEFAULT_SESSIONS, tuple(seasons)


def _build_snapshot(org_unit: OrgUnit | int | None, this_year: int) -> CalendarSnapshot:
    rows = list(CalendarDay.objects.all())
    days = {
        row.date: DayInfo(
            kind=EngineDayKind(row.kind),
            name=row.name,
            legal_reference=row.legal_reference,
            swap_with=row.swap_with,
            source=row.source,
        )
        for row in rows
    }
    known = frozenset(d.year for d in days)
    first_year = min(known | {this_year})
    last_year = max(known | {this_year}) + HORIZON_YEARS
    sessions, seasons = resolve_hours(org_unit)
    return CalendarSnapshot(
        days=days,
        first=dt.date(first_year, 1, 1),
        last=dt.date(last_year, 12, 31),
        sessions=sessions,
        seasons=seasons,
        known_years=known,
    )


def calendar_snapshot(*, org_unit: OrgUnit | int | None = None) -> CalendarSnapshot:
    """The engine's view of the calendar tables for ``org_unit`` (None = province-wide hours).

    Cached in the process and rebuilt when any calendar or working-hours row changes (one small aggregate
    query per call decides it; once per ``calendar_snapshot_memo`` block).
    """
    unit_id = org_unit.pk if isinstance(org_unit, OrgUnit) else org_unit
    key = (unit_id, timezone.localdate().year, *_current_version())
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    snapshot = _build_snapshot(unit_id, timezone.localdate().year)
    with _cache_lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = snapshot
    return snapshot


# -- pages ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    working: bool
    kind: str  # "" | "holiday" | "working_day" | "weekend"
    name: str = ""
    today: bool = False


@dataclass(frozen=True)
class MonthView:
    number: int
    weeks: list[list[DayCell | None]]


@dataclass
class YearView:
    year: int
    rows: list[CalendarDay]
    months: list[MonthView]
    working_days: int
    weekday_holidays: int
    make_up_days: int
    known: bool
    sessions: tuple[Session, ...]
    seasons: tuple[SeasonHours, ...]
    weekday_headers: list[tuple[str, str]] = field(default_factory=list)


def calendar_years() -> list[int]:
    """Years that have rows, plus the current year, ascending."""
    years = {d.year for d in CalendarDay.objects.dates("date", "year")}
    years.add(timezone.localdate().year)
    return sorted(years)


def calendar_day_list(*, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date")


def calendar_year_view(*, year: int) -> YearView:
    """A year's working calendar: the rows (with legal references) and twelve month grids."""
    rows = list(calendar_day_list(year=year))
    by_date = {row.date: row for row in rows}
    snapshot = calendar_snapshot()
    today = timezone.localdate()
    months: list[MonthView] = []
    working_days = 0
    for month in range(1, 13):
        weeks: list[list[DayCell | None]] = []
        for week in std_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                row = by_date.get(day)
                if snapshot.first <= day <= snapshot.last:
                    working = snapshot.is_working_day(day)
                else:
                    working = row.kind == DayKind.WORKING_DAY if row else day.weekday() < 5
                working_days += working
                kind = row.kind if row else ("" if working else "weekend")
                cells.append(DayCell(day, working, kind, row.name if row else "", day == today))
            weeks.append(cells)
        months.append(MonthView(month, weeks))
    return YearView(
        year=year,
        rows=rows,
        months=months,
        working_days=working_days,
        weekday_holidays=sum(1 for r in rows if r.kind == DayKind.HOLIDAY and r.date.weekday() < 5),
        make_up_days=sum(1 for r in rows if r.kind == DayKind.WORKING_DAY),
        known=bool(rows),
        sessions=snapshot.sessions,
        seasons=snapshot.seasons,
        weekday_headers=[
            (str(full), str(short)) for full, short in zip(WEEKDAY_NAMES, WEEKDAY_SHORT, strict=True)
        ],
    )


def working_hours_list() -> list[WorkingHours]:
    return list(
        WorkingHours.objects.select_related("org_unit", "created_by").prefetch_related(
            Prefetch("sessions", queryset=WorkSession.objects.order_by("start"))
        )
    )


def working_hours_get(*, pk: object) -> WorkingHours | None:
    try:
        return WorkingHours.objects.filter(pk=int(str(pk))).first()
    except ValueError:
        return None


def calendar_audit_list(*, limit: int = 20) -> list[AuditEvent]:
    """The latest calendar changes from the audit chain (who changed what, when)."""
    return list(AuditEvent.objects.filter(action__startswith="calendar.").order_by("-seq")[:limit])


# -- working time for reminders ------------------------------------------------------------------------------


def working_horizon(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """A moment that nothing due within ``window`` of working time from ``now`` can be later than, by the
    province calendar — a cheap database filter before the exact check on each unit's own calendar (one
    calendar day of slack covers units' other hours). Outside the known calendar: wall-clock + 31 days."""
    cal = calendar_snapshot()
    try:
        end = cal.moment_at(cal.working_us(now) + window // dt.timedelta(microseconds=1))
    except CalendarError:
        end = now + window + dt.timedelta(days=31)
    return end + dt.timedelta(days=1)


def working_time_left(cal: CalendarSnapshot, now: dt.datetime, due: dt.datetime) -> dt.timedelta:
    """Working time from ``now`` to ``due`` on ``cal``; outside the known calendar, wall-clock time (which
    only errs on the late side)."""
    try:
        return cal.working_time(now, due)
    except CalendarError:
        return due - now
