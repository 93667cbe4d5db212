"""Import and export: JSON and Excel, preview, all-or-nothing, only the valid rows, bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from motcua.catalogue import demo
from motcua.catalogue.errors import ImportFileError, ImportRejected
from motcua.catalogue.exchange import COLUMNS, read_json, write_json
from motcua.catalogue.files import read_source
from motcua.catalogue.models import Procedure, ProcedureVersion, Sector
from motcua.catalogue.records import procedures_with_parts, spec_from_procedure
from motcua.catalogue.services import procedure_import_apply, procedure_import_preview
from motcua.core.models import AuditEvent

from .data import procedure_data, provincial_data


def as_json(*procedures, **extra):
    return json.dumps(
        {"format": "motcua.procedures/1", "procedures": list(procedures), **extra}, ensure_ascii=False
    )


def preview(text, **flags):
    return procedure_import_preview(source=read_json(text), **flags)


def summary(result):
    return [(row.code, row.action.value) for row in result.rows]


def test_preview_writes_nothing_and_apply_writes_everything(org):
    text = as_json(procedure_data(), provincial_data())
    result = preview(text)
    assert summary(result) == [("1.001193", "create"), ("1.004616", "create")] and result.ok
    assert Procedure.objects.count() == 0
    report = procedure_import_apply(actor=None, source=read_json(text), publish=True)
    assert (report.created, report.published) == (2, 2)
    assert ProcedureVersion.objects.count() == 2
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 1


def test_importing_the_same_file_again_changes_nothing(org):
    text = as_json(procedure_data(), provincial_data())
    procedure_import_apply(actor=None, source=read_json(text), publish=True)
    events = AuditEvent.objects.count()
    assert summary(preview(text, publish=True)) == [("1.001193", "unchanged"), ("1.004616", "unchanged")]
    report = procedure_import_apply(actor=None, source=read_json(text), publish=True)
    assert (report.created, report.updated, report.published) == (0, 0, 0)
    assert ProcedureVersion.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1  # only the import's own row


def test_a_changed_row_is_an_update_and_publishes_a_new_version(org):
    procedure_import_apply(actor=None, source=read_json(as_json(procedure_data())), publish=True)
    changed = as_json(procedure_data(time_limit={"amount": 2, "unit": "working_days"}))
    row = preview(changed, publish=True).rows[0]
    assert (row.action.value, row.changes) == ("update", ["Thời hạn giải quyết"])
    procedure_import_apply(actor=None, source=read_json(changed), publish=True)
    assert list(ProcedureVersion.objects.order_by("number").values_list("number", "time_limit_amount")) == [
        (1, 1),
        (2, 2),
    ]


def test_only_publishing_is_a_row_of_its_own(org):
    procedure_import_apply(actor=None, source=read_json(as_json(procedure_data())))
    assert summary(preview(as_json(procedure_data()), publish=True)) == [("1.001193", "publish")]


BAD_ROWS = [
    (provincial_data(code="1.000001", fees=[{"name": "Phí", "amount": -1}]), "fee_negative"),
    (
        provincial_data(code="1.000002", time_limit={"amount": 0, "unit": "working_days"}),
        "time_limit_not_positive",
    ),
    (provincial_data(code="1.000003", sector={"code": "KHONG_CO"}), "sector_unknown"),
    (provincial_data(code="1.000004", agency="H56.99"), "unit_unknown"),
    (provincial_data(code="1.000005", agency="H56.17"), "unit_not_current"),
    ("không phải đối tượng", "not_object"),
    (provincial_data(code="1.000006", components=[{"originals": 1}]), "required"),
]


@pytest.mark.parametrize(("row", "code"), BAD_ROWS)
def test_bad_rows_are_rejected_with_their_reason_and_nothing_is_written(org, row, code):
    text = as_json(procedure_data(), row)
    result = preview(text)
    assert result.rows[0].action.value == "create"
    rejected = result.rows[1]
    assert rejected.action.value == "reject" and code in {p.code for p in rejected.problems}, (
        rejected.problems
    )
    assert all(p.path.startswith("procedures[1]") for p in rejected.problems)
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as excinfo:
        procedure_import_apply(actor=None, source=read_json(text))
    assert excinfo.value.rows[0][0] == "procedures[1]"
    assert Procedure.objects.count() == 0 and AuditEvent.objects.count() == events


def test_only_valid_rows_when_asked(org):
    text = as_json(procedure_data(), BAD_ROWS[0][0], provincial_data())
    report = procedure_import_apply(actor=None, source=read_json(text), only_valid=True)
    assert (report.created, report.skipped) == (2, 1)
    assert sorted(Procedure.objects.values_list("code", flat=True)) == ["1.001193", "1.004616"]


def test_duplicate_codes_in_a_file(org):
    result = preview(as_json(procedure_data(), procedure_data()))
    assert summary(result) == [("1.001193", "create"), ("1.001193", "reject")]
    assert result.rows[1].problems[0].code == "procedure_code_duplicate"


def test_publish_rejects_rows_whose_process_fails_the_lint(org):
    data = provincial_data()
    data["process"]["steps"][1]["budget"] = {"amount": 20, "unit": "working_days"}
    row = preview(as_json(data), publish=True).rows[0]
    assert row.action.value == "reject" and [p.code for p in row.problems] == ["budget_over_limit"]
    assert preview(as_json(data)).rows[0].action.value == "create"  # a draft may still be imported


def test_sectors_declared_in_the_file_or_created_on_request(org):
    row = provincial_data(sector={"code": "DUONG_SAT", "name": "Đường sắt"})
    assert preview(as_json(row)).rows[0].action.value == "reject"
    declared = as_json(row, sectors=[{"code": "DUONG_SAT", "name": "Giao thông đường sắt"}])
    result = preview(declared)
    assert result.ok and result.sectors_to_create == {"DUONG_SAT": "Giao thông đường sắt"}
    procedure_import_apply(actor=None, source=read_json(declared))
    assert Sector.objects.get(code="DUONG_SAT").name == "Giao thông đường sắt"
    other = provincial_data(code="1.000009", sector={"code": "HANG_KHONG", "name": "Hàng không"})
    assert preview(as_json(other), create_sectors=True).sectors_to_create == {"HANG_KHONG": "Hàng không"}


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps([procedure_data()]),
        json.dumps({"format": "other/1", "procedures": []}),
        json.dumps({"format": "motcua.procedures/1", "procedures": {}}),
        json.dumps({"format": "motcua.procedures/1", "procedures": [], "sectors": [{"code": "bad code"}]}),
    ],
)
def test_unreadable_files(text):
    with pytest.raises(ImportFileError):
        read_json(text)


def test_json_export_imports_back_unchanged(org):
    procedure_import_apply(
        actor=None, source=read_json(as_json(procedure_data(), provincial_data())), publish=True
    )
    specs = [spec_from_procedure(p) for p in procedures_with_parts().order_by("code")]
    result = preview(write_json(specs), publish=True)
    assert [row.action.value for row in result.rows] == ["unchanged", "unchanged"]


# ---- Excel -------------------------------------------------------------------------------------


def workbook(*rows, headers=None):
    book = Workbook()
    sheet = book.active
    sheet.append(headers or [header for _key, header in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_ROW = [
    "1.004616", "Cấp giấy phép môi trường", "Cấp tỉnh", "Môi trường", "H56.19",
    "15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
    "Phí thẩm định: 1.000.000 đồng",
    "- Văn bản đề nghị cấp giấy phép (bản chính: 1, bản sao: 0)\n- Báo cáo đề xuất (bản chính: 1, bản sao: 2)\n- Giấy ủy quyền (nếu có)",
    "Luật Bảo vệ môi trường 2020\nNghị định 08/2022/NĐ-CP",
    "Tổ chức, doanh nghiệp", "Một phần", "Giấy phép môi trường", "Không", "12/QĐ-UBND", "05/01/2025", "2025-01-08",
]  # fmt: skip


def test_an_excel_sheet_with_the_national_columns(org):
    result = procedure_import_preview(source=read_source(workbook(GOOD_ROW)))
    [row] = result.rows
    assert (row.label, row.action.value) == ("dòng 2", "create"), row.problems
    spec = row.spec
    assert (spec.level, spec.sector.code, spec.agency, spec.online_level) == (
        "province",
        "MOI_TRUONG",
        "H56.19",
        "partial",
    )
    assert (spec.time_limit.amount, spec.time_limit.unit) == (15, "working_days")
    assert [(f.name, f.kind, f.amount) for f in spec.fees] == [("Phí thẩm định", "fee", 1000000)]
    assert [(c.name, c.originals, c.copies, c.required) for c in spec.components] == [
        ("Văn bản đề nghị cấp giấy phép", 1, 0, True),
        ("Báo cáo đề xuất", 1, 2, True),
        ("Giấy ủy quyền", 1, 0, False),
    ]
    assert (
        spec.applicant_types == ("business",) and spec.publication.decision_date.isoformat() == "2025-01-05"
    )
    assert not spec.process.steps
    # Without an internal process the row can be a draft but cannot be published.
    published = procedure_import_preview(source=read_source(workbook(GOOD_ROW)), publish=True)
    assert [p.code for p in published.rows[0].problems] == ["process_empty"]


def test_bad_excel_rows(org):
    bad = list(GOOD_ROW)
    bad[0], bad[3], bad[5], bad[6] = "1.000001", "Lĩnh vực lạ", "sớm nhất có thể", "Lệ phí: -50.000 đồng"
    result = procedure_import_preview(source=read_source(workbook(GOOD_ROW, bad, ["", "", ""])))
    assert [row.action.value for row in result.rows] == ["create", "reject"]  # the empty row is skipped
    codes = {p.code for p in result.rows[1].problems}
    assert {"sector_unknown", "time_limit_unreadable", "fee_negative"} <= codes
    with pytest.raises(ImportRejected):
        procedure_import_apply(actor=None, source=read_source(workbook(GOOD_ROW, bad)))
    assert Procedure.objects.count() == 0


def test_a_sheet_without_the_code_column_is_refused(db):
    with pytest.raises(ImportFileError):
        read_source(workbook(["x"], headers=["Tên"]))
    with pytest.raises(ImportFileError):
        read_source(b"PK\x03\x04 broken")


def test_an_excel_row_updates_only_its_columns(org, make_procedure):
    make_procedure(provincial_data(), publish=True)
    headers = ["Mã thủ tục", "Thời hạn giải quyết"]
    row = procedure_import_preview(
        source=read_source(workbook(["1.004616", "10 ngày làm việc"], headers=headers))
    ).rows[0]
    assert (row.action.value, row.changes) == ("update", ["Thời hạn giải quyết"])
    assert [s.code for s in row.spec.process.steps] == ["TN", "XL", "KY"]  # kept


def test_excel_export_imports_back_unchanged(org, make_procedure, tmp_path):
    make_procedure(procedure_data(), publish=True)
    make_procedure(provincial_data(), publish=True)
    target = tmp_path / "catalogue.xlsx"
    call_command("catalogue_export", str(target), stdout=io.StringIO())
    sheet = load_workbook(target).active
    assert [cell.value for cell in sheet[1]][:9] == [
        "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực", "Cơ quan thực hiện", "Thời hạn giải quyết",
        "Phí, lệ phí", "Thành phần hồ sơ", "Căn cứ pháp lý",
    ]  # fmt: skip
    assert (
        sheet["F2"].value == "01 ngày làm việc"
        and sheet["G3"].value == "Phí thẩm định cấp giấy phép môi trường: 1.000.000 đồng"
    )
    result = procedure_import_preview(source=read_source(target.read_bytes()))
    assert [row.action.value for row in result.rows] == ["unchanged", "unchanged"], [
        r.changes for r in result.rows
    ]


# ---- commands and the demo loader ---------------------------------------------------------------


def test_commands(org, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(as_json(procedure_data(), BAD_ROWS[0][0]), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalogue_import", str(source), stdout=out)
    assert "Mức phí, lệ phí không được âm" in out.getvalue() and Procedure.objects.count() == 0
    with pytest.raises(CommandError, match="Không nhập gì"):
        call_command("catalogue_import", str(source), "--apply", stdout=io.StringIO())
    call_command("catalogue_import", str(source), "--apply", "--only-valid", "--publish", stdout=out)
    assert "1 tạo mới" in out.getvalue() and ProcedureVersion.objects.count() == 1
    target = tmp_path / "out.json"
    call_command("catalogue_export", str(target), "--published", stdout=io.StringIO())
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [p["code"] for p in exported["procedures"]] == ["1.001193"]
    with pytest.raises(CommandError):
        call_command("catalogue_export", str(tmp_path / "out.csv"), stdout=io.StringIO())


def test_seed_demo_catalogue_is_idempotent(org, tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    assert demo.seed_demo_catalogue() == 0  # no files yet
    (tmp_path / "01-ho-tich.json").write_text(
        as_json(procedure_data(sector={"code": "HO_TICH_MOI", "name": "Hộ tịch (demo)"})), encoding="utf-8"
    )
    assert demo.seed_demo_catalogue() == 1
    assert demo.seed_demo_catalogue() == 0
    assert ProcedureVersion.objects.count() == 1
    (tmp_path / "02-bad.json").write_text(as_json(BAD_ROWS[1][0]), encoding="utf-8")
    with pytest.raises(demo.DemoCatalogueError, match=r"02-bad\.json"):
        demo.seed_demo_catalogue()
