"""The Excel template for manual history migrations and its reader (motcua.integrations.history.xlsx).

The workbooks are filled the way a user would: a copy of the template, cells typed under the headers (as
text, numbers, booleans or Excel date-times), saved, then read back."""

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.worksheet import Worksheet

from motcua.integrations.history.xlsx import lines_from_xlsx, template_workbook

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "motcua/integrations/history/schema.json").read_text("utf-8")
)

DOSSIER = "Hồ sơ"
STEPS = "Bước xử lý"
PAUSES = "Tạm dừng"
COMPONENTS = "Thành phần"
PAYMENTS = "Thanh toán"
FEEDBACK = "Phản ánh"
GUIDE = "Hướng dẫn"


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_workbook()


def open_book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def headers(sheet: Worksheet) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value is not None]


def put(book: Workbook, sheet_name: str, row: int, values: dict[str, Any]) -> None:
    """Type ``values`` (by header) into ``row`` of a sheet."""
    sheet = book[sheet_name]
    columns = {name: index for index, name in enumerate(headers(sheet), start=1)}
    for name, value in values.items():
        sheet.cell(row=row, column=columns[name], value=value)


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(book: Workbook) -> list[tuple[int, Any]]:
    return list(lines_from_xlsx(saved(book)))


MINIMAL = {
    "source.system": "so-tiep-nhan",
    "source.id": "HS-1",
    "code": "H56.40-241015-0001",
    "procedure.code": "1.001612",
    "applicant.kind": "citizen",
    "applicant.pseudonym": "ad:7f3a9c21",
    "channel": "counter",
    "receiving_point": "H56.40",
    "resolving_unit": "H56.14",
}


def only_line(results: list[tuple[int, Any]]) -> dict[str, Any]:
    assert len(results) == 1, results
    number, line = results[0]
    assert number == 3
    assert isinstance(line, dict), line
    return line


# -- the template ------------------------------------------------------------------------------------------


def test_template_has_the_sheets_and_headers(template):
    book = open_book(template)

    assert book.sheetnames == [DOSSIER, STEPS, PAUSES, COMPONENTS, PAYMENTS, FEEDBACK, GUIDE]
    assert headers(book[DOSSIER]) == [
        "source.system", "source.id", "code", "procedure.code", "procedure.version", "applicant.kind",
        "applicant.name", "applicant.personal_id", "applicant.tax_code", "applicant.pseudonym",
        "applicant.phone", "applicant.email", "applicant.address", "channel", "receiving_point",
        "resolving_unit", "submitted_at", "received_at", "deemed_received_at", "due_at", "due_computed",
        "apology.at", "apology.new_due_at", "apology.reason", "decision", "decision_note", "finished_at",
        "returned_at", "return_method", "result.electronic", "result.signed", "result.reference",
        "result.issued_at", "fee_amount", "evaluation.satisfaction", "evaluation.comment",
        "evaluation.channel", "evaluation.at",
    ]  # fmt: skip
    assert headers(book[STEPS]) == [
        "source.id", "code", "name", "unit", "officer", "received_at", "handed_over_at", "due_at", "mode",
        "inter_agency",
    ]  # fmt: skip
    assert headers(book[PAUSES]) == ["source.id", "kind", "from", "to", "reason", "due_after", "due_computed"]
    assert headers(book[COMPONENTS]) == [
        "source.id", "name", "document_type", "required", "origin", "digitised", "digitised_at", "pages",
    ]  # fmt: skip
    assert headers(book[PAYMENTS]) == ["source.id", "amount", "channel", "online", "at"]
    assert headers(book[FEEDBACK]) == [
        "source.id", "code", "received_at", "title", "content", "answered_at", "answer",
    ]  # fmt: skip
    for name in book.sheetnames[:-1]:
        sheet = book[name]
        width = len(headers(sheet))
        assert all(cell.font.bold for cell in sheet[1][:width]), name
        labels = sheet[2][:width]
        assert all(cell.font.italic and cell.value for cell in labels), name
        # a Vietnamese label, not the field path again
        assert all(cell.value != header for cell, header in zip(labels, headers(sheet), strict=True)), name
        assert sheet.max_row == 2, f"{name}: data rows must be empty"
        assert sheet.freeze_panes is not None and coordinate_to_tuple(sheet.freeze_panes)[0] == 3, name


