"""Administering the working calendar over the API: the province administrator adds days off and swaps
(previewing the deadlines they would move), removes administrators' rows, sets working hours and
recomputes the deadlines already given — through the calendar's services, audited; every refusal is
``{code, message}`` and changes nothing."""

import datetime as dt
import json

import pytest

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.calendar.engine import Limit
from motcua.calendar.models import CalendarDay, DaySource, WorkingHours
from motcua.calendar.registry import OpenDeadline, register_deadline_provider, unregister_deadline_provider
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit
from tests.calendar.util import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/calendar/admin"


@pytest.fixture
def who(demo):
    get = User.objects.get
    return {
        "citizen": User.objects.filter(kind=AccountKind.CITIZEN).order_by("pk").first(),
        "officer": get(username="motcua.tinh"),
        "agency_admin": get(username="quantri.tnmt"),
        "admin": get(username="quantri.tinh"),
    }


class OneDossier:
    name = "test.api"

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


def send(client, method, path, body=None, **extra):
    return client.generic(
        method, f"{BASE}{path}", json.dumps(body or {}), content_type="application/json", **extra
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def state():
    """What a refused request must leave as it was."""
    return (
        list(CalendarDay.objects.order_by("date").values_list("date", "kind", "source")),
        list(WorkingHours.objects.order_by("pk").values_list("pk", "name")),
        AuditEvent.objects.count(),
    )


SWAP = {"day_off": "2027-04-29", "make_up_day": "2027-04-24", "notice": "Công văn 7/VPCP"}


def test_a_swap_previewed_saved_then_the_deadlines_recomputed_explicitly(client, who, one_dossier):
    client.force_login(who["admin"])
    before = state()
    preview = send(client, "POST", "/swaps/impact", SWAP)
    assert preview.status_code == 200, preview.content
    assert [(c["key"], c["old_due"], c["new_due"]) for c in preview.json()] == [
        ("HS-9", "2027-05-05T17:00:00+07:00", "2027-05-06T17:00:00+07:00")
    ]
    assert state() == before  # a preview writes nothing

    saved = send(client, "POST", "/swaps", SWAP)
    assert saved.status_code == 201, saved.content
    assert [(d["date"], d["kind"], d["swap_with"], d["removable"]) for d in saved.json()] == [
        ("2027-04-29", "holiday", "2027-04-24", True),
        ("2027-04-24", "working_day", "2027-04-29", True),
    ]
    assert AuditEvent.objects.filter(action="calendar.swap_added", actor=who["admin"]).count() == 1
    assert one_dossier.stored == []  # the stored deadline did not move by itself
    impact = client.get(f"{BASE}/deadline-impact").json()
    assert [(c["provider"], c["key"]) for c in impact] == [("test.api", "HS-9")]

    done = send(client, "POST", "/deadline-impact/recompute",
                {"items": [{"provider": "test.api", "key": "HS-9"}], "reason": "Hoán đổi ngày làm việc"})  # fmt: skip
    assert done.status_code == 200, done.content
    assert [c["new_due"] for c in done.json()["recomputed"]] == ["2027-05-06T17:00:00+07:00"]
    assert one_dossier.stored == [("HS-9", at("2027-05-06 17:00"))]
    recomputed = AuditEvent.objects.get(action="calendar.deadline_recomputed", object_id="HS-9")
    assert recomputed.data["reason"] == "Hoán đổi ngày làm việc"
    assert client.get(f"{BASE}/deadline-impact").json() == []
    log = client.get(f"{BASE}/audit").json()
    assert [e["action"] for e in log[:3]] == [
        "calendar.deadlines_recomputed", "calendar.deadline_recomputed", "calendar.swap_added",
    ]  # fmt: skip

    year = {d["date"]: d for d in client.get(f"{BASE}/years/2027/days").json()}
    assert year["2027-04-29"]["source"] == "admin" and year["2027-01-01"]["source"] == "library"
    assert year["2027-01-01"]["removable"] is False
    removed = send(client, "DELETE", "/days/2027-04-29")
    assert removed.status_code == 200, removed.content
    assert sorted(removed.json()["removed"]) == ["2027-04-24", "2027-04-29"]
    assert not CalendarDay.objects.filter(date__in=[dt.date(2027, 4, 24), dt.date(2027, 4, 29)]).exists()
    assert AuditEvent.objects.filter(action="calendar.day_removed").count() == 1


def test_a_day_off_and_the_rules_that_refuse_changes(client, who):
    client.force_login(who["admin"])
    added = send(client, "POST", "/holidays",
                 {"day": "2027-06-15", "name": "Ngày nghỉ đặc biệt", "legal_reference": "QĐ 9/QĐ-UBND"})  # fmt: skip
    assert added.status_code == 201, added.content
    assert added.json()[0]["kind"] == "holiday" and added.json()[0]["created_by"]
    assert CalendarDay.objects.get(date=dt.date(2027, 6, 15)).source == DaySource.ADMIN

    before = state()
    holiday = {"name": "Nghỉ", "legal_reference": "QĐ 1"}
    assert_error(send(client, "POST", "/holidays", {**holiday, "day": "2027-06-13"}), 422, "day_already_off")
    assert_error(send(client, "POST", "/holidays", {**holiday, "day": "2027-06-16", "legal_reference": "  "}),
                 422, "legal_reference_required")  # fmt: skip
    assert_error(send(client, "POST", "/holidays", {**holiday, "day": "1990-01-02"}), 422, "day_out_of_range")
    assert_error(send(client, "POST", "/swaps", {**SWAP, "make_up_day": "2027-04-29"}), 422, "swap_same_day")
    assert_error(send(client, "POST", "/swaps", {**SWAP, "make_up_day": "2027-04-26"}), 422,
                 "swap_make_up_not_off")  # fmt: skip
    assert_error(send(client, "POST", "/swaps/impact", {**SWAP, "notice": ""}), 422, "notice_required")
    assert_error(send(client, "POST", "/swaps", {**SWAP, "notise": "x"}), 422, "request_invalid")
    assert_error(send(client, "DELETE", "/days/2027-01-01"), 422, "day_not_admin")
    assert_error(send(client, "DELETE", "/days/2027-06-16"), 404, "day_not_found")
    assert_error(send(client, "DELETE", "/days/hom-nay"), 422, "request_invalid")
    assert_error(client.get(f"{BASE}/years/1900/days"), 422, "year_out_of_range")
    assert_error(send(client, "POST", "/deadline-impact/recompute", {"items": []}), 422, "request_invalid")
    assert state() == before


def test_working_hours_province_wide_and_by_unit_season(client, who):
    client.force_login(who["admin"])
    province = send(client, "PUT", "/working-hours", {
        "name": "Giờ làm việc mới", "legal_reference": "QĐ 1/QĐ-UBND",
        "sessions": [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}],
    })  # fmt: skip
    assert province.status_code == 200, province.content
    assert province.json()["org_unit"] is None
    assert province.json()["sessions"] == [
        {"start": "07:30:00", "end": "11:30:00"}, {"start": "13:30:00", "end": "17:00:00"},
    ]  # fmt: skip
    summer = {"org_unit": "H56.101", "valid_from": "2027-05-01", "valid_to": "2027-09-30", "name": "Mùa hè",
              "sessions": [{"start": "07:00", "end": "11:00"}, {"start": "14:00", "end": "17:30"}]}  # fmt: skip
    seasonal = send(client, "PUT", "/working-hours", summer)
    assert seasonal.status_code == 200, seasonal.content
    assert seasonal.json()["org_unit_name"] == OrgUnit.objects.get(code="H56.101").name
    assert AuditEvent.objects.filter(action="calendar.hours_set", actor=who["admin"]).count() == 2

    before = state()
    overlap = {**summer, "valid_from": "2027-09-01", "valid_to": "2027-12-31"}
    assert_error(send(client, "PUT", "/working-hours", overlap), 422, "hours_range_overlap")
    crossing = {
        **summer,
        "sessions": [{"start": "07:00", "end": "12:00"}, {"start": "11:00", "end": "17:00"}],
    }
    assert_error(send(client, "PUT", "/working-hours", crossing), 422, "sessions_overlap")
    assert_error(
        send(client, "PUT", "/working-hours", {**summer, "org_unit": "H56.999"}), 422, "unit_not_found"
    )
    assert_error(send(client, "PUT", "/working-hours", {**summer, "sessions": []}), 422, "request_invalid")
    assert state() == before

    listed = {h["id"]: h for h in client.get(f"{BASE}/working-hours").json()}
    assert seasonal.json()["id"] in listed and province.json()["id"] in listed
    removed = send(client, "DELETE", f"/working-hours/{seasonal.json()['id']}")
    assert removed.status_code == 204, removed.content
    assert AuditEvent.objects.filter(action="calendar.hours_removed").count() == 1
    assert_error(send(client, "DELETE", f"/working-hours/{seasonal.json()['id']}"), 404, "hours_not_found")


