"""The reform-plan scorecard (T01–T20): seeding, the value and status of each kind of target, the key units
over the 2025 reform, entering figures with their sources, plan tasks, review costs, the command, the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from collections import Counter
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfWriter

from motcua.accounts.models import User
from motcua.catalogue.services.procedures import procedure_create, procedure_publish, procedure_review_record
from motcua.catalogue.spec import parse_procedure
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit
from motcua.reporting.facts_store import facts_add, grains
from motcua.reporting.plan import (
    BASELINE,
    COMPUTED,
    ENTERED,
    MET,
    NO_DATA,
    NOT_MET,
    ON_TRACK,
    Context,
    CostSide,
    PlanInputError,
    PlanNotAllowed,
    key_unit_rows,
    measurement_enter,
    plan_can_enter,
    plan_scorecard,
    plan_target_detail,
    plan_task_create,
    plan_task_report,
    review_cost_save,
)
from motcua.reporting.plan_models import Measurement, PlanTarget, PlanTask, PlanTaskStatus, ReviewCost
from motcua.reporting.plan_seed import T14_UNITS, seed_demo_plan, seed_plan_targets
from tests.dossiers.data import procedure_data

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.datetime(2026, 3, 16, 10, 0, tzinfo=VN)
D = Decimal


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(demo_data):
    seed_plan_targets()
    return {t.code: t for t in PlanTarget.objects.all()}


@pytest.fixture
def admin(demo_data):
    return User.objects.get(username="quantri.tinh")  # province administrator


@pytest.fixture
def leader(demo_data):
    return User.objects.get(username="lanhdao.tnmt")  # agency leader, Sở Nông nghiệp và Môi trường (H56.19)


@pytest.fixture
def specialist(demo_data):
    return User.objects.get(username="chuyenvien.tnmt")


def unit(code):
    return OrgUnit.objects.get(code=code)


def enter(target, series="value", year=2025, value="50", **kw):
    kw.setdefault("source_title", "Báo cáo kết quả CCHC năm")
    kw.setdefault("source_date", dt.date(2026, 1, 15))
    return measurement_enter(
        actor=None, target=target, series=series, year=year, value=D(value), check_permission=False, **kw
    )


def row_of(code, year=2025):
    return plan_scorecard(year, codes=[code])[0]


def published_procedure(**overrides):
    spec = parse_procedure(procedure_data(**overrides)).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


def add_facts(day, unit_code, procedure_id, **counters):
    facts_add(
        grains(
            Counter({(day, name): value for name, value in counters.items()}),
            unit(unit_code).pk,
            procedure_id,
        )
    )


# -- the targets ---------------------------------------------------------------------------------------------


def test_the_twenty_targets_are_seeded_once_and_an_edited_scope_is_kept(plan):
    assert list(plan) == [f"T{n:02}" for n in range(1, 21)]
    t04 = plan["T04"]
    assert "HO_TICH" in t04.scope["sectors"] and plan["T14"].scope["units"] == T14_UNITS
    t04.scope = {"sectors": ["DAT_DAI"]}
    t04.save()
    assert seed_plan_targets() == 0
    assert PlanTarget.objects.count() == 20
    assert PlanTarget.objects.get(code="T04").scope == {"sectors": ["DAT_DAI"]}


def test_every_target_has_a_row_for_every_year_and_no_data_when_nothing_is_held(plan):
    rows = plan_scorecard(2025)
    assert [r.target.code for r in rows] == list(plan)
    for row in rows:
        assert [v.year for v in row.trend] == [2021, 2022, 2023, 2024, 2025, 2026]
        assert row.current.status == NO_DATA, row.target.code


# -- status against the target ---------------------------------------------------------------------------------


def test_at_least_met_on_track_not_met(plan):
    t05 = plan["T05"]
    for year, value in ((2021, "96.8"), (2022, "97.5"), (2023, "97.1"), (2024, "98.2")):
        enter(t05, year=year, value=value)
    enter(t05, year=2025, value="97.9")
    trend = {v.year: v for v in row_of("T05").trend}
    assert trend[2021].status == NOT_MET  # first year, below 98 %
    assert trend[2022].status == ON_TRACK  # better than the year before, before the plan's end
    assert trend[2023].status == NOT_MET  # worse than the year before
    assert trend[2024].status == MET
    assert trend[2025].status == NOT_MET  # the end year: met or not, no "on track"
    assert trend[2025].origin == ENTERED and trend[2025].text == "97,9 %"
    assert trend[2026].status == NO_DATA


def test_t01_counts_the_indices_in_the_top_ten(plan):
    t01 = plan["T01"]
    for key, rank in (("PAR_INDEX", 8), ("SIPAS", 9), ("PCI", 12)):
        enter(t01, key, value="80", rank=rank)
    value = row_of("T01").current
    assert value.text == "2/4 chỉ số trong nhóm 10" and value.status == NOT_MET
    assert "Còn thiếu 1 chỉ số" in value.note
    enter(t01, "PCI", value="81", rank=7)
    enter(t01, "PAPI", value="45", rank=10)
    assert row_of("T01").current.status == MET
    assert Measurement.objects.filter(target=t01, series="PCI").count() == 2  # the first PCI is kept


def test_t16_reduction_against_2021(plan):
    t16 = plan["T16"]
    enter(t16, year=2021, value="1000")
    enter(t16, year=2024, value="950")
    enter(t16, year=2025, value="890")
    trend = {v.year: v for v in row_of("T16").trend}
    assert trend[2021].status == BASELINE
    assert trend[2024].value == D("5.00") and trend[2024].status == ON_TRACK
    assert trend[2025].value == D("11.00") and trend[2025].status == MET
    assert trend[2025].text == "Giảm 11,0 %" and trend[2025].detail == "1.000 → 890"


def test_t18_reads_sipas_from_t01_and_t19_needs_both_fields(plan):
    enter(plan["T01"], "SIPAS", value="95.5", rank=5)
    assert row_of("T18").current.status == MET
    enter(plan["T19"], "HEALTH", value="91")
    t19 = row_of("T19").current
    assert t19.status == NO_DATA and t19.incomplete
    enter(plan["T19"], "EDUCATION", value="89.5")
    assert row_of("T19").current.status == NOT_MET and row_of("T19").current.value == D("89.5")


def test_t20_share_of_units_assessed(plan):
    t20 = plan["T20"]
    enter(
        t20,
        "assessment",
        year=2025,
        value="88",
        unit=unit("H56.02"),
        classification="Hoàn thành tốt nhiệm vụ",
    )
    value = row_of("T20").current
    # At the end of 2025: 7 provincial agencies and the 35 demo communes (the districts ended on 30/6).
    assert (value.numerator, value.denominator) == (1, 42)
    with pytest.raises(PlanInputError) as exc:
        enter(t20, "assessment", year=2025, value="80", unit=unit("H56.399"), classification="Hoàn thành")
    assert "không thuộc danh sách" in exc.value.errors["unit"][0]
    enter(t20, "assessment", year=2024, value="80", unit=unit("H56.399"), classification="Hoàn thành")


# -- computed from the dossiers ------------------------------------------------------------------------------


def test_dossier_targets_come_from_the_facts_and_fall_back_to_entered_figures(plan):
    version = published_procedure()
    day = dt.date(2025, 5, 6)
    add_facts(day, "H56.19", version.procedure_id, received=10, received_online=4, received_counter=6,
              resolved=10, resolved_on_time=9, resolved_late=1, handover_electronic=3, handover_paper=1,
              received_reused=2, received_from_store=5)  # fmt: skip
    enter(plan["T05"], year=2024, value="97")
    enter(plan["T05"], year=2025, value="99.9")  # the system's figure wins for 2025
    t05 = {v.year: v for v in row_of("T05").trend}
    assert t05[2025].origin == COMPUTED and t05[2025].value == D("90.00") and t05[2025].detail == "9/10 hồ sơ"
    assert t05[2024].origin == ENTERED and t05[2024].value == D("97")
    t09 = row_of("T09").current
    assert t09.value == D("75.00") and t09.status == NOT_MET
    t12 = row_of("T12").current
    assert t12.value == D("50.00")  # the larger of 4.3 (2/10) and 4.4 (5/10)
    t13 = row_of("T13").current
    assert t13.value == D("40.00") and t13.status == NO_DATA  # nothing the year before to compare with
    detail = plan_target_detail(plan["T13"], 2025)
    assert detail.breakdown["elsewhere"] == {"elsewhere": 0, "total": 0, "share": None}
    t10 = row_of("T10").current  # 766 item 3.5 is not held yet: no figure, explained
    assert t10.status == NO_DATA and "chưa có dữ liệu" in t10.note


def test_t04_share_of_procedures_reviewed_in_the_listed_sectors(plan, admin):
    land = published_procedure(code="1.900001", sector={"code": "DAT_DAI", "name": "Đất đai"})
    published_procedure(code="1.900002", sector={"code": "DAT_DAI", "name": "Đất đai"})
    published_procedure(code="1.900003", sector={"code": "THUE", "name": "Thuế"})
    published_procedure(code="1.900004")  # not a listed sector
    procedure_review_record(
        actor=admin, procedure=land.procedure, reviewed_on=dt.date(2025, 3, 1), reviewed_by="Sở"
    )
    enter(plan["T04"], year=2023, value="40")
    trend = {v.year: v for v in row_of("T04").trend}
    assert trend[2025].origin == COMPUTED and trend[2025].detail == "1/3 thủ tục"
    assert trend[2023].origin == ENTERED  # no review recorded in the system by then
    assert trend[2024].origin == NONE_ORIGIN
    sectors = {s["code"]: s for s in plan_target_detail(plan["T04"], 2025).breakdown["sectors"]}
    assert sectors["DAT_DAI"]["reviewed"] == 1 and sectors["THUE"]["total"] == 1


NONE_ORIGIN = "none"


# -- T14: key units across the 2025 reform ------------------------------------------------------------------------


def test_key_units_show_historic_units_then_their_successors(plan):
    today = dt.date(2026, 3, 16)
    rows_2025 = {tuple(r.codes): r for r in key_unit_rows(T14_UNITS, 2025, today=today)}
    assert ("H56.380", "H56.405") in rows_2025  # Đông Sơn merged into the city on 1/12/2024
    assert rows_2025[("H56.17",)].unit.code == "H56.17"  # existed until 28/2/2025: still shown
    assert rows_2025[("H56.399",)].unit.code == "H56.399"  # a district, shown through June 2025
    rows_2026 = {tuple(r.codes): r for r in key_unit_rows(T14_UNITS, 2026, today=today)}
    assert rows_2026[("H56.17",)].unit.code == "H56.19" and rows_2026[("H56.17",)].successor_of
    assert rows_2026[("H56.05", "H56.06")].unit.code == "H56.05"  # Transport merged into Construction
    assert rows_2026[("H56.399",)].unit.code == "H56.138"  # Hoằng Hóa → xã Hoằng Hóa
    assert rows_2026[("H56.380", "H56.405")].unit.code == "H56.101"  # → phường Hạc Thành
    assert rows_2026[("H56.53",)].unit is None  # customs left the provincial register


def test_t14_ranks_key_units_and_judges_the_change_of_the_same_units(plan):
    t14 = plan["T14"]
    enter(t14, "kpi766", year=2024, value="70", unit=unit("H56.17"))
    enter(t14, "kpi766", year=2024, value="60", unit=unit("H56.02"))
    enter(t14, "kpi766", year=2025, value="75", unit=unit("H56.17"))
    enter(t14, "kpi766", year=2025, value="80", unit=unit("H56.02"))
    value = row_of("T14").current
    assert value.value == D("77.50") and value.change == D("12.50") and value.status == MET
    ctx = Context()
    rows = plan_target_detail(t14, 2025, ctx=ctx).breakdown["units"]
    assert [(r.unit.code, r.rank, r.previous) for r in rows[:2]] == [
        ("H56.02", 1, D("60")),
        ("H56.17", 2, D("70")),
    ]
    # 2026: H56.17 is shown as its successor H56.19, compared with H56.17's 2025 total.
    enter(t14, "kpi766", year=2026, value="71", unit=unit("H56.19"))
    current = plan_scorecard(2026, codes=["T14"])[0].current
    assert current.change == D("-4.00") and current.status == NOT_MET


# -- entering figures: rules, permission, audit -------------------------------------------------------------------


def test_measurement_rules_give_clear_errors_and_write_nothing(plan):
    with pytest.raises(PlanInputError) as exc:
        measurement_enter(
            actor=None, target=plan["T01"], series="PCI", year=2027, value=D("120"), source_title=" ",
            source_date=dt.date(2026, 12, 1), check_permission=False,
        )  # fmt: skip
    errors = exc.value.errors
    assert set(errors) == {"year", "value", "rank", "source_title", "source_date"}
    assert "Cần nhập thứ hạng" in errors["rank"][0]
    with pytest.raises(PlanInputError) as exc:
        enter(plan["T02"], value="50", total=D("40"))
    assert "không được lớn hơn tổng số" in exc.value.errors["value"][0]
    with pytest.raises(PlanInputError) as exc:
        enter(plan["T16"], value="10.5")
    assert "số nguyên" in exc.value.errors["value"][0]
    with pytest.raises(PlanInputError) as exc:
        enter(plan["T05"], series="PAR_INDEX")
    assert "series" in exc.value.errors
    with pytest.raises(PlanInputError) as exc:
        enter(plan["T05"], upload=SimpleUploadedFile("bao-cao.pdf", b"<html>not a pdf</html>"))
    assert "file" in exc.value.errors
    assert not Measurement.objects.exists()


def test_only_province_level_users_enter_and_each_entry_is_audited(plan, admin, leader):
    assert plan_can_enter(user=admin) and not plan_can_enter(user=leader)
    with pytest.raises(PlanNotAllowed):
        measurement_enter(actor=leader, target=plan["T05"], series="value", year=2024, value=D(97),
                          source_title="x", source_date=dt.date(2025, 1, 1))  # fmt: skip
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    first = measurement_enter(actor=admin, target=plan["T05"], series="value", year=2024, value=D(97),
                              source_title="Báo cáo 12/BC-UBND", source_date=dt.date(2025, 1, 10),
                              upload=SimpleUploadedFile("bc.pdf", pdf))  # fmt: skip
    assert first.file and first.file_name.endswith(".pdf") and first.entered_by == admin
    second = measurement_enter(actor=admin, target=plan["T05"], series="value", year=2024, value=D("97.4"),
                               source_title="Báo cáo 15/BC-UBND", source_date=dt.date(2025, 2, 1))  # fmt: skip
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    events = AuditEvent.objects.filter(action="plan.measurement_entered").order_by("seq")
    assert events.count() == 2 and events.last().data["replaces"]["value"] == "97.0000"


# -- plan tasks ------------------------------------------------------------------------------------------------


def test_plan_tasks_progress_and_who_may_report(plan, admin, leader):
    other = User.objects.get(username="lanhdao.hacthanh")
    with pytest.raises(PlanNotAllowed):
        plan_task_create(actor=leader, unit=unit("H56.19"), title="x", deadline=dt.date(2026, 6, 30))
    task = plan_task_create(actor=admin, unit=unit("H56.19"), title="Rà soát TTHC đất đai",
                            deadline=dt.date(2026, 3, 1), target=plan["T04"])  # fmt: skip
    assert task.is_overdue()
    with pytest.raises(PlanNotAllowed):
        plan_task_report(actor=other, task=task, reported_on=dt.date(2026, 3, 10), progress=50,
                         status=PlanTaskStatus.IN_PROGRESS, text="Đang rà soát")  # fmt: skip
    with pytest.raises(PlanInputError) as exc:
        plan_task_report(actor=leader, task=task, reported_on=dt.date(2026, 3, 20), progress=90,
                         status=PlanTaskStatus.DONE, text=" ")  # fmt: skip
    assert set(exc.value.errors) == {"reported_on", "progress", "text"}
    plan_task_report(actor=leader, task=task, reported_on=dt.date(2026, 3, 12), progress=100,
                     status=PlanTaskStatus.DONE, text="Đã rà soát 11 thủ tục")  # fmt: skip
    # An older report sent later does not roll the task back.
    plan_task_report(actor=leader, task=task, reported_on=dt.date(2026, 2, 1), progress=40,
                     status=PlanTaskStatus.IN_PROGRESS, text="Báo cáo tháng 1")  # fmt: skip
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on) == (PlanTaskStatus.DONE, 100, dt.date(2026, 3, 12))
    assert task.is_overdue()  # done after its deadline
    assert AuditEvent.objects.filter(action="plan.task_reported").count() == 2


# -- review costs ------------------------------------------------------------------------------------------------


def test_review_cost_standard_cost_model(plan, admin, specialist):
    version = published_procedure(sector={"code": "DAT_DAI", "name": "Đất đai"})
    review = procedure_review_record(actor=admin, procedure=version.procedure, reviewed_on=dt.date(2025, 10, 6),
                                     reviewed_by="Sở NN&MT", simplification_proposed=True)  # fmt: skip
    agency_admin = User.objects.get(username="quantri.tnmt")
    with pytest.raises(PlanNotAllowed):
        review_cost_save(actor=specialist, review=review, before=CostSide(D(1), 1), after=CostSide(D(1), 1))
    with pytest.raises(PlanInputError) as exc:
        review_cost_save(actor=agency_admin, review=review, before=CostSide(D(-1), 40_000),
                         after=CostSide(D(2), None, fees=-5))  # fmt: skip
    assert set(exc.value.errors) == {"before_hours", "after_wage_rate", "after_fees"}
    cost = review_cost_save(
        actor=agency_admin, review=review, before=CostSide(D("8"), 40_000, 100_000, 200_000),
        after=CostSide(D("2.5"), 40_000, 100_000, 30_000), yearly_dossiers=500,
    )  # fmt: skip
    assert (cost.before_cost, cost.after_cost, cost.saving) == (620_000, 230_000, 390_000)
    assert cost.saving_percent == D("62.9") and cost.yearly_saving == 195_000_000
    again = review_cost_save(
        actor=admin, review=review, before=CostSide(D(8), 40_000), after=CostSide(D(4), 40_000)
    )
    assert again.pk == cost.pk and ReviewCost.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action="plan.review_cost_saved").last().data["previous"]["before"]
        == 620_000
    )
    breakdown = plan_target_detail(plan["T04"], 2025).breakdown
    assert breakdown["costs"] == 1 and breakdown["saving_per_dossier"] == 160_000


# -- demo, command, pages --------------------------------------------------------------------------------------------


def test_demo_figures_are_illustrative_and_seeding_twice_adds_nothing(demo_data):
    assert seed_demo_plan() > 100
    assert seed_demo_plan() == 0
    assert not Measurement.objects.filter(illustrative=False).exists()
    assert Measurement.objects.filter(source_title="Dữ liệu minh họa").count() == Measurement.objects.count()
    rows = plan_scorecard(2025)
    assert all(r.current.status != NO_DATA for r in rows if r.target.code != "T04")
    assert PlanTask.objects.filter(illustrative=True).exists()


def test_scorecard_command_json_and_table(plan):
    enter(plan["T05"], year=2025, value="98.5")
    out = io.StringIO()
    call_command("scorecard", "--year", "2025", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["year"] == 2025 and len(payload["targets"]) == 20
    t05 = next(t for t in payload["targets"] if t["code"] == "T05")
    assert t05["status"] == MET and t05["value"] == "98.5000" and t05["sources"][0]["title"]
    out = io.StringIO()
    call_command("scorecard", "--year", "2025", "--target", "T05", stdout=out)
    assert "98,5 % — ĐẠT" in out.getvalue()
    with pytest.raises(CommandError, match="ngoài kế hoạch"):
        call_command("scorecard", "--year", "2019")


@pytest.fixture
def web(admin):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    return client


def test_pages_for_staff(plan, web, specialist):
    enter(plan["T05"], year=2025, value="98.5")
    page = web.get("/can-bo/ke-hoach/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "T20" in html and "✓</span>Đạt" in html and "98,5 %" in html
    for path in ("/can-bo/ke-hoach/T14/?year=2026", "/can-bo/ke-hoach/T20/", "/can-bo/ke-hoach/T05/?year=1999",
                 "/can-bo/ke-hoach/nhiem-vu/", "/can-bo/ke-hoach/ra-soat/", "/can-bo/ke-hoach/T01/nhap/"):  # fmt: skip
        assert web.get(path).status_code == 200, path
    assert web.get("/can-bo/ke-hoach/T99/").status_code == 404
    reader = Client(HTTP_HOST="127.0.0.1")
    reader.force_login(specialist)
    assert reader.get("/can-bo/ke-hoach/").status_code == 200
    assert reader.get("/can-bo/ke-hoach/T05/nhap/").status_code == 403
    assert reader.post("/can-bo/ke-hoach/T05/nhap/", {}).status_code == 403


def test_entering_a_figure_through_the_form(plan, web):
    form = {"series": "value", "year": "2024", "value": "97,25", "source_title": "Báo cáo số 12/BC-UBND",
            "source_number": "12/BC-UBND", "source_date": "2025-01-15", "note": ""}  # fmt: skip
    response = web.post("/can-bo/ke-hoach/T05/nhap/", form)
    assert response.status_code == 302
    m = Measurement.objects.get(target__code="T05", year=2024)
    assert m.value == D("97.25") and m.source_number == "12/BC-UBND"
    bad = web.post("/can-bo/ke-hoach/T05/nhap/", {**form, "value": "101", "source_date": "2030-01-01"})
    assert bad.status_code == 400
    assert (
        "không được lớn hơn 100" in bad.content.decode() and "không được sau hôm nay" in bad.content.decode()
    )
    assert web.post("/can-bo/ke-hoach/T05/nhap/", {**form, "year": "abc"}).status_code == 400
    assessment = {**form, "series": "assessment", "year": "2025", "value": "86", "unit": unit("H56.101").pk,
                  "classification": "Hoàn thành tốt nhiệm vụ"}  # fmt: skip
    assert web.post("/can-bo/ke-hoach/T20/nhap/", assessment).status_code == 302
    assert Measurement.objects.get(target__code="T20").unit.code == "H56.101"


def test_task_pages(plan, web, leader):
    response = web.post("/can-bo/ke-hoach/nhiem-vu/giao/", {
        "unit": unit("H56.19").pk, "target": "T04", "title": "Rà soát TTHC môi trường", "deadline": "2026-06-30",
    })  # fmt: skip
    assert response.status_code == 302
    task = PlanTask.objects.get()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(leader)
    response = client.post(f"/can-bo/ke-hoach/nhiem-vu/{task.pk}/", {
        "reported_on": "2026-03-15", "progress": "30", "status": "in_progress", "text": "Đã rà soát 3 thủ tục",
    })  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == 30
    page = client.get("/can-bo/ke-hoach/nhiem-vu/").content.decode()
    assert "Rà soát TTHC môi trường" in page and "30 %" in page


def test_review_cost_page_and_evidence_file(plan, web, admin):
    version = published_procedure(sector={"code": "HO_TICH", "name": "Hộ tịch"})
    review = procedure_review_record(actor=admin, procedure=version.procedure, reviewed_on=dt.date(2025, 9, 15),
                                     reviewed_by="Sở Tư pháp", simplification_proposed=True)  # fmt: skip
    listing = web.get("/can-bo/ke-hoach/ra-soat/").content.decode()
    assert "Chưa ước tính" in listing and f"/ra-soat/{review.pk}/chi-phi/" in listing
    assert web.get(f"/can-bo/ke-hoach/ra-soat/{review.pk}/chi-phi/").status_code == 200
    response = web.post(f"/can-bo/ke-hoach/ra-soat/{review.pk}/chi-phi/", {
        "before_hours": "6,5", "before_wage_rate": "40000", "before_travel": "150000",
        "after_hours": "1", "after_wage_rate": "40000", "yearly_dossiers": "1200", "note": "Khảo sát 30 hồ sơ",
    })  # fmt: skip
    assert response.status_code == 302
    cost = ReviewCost.objects.get(review=review)
    assert (cost.before_cost, cost.after_cost, cost.after_fees) == (410_000, 40_000, 0)
    assert "370.000 đ" in web.get("/can-bo/ke-hoach/ra-soat/").content.decode()

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    m = enter(
        plan["T03"], value="30", total=D("31"), upload=SimpleUploadedFile("so-ra-soat.pdf", buffer.getvalue())
    )
    download = web.get(f"/can-bo/ke-hoach/tep/so-lieu/{m.pk}/")
    assert download.status_code == 200 and download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert web.get("/can-bo/ke-hoach/tep/so-lieu/999999/").status_code == 404
    assert "xem văn bản" in web.get("/can-bo/ke-hoach/T03/?year=2025").content.decode()
