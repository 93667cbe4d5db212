"""Reading one year of Vietnamese public holidays from the ``holidays`` package.

Used only to *seed* the calendar table (``motcua calendar_sync``) and by the benchmark; runtime code reads
the table, never the package. The package knows Tết and its shifted days, the compensatory days
("nghỉ bù") and the make-up Saturdays of the public sector it has been told about (``weekend_workdays``);
it can miss a swap decided late (2026: 12729/VPCP-KGVX) — admins add those as swaps, see
``motcua.calendar.demo``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.calendar.engine.snapshot import DayKind

#: Government notices behind the days the ``holidays`` package hard-codes (as its own references cite
#: them) and behind the public-sector Tết schedules; other rows fall back to the Labour Code article.
KNOWN_NOTICES: dict[int, str] = {
    2024: "Công văn 2450/VPCP-KGVX năm 2024 (hoán đổi ngày làm việc dịp 30/4–1/5)",
    2025: "Thông báo 6150/TB-LĐTBXH năm 2024 (nghỉ Tết Âm lịch, 30/4–1/5 năm 2025)",
    2026: "Thông báo 9441/TB-BNV ngày 16/10/2025 (nghỉ Tết Âm lịch, Quốc khánh năm 2026)",
}
LABOUR_CODE_2019 = "Bộ luật Lao động 2019, Điều 112"
LABOUR_CODE_2012 = "Bộ luật Lao động 2012, Điều 115"
RESOLUTION_80 = "Nghị quyết 80-NQ/TW (Ngày Văn hóa Việt Nam 24/11)"


@dataclass(frozen=True, slots=True)
class LibraryDay:
    date: dt.date
    kind: DayKind
    name: str
    legal_reference: str
    swap_with: dt.date | None = None


def _reference(day: dt.date, name: str, *, special: bool) -> str:
    """The legal basis recorded with a library row (admins can correct it by entering the day themselves)."""
    if (day.month, day.day) == (11, 24):
        return RESOLUTION_80
    base = LABOUR_CODE_2019 if day.year >= 2021 else LABOUR_CODE_2012 if day.year >= 2013 else ""
    notice = KNOWN_NOTICES.get(day.year, "")
    if special and notice:
        return notice
    lunar_new_year = "Tết" in name and "Dương lịch" not in name
    if lunar_new_year and notice and day.year in (2025, 2026):
        return f"{base}; {notice}"
    return base


def library_year(year: int) -> list[LibraryDay]:
    """The holidays and make-up working days the ``holidays`` package gives for ``year`` (Vietnamese names)."""
    import holidays

    calendar = holidays.country_holidays("VN", years=year, language="vi")
    substituted_format = "%d/%m/%Y"
    rows: list[LibraryDay] = []
    workdays = sorted(d for d in getattr(calendar, "weekend_workdays", set()) if d.year == year)
    pair_of: dict[dt.date, dt.date] = {}
    for day, name in sorted(calendar.items()):
        for workday in workdays:
            if workday.strftime(substituted_format) in name:
                pair_of[day] = workday
                pair_of[workday] = day
    for day, name in sorted(calendar.items()):
        special = day in pair_of
        rows.append(
            LibraryDay(
                date=day,
                kind=DayKind.HOLIDAY,
                name=str(name),
                legal_reference=_reference(day, str(name), special=special),
                swap_with=pair_of.get(day),
            )
        )
    for workday in workdays:
        day_off = pair_of.get(workday)
        name = (
            f"Ngày làm việc bù (thay cho ngày {day_off.strftime(substituted_format)})"
            if day_off
            else "Ngày làm việc bù"
        )
        rows.append(
            LibraryDay(
                date=workday,
                kind=DayKind.WORKING_DAY,
                name=name,
                legal_reference=_reference(workday, name, special=True),
                swap_with=day_off,
            )
        )
    return sorted(rows, key=lambda r: r.date)
