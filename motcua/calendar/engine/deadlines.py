"""The deadline functions: pure, typed, aware datetimes in Asia/Ho_Chi_Minh.

Every function takes a ``CalendarSnapshot`` first and never reads the database. The rules, with worked
examples, are in docs/architecture/deadlines.md:

* deemed receipt — a receipt on a non-working day, after working hours, or (for procedures with the
  after-cut-off rule) at or after the cut-off counts from the start of the next working day;
* working days N — due at the end of the N-th working day after the deemed receipt day;
* same day — due at the end of the deemed receipt day;
* working hours H — due H working hours after the deemed receipt, walking the sessions;
* calendar days D — due at the end of the D-th day after the deemed receipt day, moved to the end of the
  next working day when that day is not a working day;
* pauses — the due moment moves by the working time inside each pause that starts before it (or, with the
  restart rule, the full limit counts again from the end of the last pause);
* elapsed working time minus pauses, and early / on time / late.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.calendar.errors import InvalidInput, InvalidLimit, InvalidPause

from .snapshot import (
    US_PER_HOUR,
    CalendarSnapshot,
    DayKind,
    local_moment,
    split_moment,
    time_to_us,
)

#: The default after-cut-off time for procedures that use the rule.
DEFAULT_CUTOFF = dt.time(15, 0)


class LimitKind(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


class Outcome(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


OUTCOME_LABELS = {
    Outcome.EARLY: _("Trước hạn"),
    Outcome.ON_TIME: _("Đúng hạn"),
    Outcome.LATE: _("Quá hạn"),
}


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidLimit(
            _("Thời hạn “%(value)s” không phải là một số."), code="limit_not_number", value=value
        )
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidLimit(
            _("Thời hạn “%(value)s” không phải là một số."), code="limit_not_number", value=value
        ) from None
    if not number.is_finite():
        raise InvalidLimit(
            _("Thời hạn “%(value)s” không phải là một số."), code="limit_not_number", value=value
        )
    return number


@dataclass(frozen=True, slots=True)
class Limit:
    """A legal time limit: N working days, H working hours, D calendar days, or the same day.

    Day counts must be whole numbers >= 1 (half a day is 4 working hours); hours may be fractional but
    are counted to the microsecond.
    """

    kind: LimitKind
    amount: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        kind = LimitKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if kind == LimitKind.SAME_DAY:
            object.__setattr__(self, "amount", Decimal(0))
            return
        amount = _as_decimal(self.amount)
        if amount <= 0:
            raise InvalidLimit(
                _("Thời hạn phải lớn hơn 0 (nhận được %(value)s)."), code="limit_not_positive", value=amount
            )
        if kind != LimitKind.WORKING_HOURS and amount != amount.to_integral_value():
            raise InvalidLimit(
                _("Số ngày phải là số nguyên (nhận được %(value)s); nửa ngày tính là 4 giờ làm việc."),
                code="limit_not_whole_days",
                value=amount,
            )
        object.__setattr__(self, "amount", amount)

    @classmethod
    def working_days(cls, n: int | Decimal | str) -> Limit:
        return cls(LimitKind.WORKING_DAYS, _as_decimal(n))

    @classmethod
    def working_hours(cls, hours: int | float | Decimal | str) -> Limit:
        return cls(LimitKind.WORKING_HOURS, _as_decimal(hours))

    @classmethod
    def calendar_days(cls, n: int | Decimal | str) -> Limit:
        return cls(LimitKind.CALENDAR_DAYS, _as_decimal(n))

    @classmethod
    def same_day(cls) -> Limit:
        return cls(LimitKind.SAME_DAY)

    @property
    def is_day_based(self) -> bool:
        return self.kind != LimitKind.WORKING_HOURS

    @property
    def days(self) -> int:
        return int(self.amount)

    @property
    def microseconds(self) -> int:
        return int((self.amount * US_PER_HOUR).to_integral_value())

    def __str__(self) -> str:
        if self.kind == LimitKind.WORKING_DAYS:
            return _g("%(n)s ngày làm việc") % {"n": self.days}
        if self.kind == LimitKind.WORKING_HOURS:
            return _g("%(n)s giờ làm việc") % {"n": format(self.amount.normalize(), "f")}
        if self.kind == LimitKind.CALENDAR_DAYS:
            return _g("%(n)s ngày") % {"n": self.days}
        return _g("trong ngày")


@dataclass(frozen=True, slots=True)
class Pause:
    """An interval during which the clock stops (supplement request, legal suspension). End exclusive."""

    start: dt.datetime
    end: dt.datetime

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def validate_pauses(pauses: Iterable[Pause], *, not_before: dt.datetime | None = None) -> tuple[Pause, ...]:
    """Sort pauses and check them: aware, ending after they start, not overlapping, not before receipt."""
    ordered = sorted(pauses, key=lambda p: (_aware(p.start), _aware(p.end)))
    for pause in ordered:
        if pause.end <= pause.start:
            raise InvalidPause(
                _("Khoảng tạm dừng %(pause)s phải kết thúc sau khi bắt đầu."),
                code="pause_end_before_start",
                pause=str(pause),
            )
        if not_before is not None and pause.start < not_before:
            raise InvalidPause(
                _("Khoảng tạm dừng %(pause)s bắt đầu trước khi tiếp nhận hồ sơ."),
                code="pause_before_receipt",
                pause=str(pause),
            )
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise InvalidPause(
                _("Hai khoảng tạm dừng %(first)s và %(second)s chồng lên nhau."),
                code="pause_overlap",
                first=str(before),
                second=str(after),
            )
    return tuple(ordered)


def _aware(moment: dt.datetime) -> dt.datetime:
    split_moment(moment)  # raises InvalidInput for a naive datetime
    return moment


def _check_cutoff(cutoff: dt.time | None) -> int | None:
    if cutoff is None:
        return None
    if not isinstance(cutoff, dt.time) or cutoff.tzinfo is not None:
        raise InvalidInput(_("Giờ chốt không hợp lệ."), code="invalid_cutoff")
    return time_to_us(cutoff)


# -- deemed receipt ------------------------------------------------------------------------------------


class DeemedReason(StrEnum):
    NONE = ""
    NON_WORKING_DAY = "non_working_day"
    BEFORE_HOURS = "before_hours"
    BETWEEN_SESSIONS = "between_sessions"
    AFTER_HOURS = "after_hours"
    AFTER_CUTOFF = "after_cutoff"


DEEMED_REASON_LABELS = {
    DeemedReason.NON_WORKING_DAY: _("Tiếp nhận vào ngày nghỉ: tính từ đầu ngày làm việc tiếp theo."),
    DeemedReason.BEFORE_HOURS: _("Tiếp nhận trước giờ làm việc: tính từ đầu giờ làm việc của ngày đó."),
    DeemedReason.BETWEEN_SESSIONS: _("Tiếp nhận giữa hai ca: tính từ đầu ca làm việc tiếp theo."),
    DeemedReason.AFTER_HOURS: _("Tiếp nhận sau giờ làm việc: tính từ đầu ngày làm việc tiếp theo."),
    DeemedReason.AFTER_CUTOFF: _("Tiếp nhận từ giờ chốt trở đi: tính từ đầu ngày làm việc tiếp theo."),
}


def _deemed(
    cal: CalendarSnapshot, received: dt.datetime, cutoff_us: int | None
) -> tuple[int, int, DeemedReason]:
    """(day index, microseconds of day, reason) of the deemed receipt."""
    day, us = split_moment(received)
    i = cal.index(day)
    if not cal._working[i]:
        j = cal.nth_working_day_index(i, 1)
        return j, cal.day_start_us(j), DeemedReason.NON_WORKING_DAY
    if cutoff_us is not None and us >= cutoff_us:
        j = cal.nth_working_day_index(i, 1)
        return j, cal.day_start_us(j), DeemedReason.AFTER_CUTOFF
    sessions = cal._day_sessions[i]
    for k, (start, end) in enumerate(sessions):
        if us < start:
            return i, start, DeemedReason.BEFORE_HOURS if k == 0 else DeemedReason.BETWEEN_SESSIONS
        if us < end:
            return i, us, DeemedReason.NONE
    j = cal.nth_working_day_index(i, 1)
    return j, cal.day_start_us(j), DeemedReason.AFTER_HOURS


def deemed_receipt(
    cal: CalendarSnapshot, received: dt.datetime, *, cutoff: dt.time | None = None
) -> dt.datetime:
    """The moment the clock starts: ``received`` itself when it falls inside a working session, else the
    start of the next session — of the next working day when received on a non-working day, after the
    last session, or (with ``cutoff``) at or after the cut-off time."""
    i, us, _reason = _deemed(cal, received, _check_cutoff(cutoff))
    return _local(cal, i, us)


def deemed_receipt_reason(
    cal: CalendarSnapshot, received: dt.datetime, *, cutoff: dt.time | None = None
) -> DeemedReason:
    return _deemed(cal, received, _check_cutoff(cutoff))[2]


def _local(cal: CalendarSnapshot, i: int, us: int) -> dt.datetime:
    return local_moment(cal.day_at(i), us)


# -- due moments ---------------------------------------------------------------------------------------


def _base_due(
    cal: CalendarSnapshot, received: dt.datetime, limit: Limit, cutoff_us: int | None
) -> dt.datetime:
    i, us, _reason = _deemed(cal, received, cutoff_us)
    if limit.kind == LimitKind.WORKING_DAYS:
        return cal.day_end_at(cal.nth_working_day_index(i, limit.days))
    if limit.kind == LimitKind.SAME_DAY:
        return cal.day_end_at(i)
    if limit.kind == LimitKind.CALENDAR_DAYS:
        target = cal.index(cal.day_at(i) + dt.timedelta(days=limit.days))
        if not cal._working[target]:
            target = cal.nth_working_day_index(target, 1)
        return cal.day_end_at(target)
    start = _local(cal, i, us)
    return cal.moment_at(cal.working_us(start) + limit.microseconds)


def shift_by_pauses(cal: CalendarSnapshot, due: dt.datetime, pauses: Sequence[Pause]) -> dt.datetime:
    """Move ``due`` by the working time inside each pause that starts before it.

    Pauses are taken in order of start; a pause that starts before the (already moved) due moment moves
    it by its whole working time — also when the due moment falls inside the pause, since the time left
    at the pause's start resumes at its end. A pause that starts at or after the due moment does not
    count: the clock had already run out.
    """
    if not pauses:
        return due
    due_us = cal.working_us(due)
    for pause in validate_pauses(pauses):
        if pause.start >= due:
            break
        paused = cal.working_us(pause.end) - cal.working_us(pause.start)
        if paused:
            due_us += paused
            due = cal.moment_at(due_us)
    return due


def due_moment(
    cal: CalendarSnapshot,
    received: dt.datetime,
    limit: Limit,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> dt.datetime:
    """The due moment of ``limit`` for a dossier (or step) received at ``received``.

    ``cutoff``: the procedure's after-cut-off time (None = the rule does not apply). ``pauses``: clock
    stops. ``restart``: the procedure counts the full limit again from the end of the last pause (the
    moment the complete dossier arrived) instead of moving the due moment by the paused time.
    """
    cutoff_us = _check_cutoff(cutoff)
    if not pauses:
        return _base_due(cal, received, limit, cutoff_us)
    split_moment(received)
    checked = validate_pauses(pauses, not_before=received)
    if restart:
        return _base_due(cal, checked[-1].end, limit, cutoff_us)
    return shift_by_pauses(cal, _base_due(cal, received, limit, cutoff_us), checked)


def due_working_days(
    cal: CalendarSnapshot,
    received: dt.datetime,
    days: int,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> dt.datetime:
    if type(days) is int and days >= 1 and not pauses:
        # the common case, without building a Limit: same rules as due_moment
        i = _deemed(cal, received, _check_cutoff(cutoff))[0]
        return cal.day_end_at(cal.nth_working_day_index(i, days))
    return due_moment(cal, received, Limit.working_days(days), cutoff=cutoff, pauses=pauses, restart=restart)


def due_working_hours(
    cal: CalendarSnapshot,
    received: dt.datetime,
    hours: int | float | Decimal,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> dt.datetime:
    return due_moment(
        cal, received, Limit.working_hours(hours), cutoff=cutoff, pauses=pauses, restart=restart
    )


def due_calendar_days(
    cal: CalendarSnapshot,
    received: dt.datetime,
    days: int,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> dt.datetime:
    return due_moment(cal, received, Limit.calendar_days(days), cutoff=cutoff, pauses=pauses, restart=restart)


def due_same_day(
    cal: CalendarSnapshot,
    received: dt.datetime,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> dt.datetime:
    return due_moment(cal, received, Limit.same_day(), cutoff=cutoff, pauses=pauses, restart=restart)


def add_working_time(cal: CalendarSnapshot, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The earliest moment at which ``duration`` of working time has passed since ``start``."""
    if duration <= dt.timedelta(0):
        raise InvalidLimit(
            _("Thời hạn phải lớn hơn 0 (nhận được %(value)s)."), code="limit_not_positive", value=duration
        )
    us = duration // dt.timedelta(microseconds=1)
    return cal.moment_at(cal.working_us(start) + us)


