"""How the official forms write dates, times and money (Vietnamese administrative usage).

Dates ``dd/mm/yyyy``, times ``HH:MM`` (24 h) in Asia/Ho_Chi_Minh, money in đồng with ``.`` between
thousands, and the place-and-date line of Decree 30/2020/NĐ-CP (a leading zero for days below 10 and for
months 1 and 2: "Thanh Hóa, ngày 05 tháng 02 năm 2026").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BLANK = "…………………"


def local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in Vietnam time. Naive datetimes are refused: a form must not guess the zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime on an official form: {moment!r}")
    return moment.astimezone(VIETNAM_TZ)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return local(value).date()
    return value


def format_date(value: dt.date | dt.datetime | None) -> str:
    """``26/11/2026``; an aware datetime is first converted to Vietnam time. ``None`` gives ``""``."""
    if value is None:
        return ""
    return _as_date(value).strftime("%d/%m/%Y")


def format_time(value: dt.datetime | None) -> str:
    """``08:05`` in Vietnam time."""
    if value is None:
        return ""
    return local(value).strftime("%H:%M")


def format_datetime(value: dt.datetime | None) -> str:
    """``08:05 ngày 26/11/2026`` in Vietnam time."""
    if value is None:
        return ""
    moment = local(value)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def format_number(value: int | Decimal) -> str:
    """``1.250.000``: whole numbers with ``.`` between thousands (amounts in đồng have no decimals)."""
    amount = int(Decimal(value).quantize(Decimal(1)))
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def format_vnd(value: int | Decimal | None) -> str:
    """``1.250.000 đồng``; ``None`` gives ``""``."""
    if value is None:
        return ""
    return f"{format_number(value)} đồng"


def date_parts(value: dt.date | dt.datetime) -> tuple[str, str, str]:
    """Day, month and year as written on a document's date line (Decree 30/2020 Appendix I)."""
    day = _as_date(value)
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return day_text, month_text, str(day.year)


def date_line(place: str, value: dt.date | dt.datetime | None) -> str:
    """``Thanh Hóa, ngày 05 tháng 02 năm 2026``; without a date, the dotted line of a blank form."""
    place_text = place or "……"
    if value is None:
        return f"{place_text}, ngày …… tháng …… năm ……"
    day, month, year = date_parts(value)
    return f"{place_text}, ngày {day} tháng {month} năm {year}"


def two_digits(value: int) -> str:
    """``05``: counts on forms (sets, pages) are written with two digits below ten."""
    return f"{value:02d}"
