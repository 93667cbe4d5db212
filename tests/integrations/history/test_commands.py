"""The history commands as an operator runs them: ``motcua import_history`` (its summary, the rejected lines
on stderr, all or nothing, ``--dry-run``, ``--only-valid``, ``--source``, the Excel template and gzipped
JSON Lines), ``motcua export_history`` (one valid line per dossier, filtered by receipt day and unit
subtree) and ``motcua history_template``."""

import datetime as dt
import gzip
import hashlib
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from motcua.dossiers.models import Dossier
from motcua.integrations.history.lines import schema_error
from motcua.integrations.history.xlsx import template_workbook
from motcua.integrations.models import HistoryImport, HistoryRecord

from .conftest import full_line, line
from .test_rejections import written
from .test_xlsx import COMPONENTS, DOSSIER, STEPS, open_book, put, saved

pytestmark = pytest.mark.django_db


def run(*args):
    """``call_command`` with its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    """``call_command`` that must end with a ``CommandError``: its message, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=out, stderr=err)
    return str(raised.value), out.getvalue(), err.getvalue()


def rejected(err):
    """The rejection lines the command printed."""
    return [text for text in err.splitlines() if text.startswith("TỪ CHỐI")]


def other(number, **overrides):
    """``line()`` as another dossier (its own source id and code)."""
    return line(
        source={"system": "igate-th", "id": f"HS-{number}"}, code=f"H56.40-260303-{number:04d}", **overrides
    )


# -- import_history -----------------------------------------------------------------------------------------


def test_import_prints_a_summary(version, write_lines):
    out, err = run("import_history", str(write_lines([full_line(), line()])))

    run_ = HistoryImport.objects.get()
    assert re.fullmatch(
        rf"Đã nhập\. 2 dòng trong \d+\.\d s: 2 hồ sơ nhập mới, 0 cập nhật, 0 không đổi, 0 dòng bị từ chối "
        rf"\(lần nhập #{run_.pk}\)\.\n",
        out,
    ), out
    assert rejected(err) == []
    assert Dossier.objects.count() == HistoryRecord.objects.count() == 2
    assert (run_.by, run_.file_name, run_.rolled_back) == ("manage.py import_history", "history.jsonl", False)

    out, _err = run("import_history", str(write_lines([full_line(), line()])))
    assert "0 hồ sơ nhập mới, 0 cập nhật, 2 không đổi, 0 dòng bị từ chối" in out


def test_rejected_lines_go_to_stderr_and_nothing_is_imported(version, write_lines):
    before = written()
    path = write_lines([line(), "[]", other(2, channel="fax"), other(3)])

    message, out, err = run_failing("import_history", str(path))

    assert rejected(err) == [
        "TỪ CHỐI Dòng 2: mỗi dòng phải là một đối tượng JSON {…}",
        'TỪ CHỐI Dòng 3: “channel” = "fax" không phải một giá trị cho phép (online, counter, postal)',
    ]
    assert message.startswith("Không nhập gì: có dòng bị từ chối (xem ở trên).")
    assert "2 dòng bị từ chối" in message and "--only-valid" in message
    assert out == ""
    assert written() == before
    assert HistoryImport.objects.get().rolled_back


def test_only_valid_imports_the_good_lines(version, write_lines):
    path = write_lines([line(), "[]", other(2, channel="fax"), other(3)])

    out, err = run("import_history", str(path), "--only-valid")

    assert len(rejected(err)) == 2
    assert out.startswith("Đã nhập. 4 dòng")
    assert "2 hồ sơ nhập mới, 0 cập nhật, 0 không đổi, 2 dòng bị từ chối" in out
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H56.40-260303-0001", "H56.40-260303-0003"}


def test_dry_run_reports_and_writes_nothing(version, write_lines):
    before = written()
    path = write_lines([line(), other(2, channel="fax"), other(3)])

    out, err = run("import_history", str(path), "--dry-run")

    assert out.startswith("Chạy thử, không ghi gì. 3 dòng")
    assert "2 hồ sơ nhập mới, 0 cập nhật, 0 không đổi, 1 dòng bị từ chối" in out
    assert rejected(err) == [
        'TỪ CHỐI Dòng 2: “channel” = "fax" không phải một giá trị cho phép (online, counter, postal)'
    ]
    assert written() == before
    run_ = HistoryImport.objects.get()
    assert (run_.dry_run, run_.rolled_back, run_.imported) == (True, True, 2)