def test_every_schema_property_is_a_column(template):
    book = open_book(template)
    expected: dict[str, set[str]] = {DOSSIER: set()}
    sheets = {"steps": STEPS, "pauses": PAUSES, "components": COMPONENTS, "payments": PAYMENTS,
              "feedback": FEEDBACK}  # fmt: skip
    for name, node in SCHEMA["properties"].items():
        if name == "format":
            continue
        if node.get("type") == "array":
            expected[sheets[name]] = {"source.id"} | set(node["items"]["properties"])
        elif node.get("type") == "object":
            expected[DOSSIER] |= {f"{name}.{inner}" for inner in node["properties"]}
        else:
            expected[DOSSIER].add(name)

    assert set(sheets) == {name for name, node in SCHEMA["properties"].items() if node.get("type") == "array"}
    for sheet_name, columns in expected.items():
        assert set(headers(book[sheet_name])) == columns, sheet_name


def test_guide_has_a_line_per_column_with_meaning_format_requirement_and_example(template):
    book = open_book(template)
    columns = {(name, header) for name in book.sheetnames[:-1] for header in headers(book[name])}
    guide = list(book[GUIDE].iter_rows(values_only=True))
    start = next(index for index, row in enumerate(guide) if row[:2] == ("Trang", "Cột"))
    table = [row for row in guide[start + 1 :] if row[0]]

    assert {(row[0], row[1]) for row in table} == columns
    assert len(table) == len(columns)
    for row in table:
        assert all(row[2:7]), row  # label, meaning, format, required, example
    by_column = {(row[0], row[1]): row for row in table}
    assert "online (trực tuyến)" in by_column[(DOSSIER, "channel")][4]
    assert by_column[(DOSSIER, "code")][5] == "Bắt buộc"
    assert by_column[(DOSSIER, "applicant.email")][5] == "Không"
    assert by_column[(DOSSIER, "apology.at")][5] == "Bắt buộc nếu điền nhóm apology.*"
    assert by_column[(DOSSIER, "applicant.personal_id")][6] == "038195001234"
    notes = " ".join(str(row[0]) for row in guide[:start] if row[0])
    assert "số 0 ở đầu" in notes  # the leading-zero risk of numbers in text columns


def test_enum_columns_have_drop_downs_and_text_columns_are_text(template):
    book = open_book(template)
    sheet = book[DOSSIER]
    columns = {name: index for index, name in enumerate(headers(sheet), start=1)}
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        for name, index in columns.items():
            if validation.sqref and sheet.cell(row=3, column=index).coordinate in validation.sqref:
                lists[name] = validation.formula1

    assert lists["channel"] == '"online,counter,postal"'
    assert lists["decision"] == '"approved,not_eligible,refused,stopped,withdrawn"'
    assert lists["evaluation.satisfaction"] == '"very_satisfied,satisfied,dissatisfied"'
    assert "code" not in lists
    personal_id = sheet.cell(row=1, column=columns["applicant.personal_id"]).column_letter
    assert sheet.column_dimensions[personal_id].number_format == "@"
    steps = book[STEPS]
    mode = [v.formula1 for v in steps.data_validations.dataValidation if "I3" in v.sqref]
    assert mode == ['"electronic,paper"']


def test_empty_template_gives_no_lines(template):
    assert list(lines_from_xlsx(template)) == []
    assert list(lines_from_xlsx(io.BytesIO(template))) == []


# -- reading -------------------------------------------------------------------------------------------------


