import datetime as dt

import pytest

from motcua.calendar.demo import DEMO_YEARS, MISSING_SWAPS
from motcua.calendar.engine import CalendarSnapshot, DayInfo, DayKind
from motcua.calendar.library import library_year


def _official_days(*, with_missing_swaps: bool) -> dict[dt.date, DayInfo]:
    days: dict[dt.date, DayInfo] = {}
    for year in DEMO_YEARS:
        for row in library_year(year):
            days[row.date] = DayInfo(DayKind(row.kind.value), row.name, row.legal_reference, row.swap_with)
    if with_missing_swaps:
        for swap in MISSING_SWAPS:
            days[swap.day_off] = DayInfo(DayKind.HOLIDAY, swap.name, swap.notice, swap.make_up_day)
            days[swap.make_up_day] = DayInfo(
                DayKind.WORKING_DAY, "Ngày làm việc bù", swap.notice, swap.day_off
            )
    return days


@pytest.fixture(scope="session")
def official():
    """The demo calendar 2021–2027 as a pure snapshot (library rows + the official swaps it misses)."""
    return CalendarSnapshot(
        days=_official_days(with_missing_swaps=True), first=dt.date(2021, 1, 1), last=dt.date(2031, 12, 31)
    )


@pytest.fixture(scope="session")
def library_only():
    """The same years from the holidays package alone (without the 2026 New Year swap)."""
    return CalendarSnapshot(
        days=_official_days(with_missing_swaps=False), first=dt.date(2021, 1, 1), last=dt.date(2031, 12, 31)
    )


@pytest.fixture
def seeded(db):
    """The demo calendar loaded into the tables through the same code as `motcua seed_demo`."""
    from motcua.calendar.demo import seed_demo_calendar
    from motcua.calendar.selectors import calendar_snapshot_cache_clear

    calendar_snapshot_cache_clear()
    seed_demo_calendar()
    yield
    calendar_snapshot_cache_clear()
