"""The public working calendar and the province-admin calendar screen."""

import datetime as dt

import pytest

from motcua.accounts.models import User
from motcua.calendar.engine import Limit
from motcua.calendar.models import CalendarDay, DaySource, WorkingHours
from motcua.calendar.registry import OpenDeadline, register_deadline_provider, unregister_deadline_provider
from motcua.core.models import AuditEvent

from .util import at

pytestmark = pytest.mark.django_db
PUBLIC = "/lich-lam-viec/"
ADMIN = "/can-bo/lich/"


def test_public_calendar_is_vietnamese_and_needs_no_login(client, demo_data):
    response = client.get(PUBLIC, {"nam": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Lịch làm việc năm 2026" in html
    assert "Giao thừa Tết Nguyên Đán" in html
    assert "12729/VPCP-KGVX" in html  # the swap the library misses, with its legal reference
    assert "Ngày làm việc bù" in html and "10/01/2026" in html
    assert '<meta name="viewport"' in html and "table-scroll" in html
    assert 'datetime="2026-08-22"' in html
    assert "07:00–11:30" in html and "13:30–17:00" in html


def test_public_calendar_year_selector(client, demo_data):
    html = client.get(PUBLIC, {"nam": "2024"}).content.decode()
    assert "Lịch làm việc năm 2024" in html and "04/05/2024" in html
    assert '<option value="2027"' in html and '<option value="2021"' in html
    assert 'href="?nam=2023"' in html and 'href="?nam=2025"' in html
    # unknown years show a notice; nonsense falls back to this year
    assert "Chưa có lịch nghỉ lễ năm 2035" in client.get(PUBLIC, {"nam": "2035"}).content.decode()
    assert client.get(PUBLIC, {"nam": "abc"}).status_code == 200
    assert client.get(PUBLIC, {"nam": "99999"}).status_code == 200


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_admin_screen_refuses_non_admin_staff(client, demo_data):
    login(client, "motcua.tinh")
    assert client.get(ADMIN).status_code == 403
    before = CalendarDay.objects.count()
    response = client.post(
        ADMIN,
        {
            "action": "holiday",
            "holiday-day": "2027-06-15",
            "holiday-name": "x",
            "holiday-legal_reference": "y",
        },
    )
    assert response.status_code == 403
    assert CalendarDay.objects.count() == before
    assert AuditEvent.objects.filter(action="access.denied", data__path=ADMIN).exists()


def test_admin_screen_needs_login(client, demo_data):
    response = client.get(ADMIN)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_admin_screen_works_for_the_province_admin(client, demo_data):
    login(client, "quantri.tinh")
    response = client.get(ADMIN, {"nam": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quản trị lịch làm việc" in html
    assert "Hoán đổi ngày làm việc" in html and "Thêm ngày nghỉ" in html and "Giờ làm việc" in html
    assert "12729/VPCP-KGVX" in html


def test_admin_adds_a_swap_with_audit(client, demo_data):
    login(client, "quantri.tinh")
    response = client.post(
        ADMIN + "?nam=2027",
        {"action": "swap", "intent": "save", "swap-day_off": "2027-04-29", "swap-make_up_day": "2027-04-24",
         "swap-notice": "Công văn 99/VPCP-KGVX", "swap-name": ""},
    )  # fmt: skip
    assert response.status_code == 302
    rows = CalendarDay.objects.filter(
        date__in=[dt.date(2027, 4, 29), dt.date(2027, 4, 24)], source=DaySource.ADMIN
    )
    assert rows.count() == 2
    event = AuditEvent.objects.filter(action="calendar.swap_added").latest("seq")
    assert event.actor_label == "quantri.tinh"
    follow = client.get(response["Location"]).content.decode()
    assert "Đã ghi hoán đổi" in follow and "calendar.swap_added" in follow


def test_posting_a_bad_swap_changes_nothing(client, demo_data):
    login(client, "quantri.tinh")
    count, audits = CalendarDay.objects.count(), AuditEvent.objects.count()
    for data, message in [
        (
            {"swap-day_off": "2027-03-10", "swap-make_up_day": "2027-03-10", "swap-notice": "CV 1"},
            "hai ngày khác nhau",
        ),
        (
            {"swap-day_off": "2027-03-10", "swap-make_up_day": "2027-03-11", "swap-notice": "CV 1"},
            "thứ Bảy, Chủ nhật",
        ),
        (
            {"swap-day_off": "2027-03-13", "swap-make_up_day": "2027-03-20", "swap-notice": "CV 1"},
            "từ thứ Hai đến thứ Sáu",
        ),
        ({"swap-day_off": "2027-03-10", "swap-make_up_day": "2027-03-13", "swap-notice": ""}, "bắt buộc"),
        (
            {"swap-day_off": "10/3/2027x", "swap-make_up_day": "2027-03-13", "swap-notice": "CV"},
            "ngày hợp lệ",
        ),
    ]:
        response = client.post(ADMIN, {"action": "swap", "intent": "save", **data})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == (count, audits)


def test_admin_adds_and_removes_a_holiday(client, demo_data):
    login(client, "quantri.tinh")
    response = client.post(
        ADMIN,
        {"action": "holiday", "intent": "save", "holiday-day": "2027-06-15", "holiday-name": "Nghỉ do bão",
         "holiday-legal_reference": "Công điện 5/CĐ-UBND"},
    )  # fmt: skip
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2027, 6, 15)).created_by.username == "quantri.tinh"
    response = client.post(ADMIN, {"action": "remove", "day": "2027-06-15"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2027, 6, 15)).exists()
    # a library row cannot be removed from the screen
    response = client.post(ADMIN, {"action": "remove", "day": "2027-01-01"})
    assert response.status_code == 400 and "lấy từ thư viện" in response.content.decode()
    assert client.post(ADMIN, {"action": "nonsense"}).status_code == 400


def test_admin_changes_working_hours(client, demo_data):
    login(client, "quantri.tinh")
    response = client.post(
        ADMIN,
        {"action": "hours", "hours-start_1": "07:30", "hours-end_1": "11:30", "hours-start_2": "13:30",
         "hours-end_2": "17:00", "hours-name": "Giờ mới", "hours-legal_reference": "QĐ 1/QĐ-UBND"},
    )  # fmt: skip
    assert response.status_code == 302
    hours = WorkingHours.objects.get(org_unit__isnull=True, valid_from__isnull=True)
    assert [str(s) for s in hours.sessions.all()] == ["07:30–11:30", "13:30–17:00"]
    assert AuditEvent.objects.filter(action="calendar.hours_set", actor_label="quantri.tinh").exists()
    bad = client.post(
        ADMIN,
        {
            "action": "hours",
            "hours-start_1": "07:00",
            "hours-end_1": "12:00",
            "hours-start_2": "11:00",
            "hours-end_2": "17:00",
        },
    )
    assert bad.status_code == 400 and "chồng lên nhau" in bad.content.decode()
    half = client.post(
        ADMIN, {"action": "hours", "hours-start_1": "07:00", "hours-end_1": "12:00", "hours-start_2": "13:00"}
    )
    assert half.status_code == 400 and "Ca 2 phải có cả giờ bắt đầu và giờ kết thúc" in half.content.decode()
    assert [str(s) for s in hours.sessions.all()] == ["07:30–11:30", "13:30–17:00"]


class OneDossier:
    name = "test.pages"

    def __init__(self):
        self.due = at("2027-05-05 17:00")
        self.stored = []

    def open_deadlines(self):
        return [OpenDeadline("HS-9", "Hồ sơ HS-9", at("2027-04-26 09:00"), Limit.working_days(5), self.due)]

    def store_due(self, key, due):
        self.stored.append((key, due))
        self.due = due


@pytest.fixture
def one_dossier():
    provider = OneDossier()
    register_deadline_provider(provider)
    yield provider
    unregister_deadline_provider(provider.name)


def test_preview_then_save_then_explicit_recompute(client, demo_data, one_dossier):
    login(client, "quantri.tinh")
    swap = {
        "action": "swap",
        "swap-day_off": "2027-04-29",
        "swap-make_up_day": "2027-04-24",
        "swap-notice": "CV 7",
    }
    preview = client.post(ADMIN, {**swap, "intent": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Xem trước" in html and "HS-9" in html and "17:00 06/05/2027" in html
    assert not CalendarDay.objects.filter(date=dt.date(2027, 4, 29)).exists()
    assert client.post(ADMIN, {**swap, "intent": "save"}).status_code == 302
    assert one_dossier.stored == []  # the stored due moment did not move by itself
    page = client.get(ADMIN).content.decode()
    assert 'value="test.pages|HS-9"' in page
    response = client.post(ADMIN, {"action": "recompute", "item": ["test.pages|HS-9"], "reason": "Hoán đổi"})
    assert response.status_code == 302
    assert one_dossier.stored == [("HS-9", at("2027-05-06 17:00"))]
    assert AuditEvent.objects.filter(action="calendar.deadline_recomputed", object_id="HS-9").exists()
    assert client.post(ADMIN, {"action": "recompute"}).status_code == 400