def test_a_filled_dossier_reads_back_as_a_valid_line(template):
    book = open_book(template)
    put(book, DOSSIER, 3, {
        "source.system": "so-tiep-nhan",
        "source.id": "HS-1",
        "code": "H56.40-241015-0001",
        "procedure.code": "1.001612",
        "procedure.version": 2.0,
        "applicant.kind": "citizen",
        "applicant.name": "  Nguyễn Văn An  ",
        "applicant.personal_id": "038195001234",
        "applicant.phone": "0912345678",
        "channel": "counter",
        "receiving_point": "H56.40",
        "resolving_unit": "H56.14",
        "received_at": dt.datetime(2024, 10, 15, 8, 30),
        "deemed_received_at": "2024-10-15T08:30:00+07:00",
        "due_at": dt.datetime(2024, 10, 22, 17, 0),
        "due_computed": "không",
        "decision": "approved",
        "finished_at": "2024-10-21T15:00:00+07:00",
        "returned_at": dt.datetime(2024, 10, 22, 9, 15),
        "return_method": "counter",
        "result.electronic": "có",
        "result.signed": True,
        "result.reference": "123/GP-UBND",
        "fee_amount": 50000,
        "evaluation.satisfaction": "satisfied",
        "evaluation.at": "2024-10-22T09:20:00+07:00",
    })  # fmt: skip
    put(book, STEPS, 3, {
        "source.id": "HS-1", "code": "B1", "name": "Tiếp nhận hồ sơ", "unit": "H56.40", "officer": "tn.hoa",
        "received_at": dt.datetime(2024, 10, 15, 8, 30), "handed_over_at": "2024-10-15T10:00:00+07:00",
        "mode": "electronic", "inter_agency": "không",
    })  # fmt: skip
    put(book, STEPS, 4, {
        "source.id": "HS-1", "code": "B2", "name": "Thẩm định", "unit": "H56.14", "officer": "cv.lan",
        "received_at": "2024-10-15T10:00:00+07:00", "handed_over_at": dt.datetime(2024, 10, 21, 15, 0),
        "mode": "paper", "inter_agency": 0,
    })  # fmt: skip
    put(book, PAUSES, 3, {
        "source.id": "HS-1", "kind": "supplement", "from": "2024-10-16T09:00:00+07:00",
        "to": dt.datetime(2024, 10, 17, 14, 0), "reason": "Thiếu bản sao giấy khai sinh",
    })  # fmt: skip
    put(book, COMPONENTS, 3, {
        "source.id": "HS-1", "name": "Tờ khai", "document_type": "TK01", "required": "x", "origin": "upload",
        "digitised": True, "pages": 2.0,
    })  # fmt: skip
    put(book, COMPONENTS, 4, {"source.id": "HS-1", "name": "Căn cước", "document_type": "CCCD",
                              "required": 1, "origin": "registry"})  # fmt: skip
    put(book, PAYMENTS, 3, {"source.id": "HS-1", "amount": 50000, "channel": "vnpay", "online": "có",
                            "at": dt.datetime(2024, 10, 15, 8, 40)})  # fmt: skip

    line = only_line(read(book))

    assert line == {
        "format": "motcua.dossier-history/1",
        "source": {"system": "so-tiep-nhan", "id": "HS-1"},
        "code": "H56.40-241015-0001",
        "procedure": {"code": "1.001612", "version": 2},
        "applicant": {"kind": "citizen", "name": "Nguyễn Văn An", "personal_id": "038195001234",
                      "phone": "0912345678"},
        "channel": "counter",
        "receiving_point": "H56.40",
        "resolving_unit": "H56.14",
        "received_at": "2024-10-15T08:30:00+07:00",
        "deemed_received_at": "2024-10-15T08:30:00+07:00",
        "due_at": "2024-10-22T17:00:00+07:00",
        "due_computed": False,
        "pauses": [{"kind": "supplement", "from": "2024-10-16T09:00:00+07:00", "to": "2024-10-17T14:00:00+07:00",
                    "reason": "Thiếu bản sao giấy khai sinh"}],
        "steps": [
            {"code": "B1", "name": "Tiếp nhận hồ sơ", "unit": "H56.40", "officer": "tn.hoa",
             "received_at": "2024-10-15T08:30:00+07:00", "handed_over_at": "2024-10-15T10:00:00+07:00",
             "mode": "electronic", "inter_agency": False},
            {"code": "B2", "name": "Thẩm định", "unit": "H56.14", "officer": "cv.lan",
             "received_at": "2024-10-15T10:00:00+07:00", "handed_over_at": "2024-10-21T15:00:00+07:00",
             "mode": "paper", "inter_agency": False},
        ],
        "decision": "approved",
        "finished_at": "2024-10-21T15:00:00+07:00",
        "returned_at": "2024-10-22T09:15:00+07:00",
        "return_method": "counter",
        "result": {"electronic": True, "signed": True, "reference": "123/GP-UBND"},
        "components": [
            {"name": "Tờ khai", "document_type": "TK01", "required": True, "origin": "upload", "digitised": True,
             "pages": 2},
            {"name": "Căn cước", "document_type": "CCCD", "required": True, "origin": "registry"},
        ],
        "fee_amount": 50000,
        "payments": [{"amount": 50000, "channel": "vnpay", "online": True, "at": "2024-10-15T08:40:00+07:00"}],
        "evaluation": {"satisfaction": "satisfied", "at": "2024-10-22T09:20:00+07:00"},
    }  # fmt: skip
    assert type(line["procedure"]["version"]) is int
    assert type(line["components"][0]["pages"]) is int
    assert list(Draft202012Validator(SCHEMA).iter_errors(line)) == []


