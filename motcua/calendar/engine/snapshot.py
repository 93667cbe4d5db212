"""An immutable, precomputed view of the province calendar that the deadline functions read.

A snapshot holds the exceptions to the weekly rule (holidays on weekdays, working days on weekends),
the working sessions (with optional seasons) and a contiguous range of days ``first..last``. At
construction it precomputes, for every day of the range:

* whether the day is a working day (``_working``);
* ``_wd_prefix[i]`` — the number of working days strictly before day ``i``;
* ``_working_idx`` — the indices of the working days, in order;
* ``_us_prefix[i]`` — the working microseconds strictly before day ``i``.

With these, "the N-th working day after d" is two list look-ups (O(1)), and "the moment when W working
microseconds have passed" is one ``bisect`` (O(log n)) plus a walk over the day's two or three sessions.

Snapshots never touch the database: ``motcua.calendar.selectors.calendar_snapshot`` builds one from the
tables, tests and benchmarks build them directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from motcua.calendar.errors import InvalidInput, InvalidSessions, OutOfCalendarRange

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: Asia/Ho_Chi_Minh has been UTC+07:00 without daylight saving since 1975; the batch functions rely on it.
UTC_OFFSET = dt.timedelta(hours=7)
US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
#: Saturday and Sunday (``date.weekday()`` numbers).
WEEKEND: frozenset[int] = frozenset({5, 6})


class DayKind(StrEnum):
    """What a calendar row says about a day: it is a day off, or it is worked (a make-up day)."""

    HOLIDAY = "holiday"
    WORKING_DAY = "working_day"


def time_to_us(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US_PER_SECOND + value.microsecond


def us_to_time(us: int) -> dt.time:
    seconds, micro = divmod(us, US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return dt.time(hour, minute, second, micro)


@dataclass(frozen=True, slots=True)
class Session:
    """One working session of a day, e.g. 07:00–11:30. ``end`` is exclusive."""

    start: dt.time
    end: dt.time

    @property
    def start_us(self) -> int:
        return time_to_us(self.start)

    @property
    def end_us(self) -> int:
        return time_to_us(self.end)

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(microseconds=self.end_us - self.start_us)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


#: The province default: 07:00–11:30 and 13:30–17:00 (8 working hours).
DEFAULT_SESSIONS: tuple[Session, ...] = (
    Session(dt.time(7, 0), dt.time(11, 30)),
    Session(dt.time(13, 30), dt.time(17, 0)),
)


def validate_sessions(sessions: Iterable[Session]) -> tuple[Session, ...]:
    """Sort and check sessions: at least one, each ending after it starts, none overlapping."""
    ordered = tuple(sorted(sessions, key=lambda s: (s.start, s.end)))
    if not ordered:
        raise InvalidSessions(_("Phải có ít nhất một ca làm việc."), code="sessions_empty")
    for session in ordered:
        if session.end <= session.start:
            raise InvalidSessions(
                _("Ca làm việc %(session)s phải kết thúc sau khi bắt đầu."),
                code="session_reversed",
                session=f"{session.start:%H:%M}–{session.end:%H:%M}",
            )
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise InvalidSessions(
                _("Ca làm việc %(first)s và %(second)s chồng lên nhau."),
                code="sessions_overlap",
                first=str(before),
                second=str(after),
            )
    return ordered


@dataclass(frozen=True, slots=True)
class SeasonHours:
    """Sessions that apply instead of the default ones between two dates (inclusive; None = open)."""

    sessions: tuple[Session, ...]
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class DayInfo:
    """A calendar row as the engine sees it."""

    kind: DayKind
    name: str = ""
    legal_reference: str = ""
    swap_with: dt.date | None = None
    source: str = ""


def split_moment(moment: dt.datetime) -> tuple[dt.date, int]:
    """The local (Asia/Ho_Chi_Minh) date and the microseconds since local midnight of an aware moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            _("Thời điểm %(value)s thiếu múi giờ."), code="naive_datetime", value=moment.isoformat()
        )
    local = moment if moment.tzinfo is TZ else moment.astimezone(TZ)
    us = ((local.hour * 60 + local.minute) * 60 + local.second) * US_PER_SECOND + local.microsecond
    return local.date(), us


