"""The demo calendar 2021–2027: the ``holidays`` package plus the official swaps it misses (idempotent).

Checked against the public-sector schedules of 2021–2026 (Labour Code 2019 art. 112 and the yearly
notices of the Ministry of Labour / Ministry of Home Affairs and the Government Office). ``holidays``
0.109 matches all of them except one swap, decided on 25/12/2025 — after the library's data:

* Công văn 12729/VPCP-KGVX ngày 25/12/2025: public servants off Friday 02/01/2026, working Saturday
  10/01/2026 instead (New Year 2026 becomes four days, 01–04/01).

2027 comes from the library alone (the Government announces 2027's swaps late in 2026).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from .engine import DEFAULT_SESSIONS
from .models import CalendarDay, DaySource, WorkingHours
from .services import calendar_swap_add, calendar_sync_year, working_hours_set

DEMO_YEARS = range(2021, 2028)


@dataclass(frozen=True)
class MissingSwap:
    day_off: dt.date
    make_up_day: dt.date
    notice: str
    name: str


#: Official swaps that ``holidays`` does not know, entered as admin rows.
MISSING_SWAPS: tuple[MissingSwap, ...] = (
    MissingSwap(
        day_off=dt.date(2026, 1, 2),
        make_up_day=dt.date(2026, 1, 10),
        notice="Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
        name="Ngày nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)",
    ),
)


@transaction.atomic
def seed_demo_calendar() -> int:
    """Seed 2021–2027 from the library, add the missing official swaps and the default hours.

    Returns the number of rows created. Safe to run again: nothing changes the second time.
    """
    created = 0
    for year in DEMO_YEARS:
        created += calendar_sync_year(year=year).created
    for swap in MISSING_SWAPS:
        rows = CalendarDay.objects.filter(date__in=[swap.day_off, swap.make_up_day], source=DaySource.ADMIN)
        if rows.count() == 2:
            continue
        calendar_swap_add(
            actor=None, day_off=swap.day_off, make_up_day=swap.make_up_day, notice=swap.notice, name=swap.name
        )
        created += 2
    if not WorkingHours.objects.filter(
        org_unit__isnull=True, valid_from__isnull=True, valid_to__isnull=True
    ).exists():
        working_hours_set(
            actor=None,
            sessions=DEFAULT_SESSIONS,
            name="Giờ làm việc hành chính toàn tỉnh",
            legal_reference="Giờ làm việc của cơ quan hành chính nhà nước tỉnh Thanh Hóa (mặc định)",
        )
        created += 1
    return created
