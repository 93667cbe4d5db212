"""Properties of the deadline engine, checked with Hypothesis on the official 2021–2027 calendar."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import (
    TZ,
    Limit,
    Pause,
    batch_due_working_days,
    deemed_receipt,
    due_calendar_days,
    due_moment,
    due_working_days,
    due_working_hours,
    elapsed_working_time,
    from_datetime64,
    to_datetime64,
)
from motcua.calendar.errors import InvalidLimit

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Receipts anywhere in 2021–2027 (to the second), limits that stay inside the snapshot (…2031).
receipts = st.datetimes(
    min_value=dt.datetime(2021, 1, 1), max_value=dt.datetime(2027, 12, 31, 23, 59, 59)
).map(lambda d: d.replace(microsecond=0, tzinfo=TZ))
day_limits = st.integers(min_value=1, max_value=120)
quarter_hours = st.integers(min_value=1, max_value=4 * 400).map(lambda q: Decimal(q) / 4)
cutoffs = st.sampled_from([None, dt.time(15, 0), dt.time(16, 30), dt.time(11, 0)])
US = dt.timedelta(microseconds=1)


def in_working_time(cal, moment):
    day = moment.date()
    if not cal.is_working_day(day):
        return False
    t = moment.timetz().replace(tzinfo=None)
    return any(s.start < t <= s.end for s in cal.day_sessions(day))


@SETTINGS
@given(received=receipts, n=day_limits, m=day_limits, cutoff=cutoffs)
def test_working_days_never_before_receipt_and_monotone(official, received, n, m, cutoff):
    a = due_working_days(official, received, n, cutoff=cutoff)
    b = due_working_days(official, received, m, cutoff=cutoff)
    assert a > received and b > received
    assert (a <= b) == (n <= m) or a == b


@SETTINGS
@given(received=receipts, n=day_limits, cutoff=cutoffs)
def test_day_based_due_is_end_of_a_working_day_with_n_minus_1_working_days_between(
    official, received, n, cutoff
):
    due = due_working_days(official, received, n, cutoff=cutoff)
    deemed_day = deemed_receipt(official, received, cutoff=cutoff).date()
    due_day = due.date()
    assert official.is_working_day(due_day)
    assert due == official.day_end(due_day)
    between = official.working_day_count(deemed_day + dt.timedelta(days=1), due_day - dt.timedelta(days=1))
    assert between == n - 1


@SETTINGS
@given(
    received=receipts, d=st.integers(min_value=1, max_value=200), e=st.integers(min_value=1, max_value=200)
)
def test_calendar_days_due_is_a_working_day_end_and_monotone(official, received, d, e):
    a = due_calendar_days(official, received, d)
    b = due_calendar_days(official, received, e)
    assert a > received
    assert a == official.day_end(a.date()) and official.is_working_day(a.date())
    assert a.date() >= deemed_receipt(official, received).date() + dt.timedelta(days=d)
    if d <= e:
        assert a <= b


@SETTINGS
@given(received=receipts, h=quarter_hours, k=quarter_hours)
def test_working_hours_elapsed_inside_working_time_and_additive(official, received, h, k):
    due_h = due_working_hours(official, received, h)
    assert due_h > received
    assert elapsed_working_time(official, received, due_h) == dt.timedelta(hours=float(h))
    assert in_working_time(official, due_h)
    # adding H then K equals adding H + K
    assert due_working_hours(official, due_h, k) == due_working_hours(official, received, h + k)
    # monotone in the limit
    due_k = due_working_hours(official, received, k)
    assert (due_h <= due_k) == (h <= k) or due_h == due_k


@SETTINGS
@given(received=receipts, h=quarter_hours, cutoff=cutoffs)
def test_working_hours_count_from_the_deemed_receipt(official, received, h, cutoff):
    due = due_working_hours(official, received, h, cutoff=cutoff)
    deemed = deemed_receipt(official, received, cutoff=cutoff)
    assert deemed >= received
    assert elapsed_working_time(official, deemed, due) == dt.timedelta(hours=float(h))


@st.composite
def pause_plans(draw):
    """A receipt, a limit and 1–3 non-overlapping pauses that all start between the receipt and the due."""
    received = draw(receipts.filter(lambda r: r.year <= 2026))
    limit = draw(
        st.one_of(
            day_limits.map(Limit.working_days),
            quarter_hours.map(Limit.working_hours),
            st.integers(min_value=1, max_value=60).map(Limit.calendar_days),
            st.just(Limit.same_day()),
        )
    )
    return (
        received,
        limit,
        draw(st.lists(st.tuples(st.floats(0, 1), st.integers(1, 20 * 24 * 60)), min_size=1, max_size=3)),
    )


@SETTINGS
@given(plan=pause_plans())
def test_pauses_move_the_due_moment_by_exactly_their_working_time(official, plan):
    received, limit, raw = plan
    base = due_moment(official, received, limit)
    span = (base - received).total_seconds()
    starts = sorted(received + dt.timedelta(seconds=int(f * span)) for f, _ in raw)
    pauses = []
    previous_end = received
    for start, (_f, minutes) in zip(starts, raw, strict=True):
        start = max(start, previous_end)
        if start >= base:
            break
        end = start + dt.timedelta(minutes=minutes)
        pauses.append(Pause(start, end))
        previous_end = end
    if not pauses:
        return
    due = due_moment(official, received, limit, pauses=pauses)
    paused = sum((official.working_time(p.start, p.end) for p in pauses), dt.timedelta())
    assert official.working_us(due) - official.working_us(base) == paused // US
    # and the elapsed working time minus the pauses is unchanged
    assert elapsed_working_time(official, received, due, pauses=pauses) == elapsed_working_time(
        official, received, base
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(st.tuples(receipts, day_limits), min_size=1, max_size=60),
    cutoff=cutoffs,
)
def test_batch_agrees_with_the_scalar_function(official, pairs, cutoff):
    received = to_datetime64([r for r, _ in pairs])
    days = np.array([n for _, n in pairs], dtype=np.int64)
    batch = from_datetime64(batch_due_working_days(official, received, days, cutoff=cutoff))
    assert batch == [due_working_days(official, r, n, cutoff=cutoff) for r, n in pairs]


def test_batch_on_every_minute_of_tet_week(official):
    start = dt.datetime(2026, 2, 12, tzinfo=TZ)
    moments = [start + dt.timedelta(minutes=15 * i) for i in range(4 * 24 * 12)]
    for cutoff in (None, dt.time(15)):
        batch = from_datetime64(batch_due_working_days(official, to_datetime64(moments), 3, cutoff=cutoff))
        assert batch == [due_working_days(official, m, 3, cutoff=cutoff) for m in moments]


def test_batch_refuses_bad_limits(official):
    received = to_datetime64([dt.datetime(2026, 3, 9, 10, tzinfo=TZ)] * 2)
    for bad, code in [([1, 0], "limit_not_positive"), ([1.5, 2], "limit_not_whole_days")]:
        with pytest.raises(InvalidLimit) as info:
            batch_due_working_days(official, received, np.array(bad))
        assert info.value.code == code
    # whole floats are accepted
    assert len(batch_due_working_days(official, received, np.array([1.0, 2.0]))) == 2


@SETTINGS
@given(received=receipts, n=day_limits, cutoff=cutoffs)
def test_fast_path_agrees_with_the_general_path(official, received, n, cutoff):
    assert due_working_days(official, received, n, cutoff=cutoff) == due_moment(
        official, received, Limit.working_days(n), cutoff=cutoff
    )