def local_moment(day: dt.date, us: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(microseconds=us)


@dataclass(frozen=True, eq=False)
class CalendarSnapshot:
    """Everything the deadline engine needs to know about working time, frozen and precomputed.

    ``days`` maps a date to its row (a holiday or a worked weekend day); any other day is a working day
    unless its weekday is in ``weekend``. ``sessions`` are the default working sessions; the first
    ``seasons`` entry that covers a day replaces them for that day. ``first..last`` is the range of days
    the snapshot can answer for; ``known_years`` are the years whose holidays were actually loaded.
    """

    days: Mapping[dt.date, DayInfo]
    first: dt.date
    last: dt.date
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    seasons: tuple[SeasonHours, ...] = ()
    weekend: frozenset[int] = WEEKEND
    known_years: frozenset[int] = frozenset()
    _base: int = field(init=False, repr=False)
    _n: int = field(init=False, repr=False)
    _working: bytes = field(init=False, repr=False)
    _wd_prefix: tuple[int, ...] = field(init=False, repr=False)
    _working_idx: tuple[int, ...] = field(init=False, repr=False)
    _us_prefix: tuple[int, ...] = field(init=False, repr=False)
    _day_sessions: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput(_("Phạm vi lịch không hợp lệ."), code="calendar_range_reversed")
        days = MappingProxyType(dict(self.days))
        sessions = validate_sessions(self.sessions)
        seasons = tuple(
            SeasonHours(validate_sessions(s.sessions), s.valid_from, s.valid_to) for s in self.seasons
        )
        known = self.known_years or frozenset(d.year for d in days)
        base = self.first.toordinal()
        n = self.last.toordinal() - base + 1
        default_us = tuple((s.start_us, s.end_us) for s in sessions)
        season_us = [
            (s, tuple((x.start_us, x.end_us) for x in s.sessions)) for s in seasons
        ]  # few entries; resolved once per day below
        working = bytearray(n)
        wd_prefix = [0] * (n + 1)
        us_prefix = [0] * (n + 1)
        working_idx: list[int] = []
        day_sessions: list[tuple[tuple[int, int], ...]] = []
        count = 0
        total = 0
        for i in range(n):
            ordinal = base + i
            day = dt.date.fromordinal(ordinal)
            info = days.get(day)
            if info is None:
                is_working = (ordinal - 1) % 7 not in self.weekend
            else:
                is_working = info.kind == DayKind.WORKING_DAY
            todays = default_us
            for season, us_pairs in season_us:
                if season.covers(day):
                    todays = us_pairs
                    break
            day_sessions.append(todays)
            wd_prefix[i] = count
            us_prefix[i] = total
            if is_working:
                working[i] = 1
                working_idx.append(i)
                count += 1
                total += sum(end - start for start, end in todays)
        wd_prefix[n] = count
        us_prefix[n] = total
        set_ = object.__setattr__
        set_(self, "days", days)
        set_(self, "sessions", sessions)
        set_(self, "seasons", seasons)
        set_(self, "known_years", frozenset(known))
        set_(self, "_base", base)
        set_(self, "_n", n)
        set_(self, "_working", bytes(working))
        set_(self, "_wd_prefix", tuple(wd_prefix))
        set_(self, "_working_idx", tuple(working_idx))
        set_(self, "_us_prefix", tuple(us_prefix))
        set_(self, "_day_sessions", tuple(day_sessions))

    # -- construction helpers -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        *,
        holidays: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        first: dt.date | None = None,
        last: dt.date | None = None,
        sessions: Iterable[Session] = DEFAULT_SESSIONS,
        seasons: Iterable[SeasonHours] = (),
        weekend: frozenset[int] = WEEKEND,
    ) -> CalendarSnapshot:
        """A snapshot from plain sets of dates (tests, benchmarks). The range defaults to the years given."""
        days: dict[dt.date, DayInfo] = {d: DayInfo(DayKind.HOLIDAY) for d in holidays}
        days.update({d: DayInfo(DayKind.WORKING_DAY) for d in working_days})
        years = {d.year for d in days} or {dt.date.today().year}  # noqa: DTZ011 - only a default range
        return cls(
            days=days,
            first=first or dt.date(min(years), 1, 1),
            last=last or dt.date(max(years), 12, 31),
            sessions=tuple(sessions),
            seasons=tuple(seasons),
            weekend=weekend,
        )

    def with_days(
        self, *, set_days: Mapping[dt.date, DayInfo] | None = None, remove: Iterable[dt.date] = ()
    ) -> CalendarSnapshot:
        """A new snapshot with some rows added, replaced or removed (to preview a change)."""
        days = dict(self.days)
        for day in remove:
            days.pop(day, None)
        days.update(set_days or {})
        return CalendarSnapshot(
            days=days,
            first=self.first,
            last=self.last,
            sessions=self.sessions,
            seasons=self.seasons,
            weekend=self.weekend,
            known_years=self.known_years | {d.year for d in (set_days or {})},
        )

    def with_hours(
        self, *, sessions: Iterable[Session] | None = None, seasons: Iterable[SeasonHours] | None = None
    ) -> CalendarSnapshot:
        """A new snapshot with other working sessions (to preview a change of working hours)."""
        return CalendarSnapshot(
            days=self.days,
            first=self.first,
            last=self.last,
            sessions=tuple(sessions) if sessions is not None else self.sessions,
            seasons=tuple(seasons) if seasons is not None else self.seasons,
            weekend=self.weekend,
            known_years=self.known_years,
        )

    # -- days ------------------------------------------------------------------------------------------

    @property
    def holidays(self) -> frozenset[dt.date]:
        return frozenset(d for d, info in self.days.items() if info.kind == DayKind.HOLIDAY)

    @property
    def extra_working_days(self) -> frozenset[dt.date]:
        return frozenset(d for d, info in self.days.items() if info.kind == DayKind.WORKING_DAY)

    def index(self, day: dt.date) -> int:
        i = day.toordinal() - self._base
        if not 0 <= i < self._n:
            raise OutOfCalendarRange(first=self.first.isoformat(), last=self.last.isoformat())
        return i

    def day_at(self, i: int) -> dt.date:
        if not 0 <= i < self._n:
            raise OutOfCalendarRange(first=self.first.isoformat(), last=self.last.isoformat())
        return dt.date.fromordinal(self._base + i)

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self._working[self.index(day)])

    def is_known(self, day: dt.date) -> bool:
        """True when the holidays of ``day``'s year were loaded (otherwise only weekends are known)."""
        return day.year in self.known_years

    def day_sessions(self, day: dt.date) -> tuple[Session, ...]:
        return tuple(Session(us_to_time(s), us_to_time(e)) for s, e in self._day_sessions[self.index(day)])

    def working_day_count(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start <= d <= end."""
        return self._wd_prefix[self.index(end) + 1] - self._wd_prefix[self.index(start)]

    def nth_working_day_index(self, i: int, n: int) -> int:
        """Index of the n-th working day strictly after day index ``i`` (n >= 1)."""
        k = self._wd_prefix[i + 1] + n - 1
        if k >= len(self._working_idx):
            raise OutOfCalendarRange(first=self.first.isoformat(), last=self.last.isoformat())
        return self._working_idx[k]

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        return self.day_at(self.nth_working_day_index(self.index(day), n))

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.nth_working_day_after(day, 1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def day_start_us(self, i: int) -> int:
        return self._day_sessions[i][0][0]

    def day_end_us(self, i: int) -> int:
        return self._day_sessions[i][-1][1]

    def day_start(self, day: dt.date) -> dt.datetime:
        """Start of the first session of ``day``."""
        return local_moment(day, self.day_start_us(self.index(day)))

    def day_end(self, day: dt.date) -> dt.datetime:
        """End of the last session of ``day`` — "the end of the working day"."""
        return self.day_end_at(self.index(day))

    def day_end_at(self, i: int) -> dt.datetime:
        """End of the working day with index ``i`` (memoised: due moments are mostly day ends)."""
        ends = self._day_ends
        moment = ends[i]
        if moment is None:
            moment = ends[i] = local_moment(self.day_at(i), self.day_end_us(i))
        return moment

    @cached_property
    def _day_ends(self) -> list[dt.datetime | None]:
        return [None] * self._n

    # -- working time ----------------------------------------------------------------------------------

    def working_us(self, moment: dt.datetime) -> int:
        """Working microseconds from the start of the range up to ``moment`` (non-decreasing in time)."""
        day, us = split_moment(moment)
        i = self.index(day)
        total = self._us_prefix[i]
        if self._working[i]:
            for start, end in self._day_sessions[i]:
                if us <= start:
                    break
                total += (us if us < end else end) - start
        return total

    def moment_at(self, working_us: int) -> dt.datetime:
        """The earliest moment at which ``working_us`` working microseconds have passed (> 0)."""
        j = bisect_left(self._us_prefix, working_us)
        if working_us <= 0 or j > self._n:
            raise OutOfCalendarRange(first=self.first.isoformat(), last=self.last.isoformat())
        i = j - 1
        rest = working_us - self._us_prefix[i]
        for start, end in self._day_sessions[i]:
            length = end - start
            if rest <= length:
                return local_moment(self.day_at(i), start + rest)
            rest -= length
        raise AssertionError("unreachable: the prefix sums cover the day")  # pragma: no cover

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time inside [start, end] (zero when end <= start)."""
        return dt.timedelta(microseconds=max(0, self.working_us(end) - self.working_us(start)))

    # -- vectorised views for the batch functions -----------------------------------------------------

    @cached_property
    def arrays(self) -> SnapshotArrays:
        return SnapshotArrays.from_snapshot(self)


@dataclass(frozen=True)
class SnapshotArrays:
    """numpy copies of the precomputed tables (built on first use; numpy is needed only for batches)."""

    base_epoch_day: int
    working: npt.NDArray[np.bool_]
    wd_prefix: npt.NDArray[np.int64]
    working_idx: npt.NDArray[np.int64]
    day_start_us: npt.NDArray[np.int64]
    day_end_us: npt.NDArray[np.int64]

    @classmethod
    def from_snapshot(cls, snapshot: CalendarSnapshot) -> SnapshotArrays:
        import numpy as np

        n = snapshot._n
        days: Any = snapshot._day_sessions
        return cls(
            base_epoch_day=snapshot._base - dt.date(1970, 1, 1).toordinal(),
            working=np.frombuffer(snapshot._working, dtype=np.uint8).astype(bool),
            wd_prefix=np.asarray(snapshot._wd_prefix, dtype=np.int64),
            working_idx=np.asarray(snapshot._working_idx, dtype=np.int64),
            day_start_us=np.fromiter((days[i][0][0] for i in range(n)), dtype=np.int64, count=n),
            day_end_us=np.fromiter((days[i][-1][1] for i in range(n)), dtype=np.int64, count=n),
        )
