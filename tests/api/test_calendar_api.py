"""The working calendar over the API: a year's days with their legal references, and the due moment of a
limit (direct or a procedure's) with its reasoning; bad input answers a stable code. Public: no login."""

import pytest

pytestmark = pytest.mark.django_db
BASE = "/api/v1/calendar"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_a_year_with_its_swap_and_hours(client, demo, django_assert_max_num_queries):
    client.get(f"{BASE}/years/2025")  # the calendar snapshot is built once per process: not counted
    with django_assert_max_num_queries(5):
        response = client.get(f"{BASE}/years/2026")
    assert response.status_code == 200, response.content
    year = response.json()
    assert year["known"] is True and year["year"] == 2026
    days = {d["date"]: d for d in year["days"]}
    off, make_up = days["2026-01-02"], days["2026-01-10"]
    assert off["kind"] == "holiday" and off["swap_with"] == "2026-01-10"
    assert make_up["kind"] == "working_day" and "12729/VPCP-KGVX" in make_up["legal_reference"]
    assert year["make_up_days"] >= 1 and 240 < year["working_days"] < 260
    assert year["sessions"] == [
        {"start": "07:00:00", "end": "11:30:00"},
        {"start": "13:30:00", "end": "17:00:00"},
    ]
    assert 2026 in client.get(f"{BASE}/years").json()


def test_a_year_without_rows_and_out_of_range(client, demo):
    assert client.get(f"{BASE}/years/2090").json()["known"] is False
    assert_error(client.get(f"{BASE}/years/1900"), 422, "year_out_of_range")
    assert_error(client.get(f"{BASE}/years/nam-nay"), 422, "request_invalid")


def test_due_with_a_direct_limit_and_the_reasoning(client, demo):
    body = client.get(
        f"{BASE}/due", {"received": "2026-02-13T10:00", "kind": "working_days", "amount": 5}
    ).json()
    assert body["due"] == "2026-02-27T17:00:00+07:00", body
    assert body["limit"] == {"kind": "working_days", "amount": "5", "text": "5 ngày làm việc"}
    skipped = [d["date"] for d in body["days"] if not d["counted"]]
    assert "2026-02-16" in skipped and "2026-02-14" in skipped  # Tết and a Saturday
    # After hours: the count starts the next working day, and the answer says why.
    late = client.get(f"{BASE}/due", {"received": "2026-02-12T18:00+07:00", "kind": "same_day"}).json()
    assert late["deemed_reason"] == "after_hours" and late["deemed_reason_text"]
    assert late["due"] == "2026-02-13T17:00:00+07:00"
    hours = client.get(
        f"{BASE}/due", {"received": "2026-02-13T10:00", "kind": "working_hours", "amount": "1.5"}
    )
    assert hours.json()["due"] == "2026-02-13T11:30:00+07:00"


def test_due_with_a_procedures_limit(client, version):
    body = client.get(f"{BASE}/due", {"received": "2026-03-02T09:00", "procedure": version.code}).json()
    assert body["procedure"] == version.code and body["due"] == "2026-03-09T17:00:00+07:00", body
    assert_error(client.get(f"{BASE}/due", {"received": "2026-03-02T09:00", "procedure": "9.999999"}), 404,
                 "procedure_not_found")  # fmt: skip


def test_due_bad_input_is_refused_with_the_calendars_codes(client, demo):
    def due(**params):
        return client.get(f"{BASE}/due", params)

    assert_error(due(received="2026-02-13", kind="same_day"), 422, "moment_without_time")
    assert_error(due(received="hôm qua", kind="same_day"), 422, "invalid_datetime_format")
    assert_error(
        due(received="2026-02-13T10:00", kind="working_days", amount="1.5"), 422, "limit_not_whole_days"
    )
    assert_error(due(received="2026-02-13T10:00", kind="working_days"), 422, "limit_missing")
    assert_error(due(received="2026-02-13T10:00"), 422, "limit_missing")
    assert_error(due(received="2026-02-13T10:00", kind="fortnights", amount=1), 422, "request_invalid")
    assert_error(due(received="2026-02-13T10:00", kind="working_days", amount=0), 422, "request_invalid")
    assert_error(due(received="2026-02-13T10:00", kind="same_day", unit="H56.99"), 404, "unit_not_found")


def test_english_messages_on_request(client, demo):
    """The wording follows Accept-Language; the code never changes."""
    vi = client.get(f"{BASE}/due", {"received": "2026-02-13"}, HTTP_ACCEPT_LANGUAGE="vi").json()
    en = client.get(f"{BASE}/due", {"received": "2026-02-13"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["code"] == en["code"] == "moment_without_time"
    assert "Thiếu giờ" in vi["message"]
