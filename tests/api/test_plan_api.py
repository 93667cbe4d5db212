"""The reform plan over the API: the targets T01–T20 and a target's detail as the back office shows them, the
plan tasks and their reports, the updates the pages allow (a task, its progress and evidence, a figure with
its source document, a review's cost) with the pages' rights, audit rows, and clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.catalogue.services.procedures import procedure_create, procedure_publish, procedure_review_record
from motcua.catalogue.spec import parse_procedure
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit
from motcua.reporting.plan.selectors import plan_scorecard
from motcua.reporting.plan.services import measurement_enter, plan_task_create
from motcua.reporting.plan_models import Measurement, PlanTarget, PlanTask, PlanTaskReport, ReviewCost
from motcua.reporting.plan_seed import seed_plan_targets
from tests.dossiers.data import procedure_data

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
API = "/api/v1/plan"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 16, 10, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def plan(demo_data):
    seed_plan_targets()
    return {t.code: t for t in PlanTarget.objects.all()}


def user(username):
    return User.objects.get(username=username)


def as_user(client, username):
    client.force_login(user(username))
    return client


def unit(code):
    return OrgUnit.objects.get(code=code)


def pdf(name="minh-chung.pdf"):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def bearer(owner, units=(), operations=("reporting:read", "plan:write")):
    _key, raw = apikey_create(
        owner=owner,
        name="Hệ thống theo dõi kế hoạch",
        operations=list(operations),
        units=[unit(c) for c in units],
        by=user("quantri.tinh"),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def audits(action):
    return AuditEvent.objects.filter(action=action)


def test_targets_and_a_target_are_what_the_pages_show(client, plan):
    measurement_enter(actor=None, target=plan["T05"], series="value", year=2025, value=Decimal("98.5"),
                      source_title="Báo cáo số 12/BC-UBND", source_date=dt.date(2026, 1, 15),
                      check_permission=False)  # fmt: skip
    as_user(client, "chuyenvien.tnmt")  # any staff member reads
    response = client.get(f"{API}/targets", {"year": 2025})
    assert response.status_code == 200, response.content
    body = response.json()
    page = client.get("/can-bo/ke-hoach/", {"year": 2025}).context["rows"]
    assert body["year"] == 2025 and body["years"][0] == 2021 and len(body["targets"]) == 20
    assert [(t["code"], t["status"], t["text"]) for t in body["targets"]] == [
        (r.target.code, r.current.status, r.current.text) for r in page
    ]
    t05 = next(t for t in body["targets"] if t["code"] == "T05")
    assert (t05["status"], t05["value"], t05["origin"]) == ("met", "98.5000", "entered")
    assert t05["sources"][0]["title"] == "Báo cáo số 12/BC-UBND"
    assert [y["year"] for y in t05["trend"]] == body["years"]
    assert sum(c["count"] for c in body["counts"]) == 20
    # The default year is the plan's last while the plan runs.
    assert client.get(f"{API}/targets").json()["year"] == 2025
    assert [t["code"] for t in client.get(f"{API}/targets", {"year": 2026}).json()["targets"]] == [
        r.target.code for r in plan_scorecard(2026)
    ]

    detail = client.get(f"{API}/targets/T05", {"year": 2025}).json()
    assert detail["code"] == "T05" and detail["status"] == "met" and detail["statement"]
    assert [s["key"] for s in detail["series"]] == ["value"] and detail["can_enter"] is False
    assert [(m["year"], m["value"]) for m in detail["history"]] == [(2025, "98.5000")]
    assert detail["history"][0]["file"] is None
    assert [i["code"] for i in detail["indicators"]] == ["2.1"] or detail["indicators"] == []
    assert as_user(client, "quantri.tinh").get(f"{API}/targets/t05").json()["can_enter"] is True

    assert_error(client.get(f"{API}/targets/T99"), 404, "plan_target_not_found")
    assert_error(client.get(f"{API}/targets", {"year": 2019}), 422, "year_out_of_range")
    assert_error(client.get(f"{API}/targets/T05", {"year": 2031}), 422, "year_out_of_range")
    assert_error(client.get(f"{API}/targets", {"year": "abc"}), 422, "request_invalid")


def test_tasks_progress_and_evidence(client, plan):
    leader, admin = user("lanhdao.tnmt"), user("quantri.tinh")
    new = {"unit": "H56.19", "title": "Rà soát TTHC môi trường", "deadline": "2026-06-30", "target": "T04"}
    # Only the province level assigns a task; a refusal writes nothing.
    assert_error(as_user(client, "lanhdao.tnmt").post(f"{API}/tasks", new, content_type="application/json"),
                 403, "plan_not_allowed")  # fmt: skip
    assert not PlanTask.objects.exists()
    as_user(client, "quantri.tinh")
    bad = assert_error(client.post(f"{API}/tasks", {**new, "unit": "H56.999"}, content_type="application/json"),
                       422, "plan_input_invalid")  # fmt: skip
    assert list(bad["fields"]) == ["unit"]
    bad = assert_error(client.post(f"{API}/tasks", {**new, "deadline": "2019-01-01"}, content_type="application/json"),
                       422, "plan_input_invalid")  # fmt: skip
    assert list(bad["fields"]) == ["deadline"]
    assert_error(client.post(f"{API}/tasks", {**new, "titel": "x"}, content_type="application/json"),
                 422, "request_invalid")  # fmt: skip
    response = client.post(f"{API}/tasks", new, content_type="application/json")
    assert response.status_code == 201, response.content
    task = PlanTask.objects.get()
    created = response.json()
    assert (created["id"], created["unit_code"], created["target_code"]) == (task.pk, "H56.19", "T04")
    assert created["status"] == "not_started" and created["reports"] == [] and created["can_report"] is True
    assert audits("plan.task_created").get().data["unit"] == "H56.19"

    # The unit's leader reports progress with evidence; another unit's leader may not.
    report = {
        "reported_on": "2026-03-15",
        "progress": "30",
        "status": "in_progress",
        "text": "Đã rà soát 3 thủ tục",
    }
    as_user(client, "lanhdao.hacthanh")
    assert_error(client.post(f"{API}/tasks/{task.pk}/reports", report), 403, "plan_not_allowed")
    as_user(client, "lanhdao.tnmt")
    bad = assert_error(client.post(f"{API}/tasks/{task.pk}/reports", {**report, "status": "done"}),
                       422, "plan_input_invalid")  # fmt: skip
    assert list(bad["fields"]) == ["progress"]
    text_file = SimpleUploadedFile("note.pdf", b"not a pdf at all", content_type="application/pdf")
    bad = assert_error(client.post(f"{API}/tasks/{task.pk}/reports", {**report, "evidence": text_file}),
                       422, "plan_input_invalid")  # fmt: skip
    assert list(bad["fields"]) == ["evidence"]
    assert_error(
        client.post(f"{API}/tasks/{task.pk}/reports", {**report, "progress": "130"}), 422, "request_invalid"
    )
    assert not PlanTaskReport.objects.exists()
    response = client.post(f"{API}/tasks/{task.pk}/reports", {**report, "evidence": pdf()})
    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["progress"], sent["status"], sent["reported_by"]) == (30, "in_progress", leader.full_name)
    task.refresh_from_db()
    assert (task.progress, task.status) == (30, "in_progress")
    audit = audits("plan.task_reported").get()
    assert audit.actor_id == leader.pk and audit.data["evidence_sha256"] == sent["evidence"]["sha256"]
    download = client.get(sent["evidence"]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"].startswith("attachment")
        and download["Content-Security-Policy"] == "sandbox"
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert_error(client.get(f"{API}/task-reports/987654/evidence"), 404, "plan_file_not_found")

    # Reading: the page's list, the task with its reports; any staff member.
    as_user(client, "chuyenvien.tnmt")
    listing = client.get(f"{API}/tasks").json()
    assert listing["count"] == 1 and listing["items"][0]["latest_report"]["progress"] == 30
    assert client.get(f"{API}/tasks", {"status": "done"}).json()["count"] == 0
    assert client.get(f"{API}/tasks", {"unit": "H56.19", "status": "in_progress"}).json()["count"] == 1
    assert_error(client.get(f"{API}/tasks", {"status": "late"}), 422, "request_invalid")
    one = client.get(f"{API}/tasks/{task.pk}").json()
    assert [r["id"] for r in one["reports"]] == [sent["id"]] and one["can_report"] is False
    assert_error(client.get(f"{API}/tasks/987654"), 404, "plan_task_not_found")

    # A citizen, and staff without a membership, are refused as on the pages.
    citizen = User.objects.filter(kind=AccountKind.CITIZEN).first()
    client.force_login(citizen)
    assert_error(client.get(f"{API}/tasks"), 403, "staff_only")
    assert_error(client.post(f"{API}/tasks/{task.pk}/reports", report), 403, "staff_only")

    # A key acts for its owner within its units and scope.
    commune_key = bearer(leader, units=["H56.101"])
    assert client.get(f"{API}/tasks", **commune_key).json()["count"] == 0
    assert_error(client.get(f"{API}/tasks/{task.pk}", **commune_key), 404, "plan_task_not_found")
    assert_error(
        client.post(f"{API}/tasks/{task.pk}/reports", report, **commune_key), 404, "plan_task_not_found"
    )
    read_only = bearer(leader, operations=("reporting:read",))
    assert_error(client.post(f"{API}/tasks/{task.pk}/reports", report, **read_only), 403, "api_key_scope")
    agency_key = bearer(leader, units=["H56.19"])
    response = client.post(f"{API}/tasks/{task.pk}/reports", {**report, "progress": "40"}, **agency_key)
    assert response.status_code == 201, response.content
    assert audits("plan.task_reported").count() == 2
    admin_commune_key = bearer(admin, units=["H56.101"])
    assert_error(client.post(f"{API}/tasks", new, content_type="application/json", **admin_commune_key),
                 403, "api_key_scope")  # fmt: skip


def test_figures_and_review_costs(client, plan):
    figure = {"series": "value", "year": "2024", "value": "97.25", "source_title": "Báo cáo số 12/BC-UBND",
              "source_number": "12/BC-UBND", "source_date": "2025-01-15"}  # fmt: skip
    assert_error(as_user(client, "chuyenvien.tnmt").post(f"{API}/targets/T05/measurements", figure),
                 403, "plan_not_allowed")  # fmt: skip
    as_user(client, "quantri.tinh")
    bad = assert_error(client.post(f"{API}/targets/T05/measurements", {**figure, "value": "101",
                                                                       "source_date": "2030-01-01"}),
                       422, "plan_input_invalid")  # fmt: skip
    assert set(bad["fields"]) == {"value", "source_date"}
    assert_error(
        client.post(f"{API}/targets/T05/measurements", {**figure, "year": "abc"}), 422, "request_invalid"
    )
    assert_error(client.post(f"{API}/targets/T99/measurements", figure), 404, "plan_target_not_found")
    assert not Measurement.objects.exists()
    response = client.post(f"{API}/targets/T05/measurements", {**figure, "file": pdf("bao-cao.pdf")})
    assert response.status_code == 201, response.content
    entered = response.json()
    m = Measurement.objects.get()
    assert (entered["id"], entered["value"], m.value) == (m.pk, "97.2500", Decimal("97.25"))
    assert audits("plan.measurement_entered").get().data["source_number"] == "12/BC-UBND"
    download = client.get(entered["file"]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert_error(client.get(f"{API}/measurements/987654/file"), 404, "plan_file_not_found")
    # A per-unit figure names its unit; one outside the target's list is refused.
    assessment = {**figure, "series": "assessment", "year": "2025", "value": "86", "unit": "H56.101",
                  "classification": "Hoàn thành tốt nhiệm vụ"}  # fmt: skip
    assert client.post(f"{API}/targets/T20/measurements", assessment).status_code == 201
    assert Measurement.objects.get(target__code="T20").unit.code == "H56.101"
    bad = assert_error(client.post(f"{API}/targets/T20/measurements", {**assessment, "unit": "H56.999"}),
                       422, "plan_input_invalid")  # fmt: skip
    assert list(bad["fields"]) == ["unit"]
    # A key limited to a commune enters that commune's figure, not a province-wide one.
    key = bearer(user("quantri.tinh"), units=["H56.101"])
    assert_error(client.post(f"{API}/targets/T05/measurements", figure, **key), 403, "api_key_scope")
    assert client.post(f"{API}/targets/T20/measurements", assessment, **key).status_code == 201
    assert Measurement.objects.filter(target__code="T20").count() == 2  # the first one, superseded

    # A review's compliance cost, as on the page.
    spec = parse_procedure(procedure_data(sector={"code": "HO_TICH", "name": "Hộ tịch"})).spec
    version = procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )
    review = procedure_review_record(actor=user("quantri.tinh"), procedure=version.procedure,
                                     reviewed_on=dt.date(2025, 9, 15), reviewed_by="Sở Tư pháp")  # fmt: skip
    cost = {"before": {"hours": "6.5", "wage_rate": 40000, "travel": 150000},
            "after": {"hours": "1", "wage_rate": 40000}, "yearly_dossiers": 1200, "note": "Khảo sát 30 hồ sơ"}  # fmt: skip
    url = f"{API}/reviews/{review.pk}/cost"
    assert_error(as_user(client, "chuyenvien.tnmt").put(url, cost, content_type="application/json"),
                 403, "plan_not_allowed")  # fmt: skip
    as_user(client, "quantri.tinh")
    assert_error(client.put(url, {**cost, "after": {"hours": "-1", "wage_rate": 1}}, content_type="application/json"),
                 422, "request_invalid")  # fmt: skip
    assert_error(client.put(f"{API}/reviews/987654/cost", cost, content_type="application/json"),
                 404, "plan_review_not_found")  # fmt: skip
    assert not ReviewCost.objects.exists()
    response = client.put(url, cost, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["before_cost"], body["after_cost"], body["saving"]) == (410_000, 40_000, 370_000)
    assert audits("plan.review_cost_saved").get().data["review"] == review.pk
    listing = client.get(f"{API}/reviews").json()
    assert listing["count"] == 1 and listing["items"][0]["cost"]["saving"] == 370_000
    assert listing["items"][0]["can_cost"] is True
    assert client.get(f"{API}/reviews", {"q": "không có"}).json()["count"] == 0


def test_reading_needs_a_session_or_a_key_with_the_scope(client, plan):
    assert_error(client.get(f"{API}/targets"), 401, "not_authenticated")
    task = plan_task_create(actor=user("quantri.tinh"), unit=unit("H56.19"), title="Số hóa",
                            deadline=dt.date(2026, 12, 31))  # fmt: skip
    assert_error(client.get(f"{API}/tasks/{task.pk}"), 401, "not_authenticated")
    no_scope = bearer(user("chuyenvien.tnmt"), operations=("dossiers:read",))
    assert_error(client.get(f"{API}/targets", **no_scope), 403, "api_key_scope")
    reader = bearer(user("chuyenvien.tnmt"), operations=("reporting:read",))
    assert client.get(f"{API}/targets", **reader).status_code == 200
    assert client.get(f"{API}/tasks/{task.pk}", **reader).json()["title"] == "Số hóa"