def test_minimal_row_builds_no_empty_groups_and_validates(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)

    line = only_line(read(book))

    for group in ("apology", "result", "evaluation", "steps", "pauses", "components", "payments", "feedback"):
        assert group not in line
    assert line["procedure"] == {"code": "1.001612"}
    assert list(Draft202012Validator(SCHEMA).iter_errors(line)) == []


def test_child_rows_go_to_their_dossier_in_sheet_order(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)
    put(book, DOSSIER, 4, MINIMAL | {"source.id": "HS-2", "code": "H56.40-241015-0002"})
    put(book, COMPONENTS, 3, {"source.id": "HS-2", "name": "A", "origin": "paper"})
    put(book, COMPONENTS, 4, {"source.id": "HS-1", "name": "B", "origin": "paper"})
    put(book, COMPONENTS, 5, {"source.id": "HS-2", "name": "C", "origin": "paper"})

    results = read(book)

    assert [number for number, _line in results] == [3, 4]
    assert [c["name"] for c in results[0][1]["components"]] == ["B"]
    assert [c["name"] for c in results[1][1]["components"]] == ["A", "C"]


def test_excel_date_time_cells_are_vietnam_time(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {
        "received_at": dt.datetime(2024, 10, 15, 8, 30),
        "due_at": dt.datetime(2024, 12, 31, 23, 59, 59, 700_000),  # Excel's day fractions: rounded
        "finished_at": dt.datetime(2024, 10, 16, 0, 0),  # midnight typed with its time is a moment
    })  # fmt: skip

    line = only_line(read(book))

    assert line["received_at"] == "2024-10-15T08:30:00+07:00"
    assert line["due_at"] == "2025-01-01T00:00:00+07:00"
    assert line["finished_at"] == "2024-10-16T00:00:00+07:00"


def test_a_date_without_time_for_a_moment_is_an_error(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"received_at": dt.date(2024, 10, 15)})

    assert read(book) == [(3, "Cột “received_at”: ngày 15/10/2024 cần cả giờ (ví dụ 15/10/2024 08:30).")]


def test_a_number_in_a_moment_column_is_an_error(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"received_at": 45580})

    [(number, error)] = read(book)

    assert number == 3
    assert isinstance(error, str) and "received_at" in error and "không phải ngày giờ" in error


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (True, True),
        (False, False),
        ("TRUE", True),
        ("false", False),
        ("có", True),
        (" Có ", True),
        ("không", False),
        ("Không", False),
        ("khong", False),
        ("x", True),
        ("X", True),
        (1, True),
        (0, False),
        (1.0, True),
        ("1", True),
        ("0", False),
    ],
)
def test_boolean_forms(template, cell, expected):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"result.electronic": cell})

    line = only_line(read(book))

    assert line["result"] == {"electronic": expected}


@pytest.mark.parametrize("cell", ["có lẽ", 2, "y"])
def test_an_unreadable_boolean_is_an_error(template, cell):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"result.electronic": cell})

    [(number, error)] = read(book)

    assert number == 3
    assert isinstance(error, str) and error.startswith("Cột “result.electronic”: cần “có” hoặc “không”")


