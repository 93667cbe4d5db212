"""Typed errors of the calendar and the deadline engine.

Every error carries a stable ``code`` (for APIs, logs and tests) and a Vietnamese message (translated
through gettext). Nothing is stored when one is raised: engine functions are pure and services raise
before writing, inside their transaction.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CalendarError(Exception):
    """Base class. ``code`` is stable; ``message`` is a lazily translated template filled with ``params``."""

    code: str = "calendar_error"
    default_message: str | Promise = _("Lỗi lịch làm việc.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, **params: Any
    ) -> None:
        self.code = code or self.code
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, params={self.params!r})"


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
