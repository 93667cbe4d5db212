"""Hand-checked due moments on the official 2021–2027 calendar (working hours 07:00–11:30, 13:30–17:00)."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.calendar.engine import (
    CalendarSnapshot,
    DeemedReason,
    Limit,
    Outcome,
    Pause,
    SeasonHours,
    Session,
    add_working_time,
    classify,
    deemed_receipt,
    deemed_receipt_reason,
    due_calendar_days,
    due_moment,
    due_same_day,
    due_working_days,
    due_working_hours,
    elapsed_working_time,
    explain_due,
    parse_date,
    parse_moment,
    parse_pause,
    parse_time,
    validate_sessions,
)
from motcua.calendar.errors import (
    InvalidInput,
    InvalidLimit,
    InvalidPause,
    InvalidSessions,
    OutOfCalendarRange,
)

from .util import at

CUTOFF = dt.time(15, 0)
H = dt.timedelta(hours=1)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


# -- working days across the holidays ----------------------------------------------------------------

WORKING_DAY_CASES = [
    # Tết 2025: off Mon 27/01 – Fri 31/01 (Sat 01/02 shifted to Mon 27/01), break Sat 25/01 – Sun 02/02.
    ("2025-01-23 10:00", 1, "2025-01-24T17:00:00+07:00"),
    ("2025-01-24 10:00", 1, "2025-02-03T17:00:00+07:00"),
    ("2025-01-24 10:00", 3, "2025-02-05T17:00:00+07:00"),
    ("2025-01-29 09:00", 1, "2025-02-04T17:00:00+07:00"),  # received on Tết: counts from Mon 03/02
    # Tết 2026: off Mon 16/02 – Fri 20/02, break Sat 14/02 – Sun 22/02 (the example).
    ("2026-02-13 10:00", 5, "2026-02-27T17:00:00+07:00"),
    ("2026-02-13 10:00", 1, "2026-02-23T17:00:00+07:00"),
    ("2026-02-17 09:00", 1, "2026-02-24T17:00:00+07:00"),
    # Hùng Kings day: Thu 18/04/2024, Mon 07/04/2025, Sun 26/04/2026 + observed Mon 27/04/2026.
    ("2024-04-17 10:00", 1, "2024-04-19T17:00:00+07:00"),
    ("2025-04-04 09:00", 1, "2025-04-08T17:00:00+07:00"),
    ("2026-04-24 10:00", 1, "2026-04-28T17:00:00+07:00"),
    ("2026-04-24 10:00", 3, "2026-05-04T17:00:00+07:00"),  # Thu 30/04, Fri 01/05 off as well
    # 30/4–1/5 with make-up Saturdays: 2024 off Mon 29/04 worked Sat 04/05; 2025 worked Sat 26/04 off Fri 02/05.
    ("2024-04-26 10:00", 2, "2024-05-03T17:00:00+07:00"),
    ("2024-04-26 10:00", 3, "2024-05-04T17:00:00+07:00"),  # the make-up Saturday counts
    ("2024-04-26 10:00", 4, "2024-05-06T17:00:00+07:00"),
    ("2025-04-25 10:00", 1, "2025-04-26T17:00:00+07:00"),  # due on the make-up Saturday
    ("2025-04-25 10:00", 4, "2025-05-05T17:00:00+07:00"),
    ("2025-04-26 09:00", 1, "2025-04-28T17:00:00+07:00"),  # received on the make-up Saturday
    # 2/9: 2024 Mon 02 + Tue 03; 2025 Mon 01 + Tue 02; 2026 Tue 01 + Wed 02, swap Mon 31/08 ↔ Sat 22/08.
    ("2024-08-30 16:59", 1, "2024-09-04T17:00:00+07:00"),
    ("2025-08-29 10:00", 1, "2025-09-03T17:00:00+07:00"),
    ("2026-08-21 10:00", 1, "2026-08-22T17:00:00+07:00"),
    ("2026-08-28 10:00", 1, "2026-09-03T17:00:00+07:00"),
    # The swap the library misses: off Fri 02/01/2026, worked Sat 10/01/2026 (12729/VPCP-KGVX).
    ("2025-12-31 10:00", 1, "2026-01-05T17:00:00+07:00"),
    ("2026-01-09 10:00", 1, "2026-01-10T17:00:00+07:00"),
    ("2026-01-10 08:00", 1, "2026-01-12T17:00:00+07:00"),
    # Year ends.
    ("2025-12-31 17:00", 1, "2026-01-06T17:00:00+07:00"),  # after hours on 31/12 → deemed Mon 05/01
    ("2021-12-31 10:00", 1, "2022-01-04T17:00:00+07:00"),  # Sat 01/01/2022 observed Mon 03/01
    ("2022-12-30 10:00", 1, "2023-01-03T17:00:00+07:00"),  # Sun 01/01/2023 observed Mon 02/01
    ("2024-12-31 16:00", 1, "2025-01-02T17:00:00+07:00"),
]


@pytest.mark.parametrize(("received", "days", "expected"), WORKING_DAY_CASES)
def test_working_days(official, received, days, expected):
    assert iso(due_working_days(official, at(received), days)) == expected


def test_the_2026_new_year_swap_is_missing_from_the_library(official, library_only):
    received = at("2025-12-31 10:00")
    assert iso(due_working_days(library_only, received, 1)) == "2026-01-02T17:00:00+07:00"
    assert iso(due_working_days(official, received, 1)) == "2026-01-05T17:00:00+07:00"
    assert not official.is_working_day(dt.date(2026, 1, 2))
    assert official.is_working_day(dt.date(2026, 1, 10))
    assert library_only.is_working_day(dt.date(2026, 1, 2))
    assert not library_only.is_working_day(dt.date(2026, 1, 10))


# -- cut-off edge cases (Mon 09/03/2026, an ordinary week) ------------------------------------------


@pytest.mark.parametrize(
    ("received", "cutoff", "deemed", "reason", "due_1wd", "due_same"),
    [
        ("2026-03-09 14:59", CUTOFF, "2026-03-09T14:59:00+07:00", DeemedReason.NONE, "2026-03-10", "2026-03-09"),
        ("2026-03-09 15:00", CUTOFF, "2026-03-10T07:00:00+07:00", DeemedReason.AFTER_CUTOFF, "2026-03-11", "2026-03-10"),
        ("2026-03-09 16:59", CUTOFF, "2026-03-10T07:00:00+07:00", DeemedReason.AFTER_CUTOFF, "2026-03-11", "2026-03-10"),
        ("2026-03-09 16:59", None, "2026-03-09T16:59:00+07:00", DeemedReason.NONE, "2026-03-10", "2026-03-09"),
        ("2026-03-09 17:00", None, "2026-03-10T07:00:00+07:00", DeemedReason.AFTER_HOURS, "2026-03-11", "2026-03-10"),
        ("2026-03-09 17:00", CUTOFF, "2026-03-10T07:00:00+07:00", DeemedReason.AFTER_CUTOFF, "2026-03-11", "2026-03-10"),
        ("2026-03-08 10:00", CUTOFF, "2026-03-09T07:00:00+07:00", DeemedReason.NON_WORKING_DAY, "2026-03-10", "2026-03-09"),
        ("2026-03-08 10:00", None, "2026-03-09T07:00:00+07:00", DeemedReason.NON_WORKING_DAY, "2026-03-10", "2026-03-09"),
        ("2026-03-09 06:30", CUTOFF, "2026-03-09T07:00:00+07:00", DeemedReason.BEFORE_HOURS, "2026-03-10", "2026-03-09"),
        ("2026-03-09 12:00", CUTOFF, "2026-03-09T13:30:00+07:00", DeemedReason.BETWEEN_SESSIONS, "2026-03-10", "2026-03-09"),
    ],
)  # fmt: skip
def test_cutoff_edges(official, received, cutoff, deemed, reason, due_1wd, due_same):
    moment = at(received)
    assert iso(deemed_receipt(official, moment, cutoff=cutoff)) == deemed
    assert deemed_receipt_reason(official, moment, cutoff=cutoff) == reason
    assert iso(due_working_days(official, moment, 1, cutoff=cutoff)) == f"{due_1wd}T17:00:00+07:00"
    assert iso(due_same_day(official, moment, cutoff=cutoff)) == f"{due_same}T17:00:00+07:00"


def test_friday_after_cutoff_before_tet_counts_from_after_tet(official):
    assert iso(due_same_day(official, at("2026-02-13 16:00"), cutoff=CUTOFF)) == "2026-02-23T17:00:00+07:00"
    assert iso(due_same_day(official, at("2026-02-13 16:00"))) == "2026-02-13T17:00:00+07:00"


def test_cutoff_is_configurable(official):
    assert iso(due_working_days(official, at("2026-03-09 16:00"), 1, cutoff=dt.time(16, 30))) == (
        "2026-03-10T17:00:00+07:00"
    )
    assert iso(due_working_days(official, at("2026-03-09 16:30"), 1, cutoff=dt.time(16, 30))) == (
        "2026-03-11T17:00:00+07:00"
    )


# -- working hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "hours", "expected"),
    [
        ("2026-03-09 08:00", 1, "2026-03-09T09:00:00+07:00"),
        ("2026-03-09 10:00", 2, "2026-03-09T14:00:00+07:00"),  # lunch break skipped
        ("2026-03-09 10:00", Decimal("1.5"), "2026-03-09T11:30:00+07:00"),  # ends at a session end
        ("2026-03-09 07:00", 8, "2026-03-09T17:00:00+07:00"),  # one full day
        ("2026-03-09 16:00", 2, "2026-03-10T08:00:00+07:00"),
        ("2026-03-09 18:00", 2, "2026-03-10T09:00:00+07:00"),  # after hours: from 07:00 next day
        ("2026-02-13 10:00", 10, "2026-02-23T14:00:00+07:00"),  # across Tết 2026
        ("2025-01-24 15:00", 4, "2025-02-03T09:00:00+07:00"),  # across Tết 2025
        ("2025-12-31 16:00", 2, "2026-01-05T08:00:00+07:00"),  # across the year end and the swap
        ("2025-04-25 16:00", 3, "2025-04-26T09:00:00+07:00"),  # into the make-up Saturday
        ("2026-03-09 08:00", "0.25", "2026-03-09T08:15:00+07:00"),
    ],
)
def test_working_hours(official, received, hours, expected):
    assert iso(due_working_hours(official, at(received), hours)) == expected


def test_working_hours_with_cutoff(official):
    assert (
        iso(due_working_hours(official, at("2026-03-09 15:30"), 2, cutoff=CUTOFF))
        == "2026-03-10T09:00:00+07:00"
    )


def test_add_working_time_matches_hours(official):
    start = at("2026-03-09 10:00")
    assert add_working_time(official, start, 2 * H) == due_working_hours(official, start, 2)
    with pytest.raises(InvalidLimit):
        add_working_time(official, start, dt.timedelta(0))


# -- calendar days -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        ("2026-03-09 10:00", 1, "2026-03-10T17:00:00+07:00"),
        ("2026-03-09 10:00", 5, "2026-03-16T17:00:00+07:00"),  # Sat 14/03 → moved to Mon 16/03
        ("2026-03-09 10:00", 4, "2026-03-13T17:00:00+07:00"),
        ("2026-02-13 10:00", 3, "2026-02-23T17:00:00+07:00"),  # Mon 16/02 is Tết → Mon 23/02
        ("2026-02-13 10:00", 10, "2026-02-23T17:00:00+07:00"),
        ("2026-02-14 10:00", 1, "2026-02-24T17:00:00+07:00"),  # received during Tết: from Mon 23/02
        ("2025-12-30 10:00", 3, "2026-01-05T17:00:00+07:00"),  # Fri 02/01/2026 is the swapped day off
        ("2026-01-07 10:00", 3, "2026-01-10T17:00:00+07:00"),  # Sat 10/01/2026 is a working day
        ("2026-12-25 10:00", 7, "2027-01-04T17:00:00+07:00"),  # Fri 01/01/2027 → Mon 04/01/2027
    ],
)
def test_calendar_days(official, received, days, expected):
    assert iso(due_calendar_days(official, at(received), days)) == expected


# -- pauses ------------------------------------------------------------------------------------------


def test_pause_spanning_tet_moves_due_by_its_working_days_only(official):
    received = at("2026-02-09 08:00")
    base = due_working_days(official, received, 10)
    assert iso(base) == "2026-03-02T17:00:00+07:00"
    # Thu 12/02 07:00 → Tue 24/02 07:00 holds Thu 12, Fri 13 and Mon 23/02: 24 working hours; Tết is not counted.
    pause = Pause(at("2026-02-12 07:00"), at("2026-02-24 07:00"))
    assert official.working_time(pause.start, pause.end) == 24 * H
    assert iso(due_working_days(official, received, 10, pauses=[pause])) == "2026-03-05T17:00:00+07:00"


def test_pause_inside_a_holiday_moves_nothing(official):
    received = at("2026-02-09 08:00")
    pause = Pause(at("2026-02-16 08:00"), at("2026-02-20 16:00"))
    assert due_working_days(official, received, 10, pauses=[pause]) == due_working_days(
        official, received, 10
    )


def test_partial_day_pause_moves_due_into_the_next_day(official):
    received = at("2026-02-09 08:00")
    pause = Pause(at("2026-02-10 13:30"), at("2026-02-11 09:30"))  # 3.5 h + 2.5 h
    assert iso(due_working_days(official, received, 10, pauses=[pause])) == "2026-03-03T15:00:00+07:00"


def test_pause_spanning_the_year_end_and_the_missing_swap(official):
    received = at("2025-12-29 08:00")
    base = due_working_days(official, received, 3)
    assert iso(base) == "2026-01-05T17:00:00+07:00"  # Tue 30, Wed 31/12, Mon 05/01
    pause = Pause(at("2025-12-31 07:00"), at("2026-01-06 07:00"))  # Wed 31/12 + Mon 05/01 = 16 h
    assert iso(due_working_days(official, received, 3, pauses=[pause])) == "2026-01-07T17:00:00+07:00"


def test_pause_that_starts_after_the_due_moment_does_not_count(official):
    received = at("2026-03-09 08:00")
    late_pause = Pause(at("2026-03-11 08:00"), at("2026-03-12 08:00"))
    assert due_working_days(official, received, 1, pauses=[late_pause]) == due_working_days(
        official, received, 1
    )


def test_pauses_that_chain_after_a_moved_due(official):
    received = at("2026-03-09 08:00")  # 1 wd → Tue 10/03 17:00
    first = Pause(at("2026-03-10 07:00"), at("2026-03-11 07:00"))  # 8 h → Wed 11/03 17:00
    second = Pause(at("2026-03-11 13:30"), at("2026-03-11 17:00"))  # starts before the moved due: 3.5 h
    due = due_working_days(official, received, 1, pauses=[second, first])
    assert iso(due) == "2026-03-12T10:30:00+07:00"


def test_restart_rule_counts_again_from_the_full_dossier(official):
    received = at("2026-03-09 08:00")
    pause = Pause(at("2026-03-10 09:00"), at("2026-03-16 10:00"))
    assert (
        iso(due_working_days(official, received, 5, pauses=[pause], restart=True))
        == "2026-03-23T17:00:00+07:00"
    )
    assert iso(due_working_days(official, received, 5, pauses=[pause])) == "2026-03-23T08:00:00+07:00"
    # the complete dossier arriving after the cut-off counts from the next working day
    late = Pause(at("2026-03-10 09:00"), at("2026-03-16 15:30"))
    assert iso(due_working_days(official, received, 5, pauses=[late], restart=True, cutoff=CUTOFF)) == (
        "2026-03-24T17:00:00+07:00"
    )


@pytest.mark.parametrize(
    ("pauses", "code"),
    [
        ([("2026-03-10 10:00", "2026-03-10 09:00")], "pause_end_before_start"),
        ([("2026-03-10 10:00", "2026-03-10 10:00")], "pause_end_before_start"),
        (
            [("2026-03-10 08:00", "2026-03-11 08:00"), ("2026-03-10 16:00", "2026-03-12 08:00")],
            "pause_overlap",
        ),
        ([("2026-03-08 08:00", "2026-03-10 08:00")], "pause_before_receipt"),
    ],
)
def test_bad_pauses_are_refused(official, pauses, code):
    with pytest.raises(InvalidPause) as info:
        due_working_days(official, at("2026-03-09 08:00"), 3, pauses=[Pause(at(a), at(b)) for a, b in pauses])
    assert info.value.code == code
    assert "tạm dừng" in str(info.value)


def test_touching_pauses_are_fine(official):
    pauses = [
        Pause(at("2026-03-10 08:00"), at("2026-03-10 10:00")),
        Pause(at("2026-03-10 10:00"), at("2026-03-10 11:00")),
    ]
    one = [Pause(at("2026-03-10 08:00"), at("2026-03-10 11:00"))]
    received = at("2026-03-09 08:00")
    assert due_working_days(official, received, 3, pauses=pauses) == due_working_days(
        official, received, 3, pauses=one
    )


# -- elapsed and classification -------------------------------------------------------------------


def test_elapsed_working_time(official):
    assert elapsed_working_time(official, at("2026-03-09 10:00"), at("2026-03-09 14:30")) == dt.timedelta(
        hours=2, minutes=30
    )
    assert elapsed_working_time(official, at("2026-02-13 10:00"), at("2026-02-23 14:00")) == 10 * H
    pause = Pause(at("2026-02-13 16:00"), at("2026-02-23 08:00"))  # 1 h + 1 h
    assert (
        elapsed_working_time(official, at("2026-02-13 10:00"), at("2026-02-23 14:00"), pauses=[pause])
        == 8 * H
    )
    with pytest.raises(InvalidInput) as info:
        elapsed_working_time(official, at("2026-03-09 14:30"), at("2026-03-09 10:00"))
    assert info.value.code == "range_reversed"


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        ("2026-02-26 16:00", Outcome.EARLY),
        ("2026-02-21 10:00", Outcome.EARLY),  # a Saturday before the due day
        ("2026-02-27 09:00", Outcome.ON_TIME),
        ("2026-02-27 17:00", Outcome.ON_TIME),
        ("2026-02-27 17:00:01", Outcome.LATE),
        ("2026-02-28 09:00", Outcome.LATE),
    ],
)
def test_classify_day_based(official, finished, outcome):
    due = due_working_days(official, at("2026-02-13 10:00"), 5)
    assert classify(official, finished=at(finished), due=due, day_based=True) == outcome


@pytest.mark.parametrize(
    ("finished", "outcome"),
    [
        ("2026-03-09 13:59", Outcome.EARLY),
        ("2026-03-09 14:00", Outcome.ON_TIME),
        ("2026-03-09 14:01", Outcome.LATE),
    ],
)
def test_classify_hour_based(official, finished, outcome):
    due = due_working_hours(official, at("2026-03-09 10:00"), 2)
    assert classify(official, finished=at(finished), due=due, day_based=False) == outcome


def test_classify_with_pauses(official):
    due = due_working_days(official, at("2026-02-09 08:00"), 10)  # Mon 02/03 17:00
    pauses = [Pause(at("2026-02-12 07:00"), at("2026-02-24 07:00"))]  # moves it to Thu 05/03 17:00
    assert classify(official, finished=at("2026-03-04 10:00"), due=due, pauses=pauses) == Outcome.EARLY
    assert classify(official, finished=at("2026-03-05 10:00"), due=due, pauses=pauses) == Outcome.ON_TIME
    assert classify(official, finished=at("2026-03-05 10:00"), due=due) == Outcome.LATE


# -- limits and input errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: Limit.working_days(0), "limit_not_positive"),
        (lambda: Limit.working_days(-3), "limit_not_positive"),
        (lambda: Limit.working_hours(0), "limit_not_positive"),
        (lambda: Limit.working_hours("-1.5"), "limit_not_positive"),
        (lambda: Limit.calendar_days(0), "limit_not_positive"),
        (lambda: Limit.working_days("abc"), "limit_not_number"),
        (lambda: Limit.working_days("NaN"), "limit_not_number"),
        (lambda: Limit.working_days(True), "limit_not_number"),
        (lambda: Limit.working_days("1.5"), "limit_not_whole_days"),
    ],
)
def test_bad_limits(make, code):
    with pytest.raises(InvalidLimit) as info:
        make()
    assert info.value.code == code
    assert str(info.value)  # a Vietnamese sentence


def test_limit_messages_are_vietnamese():
    with pytest.raises(InvalidLimit) as info:
        Limit.working_days(0)
    assert str(info.value) == "Thời hạn phải lớn hơn 0 (nhận được 0)."


def test_naive_datetimes_are_refused(official):
    with pytest.raises(InvalidInput) as info:
        due_working_days(official, dt.datetime(2026, 3, 9, 10), 1)
    assert info.value.code == "naive_datetime"


def test_other_time_zones_are_converted(official):
    received = dt.datetime(2026, 3, 9, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội
    assert iso(due_working_days(official, received, 1)) == "2026-03-10T17:00:00+07:00"
    utc_evening = dt.datetime(2026, 3, 9, 10, 30, tzinfo=dt.UTC)  # 17:30 local: after hours
    assert iso(due_working_days(official, utc_evening, 1)) == "2026-03-11T17:00:00+07:00"


def test_outside_the_calendar_range(official):
    with pytest.raises(OutOfCalendarRange) as info:
        due_working_days(official, at("2019-05-06 10:00"), 1)
    assert info.value.code == "out_of_calendar_range"
    with pytest.raises(OutOfCalendarRange):
        due_working_days(official, at("2031-12-30 10:00"), 30)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("13/02/2026 10:00", "invalid_datetime_format"),
        ("2026-02-13", "moment_without_time"),
        ("hôm nay", "invalid_datetime_format"),
        ("", "invalid_datetime_format"),
    ],
)
def test_parse_moment_errors(text, code):
    with pytest.raises(InvalidInput) as info:
        parse_moment(text)
    assert info.value.code == code


def test_parsers():
    assert iso(parse_moment("2026-02-13T10:00")) == "2026-02-13T10:00:00+07:00"
    assert iso(parse_moment("2026-02-13T03:00Z")) == "2026-02-13T10:00:00+07:00"
    assert parse_date("02/01/2026") == parse_date("2026-01-02") == dt.date(2026, 1, 2)
    assert parse_time("15:00") == CUTOFF
    pause = parse_pause("2026-02-24T08:00/2026-02-25T16:00")
    assert pause.end - pause.start == dt.timedelta(hours=32)
    for bad, code in [
        ("2026-02-24T08:00", "invalid_pause_format"),
        ("2026-02-25T08:00/2026-02-24T08:00", "pause_end_before_start"),
    ]:
        with pytest.raises(InvalidPause) as info:
            parse_pause(bad)
        assert info.value.code == code
    with pytest.raises(InvalidInput):
        parse_date("31/02/2026")
    with pytest.raises(InvalidInput):
        parse_time("3 giờ chiều")


# -- sessions and seasons ---------------------------------------------------------------------------


def test_sessions_are_validated():
    for sessions, code in [
        ([], "sessions_empty"),
        ([Session(dt.time(11), dt.time(7))], "session_reversed"),
        ([Session(dt.time(7), dt.time(12)), Session(dt.time(11), dt.time(17))], "sessions_overlap"),
    ]:
        with pytest.raises(InvalidSessions) as info:
            validate_sessions(sessions)
        assert info.value.code == code


def test_seasonal_and_custom_sessions():
    summer = SeasonHours(
        (Session(dt.time(7), dt.time(11)), Session(dt.time(13, 30), dt.time(17, 30))),
        valid_from=dt.date(2026, 4, 15),
        valid_to=dt.date(2026, 10, 14),
    )
    cal = CalendarSnapshot.build(first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31), seasons=[summer])
    assert iso(due_working_days(cal, at("2026-03-09 10:00"), 1)) == "2026-03-10T17:00:00+07:00"
    assert iso(due_working_days(cal, at("2026-06-08 10:00"), 1)) == "2026-06-09T17:30:00+07:00"
    assert iso(due_working_hours(cal, at("2026-06-08 10:00"), 2)) == "2026-06-08T14:30:00+07:00"
    # a receipt at 17:15 in summer is still inside working hours
    assert iso(deemed_receipt(cal, at("2026-06-08 17:15"))) == "2026-06-08T17:15:00+07:00"
    assert cal.day_sessions(dt.date(2026, 6, 8)) == summer.sessions


def test_custom_weekend_and_week_shape():
    cal = CalendarSnapshot.build(
        first=dt.date(2026, 1, 1), last=dt.date(2026, 12, 31), weekend=frozenset({6}),
        sessions=[Session(dt.time(8), dt.time(12))],
    )  # fmt: skip
    assert (
        iso(due_working_days(cal, at("2026-03-06 10:00"), 1)) == "2026-03-07T12:00:00+07:00"
    )  # Saturday works
    assert iso(due_working_hours(cal, at("2026-03-07 11:00"), 2)) == "2026-03-09T09:00:00+07:00"


# -- explanations ----------------------------------------------------------------------------------


def test_explain_lists_skipped_days_and_why(official):
    e = explain_due(official, at("2026-02-13 16:00"), Limit.working_days(5), cutoff=CUTOFF)
    assert iso(e.due) == "2026-03-02T17:00:00+07:00"
    assert e.deemed_reason == DeemedReason.AFTER_CUTOFF
    assert "giờ chốt" in e.deemed_reason_text
    skipped = {n.day: n for n in e.days if not n.counted}
    assert dt.date(2026, 2, 17) in skipped
    assert "Tết Nguyên Đán" in skipped[dt.date(2026, 2, 17)].reason
    assert "9441/TB-BNV" in skipped[dt.date(2026, 2, 17)].legal_reference
    assert skipped[dt.date(2026, 2, 14)].reason == "Thứ Bảy: nghỉ hằng tuần"
    assert e.unknown_years == ()


def test_explain_shows_make_up_days_and_pauses(official):
    pause = Pause(at("2026-01-05 07:00"), at("2026-01-06 07:00"))
    e = explain_due(official, at("2025-12-31 10:00"), Limit.working_days(8), pauses=[pause])
    made_up = [n for n in e.days if n.counted]
    assert [n.day for n in made_up] == [dt.date(2026, 1, 10)]
    assert "12729/VPCP-KGVX" in made_up[0].legal_reference
    assert e.pauses[0].working_time == 8 * H and e.pauses[0].counted
    assert iso(e.base_due) == "2026-01-13T17:00:00+07:00"  # Mon 05 … Fri 09, Sat 10, Mon 12, Tue 13
    assert iso(e.due) == "2026-01-14T17:00:00+07:00"


def test_explain_warns_about_years_without_holidays(official):
    e = explain_due(official, at("2028-03-06 10:00"), Limit.working_days(1))
    assert e.unknown_years == (2028,)


def test_due_moment_dispatch(official):
    received = at("2026-03-09 10:00")
    assert due_moment(official, received, Limit.same_day()) == at("2026-03-09 17:00")
    assert due_moment(official, received, Limit.working_days(2)) == at("2026-03-11 17:00")
    assert due_moment(official, received, Limit.working_hours(1)) == at("2026-03-09 11:00")
    assert due_moment(official, received, Limit.calendar_days(2)) == at("2026-03-11 17:00")
    assert str(Limit.working_days(5)) == "5 ngày làm việc"
    assert str(Limit.working_hours("1.50")) == "1.5 giờ làm việc"
    assert str(Limit.working_hours(10)) == "10 giờ làm việc"
    assert str(Limit.calendar_days(3)) == "3 ngày" and str(Limit.same_day()) == "trong ngày"