# -- elapsed time and classification -------------------------------------------------------------------


def elapsed_working_time(
    cal: CalendarSnapshot, start: dt.datetime, end: dt.datetime, *, pauses: Sequence[Pause] = ()
) -> dt.timedelta:
    """Working time between ``start`` and ``end``, minus the working time of the pauses inside it."""
    split_moment(start)
    split_moment(end)
    if end < start:
        raise InvalidInput(
            _("Thời điểm kết thúc %(end)s trước thời điểm bắt đầu %(start)s."),
            code="range_reversed",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    total = cal.working_us(end) - cal.working_us(start)
    for pause in validate_pauses(pauses):
        lo = max(pause.start, start)
        hi = min(pause.end, end)
        if hi > lo:
            total -= cal.working_us(hi) - cal.working_us(lo)
    return dt.timedelta(microseconds=total)


def classify(
    cal: CalendarSnapshot,
    *,
    finished: dt.datetime,
    due: dt.datetime,
    pauses: Sequence[Pause] = (),
    day_based: bool = True,
) -> Outcome:
    """Early, on time or late: a pure function of (finished, due, pauses).

    ``due`` is the due moment given when the dossier (or step) started; ``pauses`` move it as in
    ``shift_by_pauses``. Late = finished after the (moved) due moment. Early = for day-based limits,
    finished on an earlier day than the due day; for hour-based limits, finished before the due moment.
    Otherwise on time.
    """
    split_moment(finished)
    effective = shift_by_pauses(cal, due, pauses)
    if finished > effective:
        return Outcome.LATE
    if day_based:
        return Outcome.EARLY if split_moment(finished)[0] < split_moment(effective)[0] else Outcome.ON_TIME
    return Outcome.EARLY if finished < effective else Outcome.ON_TIME


# -- explanations --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayNote:
    """A day the count skipped (non-working) or counted although it is a weekend (make-up day)."""

    day: dt.date
    reason: str
    legal_reference: str = ""
    counted: bool = False


@dataclass(frozen=True, slots=True)
class PauseEffect:
    pause: Pause
    working_time: dt.timedelta
    counted: bool


@dataclass(frozen=True)
class Explanation:
    received: dt.datetime
    deemed_receipt: dt.datetime
    deemed_reason: DeemedReason
    limit: Limit
    base_due: dt.datetime
    due: dt.datetime
    days: tuple[DayNote, ...]
    pauses: tuple[PauseEffect, ...]
    restarted_from: dt.datetime | None
    unknown_years: tuple[int, ...]

    @property
    def deemed_reason_text(self) -> str:
        return str(DEEMED_REASON_LABELS[self.deemed_reason]) if self.deemed_reason else ""


WEEKDAY_NAMES = (
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
)


def day_note(cal: CalendarSnapshot, day: dt.date) -> DayNote | None:
    """Why ``day`` is special: a holiday, a weekend day, or a worked weekend day. None for a plain workday."""
    info = cal.days.get(day)
    weekday = str(WEEKDAY_NAMES[day.weekday()])
    if info is not None and info.kind == DayKind.HOLIDAY:
        name = info.name or _g("Ngày nghỉ")
        return DayNote(day, f"{weekday}: {name}", info.legal_reference)
    if info is not None and info.kind == DayKind.WORKING_DAY:
        if day.weekday() not in cal.weekend:
            return None
        name = info.name or _g("Ngày làm việc bù")
        return DayNote(day, f"{weekday}: {name}", info.legal_reference, counted=True)
    if day.weekday() in cal.weekend:
        return DayNote(day, _g("%(day)s: nghỉ hằng tuần") % {"day": weekday})
    return None


def explain_due(
    cal: CalendarSnapshot,
    received: dt.datetime,
    limit: Limit,
    *,
    cutoff: dt.time | None = None,
    pauses: Sequence[Pause] = (),
    restart: bool = False,
) -> Explanation:
    """The due moment with the reasoning: deemed receipt, the days skipped or made up, the pauses."""
    due = due_moment(cal, received, limit, cutoff=cutoff, pauses=pauses, restart=restart)
    cutoff_us = _check_cutoff(cutoff)
    checked = validate_pauses(pauses, not_before=received)
    restarted_from = checked[-1].end if restart and checked else None
    start = restarted_from or received
    i, us, reason = _deemed(cal, start, cutoff_us)
    deemed = _local(cal, i, us)
    base_due = _base_due(cal, start, limit, cutoff_us)
    effects: list[PauseEffect] = []
    if restarted_from is None:
        moving = base_due
        moving_us = cal.working_us(moving)
        for pause in checked:
            paused = cal.working_time(pause.start, pause.end)
            counted = pause.start < moving
            if counted and paused:
                moving_us += paused // dt.timedelta(microseconds=1)
                moving = cal.moment_at(moving_us)
            effects.append(PauseEffect(pause, paused, counted))
    first_day = split_moment(received)[0]
    last_day = split_moment(due)[0]
    notes: list[DayNote] = []
    day = first_day
    while day <= last_day:
        note = day_note(cal, day)
        if note is not None:
            notes.append(note)
        day += dt.timedelta(days=1)
    unknown = tuple(sorted(set(range(first_day.year, last_day.year + 1)) - cal.known_years))
    return Explanation(
        received=received,
        deemed_receipt=deemed,
        deemed_reason=reason,
        limit=limit,
        base_due=base_due,
        due=due,
        days=tuple(notes),
        pauses=tuple(effects),
        restarted_from=restarted_from,
        unknown_years=unknown,
    )
