"""Reading moments, limits and pauses from text (CLI, forms, API) with clear, typed errors."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from motcua.calendar.errors import InvalidInput, InvalidPause

from .deadlines import Pause
from .snapshot import TZ

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 date-time (``2026-02-13T10:00``, ``2026-02-13 10:00:00+07:00``, ``...Z``).

    Without an offset the time is read in Asia/Ho_Chi_Minh; with one it is converted to it. A date alone
    is refused: a receipt is a moment, and the time of day matters.
    """
    value = (text or "").strip()
    if _DATE_ONLY.match(value):
        raise InvalidInput(
            _("Thiếu giờ trong “%(value)s”. Dùng dạng ISO 8601, ví dụ 2026-02-13T10:00."),
            code="moment_without_time",
            value=value,
        )
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _("Không đọc được thời điểm “%(value)s”. Dùng dạng ISO 8601, ví dụ 2026-02-13T10:00."),
            code="invalid_datetime_format",
            value=value,
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def parse_date(text: str) -> dt.date:
    """A date as ``YYYY-MM-DD`` or ``dd/mm/yyyy``."""
    value = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    raise InvalidInput(
        _("Không đọc được ngày “%(value)s”. Dùng dạng 2026-01-02 hoặc 02/01/2026."),
        code="invalid_date_format",
        value=value,
    )


def parse_time(text: str) -> dt.time:
    """A time of day as ``HH:MM`` (or ``HH:MM:SS``)."""
    value = (text or "").strip()
    try:
        parsed = dt.time.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _("Không đọc được giờ “%(value)s”. Dùng dạng 15:00."), code="invalid_time_format", value=value
        ) from None
    if parsed.tzinfo is not None:
        raise InvalidInput(
            _("Không đọc được giờ “%(value)s”. Dùng dạng 15:00."), code="invalid_time_format", value=value
        )
    return parsed


def parse_pause(text: str) -> Pause:
    """``START/END`` with two ISO 8601 moments, e.g. ``2026-02-24T08:00/2026-02-25T16:00``."""
    value = (text or "").strip()
    parts = value.split("/")
    if len(parts) != 2 or not all(parts):
        raise InvalidPause(
            _(
                "Không đọc được khoảng tạm dừng “%(value)s”. Dùng dạng BẮT_ĐẦU/KẾT_THÚC, ví dụ 2026-02-24T08:00/2026-02-25T16:00."
            ),
            code="invalid_pause_format",
            value=value,
        )
    start, end = (parse_moment(part) for part in parts)
    if end <= start:
        raise InvalidPause(
            _("Khoảng tạm dừng %(pause)s phải kết thúc sau khi bắt đầu."),
            code="pause_end_before_start",
            pause=value,
        )
    return Pause(start, end)
