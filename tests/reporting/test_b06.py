"""Biểu 06/06a/07a: exact figures from dossiers made through the real services, the layouts, the exports,
the command and the back-office page."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.reporting.b06 import KEYS, OrgIndex, UnknownForm, b06_report, form_for
from motcua.reporting.exports import filename, report_json, write_xlsx
from motcua.reporting.facts_store import facts_add, grains
from motcua.reporting.models import DossierFact
from motcua.reporting.periods import parse_period
from tests.dossiers.conftest import clock, demo, people, vn  # noqa: F401 - fixtures
from tests.dossiers.data import procedure_data

pytestmark = pytest.mark.django_db

SHORT_PROCESS = {
    "steps": [
        {"code": "TN", "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "unit": "receiving",
         "budget": {"amount": 4, "unit": "working_hours"}},
        {"code": "KY", "name": "Lãnh đạo ký", "role": "agency_leader", "unit": "resolving",
         "budget": {"amount": 2, "unit": "working_days"}},
        {"code": "TKQ", "name": "Trả kết quả", "role": "one_stop_officer", "unit": "receiving",
         "budget": {"amount": 4, "unit": "working_hours"}},
    ],
    "actions": [
        {"from": "TN", "to": "KY", "name": "Chuyển xử lý", "roles": ["one_stop_officer"]},
        {"from": "KY", "to": "TKQ", "name": "Ban hành kết quả", "roles": ["agency_leader"]},
        {"from": "TKQ", "to": "END", "name": "Trả kết quả", "roles": ["one_stop_officer"]},
    ],
}  # fmt: skip
OPTIONAL_ONLY = [{"name": "Giấy tờ khác (nếu có)", "originals": 0, "copies": 1, "required": False}]


def publish(**overrides):
    data = procedure_data(process=SHORT_PROCESS, components=OPTIONAL_ONLY, **overrides)
    spec = parse_procedure(data).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


def unit(code):
    return OrgUnit.objects.get(code=code)


@pytest.fixture
def scene(demo, people, clock):  # noqa: F811
    """Two units, two sectors, every column of the form used at least once (see the docstring of each)."""
    water = publish()  # Sở Nông nghiệp và Môi trường (H56.19), "Tài nguyên nước", 5 working days
    civil = publish(
        code="1.009998", name="Đăng ký khai sinh (thử nghiệm)", sector={"code": "HO_TICH", "name": "Hộ tịch"},
        level="commune", agency="H56.101", online_level="none", full_online_eligible=False,
        time_limit={"amount": 3, "unit": "working_days", "after_cutoff": False},
    )  # fmt: skip
    centre, ward = unit("H56.40"), unit("H56.101")
    officer, ward_officer = people["officer"], people["commune_officer"]
    leader = people["leader"]
    ward_leader = User.objects.get(username="lanhdao.hacthanh")
    made = {}

    def at_counter(name, version, point, who, moment, channel="counter"):
        clock(moment)
        made[name] = s.dossier_receive_at_counter(
            officer=who, receiving_point=point, procedure_version=version, channel=channel,
            applicant=CounterApplicant(kind="citizen", name="Lê Văn Test", personal_id="038090012345"),
            provided_positions=[],
        )  # fmt: skip

    def online(name, moment):
        clock(moment)
        d = s.dossier_create_draft(
            applicant=people["citizen"], procedure_version=water, receiving_point=centre
        )
        d = s.dossier_submit(dossier=d, applicant=people["citizen"])
        clock.shift(minutes=30)
        made[name] = s.dossier_receive(dossier=d, officer=officer, checked_component_ids=[])

    def decide(name, moment, who, by):
        clock(moment)
        d = s.dossier_route(dossier=Dossier.objects.get(pk=made[name].pk), officer=who)
        clock.shift(minutes=30)
        made[name] = s.dossier_decide(dossier=d, actor=by, decision="approved")

    at_counter("a1", water, centre, officer, vn(2025, 12, 22, 9, 0))  # carried into Q1, decided late
    online("a2", vn(2026, 3, 2, 9, 0))  # decided early
    at_counter(
        "a3", water, centre, officer, vn(2026, 3, 2, 11, 0), channel="postal"
    )  # decided on its due day
    at_counter("a4", water, centre, officer, vn(2026, 3, 23, 9, 0))  # open, overdue at 31/3
    online("a5", vn(2026, 3, 30, 9, 0))  # open, within time at 31/3
    at_counter("b1", civil, ward, ward_officer, vn(2026, 2, 2, 9, 0))  # decided early
    at_counter("b2", civil, ward, ward_officer, vn(2026, 3, 31, 9, 0), channel="postal")  # open, within
    at_counter("b3", civil, ward, ward_officer, vn(2026, 4, 2, 9, 0))  # after the quarter: not counted
    decide("a1", vn(2026, 1, 5, 9, 0), officer, leader)
    decide("a2", vn(2026, 3, 4, 9, 0), officer, leader)
    decide("a3", vn(2026, 3, 9, 9, 0), officer, leader)
    decide("b1", vn(2026, 2, 2, 14, 0), ward_officer, ward_leader)
    clock(vn(2026, 4, 10, 9, 0))
    return made


def figures(**given):
    return {key: given.get(key, 0) for key in KEYS}


H56_19_Q1 = figures(
    received_total=5, received_online=2, received_counter_postal=2, carried_over=1,
    resolved=3, resolved_early=1, resolved_on_time=1, resolved_late=1,
    in_progress=2, in_progress_within=1, in_progress_overdue=1,
)  # fmt: skip
H56_101_Q1 = figures(
    received_total=2,
    received_counter_postal=2,
    resolved=1,
    resolved_early=1,
    in_progress=1,
    in_progress_within=1,
)
TOTAL_Q1 = {k: H56_19_Q1[k] + H56_101_Q1[k] for k in KEYS}


def check_sums(report):
    """The totals row is the sum of the item rows (and of the level rows), and (3) = (7) + (11) everywhere."""
    items = [r for r in report.rows if r.kind == "item"]
    assert report.total.values == {k: sum(r.values[k] for r in items) for k in KEYS}
    groups = [r for r in report.rows if r.kind == "group"]
    if groups:
        assert report.total.values == {k: sum(r.values[k] for r in groups) for k in KEYS}
    for row in [*report.rows, report.total]:
        v = row.values
        assert v["received_total"] == v["received_online"] + v["received_counter_postal"] + v["carried_over"]
        assert v["received_total"] == v["resolved"] + v["in_progress"], row.label
        assert v["resolved"] == v["resolved_early"] + v["resolved_on_time"] + v["resolved_late"]
        assert v["in_progress"] == v["in_progress_within"] + v["in_progress_overdue"]


def test_the_scene_classifies_as_expected(scene):
    assert {n: d.outcome for n, d in scene.items() if d.finished_at} == {
        "a1": "late", "a2": "early", "a3": "on_time", "b1": "early"
    }  # fmt: skip


def test_b06_rows_per_child_unit_calendar_quarter(scene):
    report = b06_report("b06", parse_period("2026-Q1"))
    check_sums(report)
    rows = {r.code: r for r in report.rows}
    assert rows["H56.19"].values == H56_19_Q1
    assert rows["H56.101"].values == H56_101_Q1
    assert report.total.values == TOTAL_Q1
    assert report.unit_code == "H56" and report.receiving_unit == "Văn phòng Chính phủ"
    # Every unit valid in the quarter has its row (zeros included); no district after 1/7/2025.
    kinds = {OrgUnit.objects.get(code=c).kind for c in rows}
    assert OrgUnitKind.DISTRICT not in kinds and OrgUnitKind.COMMUNE in kinds
    assert rows["H56.02"].values == figures()
    assert [r.stt for r in report.rows] == [str(i) for i in range(1, len(report.rows) + 1)]
    # Provincial agencies first, then the communes.
    codes = [r.code for r in report.rows]
    assert codes.index("H56.19") < codes.index("H56.101")


def test_b06_cutoff_quarter_15th_to_14th(scene):
    period = parse_period("2026-Q1", cutoff=True)
    assert (period.start, period.end) == (dt.date(2025, 12, 15), dt.date(2026, 3, 14))
    report = b06_report("b06", period, cutoff=True)
    check_sums(report)
    rows = {r.code: r for r in report.rows}
    assert rows["H56.19"].values == figures(
        received_total=3, received_online=1, received_counter_postal=2,
        resolved=3, resolved_early=1, resolved_on_time=1, resolved_late=1,
    )  # fmt: skip
    assert rows["H56.101"].values == figures(
        received_total=1, received_counter_postal=1, resolved=1, resolved_early=1
    )
    assert "Nghị định 09/2019" in report.period_line and "15/12/2025" in report.period_line


def test_b06_of_one_agency_and_month(scene):
    report = b06_report("b06", parse_period("2026-03"), unit="H56.19")
    check_sums(report)
    own = report.rows[0]
    assert own.code == "H56.19" and "trực tiếp giải quyết" in own.label
    # March: a2, a3, a4, a5 received; a1 was decided in January, so nothing is carried over into March.
    assert own.values == figures(
        received_total=4, received_online=2, received_counter_postal=2,
        resolved=2, resolved_early=1, resolved_on_time=1, in_progress=2, in_progress_within=1, in_progress_overdue=1,
    )  # fmt: skip
    assert all(r.values == figures() for r in report.rows[1:])  # the divisions resolve nothing themselves
    assert report.receiving_unit == "Ủy ban nhân dân tỉnh Thanh Hóa"


def test_b06a_units_by_level(scene):
    report = b06_report("b06a", parse_period("2026-Q1"))
    check_sums(report)
    assert [(r.kind, r.stt, r.label, r.code) for r in report.rows] == [
        ("group", "I", "Cấp tỉnh", "province"),
        ("item", "1", "Sở Nông nghiệp và Môi trường", "H56.19"),
        ("group", "II", "Cấp xã", "commune"),
        ("item", "1", "Phường Hạc Thành", "H56.101"),
    ]
    assert report.rows[1].values == report.rows[0].values == H56_19_Q1
    assert report.rows[3].values == report.rows[2].values == H56_101_Q1


def test_b07a_sectors_by_level(scene):
    report = b06_report("b07a", parse_period("2026-Q1"))
    check_sums(report)
    assert [(r.kind, r.stt, r.label) for r in report.rows] == [
        ("group", "I", "Cấp tỉnh"),
        ("item", "1", "Tài nguyên nước"),
        ("group", "II", "Cấp xã"),
        ("item", "1", "Hộ tịch"),
    ]
    assert report.rows[1].values == H56_19_Q1
    assert report.rows[3].values == H56_101_Q1
    assert report.total.values == TOTAL_Q1
    assert report.name_header == "Lĩnh vực, cấp giải quyết"


def test_next_quarter_carries_over_what_was_in_progress(scene):
    report = b06_report("b06", parse_period("2026-Q2"))
    check_sums(report)
    # Read on 10/4: a4, a5, b2 carried over, b3 received on 2/4; none resolved; all four are past their
    # due day by then (a4 30/3, a5 6/4, b2 3/4, b3 7/4).
    assert report.total.values == figures(
        received_total=4, received_counter_postal=1, carried_over=3, in_progress=4, in_progress_overdue=4
    )


def _fact(unit_code, day, procedure_id, **counters):
    rows = grains({(day, name): value for name, value in counters.items()}, unit(unit_code).pk, procedure_id)
    facts_add(rows)


def test_historic_district_before_and_after_1_july_2025(demo, clock):  # noqa: F811
    """Pure layout: a district dossier received in June 2025 and still open is carried by its successor."""
    clock(vn(2026, 4, 10, 9, 0))
    procedure = publish().procedure
    _fact("H56.380", dt.date(2025, 6, 10), procedure.pk, received=1, received_counter=1, open=1)
    q2 = b06_report("b06", parse_period("2025-Q2"))
    check_sums(q2)
    rows = {r.code: r for r in q2.rows}
    assert rows["H56.380"].values == figures(
        received_total=1, received_counter_postal=1, in_progress=1, in_progress_within=1
    )
    assert "H56.101" not in rows  # the wards start on 1/7/2025
    b07a = b06_report("b07a", parse_period("2025-Q2"))
    assert [(r.kind, r.label) for r in b07a.rows] == [
        ("group", "Cấp huyện (đến 30/6/2025)"),
        ("item", "Tài nguyên nước"),
    ]

    q1 = b06_report("b06", parse_period("2026-Q1"))
    check_sums(q1)
    rows = {r.code: r for r in q1.rows}
    assert "H56.380" not in rows
    assert rows["H56.101"].values == figures(
        received_total=1, carried_over=1, in_progress=1, in_progress_within=1
    )
    assert [r.label for r in b06_report("b06a", parse_period("2026-Q1")).rows] == [
        "Cấp xã",
        "Phường Hạc Thành",
    ]
    # The ward's own report carries it too; the historic district's report for 2026 reads its own history.
    assert b06_report("b06", parse_period("2026-Q1"), unit="H56.101").total.values["carried_over"] == 1
    assert b06_report("b06", parse_period("2026-Q1"), unit="H56.380").total.values["carried_over"] == 1


def test_forms_and_errors(demo):  # noqa: F811
    assert form_for("b06") == "b06" and form_for("06a") == "b06a"
    assert form_for("b06", "unit") == "b06a" and form_for("b06", "sector") == "b07a"
    with pytest.raises(UnknownForm):
        form_for("b08")
    with pytest.raises(LookupError):
        b06_report("b06", parse_period("2026-Q1"), unit="H99")
    empty = b06_report("b06a", parse_period("2026-Q1"))
    assert empty.rows == [] and empty.total.values == figures()
    assert DossierFact.objects.count() == 0
    index = OrgIndex()
    assert index.level(index.by_code("H56.19").pk) == "province"
    assert index.level(index.by_code("H56.380").pk) == "district"


# -- exports ---------------------------------------------------------------------------------------------


def test_xlsx_is_laid_out_as_the_form(scene):
    report = b06_report("b07a", parse_period("2026-Q1"))
    wb = load_workbook(io.BytesIO(write_xlsx(report)))
    ws = wb.active
    assert ws["A1"].value == "Biểu số 07a/VPCP/KSTT"
    assert "Thông tư số 01/2020/TT-VPCP" in ws["A2"].value
    assert ws["J1"].value == "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Thanh Hóa"
    assert ws["J2"].value == "Đơn vị nhận báo cáo: Văn phòng Chính phủ"
    assert ws["A5"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT")
    assert "01/01/2026" in ws["A7"].value and "31/03/2026" in ws["A7"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A9:A10", "B9:B10", "C9:F9", "G9:J9", "K9:M9"} <= merged
    assert [ws.cell(row=9, column=c).value for c in (3, 7, 11)] == [
        "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"
    ]  # fmt: skip
    assert [ws.cell(row=11, column=c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]
    data = [
        [ws.cell(row=r, column=c).value for c in range(1, 14)] for r in range(12, 12 + len(report.rows) + 1)
    ]
    assert data[0][:2] == ["I", "Cấp tỉnh"] and data[1][:2] == ["1", "Tài nguyên nước"]
    assert data[1][2:] == [H56_19_Q1[k] for k in KEYS]
    assert data[-1][1] == "Tổng cộng" and data[-1][2:] == [TOTAL_Q1[k] for k in KEYS]
    assert ws.cell(row=12 + len(report.rows), column=13).border.bottom.style == "thin"
    assert ws.freeze_panes == "C12"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$9:$11"
    assert ws.column_dimensions["B"].width == 44
    assert filename(report, "xlsx") == "bieu-07a-H56-2026-01-01-2026-03-31.xlsx"


def test_json_and_pdf(scene):
    report = b06_report("b06a", parse_period("2026-Q1", cutoff=True), cutoff=True)
    payload = json.loads(report_json(report))
    assert payload["form_label"] == "Biểu số 06a/VPCP/KSTT"
    assert payload["period"] == {
        "label": "Quý 1/2026",
        "start": "2025-12-15",
        "end": "2026-03-14",
        "cutoff": True,
    }
    assert [c["number"] for c in payload["columns"]] == list(range(1, 14))
    assert payload["total"]["values"]["resolved"] == 4
    from motcua.documents.pdf import pdf_available
    from motcua.reporting.exports import write_pdf

    if not pdf_available():
        pytest.skip("WeasyPrint is not usable here")
    pdf = write_pdf(b06_report("b06", parse_period("2026-Q1")))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_command_writes_each_format(scene, tmp_path):
    out = io.StringIO()
    call_command("report", "b06", "--period", "2026-Q1", "--by", "sector", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["form"] == "b07a" and payload["total"]["values"] == TOTAL_Q1
    target = tmp_path / "b06.xlsx"
    call_command("report", "b06a", "--period", "2026-Q1", "--unit", "H56.101", "--format", "xlsx", "-o", str(target),
                 stderr=io.StringIO())  # fmt: skip
    ws = load_workbook(target).active
    assert ws["J1"].value == "Đơn vị báo cáo: Phường Hạc Thành"
    out = io.StringIO()
    call_command("report", "b06", "--period", "2026-Q1", "--cutoff", "--unit", "H56.19", stdout=out)
    assert "Tổng cộng" in out.getvalue() and "15/12/2025" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("report", "b06", "--period", "2026-Q5", "--format", "json", stdout=io.StringIO())
    with pytest.raises(CommandError, match="H99"):
        call_command("report", "b06", "--period", "2026-Q1", "--unit", "H99", stdout=io.StringIO())
    with pytest.raises(CommandError, match="-o FILE"):
        call_command("report", "b06", "--period", "2026-Q1", "--format", "xlsx")


# -- the back-office page --------------------------------------------------------------------------------


def test_page_defaults_to_the_leaders_unit_and_current_quarter(scene, client, people):  # noqa: F811
    client.force_login(people["leader"])  # agency leader of H56.19
    response = client.get(reverse("backoffice:report_b06"))
    assert response.status_code == 200
    q = response.context["q"]
    assert q.unit.code == "H56.19" and q.period_text == "2026-Q2" and q.form == "b06"
    assert {u.code for u in q.units} == {"H56.19"} | set(
        OrgUnit.objects.filter(parent__code="H56.19").values_list("code", flat=True)
    )
    response = client.get(reverse("backoffice:report_b06"), {"ky": "2026-Q1", "bieu": "b07a"})
    html = response.content.decode()
    assert "Tài nguyên nước" in html and "Hộ tịch" not in html
    assert response.context["report"].total.values == H56_19_Q1
    assert "dinh_dang=xlsx" in html and "dinh_dang=pdf" in html
    # Another unit's figures are not for them.
    response = client.get(reverse("backoffice:report_b06"), {"don_vi": "H56"})
    assert response.status_code == 400 and response.context["report"] is None
    assert client.get(reverse("backoffice:report_b06_download"), {"don_vi": "H56"}).status_code == 404


def test_page_for_the_province_and_downloads(scene, client, people):  # noqa: F811
    client.force_login(people["admin"])
    response = client.get(reverse("backoffice:report_b06"), {"ky": "2026-Q1"})
    assert response.context["q"].unit.code == "H56"
    assert response.context["report"].total.values == TOTAL_Q1
    url = reverse("backoffice:report_b06_download")
    response = client.get(url, {"ky": "2026-Q1", "bieu": "b06a", "dinh_dang": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "bieu-06a-H56-2026-01-01-2026-03-31.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Biểu số 06a/VPCP/KSTT"
    response = client.get(url, {"ky": "2026-Q1", "dinh_dang": "json", "chot": "1"})
    assert json.loads(response.content)["period"]["cutoff"] is True
    response = client.get(reverse("backoffice:report_b06"), {"ky": "quý một"})
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert client.get(url, {"ky": "2026-Q1", "dinh_dang": "doc"}).status_code == 400


def test_page_is_for_staff_only(scene, client, people):  # noqa: F811
    url = reverse("backoffice:report_b06")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(people["citizen"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("backoffice:report_b06_download")).status_code == 403
