"""`motcua deadline` and `motcua calendar_sync`, through call_command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.calendar.models import CalendarDay, DaySource

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "2026-02-13T10:00", "--working-days", "5"], "2026-02-27T17:00:00+07:00"),
        (["--from", "2026-02-13T10:00", "--working-hours", "10"], "2026-02-23T14:00:00+07:00"),
        (["--from", "2026-02-13T10:00", "--working-hours", "1.5"], "2026-02-13T11:30:00+07:00"),
        (["--from", "2026-02-13T10:00", "--calendar-days", "3"], "2026-02-23T17:00:00+07:00"),
        (["--from", "2026-02-13T10:00", "--same-day"], "2026-02-13T17:00:00+07:00"),
        (["--from", "2026-02-13T16:00", "--same-day", "--cutoff"], "2026-02-23T17:00:00+07:00"),
        (
            ["--from", "2026-03-09T16:00", "--working-days", "1", "--cutoff", "16:30"],
            "2026-03-10T17:00:00+07:00",
        ),
        (["--from", "2026-02-13T03:00Z", "--working-days", "5"], "2026-02-27T17:00:00+07:00"),
        (["--from", "2025-12-31T10:00", "--working-days", "1"], "2026-01-05T17:00:00+07:00"),
        (
            [
                "--from",
                "2026-02-09T08:00",
                "--working-days",
                "10",
                "--pause",
                "2026-02-12T07:00/2026-02-24T07:00",
            ],
            "2026-03-05T17:00:00+07:00",
        ),
        (
            [
                "--from",
                "2026-03-09T08:00",
                "--working-days",
                "5",
                "--restart",
                "--pause",
                "2026-03-10T09:00/2026-03-16T10:00",
            ],
            "2026-03-23T17:00:00+07:00",
        ),
    ],
)
def test_deadline_prints_iso_with_offset(seeded, args, expected):
    assert run(*args) == [expected]


def test_deadline_explain(seeded):
    lines = run("--from", "2026-02-13T16:00", "--working-days", "5", "--cutoff", "--explain")
    assert lines[0] == "2026-03-02T17:00:00+07:00"
    text = "\n".join(lines)
    assert "Tiếp nhận từ giờ chốt trở đi" in text
    assert "2026-02-17 Thứ Ba: Tết Nguyên Đán [" in text
    assert "9441/TB-BNV" in text
    assert "2026-02-14 Thứ Bảy: nghỉ hằng tuần" in text
    assert lines[-1] == "Hạn giải quyết: 2026-03-02T17:00:00+07:00"


def test_deadline_explain_shows_the_admin_swap_and_pauses(seeded):
    text = "\n".join(
        run(
            "--from",
            "2025-12-31T10:00",
            "--working-days",
            "8",
            "--explain",
            "--pause",
            "2026-01-05T07:00/2026-01-06T07:00",
        )
    )
    assert "2026-01-02 Thứ Sáu: Ngày nghỉ Tết Dương lịch" in text and "12729/VPCP-KGVX" in text
    assert "Ngày làm bù được tính:\n  2026-01-10 Thứ Bảy" in text
    assert "8 giờ làm việc — dời hạn" in text


def test_call_command_with_keyword_options(seeded):
    out = StringIO()
    call_command("deadline", received="2026-02-13T10:00", working_days="5", stdout=out)
    assert out.getvalue().strip() == "2026-02-27T17:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "13/02/2026 10:00", "--working-days", "5"], "Không đọc được thời điểm"),
        (["--from", "2026-02-13", "--working-days", "5"], "Thiếu giờ"),
        (["--from", "2026-02-13T10:00", "--working-days", "0"], "Thời hạn phải lớn hơn 0"),
        (["--from", "2026-02-13T10:00", "--working-days", "-2"], "Thời hạn phải lớn hơn 0"),
        (["--from", "2026-02-13T10:00", "--working-hours", "abc"], "không phải là một số"),
        (["--from", "2026-02-13T10:00", "--working-days", "2.5"], "số nguyên"),
        (["--from", "2026-02-13T10:00", "--working-days", "5", "--pause", "2026-02-20T10:00/2026-02-19T10:00"], "phải kết thúc sau khi bắt đầu"),
        (
            ["--from", "2026-02-13T10:00", "--working-days", "5",
             "--pause", "2026-02-23T08:00/2026-02-24T08:00", "--pause", "2026-02-23T16:00/2026-02-25T08:00"],
            "chồng lên nhau",
        ),
        (["--from", "2026-02-13T10:00", "--working-days", "5", "--pause", "hôm qua"], "Không đọc được khoảng tạm dừng"),
        (["--from", "2026-02-13T10:00", "--working-days", "5", "--cutoff", "ba giờ"], "Không đọc được giờ"),
        (["--from", "1990-02-13T10:00", "--working-days", "5"], "ngoài phạm vi"),
        (["--from", "2026-02-13T10:00", "--working-days", "5", "--org-unit", "X99"], "Không có đơn vị"),
    ],
)  # fmt: skip
def test_deadline_bad_input(seeded, args, message):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert message in str(info.value)


def test_deadline_needs_exactly_one_limit(seeded):
    with pytest.raises(CommandError):
        run("--from", "2026-02-13T10:00")
    with pytest.raises(CommandError):
        run("--from", "2026-02-13T10:00", "--working-days", "5", "--same-day")


def test_calendar_sync(db):
    out = StringIO()
    call_command("calendar_sync", "--year", "2026", "--year", "2025", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026: 15 tạo mới")
    assert CalendarDay.objects.filter(date__year=2026, source=DaySource.LIBRARY).count() == 15
    out = StringIO()
    call_command("calendar_sync", "--year", "2026", stdout=out)
    assert out.getvalue().startswith("2026: 0 tạo mới, 0 cập nhật, 15 không đổi")
    with pytest.raises(CommandError, match="Năm không hợp lệ"):
        call_command("calendar_sync", "--year", "hai nghìn")
    with pytest.raises(CommandError, match="nằm ngoài khoảng"):
        call_command("calendar_sync", "--year", "1900")