def test_only_the_province_administrator(client, who):
    holiday = {"day": "2027-06-15", "name": "Nghỉ", "legal_reference": "QĐ 1"}
    before = state()
    assert_error(client.get(f"{BASE}/working-hours"), 401, "not_authenticated")
    client.force_login(who["citizen"])
    assert_error(client.get(f"{BASE}/working-hours"), 403, "staff_only")
    for role in ("officer", "agency_admin"):
        client.force_login(who[role])
        assert_error(client.get(f"{BASE}/years/2027/days"), 403, "calendar_not_allowed")
        assert_error(send(client, "POST", "/holidays", holiday), 403, "calendar_not_allowed")
        assert_error(send(client, "DELETE", "/days/2026-01-02"), 403, "calendar_not_allowed")
        assert_error(send(client, "PUT", "/working-hours", {"sessions": [{"start": "07:00", "end": "11:00"}]}),
                     403, "calendar_not_allowed")  # fmt: skip
    assert state() == before


def test_a_key_limited_to_units_sets_only_their_working_hours(client, who):
    admin = who["admin"]
    _key, limited = apikey_create(owner=admin, name="Phường Hạc Thành", operations=["calendar:write"],
                                  units=[OrgUnit.objects.get(code="H56.101")], by=admin)  # fmt: skip
    _key, reader = apikey_create(owner=admin, name="Đọc lịch", operations=["calendar:read"], by=admin)
    key = {"HTTP_AUTHORIZATION": f"Bearer {limited}"}
    sessions = [{"start": "07:00", "end": "11:00"}]
    before = state()
    assert_error(
        client.get(f"{BASE}/working-hours", HTTP_AUTHORIZATION=f"Bearer {reader}"), 403, "api_key_scope"
    )
    assert_error(send(client, "POST", "/holidays", {"day": "2027-06-15", "name": "N", "legal_reference": "Q"},
                      **key), 403, "api_key_scope")  # fmt: skip
    assert_error(send(client, "PUT", "/working-hours", {"sessions": sessions}, **key), 403, "api_key_scope")
    assert_error(send(client, "PUT", "/working-hours", {"org_unit": "H56.19", "sessions": sessions}, **key),
                 403, "api_key_scope")  # fmt: skip
    assert_error(client.get(f"{BASE}/deadline-impact", **key), 403, "api_key_scope")
    province_hours = WorkingHours.objects.filter(org_unit__isnull=True).first()
    assert_error(send(client, "DELETE", f"/working-hours/{province_hours.pk}", **key), 404, "hours_not_found")
    assert state() == before
    own = send(client, "PUT", "/working-hours", {"org_unit": "H56.101", "sessions": sessions}, **key)
    assert own.status_code == 200, own.content
    assert client.get(f"{BASE}/years/2027/days", **key).status_code == 200
