"""Units, their calendars and working time, for the early-warning model (docs/architecture/early-warning.md).

Every org unit is read once (``OrgIndex``), with the calendar each unit's working time uses; durations are
working hours between two moments with the dossier's pauses taken out, step budgets are turned into working
hours, and durations are put in words ("4,2 ngày làm việc").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.calendar.engine.snapshot import US_PER_HOUR, CalendarSnapshot
from motcua.calendar.models import WorkingHours
from motcua.calendar.selectors import calendar_snapshot
from motcua.catalogue.choices import TimeUnit
from motcua.dossiers.models import DossierPause
from motcua.org.models import OrgUnit

Span = tuple[dt.datetime, dt.datetime]


class OrgIndex:
    """Every org unit read once (names, codes, parents) and the calendar each unit's working time uses.

    Units share the province calendar unless a unit or one of its ancestors has its own working hours; one
    snapshot per such anchor, so scoring many units builds few calendars.
    """

    def __init__(self) -> None:
        rows = OrgUnit.objects.values_list("pk", "code", "name", "short_name", "parent_id")
        self.names: dict[int, str] = {}
        self.by_code: dict[str, int] = {}
        self.parent: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for pk, code, name, short, parent in rows:
            self.names[pk] = short or name
            self.by_code[code] = pk
            self.parent[pk] = parent
            self.children[parent].append(pk)
        self._hours = set(
            WorkingHours.objects.filter(org_unit__isnull=False).values_list("org_unit_id", flat=True)
        )
        self._calendars: dict[int | None, CalendarSnapshot] = {}
        self._anchors: dict[int, int | None] = {}

    def label(self, unit_id: int | None) -> str:
        return self.names.get(unit_id or 0, "—")

    def subtree(self, unit_id: int) -> set[int]:
        found: set[int] = set()
        stack = [unit_id]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, ()))
        return found

    def _anchor(self, unit_id: int) -> int | None:
        if unit_id not in self._anchors:
            anchor: int | None = None
            seen: set[int] = set()
            current: int | None = unit_id
            while current is not None and current not in seen:
                if current in self._hours:
                    anchor = current
                    break
                seen.add(current)
                current = self.parent.get(current)
            self._anchors[unit_id] = anchor
        return self._anchors[unit_id]

    def calendar(self, unit_id: int | None) -> CalendarSnapshot:
        anchor = self._anchor(unit_id) if unit_id is not None else None
        if anchor not in self._calendars:
            self._calendars[anchor] = calendar_snapshot(org_unit=anchor)
        return self._calendars[anchor]


def working_hours(
    cal: CalendarSnapshot, start: dt.datetime, end: dt.datetime, pauses: Sequence[Span] = ()
) -> float:
    """Working hours in [start, end] minus those inside the pauses (0 when end <= start)."""
    if end <= start:
        return 0.0
    us = cal.working_us(end) - cal.working_us(start)
    for p_start, p_end in pauses:
        lo, hi = max(p_start, start), min(p_end, end)
        if hi > lo:
            us -= cal.working_us(hi) - cal.working_us(lo)
    return max(us, 0) / US_PER_HOUR


def day_hours(cal: CalendarSnapshot) -> float:
    """Working hours of an ordinary day (8 with the province's 07:00–11:30, 13:30–17:00)."""
    total = sum((s.duration for s in cal.sessions), dt.timedelta(0))
    return total / dt.timedelta(hours=1) or 8.0


def budget_hours(amount: Decimal | float, unit: str, day: float) -> float:
    """A step budget in working hours (a working day = ``day`` hours)."""
    if unit == TimeUnit.WORKING_HOURS:
        return float(amount)
    if unit == TimeUnit.SAME_DAY:
        return day
    return float(amount) * day


def fmt_duration(hours: float, day: float) -> str:
    """``4,2 ngày làm việc`` or, under a day, ``3,5 giờ làm việc``."""
    if abs(hours) < day:
        return _("%(n)s giờ làm việc") % {"n": number_format(round(abs(hours), 1), 1)}
    return _("%(n)s ngày làm việc") % {"n": number_format(round(abs(hours) / day, 1), 1)}


def fmt_short(hours: float, day: float) -> str:
    """``4,2 ngày`` or ``3,5 giờ`` (working time, for tables whose heading says so)."""
    if abs(hours) < day:
        return _("%(n)s giờ") % {"n": number_format(round(abs(hours), 1), 1)}
    return _("%(n)s ngày") % {"n": number_format(round(abs(hours) / day, 1), 1)}


def pause_spans(pauses: Iterable[DossierPause], *, until: dt.datetime) -> list[Span]:
    """The pauses as sorted (start, end) spans, a pause still running ending at ``until`` (empty ones left out)."""
    return sorted((p.started_at, p.ended_at or until) for p in pauses if (p.ended_at or until) > p.started_at)