def test_source_option_names_the_system(version, write_lines):
    run("import_history", str(write_lines([line()])), "--source", "so-tiep-nhan-cu")

    assert list(HistoryRecord.objects.values_list("source_system", "source_id")) == [
        ("so-tiep-nhan-cu", "HS-1")
    ]
    assert HistoryImport.objects.get().source == "so-tiep-nhan-cu"


def test_a_missing_file_is_an_error(tmp_path):
    path = tmp_path / "khong-co.jsonl"

    message, _out, _err = run_failing("import_history", str(path))

    assert message == f"Không có tệp {path}."
    assert not HistoryImport.objects.exists()


def test_a_filled_excel_template_imports(version, tmp_path):
    book = open_book(template_workbook())
    put(book, DOSSIER, 3, {
        "source.system": "so-tiep-nhan", "source.id": "TN-7", "code": "H56.40-260303-0007",
        "procedure.code": "1.009999", "applicant.kind": "citizen", "applicant.name": "Trần Thị Mai",
        "applicant.personal_id": "038195001234", "channel": "counter", "receiving_point": "H56.40",
        "resolving_unit": "H56.19", "received_at": dt.datetime(2026, 3, 3, 9, 0),
    })  # fmt: skip
    put(book, STEPS, 3, {
        "source.id": "TN-7", "code": "TN", "unit": "H56.40", "officer": "motcua.tinh",
        "received_at": dt.datetime(2026, 3, 3, 9, 0), "handed_over_at": "2026-03-03T10:00:00+07:00",
    })  # fmt: skip
    put(book, STEPS, 4, {"source.id": "TN-7", "code": "TD", "unit": "H56.19",
                         "received_at": "2026-03-03T10:00:00+07:00"})  # fmt: skip
    put(book, COMPONENTS, 3, {"source.id": "TN-7", "name": "Đơn đề nghị", "origin": "counter_scan",
                              "digitised": "có"})  # fmt: skip
    path = tmp_path / "so-tiep-nhan.xlsx"
    path.write_bytes(saved(book))

    out, err = run("import_history", str(path))

    assert rejected(err) == []
    assert "1 hồ sơ nhập mới" in out
    d = Dossier.objects.get(code="H56.40-260303-0007")
    assert (d.status, d.applicant_name, d.received_at) == (
        "processing", "Trần Thị Mai", dt.datetime.fromisoformat("2026-03-03T09:00:00+07:00")
    )  # fmt: skip
    assert list(d.steps.order_by("seq").values_list("step_code", "finished_at")) == [
        ("TN", dt.datetime.fromisoformat("2026-03-03T10:00:00+07:00")), ("TD", None)
    ]  # fmt: skip
    assert d.components.get().digitised
    assert HistoryRecord.objects.get(dossier=d).source_id == "TN-7"
    assert HistoryImport.objects.get().file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bad_row_of_the_excel_template_is_reported_with_its_row(version, tmp_path):
    book = open_book(template_workbook())
    put(book, DOSSIER, 3, {
        "source.system": "so-tiep-nhan", "source.id": "TN-7", "code": "H56.40-260303-0007",
        "procedure.code": "1.009999", "applicant.kind": "citizen", "applicant.pseudonym": "ad:7f3a9c21",
        "channel": "counter", "receiving_point": "H56.40", "resolving_unit": "H56.19",
        "received_at": dt.date(2026, 3, 3),
    })  # fmt: skip
    path = tmp_path / "so-tiep-nhan.xlsx"
    path.write_bytes(saved(book))

    _message, _out, err = run_failing("import_history", str(path))

    assert rejected(err) == [
        "TỪ CHỐI Dòng 3: Cột “received_at”: ngày 03/03/2026 cần cả giờ (ví dụ 03/03/2026 08:30)."
    ]
    assert not Dossier.objects.exists()


def test_a_gzipped_file_imports(version, tmp_path):
    path = tmp_path / "history.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for obj in (full_line(), line()):
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")

    out, err = run("import_history", str(path))

    assert rejected(err) == []
    assert "2 hồ sơ nhập mới" in out
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H56.40-260302-0117", "H56.40-260303-0001"}


# -- export_history -----------------------------------------------------------------------------------------