def test_numbers_typed_in_text_columns_become_digits(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {
        "source.id": 123.0,
        "applicant.personal_id": 38195001234,  # the leading zero is lost: the schema will say so
        "applicant.phone": 912345678.0,
        "fee_amount": "50.000",
        "procedure.version": "3",
    })  # fmt: skip
    put(
        book,
        PAYMENTS,
        3,
        {"source.id": "123", "amount": 50000.0, "online": "x", "at": "2024-10-15T08:40:00+07:00"},
    )

    line = only_line(read(book))

    assert line["source"]["id"] == "123"
    assert line["applicant"]["personal_id"] == "38195001234"
    assert line["applicant"]["phone"] == "912345678"
    assert line["fee_amount"] == 50000
    assert line["procedure"]["version"] == 3
    assert line["payments"] == [{"amount": 50000, "online": True, "at": "2024-10-15T08:40:00+07:00"}]


def test_a_fraction_in_an_integer_column_is_an_error(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"fee_amount": 1500.5})

    [(number, error)] = read(book)

    assert number == 3
    assert "fee_amount" in error and "cần số nguyên" in error


def test_a_child_row_for_an_unknown_source_id_is_reported_on_its_own(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)
    put(book, STEPS, 3, {"source.id": "HS-1", "unit": "H56.40", "received_at": "2024-10-15T08:30:00+07:00"})
    put(book, STEPS, 4, {"source.id": "X", "unit": "H56.40", "received_at": "2024-10-15T08:30:00+07:00"})
    put(book, PAUSES, 3, {"kind": "supplement", "from": "2024-10-16T09:00:00+07:00"})

    results = read(book)

    assert results[0][0] == 3
    assert [step["unit"] for step in results[0][1]["steps"]] == ["H56.40"]
    assert results[1:] == [
        (0, "Trang “Bước xử lý”, dòng 4: mã nguồn “X” không có trên trang “Hồ sơ”."),
        (0, "Trang “Tạm dừng”, dòng 3: thiếu mã nguồn (cột “source.id”)."),
    ]


def test_a_bad_cell_on_a_child_row_makes_its_dossier_unreadable(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)
    put(book, DOSSIER, 4, MINIMAL | {"source.id": "HS-2", "code": "H56.40-241015-0002"})
    put(book, STEPS, 3, {"source.id": "HS-2", "unit": "H56.40", "received_at": dt.date(2024, 10, 15)})

    results = read(book)

    assert isinstance(results[0][1], dict)
    assert results[1] == (
        4,
        "Trang “Bước xử lý”, dòng 3, cột “received_at”: ngày 15/10/2024 cần cả giờ (ví dụ 15/10/2024 08:30).",
    )


def test_a_repeated_source_id_is_an_error_on_the_second_row(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)
    put(book, DOSSIER, 4, MINIMAL)

    results = read(book)

    assert isinstance(results[0][1], dict)
    assert results[1] == (4, "Mã nguồn “HS-1” đã có ở dòng 3; mỗi hồ sơ một mã nguồn.")


def test_a_date_in_a_text_column_is_an_error(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL | {"result.reference": dt.datetime(2025, 12, 1)})  # "12/2025" read by Excel

    [(number, error)] = read(book)

    assert number == 3
    assert "result.reference" in error and "định dạng ô là Văn bản" in error


def test_an_unknown_column_stops_the_reading(template):
    book = open_book(template)
    put(book, DOSSIER, 3, MINIMAL)
    book[DOSSIER].cell(row=1, column=40, value="ghi_chu")

    assert read(book) == [(0, "Trang “Hồ sơ”, ô AN1: cột “ghi_chu” không có trong mẫu.")]


def test_data_on_row_two_is_read_when_the_label_row_was_deleted(template):
    book = open_book(template)
    book[DOSSIER].delete_rows(2)
    put(book, DOSSIER, 2, MINIMAL)

    [(number, line)] = read(book)

    assert number == 2
    assert line["source"]["id"] == "HS-1"


def test_what_is_not_the_template_gives_one_error():
    assert list(lines_from_xlsx(b"source.id,code\n")) == [(0, "Tệp không phải bảng tính Excel (.xlsx).")]
    other = Workbook()
    other.active.title = "Sheet1"
    [(number, error)] = list(lines_from_xlsx(saved(other)))
    assert number == 0 and "“Hồ sơ”" in error
