"""The dossier API: apply, upload, submit, follow; every staff action; the error schema and status codes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.dossiers.status import DossierStatus
from tests.portal.conftest import html_as_pdf, media_files, pdf_file, png_file, received, submitted, vn

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"


def moment(text):
    return dt.datetime.fromisoformat(text)


def post(client, path, data=None):
    return client.post(f"{BASE}{path}", data or {}, content_type="application/json")


def as_user(client, people, who):
    client.force_login(people[who])
    return client


def draft(client, **overrides):
    body = {
        "procedure_code": "1.009999",
        "receiving_point_code": "H56.40",
        "address": "12 Lê Lợi",
        "form_data": {"noi_dung_de_nghi": "Đề nghị cấp phép"},
        **overrides,
    }
    return post(client, "", body)


#: What an action answers (``DossierActionOut``): the state after it, never the lists of the detail.
ACTION_FIELDS = {
    "id", "code", "status", "status_label", "procedure_code", "procedure_name", "channel",
    "receiving_point_code", "resolving_unit_code", "submitted_at", "received_at", "due_at", "finished_at",
    "returned_at", "version", "decision", "closing_reason", "return_method", "supplement_count",
    "apology_count", "open_step", "allowed_actions",
}  # fmt: skip


def act(client, path, data=None):
    """POST an action; it succeeds and answers the compact state."""
    response = post(client, path, data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == ACTION_FIELDS, body
    return body


def events(client, ref):
    return [e["action"] for e in client.get(f"{BASE}/{ref}").json()["events"]]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code and body["message"], body
    return body


def test_authentication_is_required(client, version):
    assert client.get(BASE).status_code == 401
    assert draft(client).status_code == 401


def test_session_posts_need_the_csrf_token(people, version):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["citizen"])
    assert draft(strict).status_code == 403
    strict.get("/tra-cuu-ho-so/")  # any page sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        BASE,
        {"procedure_code": "1.009999", "receiving_point_code": "H56.40"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content


def test_apply_upload_submit_and_follow(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    as_user(client, people, "citizen")
    response = draft(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] is None and body["status"] == "draft" and body["status_label"] == "Bản nháp"
    assert body["receiving_point_code"] == "H56.40" and body["resolving_unit_code"] == "H56.19"
    assert [c["name"] for c in body["components"]][:2] == [
        "Đơn đề nghị cấp giấy phép",
        "Sơ đồ khu vực khai thác",
    ]
    ref = str(body["id"])

    # Submitting too early says what is missing and changes nothing.
    assert_error(post(client, f"/{ref}/submit"), 422, "components_missing")

    first, second = body["components"][0]["id"], body["components"][1]["id"]
    uploaded = client.post(f"{BASE}/{ref}/components/{first}", {"file": pdf_file(pages=2)})
    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["page_count"] == 2 and uploaded.json()["provided"] is True
    assert client.post(f"{BASE}/{ref}/components/{second}", {"file": png_file()}).status_code == 200

    # A stale version is refused with 409; the right one submits.
    assert_error(post(client, f"/{ref}/submit", {"expected_version": 7}), 409, "dossier_changed")
    body = act(client, f"/{ref}/submit", {"expected_version": body["version"]})
    assert body["status"] == "awaiting_intake" and body["code"] == "H56.40-260302-0001"
    assert body["version"] == 1 and body["open_step"] is None
    assert body["allowed_actions"] == ["withdraw"]
    assert events(client, ref) == ["submit"]
    # Submitting again is the wrong state: 409.
    assert_error(post(client, f"/{body['code']}/submit"), 409, "invalid_transition")

    got = client.get(f"{BASE}/{body['code'].lower()}")
    assert got.status_code == 200 and got.json()["id"] == body["id"]


def test_list_shows_only_mine_paginated_and_filtered(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    mine = submitted(people, version)
    theirs = submitted(people, version, who="citizen2")
    as_user(client, people, "citizen")
    draft(client)
    listing = client.get(BASE).json()
    assert listing["count"] == 2
    codes = [item["code"] for item in listing["items"]]
    assert mine.code in codes and theirs.code not in codes
    only = client.get(BASE, {"status": "awaiting_intake"}).json()
    assert [i["code"] for i in only["items"]] == [mine.code]
    assert client.get(BASE, {"status": "nonsense"}).status_code == 422


def test_other_peoples_and_unknown_dossiers_are_the_same_404(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    theirs = submitted(people, version, who="citizen2")
    as_user(client, people, "citizen")
    unknown = assert_error(client.get(f"{BASE}/H56.40-260302-9999"), 404, "dossier_not_found")
    hidden = assert_error(client.get(f"{BASE}/{theirs.code}"), 404, "dossier_not_found")
    assert unknown == hidden
    assert_error(client.get(f"{BASE}/{theirs.pk}"), 404, "dossier_not_found")
    assert_error(post(client, f"/{theirs.code}/withdraw", {"reason": "x"}), 404, "dossier_not_found")
    theirs.refresh_from_db()
    assert theirs.status == DossierStatus.AWAITING_INTAKE


def test_create_draft_input_errors(client, people, version):
    as_user(client, people, "citizen")
    assert_error(draft(client, procedure_code="9.999999"), 422, "procedure_not_found")
    assert_error(draft(client, receiving_point_code="H56.19"), 422, "not_a_one_stop_point")
    assert_error(draft(client, receiving_point_code="H56.999"), 422, "receiving_point_not_found")
    assert draft(client, receiving_point_code=None).status_code == 422  # schema validation
    as_user(client, people, "officer")
    assert_error(draft(client), 403, "action_not_allowed")
    assert Dossier.objects.count() == 0


def test_upload_rejection_stores_nothing(client, people, version, clock, settings):
    clock(vn(2026, 3, 2, 9, 0))
    as_user(client, people, "citizen")
    body = draft(client).json()
    component = body["components"][0]["id"]
    response = client.post(f"{BASE}/{body['id']}/components/{component}", {"file": html_as_pdf()})
    error = assert_error(response, 422, "upload_type_not_allowed")
    assert "HTML" in error["message"]
    assert media_files(settings) == []
    assert_error(
        client.post(f"{BASE}/{body['id']}/components/999999", {"file": pdf_file()}), 422, "component_unknown"
    )


def test_staff_actions_through_the_lifecycle(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    ref = d.code
    ids = list(d.components.values_list("pk", flat=True))

    # A specialist of the resolving agency sees the dossier but may not receive it: 403.
    as_user(client, people, "specialist")
    assert_error(post(client, f"/{ref}/receive", {"checked_component_ids": ids}), 403, "action_not_allowed")

    clock(vn(2026, 3, 2, 10, 0))
    as_user(client, people, "officer")
    body = act(client, f"/{ref}/receive", {"checked_component_ids": ids, "expected_version": 1})
    assert body["status"] == "received" and moment(body["due_at"]) == vn(2026, 3, 9, 17, 0)
    assert body["version"] == 2 and body["open_step"]["step_code"] == "TN"
    assert "route" in body["allowed_actions"] and "refuse" not in body["allowed_actions"]
    # Two officers at once: the second, with the version it read before, gets 409 and changes nothing.
    assert_error(post(client, f"/{ref}/route", {"expected_version": 1}), 409, "dossier_changed")
    clock(vn(2026, 3, 2, 10, 30))
    body = act(client, f"/{ref}/route", {"expected_version": body["version"]})
    assert body["status"] == "processing" and body["version"] == 3
    assert body["open_step"]["step_code"] == "TD" and body["open_step"]["unit_code"] == "H56.19"
    assert body["allowed_actions"] == ["withdraw"]  # on the applicant's behalf; not the appraisal

    clock(vn(2026, 3, 3, 9, 0))
    as_user(client, people, "specialist")
    body = act(client, f"/{ref}/forward", {"to_step": "LT"})
    step = body["open_step"]
    assert step["step_code"] == "LT" and step["unit_code"] == "H56.52" and step["inter_agency"] is True
    assert step["name"] == "Xác định nghĩa vụ tài chính" and step["due_at"] and step["seq"] == 3
    assert body["allowed_actions"] == []  # now the tax office's turn
    assert events(client, ref)[-1] == "hand_over"
    assert_error(post(client, f"/{ref}/forward", {"to_step": "PD"}), 403, "action_not_allowed")
    as_user(client, people, "tax")
    body = act(client, f"/{ref}/forward", {"to_step": "PD"})
    assert body["open_step"]["step_code"] == "PD" and body["open_step"]["inter_agency"] is False
    assert events(client, ref)[-1] == "hand_back"
    as_user(client, people, "head")
    body = act(client, f"/{ref}/send-back", {"to_step": "TD", "note": "Thẩm định lại diện tích"})
    assert body["open_step"]["step_code"] == "TD"
    assert "forward" in body["allowed_actions"]  # the division head leads the appraising unit
    as_user(client, people, "specialist")
    act(client, f"/{ref}/forward", {"to_step": "LT"})
    as_user(client, people, "tax")
    act(client, f"/{ref}/forward", {"to_step": "PD"})
    as_user(client, people, "head")
    body = act(client, f"/{ref}/forward", {"to_step": "KY"})
    assert body["open_step"]["step_code"] == "KY"

    as_user(client, people, "leader")
    assert_error(post(client, f"/{ref}/decide", {"decision": "maybe"}), 422, "decision_invalid")
    assert_error(post(client, f"/{ref}/decide", {"decision": "not_eligible"}), 422, "note_required")
    body = act(client, f"/{ref}/decide", {"decision": "approved"})
    assert body["status"] == "result_ready" and body["decision"] == "approved"
    assert body["finished_at"] and body["open_step"]["step_code"] == "TKQ"

    as_user(client, people, "officer")
    assert_error(post(client, f"/{ref}/return", {"method": "pigeon"}), 422, "return_method_invalid")
    body = act(client, f"/{ref}/return", {"method": "counter"})
    assert body["status"] == "returned" and body["return_method"] == "counter" and body["returned_at"]
    assert body["open_step"] is None and body["allowed_actions"] == [] and body["version"] == 11
    staff_view = client.get(f"{BASE}/{ref}").json()
    assert [e["action"] for e in staff_view["events"]] == [
        "submit", "receive", "route", "hand_over", "hand_back", "send_back",
        "hand_over", "hand_back", "forward", "decide", "return_result",
    ]  # fmt: skip
    assert [s["step_code"] for s in staff_view["steps"]] == [
        "TN", "TD", "LT", "PD", "TD", "LT", "PD", "KY", "TKQ",
    ]  # fmt: skip
    assert "Thẩm định lại diện tích" in str(staff_view)  # staff see internal notes
    # The applicant follows the same dossier without internal notes or staff names.
    as_user(client, people, "citizen")
    mine = client.get(f"{BASE}/{ref}").json()
    assert mine["status"] == "returned" and len(mine["events"]) == 11
    assert "Thẩm định lại diện tích" not in str(mine) and "Trần Thu Trang" not in str(mine)
    # The story is over: any further action is the wrong state.
    assert_error(post(client, f"/{ref}/withdraw", {"reason": "x"}), 409, "invalid_transition")


def test_refuse_needs_a_reason_then_refuses(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    as_user(client, people, "officer")
    assert_error(post(client, f"/{d.code}/refuse", {"reason": "  "}), 422, "reason_required")
    assert post(client, f"/{d.code}/refuse", {}).status_code == 422  # schema: reason is required
    body = act(client, f"/{d.code}/refuse", {"reason": "Không thuộc thẩm quyền"})
    assert body["status"] == "refused" and body["closing_reason"] == "Không thuộc thẩm quyền"
    assert body["open_step"] is None and body["allowed_actions"] == []


def test_supplement_requested_by_staff_and_handed_in_by_the_applicant(client, people, version, clock):
    d = received(people, version, clock)
    as_user(client, people, "officer")
    body = act(client, f"/{d.code}/request-supplement", {"reason": "Sơ đồ mờ", "items": ["Sơ đồ rõ nét"]})
    assert body["status"] == "awaiting_supplement" and body["supplement_count"] == 1
    assert_error(
        post(client, f"/{d.code}/request-supplement", {"reason": "Lần hai", "items": ["x"]}),
        409,
        "invalid_transition",
    )
    clock.shift(hours=2)
    as_user(client, people, "citizen")
    citizen_view = client.get(f"{BASE}/{d.code}").json()
    assert citizen_view["allowed_actions"] == ["supplement", "withdraw"]
    assert citizen_view["events"][-1]["note"] == "Sơ đồ mờ"
    component = citizen_view["components"][1]["id"]
    assert (
        client.post(f"{BASE}/{d.code}/components/{component}", {"file": pdf_file("so-do-2.pdf")}).status_code
        == 200
    )
    body = act(client, f"/{d.code}/supplement", {"note": "Đã bổ sung"})
    assert body["status"] == "received" and body["allowed_actions"] == ["withdraw"]


def test_suspend_resume_and_apologise(client, people, version, clock):
    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 10, 30))
    as_user(client, people, "officer")
    post(client, f"/{d.code}/route", {})
    as_user(client, people, "specialist")
    assert_error(
        post(client, f"/{d.code}/suspend", {"reason": "Chờ giám định", "legal_basis": " "}),
        422,
        "legal_basis_required",
    )
    body = act(client, f"/{d.code}/suspend", {"reason": "Chờ giám định", "legal_basis": "Điều 5 Luật X"})
    assert body["status"] == "suspended" and "resume" in body["allowed_actions"]
    clock.shift(hours=1)
    body = act(client, f"/{d.code}/resume", {})
    assert body["status"] == "processing"
    as_user(client, people, "leader")
    body = act(
        client,
        f"/{d.code}/apologise",
        {"reason": "Chậm do giám định", "new_due_at": "2026-03-13T17:00:00+07:00"},
    )
    assert body["apology_count"] == 1 and moment(body["due_at"]) == vn(2026, 3, 13, 17, 0)


def test_withdraw_by_the_applicant(client, people, version, clock):
    d = received(people, version, clock)
    as_user(client, people, "citizen")
    assert_error(post(client, f"/{d.code}/withdraw", {"reason": ""}), 422, "reason_required")
    body = act(client, f"/{d.code}/withdraw", {"reason": "Không còn nhu cầu"})
    assert body["status"] == "stopped" and body["closing_reason"] == "Không còn nhu cầu"
    assert body["open_step"] is None and body["allowed_actions"] == []
    # The applicant does not see internal staff notes, and no staff names appear anywhere.
    assert "Trần Thu Trang" not in str(body)
    assert "Trần Thu Trang" not in str(client.get(f"{BASE}/{d.code}").json())


def test_openapi_documents_the_dossier_paths_and_errors(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    expected = {
        "/api/v1/dossiers": {"get", "post"},
        "/api/v1/dossiers/{ref}": {"get", "put"},
        "/api/v1/dossiers/{ref}/components/{component_id}": {"post"},
        **{
            f"/api/v1/dossiers/{{ref}}/{action}": {"post"}
            for action in (
                "submit", "supplement", "withdraw", "receive", "refuse", "route", "forward", "send-back",
                "request-supplement", "suspend", "resume", "apologise", "decide", "return",
            )
        },
    }  # fmt: skip
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    receive = paths["/api/v1/dossiers/{ref}/receive"]["post"]
    for status in ("400", "403", "404", "409", "422"):
        assert receive["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorOut"
        )
    assert "expected_version" in doc["components"]["schemas"]["ReceiveIn"]["properties"]
    upload = paths["/api/v1/dossiers/{ref}/components/{component_id}"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "{code, message}" in receive["description"]


def test_action_responses_are_documented_as_the_compact_state(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]

    def ok_schema(path, method):
        return paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]

    for action in (
        "submit", "supplement", "withdraw", "receive", "refuse", "route", "forward", "send-back",
        "request-supplement", "suspend", "resume", "apologise", "decide", "return",
    ):  # fmt: skip
        operation = paths[f"/api/v1/dossiers/{{ref}}/{action}"]["post"]
        assert ok_schema(f"/api/v1/dossiers/{{ref}}/{action}", "post").endswith("/DossierActionOut"), action
        assert (
            "DossierActionOut" in operation["description"] and "{code, message}" in operation["description"]
        )
    assert ok_schema("/api/v1/dossiers/{ref}", "get").endswith("/DossierOut")
    assert ok_schema("/api/v1/dossiers/{ref}", "put").endswith("/DossierOut")
    compact = schemas["DossierActionOut"]
    assert set(compact["properties"]) == ACTION_FIELDS and compact["description"]
    assert {"events", "steps", "components"} <= set(schemas["DossierOut"]["properties"])
    assert set(schemas["OpenStepOut"]["properties"]) >= {"seq", "step_code", "name", "unit_code", "due_at"}


def test_an_action_costs_the_same_queries_whatever_the_history(client, people, version, clock):
    """Compact answer: no re-read of the dossier, its steps, components or events; the calendar checked
    once and the led units read in one query, however long the history."""
    d = received(people, version, clock)
    ref = d.code
    clock(vn(2026, 3, 2, 10, 30))
    act(as_user(client, people, "officer"), f"/{ref}/route", {})
    clock(vn(2026, 3, 3, 8, 0))

    def measured(who, path, data):
        as_user(client, people, who)
        clock.shift(minutes=5)
        with CaptureQueriesContext(connection) as captured:
            response = post(client, path, data)
        assert response.status_code == 200, response.content
        sql = [q["sql"] for q in captured]
        assert sum("COUNT(*) FROM calendar_calendarday" in q for q in sql) == 1, sql  # the fingerprint, once
        assert sum("FROM dossiers_dossierevent" in q.replace('"', "") for q in sql) == 1, sql  # last event
        assert not any("dossiers_dossiercomponent" in q for q in sql), sql
        return len(sql), len(response.content)

    rounds = []
    for _loop in range(4):
        rounds.append(
            (
                measured("specialist", f"/{ref}/forward", {"to_step": "LT"}),
                measured("tax", f"/{ref}/forward", {"to_step": "PD"}),
                measured("head", f"/{ref}/send-back", {"to_step": "TD", "note": "Thẩm định lại"}),
            )
        )
    first, last = rounds[1], rounds[-1]  # the first round builds the tax unit's calendar snapshot
    assert [queries for queries, _size in first] == [queries for queries, _size in last]
    for (_q1, size_first), (_q2, size_last) in zip(first, last, strict=True):
        assert abs(size_first - size_last) < 10  # a few more digits, not the history
    assert len(client.get(f"{BASE}/{ref}").json()["events"]) == 3 + 12


def test_a_calendar_change_is_seen_by_the_next_action(client, people, version, clock):
    from motcua.calendar.services import calendar_holiday_add

    d = received(people, version, clock)
    clock(vn(2026, 3, 2, 10, 30))
    act(as_user(client, people, "officer"), f"/{d.code}/route", {})
    clock(vn(2026, 3, 3, 9, 0))
    # The inter-agency step has one working day: the end of Wednesday 4 March, unless that day is off.
    calendar_holiday_add(
        actor=None, day=dt.date(2026, 3, 4), name="Nghỉ đột xuất", legal_reference="Thông báo 1"
    )
    body = act(as_user(client, people, "specialist"), f"/{d.code}/forward", {"to_step": "LT"})
    assert moment(body["open_step"]["due_at"]) == vn(2026, 3, 5, 17, 0)