@pytest.fixture
def imported(version, write_lines):
    """Five dossiers: two at H56.19 (2 and 3 March), one at its division H56.19.01 (4 March), one at a
    commune H56.172 (10 March) and one refused at intake, never received (submitted 5 March, H56.19)."""
    items = [
        full_line(),
        line(),
        other(4, resolving_unit="H56.19.01", received_at="2026-03-04T09:00:00+07:00"),
        other(10, resolving_unit="H56.172", received_at="2026-03-10T09:00:00+07:00"),
        other(5, channel="online", received_at=None, submitted_at="2026-03-05T08:00:00+07:00",
              decision="refused", finished_at="2026-03-05T10:00:00+07:00", components=None),
    ]  # fmt: skip
    _out, err = run("import_history", str(write_lines(items)))
    assert rejected(err) == []
    return {obj["source"]["id"]: obj["code"] for obj in items}


def export(tmp_path, *options, name="export.jsonl"):
    path = tmp_path / name
    out, _err = run("export_history", *options, "-o", str(path))
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    assert text.endswith("\n") or text == ""
    lines = [json.loads(raw) for raw in text.splitlines()]
    assert out == f"Đã xuất {len(lines)} hồ sơ vào {path}.\n"
    return lines


def test_export_writes_one_valid_line_per_dossier(imported, tmp_path):
    lines = export(tmp_path)

    assert sorted(obj["code"] for obj in lines) == sorted(imported.values())
    assert [schema_error(obj) for obj in lines] == [None] * len(lines)
    assert {obj["source"]["id"]: obj["code"] for obj in lines} == imported
    assert export(tmp_path, name="export.jsonl.gz") == lines


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        (["--from", "2026-03-03"], {"H56.40-260303-0001", "H56.40-260303-0004", "H56.40-260303-0005",
                                    "H56.40-260303-0010"}),
        (["--to", "2026-03-02"], {"H56.40-260302-0117"}),
        (["--from", "2026-03-03", "--to", "2026-03-05"], {"H56.40-260303-0001", "H56.40-260303-0004",
                                                          "H56.40-260303-0005"}),
        (["--unit", "H56.19"], {"H56.40-260302-0117", "H56.40-260303-0001", "H56.40-260303-0004",
                                "H56.40-260303-0005"}),
        (["--unit", "000.00.19.H56"], {"H56.40-260302-0117", "H56.40-260303-0001", "H56.40-260303-0004",
                                       "H56.40-260303-0005"}),
        (["--unit", "H56.19.01"], {"H56.40-260303-0004"}),
        (["--unit", "H56.172"], {"H56.40-260303-0010"}),
        (["--unit", "H56.17"], set()),  # H56.172 starts with its code but is not under it
        (["--unit", "H56.19", "--from", "2026-03-04", "--to", "2026-03-04"], {"H56.40-260303-0004"}),
    ],
    ids=["from", "to", "from-to", "unit", "unit-other-form", "division", "other-unit", "not-a-prefix",
         "unit-and-day"],
)  # fmt: skip
def test_export_filters(imported, tmp_path, options, codes):
    assert {obj["code"] for obj in export(tmp_path, *options)} == codes


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "2026-02-30"], "Ngày “2026-02-30” không hợp lệ: cần dạng YYYY-MM-DD."),
        (["--to", "3/3/2026"], "Ngày “3/3/2026” không hợp lệ: cần dạng YYYY-MM-DD."),
        (["--from", "2026-03-05", "--to", "2026-03-04"], "--to phải sau hoặc bằng --from."),
        (["--unit", "H56.99"], "Không có đơn vị mã “H56.99”."),
        (["--unit", "sở nông nghiệp"], "Không có đơn vị mã “sở nông nghiệp”."),
    ],
    ids=["impossible-date", "not-iso", "to-before-from", "unknown-unit", "not-a-code"],
)
def test_export_refuses_bad_options(demo, tmp_path, options, message):
    path = tmp_path / "export.jsonl"

    assert run_failing("export_history", *options, "-o", str(path))[0] == message
    assert not path.exists()


# -- history_template ---------------------------------------------------------------------------------------


def test_history_template_writes_a_workbook(tmp_path, version):
    path = tmp_path / "mau.xlsx"

    out, _err = run("history_template", "-o", str(path))

    assert out == f"Đã ghi mẫu Excel vào {path}.\n"
    book = load_workbook(path)
    assert book.sheetnames[0] == "Hồ sơ" and "Hướng dẫn" in book.sheetnames
    assert [cell.value for cell in book["Hồ sơ"][1]][:3] == ["source.system", "source.id", "code"]
    # The empty template imports as nothing.
    out, _err = run("import_history", str(path))
    assert out.startswith("Đã nhập. 0 dòng")
    assert not Dossier.objects.exists()
