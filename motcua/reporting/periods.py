"""Reporting periods: month, quarter, year or custom, by calendar or by the Decree 09/2019 cut-off.

Written as ``2026-03`` (month), ``2026-Q1`` (quarter), ``2026`` (year) or ``2026-01-05..2026-02-10``
(custom, both days included). The cut-off convention (``cutoff=True``, regulations §7) moves month,
quarter and year to end on the 14th of their last month and start on the 15th of the month before:
quarter 1 of 2026 = 15/12/2025 – 14/03/2026; year 2026 = 15/12/2025 – 14/12/2026.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from motcua.core.errors import CodedError

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: The years a period may name (beyond them the date arithmetic of the reports would overflow).
MIN_YEAR, MAX_YEAR = 1900, 2999


class InvalidPeriod(CodedError):
    code = "period_invalid"
    http_status = 400


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # included
    label: str

    @property
    def before(self) -> dt.date:
        """The last day before the period (stocks "carried over" are read there)."""
        return self.start - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """``[start, end)`` as moments in the province's time: the first day's midnight and the midnight
        after the last day (for the reads that filter timestamps rather than fact days)."""
        start = dt.datetime.combine(self.start, dt.time(0), PROVINCE_TZ)
        return start, dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), PROVINCE_TZ)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _cut(year: int, month: int) -> dt.date:
    """The 14th of ``month`` (the last day of a cut-off period ending in that month)."""
    return dt.date(year, month, 14)


def _after_cut(year: int, month: int) -> dt.date:
    """The 15th of the month before ``month`` (the first day of a cut-off period starting there)."""
    return dt.date(year - 1, 12, 15) if month == 1 else dt.date(year, month - 1, 15)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|:)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str, *, cutoff: bool = False) -> Period:
    """``Period`` for ``text``; ``InvalidPeriod`` with a clear message otherwise."""
    value = (text or "").strip()
    # Years far outside any record (0000, 9999-Q4) would overflow the date arithmetic of the reports.
    if any(not MIN_YEAR <= int(year) <= MAX_YEAR for year in re.findall(r"\d{4}", value)):
        raise InvalidPeriod(
            _("Kỳ “%(period)s”: năm phải từ %(first)s đến %(last)s."),
            period=value[:40],
            first=MIN_YEAR,
            last=MAX_YEAR,
        )
    if m := _CUSTOM.match(value):
        try:
            start, end = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        except ValueError as exc:
            raise InvalidPeriod(_("Ngày không hợp lệ trong kỳ “%(period)s”."), period=value) from exc
        if end < start:
            raise InvalidPeriod(_("Kỳ “%(period)s”: ngày kết thúc trước ngày bắt đầu."), period=value)
        return Period(start, end, f"{start:%d/%m/%Y} – {end:%d/%m/%Y}")
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise InvalidPeriod(_("Tháng không hợp lệ trong kỳ “%(period)s”."), period=value)
        label = _("Tháng %(month)d/%(year)d") % {"month": month, "year": year}
        if cutoff:
            return Period(_after_cut(year, month), _cut(year, month), label)
        return Period(dt.date(year, month, 1), _month_end(year, month), label)
    if m := _QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        first, last = 3 * quarter - 2, 3 * quarter
        label = _("Quý %(quarter)d/%(year)d") % {"quarter": quarter, "year": year}
        if cutoff:
            return Period(_after_cut(year, first), _cut(year, last), label)
        return Period(dt.date(year, first, 1), _month_end(year, last), label)
    if m := _YEAR.match(value):
        year = int(m[1])
        label = _("Năm %(year)d") % {"year": year}
        if cutoff:
            return Period(_after_cut(year, 1), _cut(year, 12), label)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), label)
    raise InvalidPeriod(
        _(
            "Kỳ “%(period)s” không hợp lệ. Viết 2026-03 (tháng), 2026-Q1 (quý), 2026 (năm) "
            "hoặc 2026-01-05..2026-02-10 (tùy chọn)."
        ),
        period=value,
    )
