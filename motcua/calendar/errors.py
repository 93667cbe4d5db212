"""Typed errors of the calendar and the deadline engine.

Every error carries a stable ``code`` (for APIs, logs and tests) and a Vietnamese message (translated
through gettext). Nothing is stored when one is raised: engine functions are pure and services raise
before writing, inside their transaction.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class CalendarError(CodedError):
    """Base class. ``code`` is stable; ``message`` is a lazily translated template filled with ``params``."""

    code = "calendar_error"
    default_message = _("Lỗi lịch làm việc.")


class InvalidInput(CalendarError):
    """A value the engine cannot read: unknown date or time formats, naive datetimes, bad cut-off."""

    code = "invalid_input"
    default_message = _("Dữ liệu đầu vào không hợp lệ.")


class InvalidLimit(CalendarError):
    """A time limit that is zero, negative or not a number."""

    code = "invalid_limit"
    default_message = _("Thời hạn phải là một số dương.")


class InvalidPause(CalendarError):
    """A pause that ends before it starts, overlaps another pause, or starts before the receipt."""

    code = "invalid_pause"
    default_message = _("Khoảng tạm dừng không hợp lệ.")


class InvalidSessions(CalendarError):
    """Working sessions that are empty, reversed or overlapping."""

    code = "invalid_sessions"
    default_message = _("Các ca làm việc không hợp lệ.")


class OutOfCalendarRange(CalendarError):
    """A moment outside the years the calendar snapshot covers."""

    code = "out_of_calendar_range"
    default_message = _("Thời điểm nằm ngoài phạm vi của lịch làm việc (%(first)s – %(last)s).")


class CalendarRuleError(CalendarError):
    """A calendar change that breaks a rule: a swap of the same day, days of the wrong kinds, no notice."""

    code = "calendar_rule"
    default_message = _("Thay đổi lịch làm việc không hợp lệ.")
