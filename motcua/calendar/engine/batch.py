"""Vectorised deadline functions for recomputing many due moments at once (reports, recomputes, benchmarks).

They give exactly the same answers as the scalar functions in ``deadlines`` (the tests check it) but work
on numpy arrays using the snapshot's precomputed tables: a receipt becomes a day index and a time of day,
the deemed receipt is one comparison, and the N-th working day is two array look-ups.

Instants are passed as numpy ``datetime64`` values in UTC (numpy's datetime64 has no time zone; we read it
as UTC) and returned as ``datetime64[us]`` in UTC. Asia/Ho_Chi_Minh is a fixed UTC+07:00.
numpy is imported lazily: only callers of these functions need it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from motcua.calendar.errors import InvalidLimit, OutOfCalendarRange

from .deadlines import _check_cutoff
from .snapshot import TZ, US_PER_DAY, UTC_OFFSET, CalendarSnapshot

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

_OFFSET_US = UTC_OFFSET // dt.timedelta(microseconds=1)


def to_datetime64(moments: Iterable[dt.datetime]) -> npt.NDArray[np.datetime64]:
    """Aware datetimes → ``datetime64[us]`` UTC instants."""
    import numpy as np

    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return np.array([(m - epoch) // dt.timedelta(microseconds=1) for m in moments], dtype=np.int64).astype(
        "datetime64[us]"
    )


def from_datetime64(values: npt.NDArray[np.datetime64]) -> list[dt.datetime]:
    """``datetime64`` UTC instants → aware datetimes in Asia/Ho_Chi_Minh."""
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros: Sequence[int] = values.astype("datetime64[us]").astype("int64").tolist()
    return [(epoch + dt.timedelta(microseconds=us)).astimezone(TZ) for us in micros]


def batch_due_working_days(
    cal: CalendarSnapshot,
    received: npt.ArrayLike,
    days: npt.ArrayLike,
    *,
    cutoff: dt.time | None = None,
) -> npt.NDArray[np.datetime64]:
    """Due moments (end of the N-th working day after the deemed receipt day) for arrays of receipts and N.

    ``received``: datetime64 UTC instants; ``days``: whole numbers >= 1 (broadcast against ``received``).
    Same rules as ``deadlines.due_working_days`` without pauses.
    """
    import numpy as np

    arrays = cal.arrays
    local: Any = np.asarray(received).astype("datetime64[us]").astype(np.int64) + _OFFSET_US
    n_raw = np.asarray(days)
    whole = n_raw.dtype.kind in "iu" or (
        n_raw.dtype.kind == "f"
        and bool(np.all(np.isfinite(n_raw)))
        and bool(np.all(n_raw == np.floor(n_raw)))
    )
    if not whole:
        raise InvalidLimit(
            _("Số ngày phải là số nguyên (nhận được %(value)s); nửa ngày tính là 4 giờ làm việc."),
            code="limit_not_whole_days",
            value=n_raw.dtype,
        )
    n = n_raw.astype(np.int64)
    if n.size and int(n.min()) < 1:
        raise InvalidLimit(
            _("Thời hạn phải lớn hơn 0 (nhận được %(value)s)."), code="limit_not_positive", value=int(n.min())
        )
    day = local // US_PER_DAY
    time_of_day = local - day * US_PER_DAY
    idx = day - arrays.base_epoch_day
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= len(arrays.working)):
        raise OutOfCalendarRange(first=cal.first.isoformat(), last=cal.last.isoformat())
    after = ~arrays.working[idx] | (time_of_day >= arrays.day_end_us[idx])
    cutoff_us = _check_cutoff(cutoff)
    if cutoff_us is not None:
        after |= time_of_day >= cutoff_us
    position = arrays.wd_prefix[idx + 1] + n - 1 + after
    if position.size and int(position.max()) >= len(arrays.working_idx):
        raise OutOfCalendarRange(first=cal.first.isoformat(), last=cal.last.isoformat())
    due_idx = arrays.working_idx[position]
    due_local = (due_idx + arrays.base_epoch_day) * US_PER_DAY + arrays.day_end_us[due_idx]
    result: npt.NDArray[np.datetime64] = (due_local - _OFFSET_US).astype("datetime64[us]")
    return result
