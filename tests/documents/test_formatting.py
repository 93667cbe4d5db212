import datetime as dt
from decimal import Decimal

import pytest

from motcua.documents.formatting import (
    VIETNAM_TZ,
    date_line,
    format_date,
    format_datetime,
    format_number,
    format_time,
    format_vnd,
)


def test_dates_and_times():
    moment = dt.datetime(2026, 3, 4, 7, 5, tzinfo=VIETNAM_TZ)
    assert format_date(moment) == "04/03/2026"
    assert format_date(dt.date(2026, 12, 31)) == "31/12/2026"
    assert format_time(moment) == "07:05"
    assert format_datetime(moment) == "07:05 ngày 04/03/2026"
    assert format_date(None) == format_time(None) == format_datetime(None) == ""


def test_aware_datetimes_are_shown_in_vietnam_time():
    late_utc = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)  # 01:30 on 1 January in Hà Nội
    assert format_datetime(late_utc) == "01:30 ngày 01/01/2027"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        format_time(dt.datetime(2026, 1, 1, 8, 0))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (500, "500"),
        (1000, "1.000"),
        (1250000, "1.250.000"),
        (Decimal("99999.6"), "100.000"),
        (-20000, "-20.000"),
    ],
)
def test_numbers_use_dots_between_thousands(value, expected):
    assert format_number(value) == expected


def test_money():
    assert format_vnd(100000) == "100.000 đồng"
    assert format_vnd(None) == ""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 5), "Thanh Hóa, ngày 05 tháng 02 năm 2026"),  # zero before days < 10 and months 1–2
        (dt.date(2026, 1, 15), "Thanh Hóa, ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 3, 9), "Thanh Hóa, ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 11, 26), "Thanh Hóa, ngày 26 tháng 11 năm 2026"),
        (None, "Thanh Hóa, ngày …… tháng …… năm ……"),
    ],
)
def test_date_line_follows_decree_30(day, expected):
    assert date_line("Thanh Hóa", day) == expected
