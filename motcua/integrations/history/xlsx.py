"""The Excel template for migrating dossier history by hand, and its reader.

Small provinces have no system to export from: their dossier history lives in registers and spreadsheets.
The template lets them type it into the same fields as the JSON Lines format (``schema.json``), so the
importer has a single path: :func:`lines_from_xlsx` turns each row of sheet “Hồ sơ” (with the rows of the
child sheets that point at it) into a dict shaped like one JSON line, and the importer validates it against
the schema exactly as it validates a line of a ``.jsonl`` file.

Layout (see the sheet “Hướng dẫn” of :func:`template_workbook` for the version users read):

* sheet “Hồ sơ”: one row per dossier; headers are the JSON field paths with dots (``applicant.name``);
* sheets “Bước xử lý”, “Tạm dừng”, “Thành phần”, “Thanh toán”, “Phản ánh”: one row per item of ``steps``,
  ``pauses``, ``components``, ``payments``, ``feedback``; the first column, ``source.id``, names the dossier;
  items are attached in sheet order;
* row 1 holds the headers, row 2 a Vietnamese label per column, data starts on row 3.

The columns are derived from ``schema.json`` so that the template cannot drift from the format; only the
Vietnamese labels, meanings and examples are written here (a test checks that each column has them).

Reading rules: an empty cell means the field is absent; a nested object (``applicant``, ``apology``…) is
built only when one of its cells is filled; booleans accept TRUE/FALSE, “có”/“không”, “x”, 1/0; a number in
a text column becomes its digits (a personal ID typed as a number has lost its leading zero — the schema
then rejects it, which is why text columns are formatted as Text); an Excel date-time cell is Vietnam local
time and becomes ISO 8601 with ``+07:00``; an Excel cell holding only a date where a moment is expected is
an error, never midnight silently.

Errors: a dossier row that cannot be read (one of its cells, or a cell of one of its child rows) yields
``(row on “Hồ sơ”, error text)`` instead of its line. A problem that belongs to no dossier row — a child row
whose ``source.id`` is not on “Hồ sơ”, an unknown column, a file that is not a workbook — yields
``(0, error text)``, the text naming the sheet and row. Row 0 therefore means “not a dossier row”.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .lines import FORMAT_TAG, schema

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Sheet names are part of the file format (the reader finds sheets by name), so they are not translated.
DOSSIER_SHEET = "Hồ sơ"
CHILD_SHEETS: dict[str, str] = {
    "steps": "Bước xử lý",
    "pauses": "Tạm dừng",
    "components": "Thành phần",
    "payments": "Thanh toán",
    "feedback": "Phản ánh",
}
GUIDE_SHEET = "Hướng dẫn"
LINK = "source.id"
HEADER_ROW = 1
LABEL_ROW = 2
FIRST_DATA_ROW = 3
LAST_ROW = 1_048_576  # Excel's last row: formats and drop-downs cover the whole column
XLSX_MAGIC = b"PK\x03\x04"

TEXT = "text"
INTEGER = "integer"
BOOLEAN = "boolean"
MOMENT = "moment"
ENUM = "enum"

_TRUE_WORDS = frozenset({"có", "co", "x", "true", "1"})
_FALSE_WORDS = frozenset({"không", "khong", "false", "0"})
_GROUPED_DIGITS = re.compile(r"^-?\d{1,3}(?:[. \u00a0]\d{3})+$")
_PLAIN_DIGITS = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: the field path (the header), how its cells are read, and what the
    schema says about it (for the guide)."""

    path: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False  # required in its object
    group: str = ""  # the optional object it belongs to (``apology``), "" when top level or required
    nullable: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    ref: str = ""  # the $defs name (``unit_code``)


# -- columns from the schema -----------------------------------------------------------------------------


def _leaf(path: str, node: dict[str, Any], *, required: bool, group: str) -> Column:
    """A field's column; a moment is any string with the pattern of ``$defs.moment`` (so ``moment_or_null``
    and inline copies are moments too); ``null`` among the allowed types makes it nullable."""
    defs = schema()["$defs"]
    ref = ""
    nullable = False
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[-1]
        node = defs[ref]
    if "oneOf" in node:
        options = [option for option in node["oneOf"] if option.get("type") != "null"]
        nullable = len(options) < len(node["oneOf"])
        node = options[0]
        if "$ref" in node:
            ref = node["$ref"].rsplit("/", 1)[-1]
            node = defs[ref]
    types = node.get("type")
    if isinstance(types, list):
        nullable = nullable or "null" in types
        types = next((kind for kind in types if kind != "null"), None)
    common: dict[str, Any] = {"required": required, "group": group, "nullable": nullable, "ref": ref}
    if types == "string" and node.get("pattern") == defs["moment"]["pattern"]:
        return Column(path, MOMENT, **common)
    if "enum" in node:
        return Column(path, ENUM, choices=tuple(node["enum"]), **common)
    if types == "boolean":
        return Column(path, BOOLEAN, **common)
    if types == "integer":
        return Column(path, INTEGER, minimum=node.get("minimum"), maximum=node.get("maximum"), **common)
    return Column(path, TEXT, max_length=node.get("maxLength"), **common)


def _columns(node: dict[str, Any], prefix: str = "", group: str = "") -> list[Column]:
    """The leaf fields of an object schema, nested objects flattened to dotted paths; arrays and the
    constant ``format`` are left out (arrays have their own sheets)."""
    out: list[Column] = []
    required = set(node.get("required", ()))
    for name, child in node["properties"].items():
        if "const" in child or child.get("type") == "array":
            continue
        path = prefix + name
        if child.get("type") == "object":
            inner_group = group or ("" if name in required else path)
            out.extend(_columns(child, path + ".", inner_group))
        else:
            out.append(_leaf(path, child, required=name in required, group=group))
    return out


@cache
def dossier_columns() -> tuple[Column, ...]:
    """The columns of sheet “Hồ sơ”, in schema order."""
    return tuple(_columns(schema()))


@cache
def child_columns(array: str) -> tuple[Column, ...]:
    """The columns of the sheet of ``array`` (``steps``…): ``source.id``, then the item's fields."""
    link = Column(LINK, TEXT, required=True)
    return (link, *_columns(schema()["properties"][array]["items"]))


def sheet_columns() -> dict[str, tuple[Column, ...]]:
    """Every data sheet's columns, by sheet name, in sheet order."""
    return {DOSSIER_SHEET: dossier_columns()} | {
        title: child_columns(array) for array, title in CHILD_SHEETS.items()
    }


# -- what the guide says about each column -------------------------------------------------------------

# path (child fields as "<array>.<field>") → (label on row 2, meaning, example)
_DOC: dict[str, tuple[Promise, Promise, str]] = {
    "source.system": (
        gettext_lazy("Hệ thống nguồn"),
        gettext_lazy(
            "Tên ngắn của hệ thống hoặc sổ sách mà hồ sơ được chuyển từ đó. Có thể để trống nếu "
            "chạy lệnh nhập với --source TÊN."
        ),
        "so-tiep-nhan-2024",
    ),
    "source.id": (
        gettext_lazy("Mã hồ sơ ở nguồn"),
        gettext_lazy(
            "Mã nhận diện hồ sơ trong nguồn, không trùng nhau trong tệp. Nhập lại cùng mã thì hồ sơ "
            "được cập nhật, không tạo hồ sơ mới. Các trang con dùng mã này để chỉ ra hồ sơ."
        ),
        "HS-2024-000123",
    ),
    "code": (
        gettext_lazy("Mã hồ sơ"),
        gettext_lazy(
            "Mã hồ sơ đã cấp cho người nộp (ghi trên Giấy tiếp nhận và hẹn trả kết quả); giữ "
            "nguyên, không được trùng với hồ sơ khác trong hệ thống."
        ),
        "H56.40-241015-0001",
    ),
    "procedure.code": (
        gettext_lazy("Mã thủ tục hành chính"),
        gettext_lazy("Mã TTHC trong danh mục của hệ thống."),
        "1.001612",
    ),
    "procedure.version": (
        gettext_lazy("Phiên bản thủ tục"),
        gettext_lazy(
            "Số phiên bản thủ tục trong danh mục. Để trống: lấy phiên bản có hiệu lực vào ngày "
            "tiếp nhận (hoặc ngày nộp)."
        ),
        "2",
    ),
    "applicant.kind": (
        gettext_lazy("Loại người nộp"),
        gettext_lazy("Công dân hay tổ chức, doanh nghiệp."),
        "citizen",
    ),
    "applicant.name": (
        gettext_lazy("Họ tên / tên tổ chức"),
        gettext_lazy("Họ tên công dân hoặc tên tổ chức. Cần có, trừ khi dùng bí danh."),
        "Nguyễn Văn An",
    ),
    "applicant.personal_id": (
        gettext_lazy("Số định danh cá nhân"),
        gettext_lazy(
            "Số định danh cá nhân (CCCD) của công dân; cần có khi là công dân, trừ khi dùng bí danh."
        ),
        "038195001234",
    ),
    "applicant.tax_code": (
        gettext_lazy("Mã số thuế"),
        gettext_lazy("Mã số thuế của tổ chức, doanh nghiệp; cần có khi là tổ chức, trừ khi dùng bí danh."),
        "2801234564",
    ),
    "applicant.pseudonym": (
        gettext_lazy("Bí danh người nộp"),
        gettext_lazy(
            "Bí danh ổn định khi nguồn không cung cấp thông tin cá nhân; khi có bí danh thì không "
            "cần họ tên, số định danh, mã số thuế."
        ),
        "ad:7f3a9c21",
    ),
    "applicant.phone": (gettext_lazy("Số điện thoại"), gettext_lazy("Số điện thoại liên hệ."), "0912345678"),
    "applicant.email": (
        gettext_lazy("Thư điện tử"),
        gettext_lazy("Địa chỉ thư điện tử."),
        "an.nguyen@example.vn",
    ),
    "applicant.address": (
        gettext_lazy("Địa chỉ"),
        gettext_lazy("Địa chỉ liên hệ của người nộp."),
        "Số 5 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    ),
    "channel": (gettext_lazy("Kênh nộp"), gettext_lazy("Cách hồ sơ được nộp."), "counter"),
    "receiving_point": (
        gettext_lazy("Nơi tiếp nhận"),
        gettext_lazy(
            "Mã đơn vị tiếp nhận hồ sơ (Bộ phận Một cửa); đơn vị phải còn hoạt động vào ngày tiếp nhận."
        ),
        "H56.40",
    ),
    "resolving_unit": (
        gettext_lazy("Đơn vị giải quyết"),
        gettext_lazy(
            "Mã đơn vị chịu trách nhiệm giải quyết hồ sơ; đơn vị phải còn hoạt động vào ngày tiếp nhận."
        ),
        "H56.14",
    ),
    "submitted_at": (
        gettext_lazy("Thời điểm nộp trực tuyến"),
        gettext_lazy("Lúc người nộp gửi hồ sơ trực tuyến (chờ tiếp nhận). Để trống nếu nộp tại quầy."),
        "2024-10-14T16:20:00+07:00",
    ),
    "received_at": (
        gettext_lazy("Thời điểm tiếp nhận"),
        gettext_lazy("Lúc hồ sơ được tiếp nhận."),
        "2024-10-15T08:30:00+07:00",
    ),
    "deemed_received_at": (
        gettext_lazy("Thời điểm bắt đầu tính hạn"),
        gettext_lazy(
            "Lúc bắt đầu tính thời hạn giải quyết (tiếp nhận ngoài giờ làm việc thì tính từ phiên "
            "làm việc kế tiếp)."
        ),
        "2024-10-15T08:30:00+07:00",
    ),
    "due_at": (
        gettext_lazy("Hẹn trả kết quả"),
        gettext_lazy(
            "Thời điểm hẹn trả ghi trên Giấy tiếp nhận và hẹn trả kết quả; giữ nguyên. Để trống: "
            "hệ thống tự tính theo thời hạn của thủ tục."
        ),
        "2024-10-22T17:00:00+07:00",
    ),
    "due_computed": (
        gettext_lazy("Hạn trả do hệ thống tính"),
        gettext_lazy("“có” nếu hạn trả ở cột due_at do hệ thống tự tính chứ không lấy từ giấy hẹn."),
        "không",
    ),
    "apology.at": (
        gettext_lazy("Thời điểm xin lỗi"),
        gettext_lazy("Lúc gửi văn bản xin lỗi, hẹn lại (chậm nhất 1 ngày trước hạn trả; tối đa một lần)."),
        "2024-10-21T09:00:00+07:00",
    ),
    "apology.new_due_at": (
        gettext_lazy("Hẹn trả mới"),
        gettext_lazy("Thời điểm hẹn trả mới ghi trong văn bản xin lỗi; thay cho hạn trả cũ."),
        "2024-10-25T17:00:00+07:00",
    ),
    "apology.reason": (
        gettext_lazy("Lý do xin lỗi, hẹn lại"),
        gettext_lazy("Lý do chậm trả kết quả."),
        "Chờ ý kiến của cơ quan phối hợp",
    ),
    "decision": (
        gettext_lazy("Kết quả giải quyết"),
        gettext_lazy("Kết quả cuối cùng của hồ sơ. Để trống nếu hồ sơ còn đang giải quyết."),
        "approved",
    ),
    "decision_note": (
        gettext_lazy("Ghi chú kết quả"),
        gettext_lazy("Lý do từ chối, không đủ điều kiện, dừng… hoặc ghi chú khác về kết quả."),
        "Đủ điều kiện cấp",
    ),
    "finished_at": (
        gettext_lazy("Thời điểm có kết quả"),
        gettext_lazy("Lúc có quyết định (hoặc lúc dừng); dùng để tính trước hạn, đúng hạn, quá hạn."),
        "2024-10-21T15:00:00+07:00",
    ),
    "returned_at": (
        gettext_lazy("Thời điểm trả kết quả"),
        gettext_lazy("Lúc trả kết quả cho người nộp."),
        "2024-10-22T09:15:00+07:00",
    ),
    "return_method": (gettext_lazy("Hình thức trả kết quả"), gettext_lazy("Cách trả kết quả."), "counter"),
    "result.electronic": (
        gettext_lazy("Có kết quả điện tử"),
        gettext_lazy("“có” nếu kết quả được cấp dưới dạng điện tử (kể cả khi đồng thời cấp bản giấy)."),
        "có",
    ),
    "result.signed": (
        gettext_lazy("Kết quả có ký số"),
        gettext_lazy("“có” nếu kết quả điện tử có chữ ký số."),
        "có",
    ),
    "result.reference": (
        gettext_lazy("Số, ký hiệu kết quả"),
        gettext_lazy("Số, ký hiệu của kết quả (giấy phép, quyết định…) trong nguồn."),
        "123/GP-UBND",
    ),
    "result.issued_at": (
        gettext_lazy("Thời điểm ban hành kết quả"),
        gettext_lazy("Lúc ký, ban hành kết quả."),
        "2024-10-21T15:00:00+07:00",
    ),
    "fee_amount": (
        gettext_lazy("Phí, lệ phí (đồng)"),
        gettext_lazy("Tổng phí, lệ phí phải nộp, tính bằng đồng."),
        "50000",
    ),
    "evaluation.satisfaction": (
        gettext_lazy("Mức độ hài lòng"),
        gettext_lazy("Đánh giá của người nộp về việc giải quyết hồ sơ."),
        "satisfied",
    ),
    "evaluation.comment": (
        gettext_lazy("Ý kiến đánh giá"),
        gettext_lazy("Ý kiến kèm theo đánh giá."),
        "Cán bộ hướng dẫn tận tình",
    ),
    "evaluation.channel": (gettext_lazy("Kênh đánh giá"), gettext_lazy("Nơi người nộp đánh giá."), "kiosk"),
    "evaluation.at": (
        gettext_lazy("Thời điểm đánh giá"),
        gettext_lazy("Lúc người nộp đánh giá."),
        "2024-10-22T09:20:00+07:00",
    ),
    # steps (Phiếu kiểm soát quá trình giải quyết hồ sơ)
    "steps.code": (gettext_lazy("Mã bước"), gettext_lazy("Mã bước trong quy trình của thủ tục."), "B1"),
    "steps.name": (gettext_lazy("Tên bước"), gettext_lazy("Tên bước xử lý."), "Tiếp nhận hồ sơ"),
    "steps.unit": (
        gettext_lazy("Đơn vị thực hiện"),
        gettext_lazy("Mã đơn vị nhận và xử lý hồ sơ ở bước này."),
        "H56.40",
    ),
    "steps.officer": (
        gettext_lazy("Cán bộ xử lý"),
        gettext_lazy("Tên đăng nhập hoặc mã cán bộ xử lý ở bước này."),
        "tn.hoa",
    ),
    "steps.received_at": (
        gettext_lazy("Thời điểm nhận"),
        gettext_lazy(
            "Lúc bước này nhận hồ sơ. Các bước theo thứ tự thời gian; bước đầu nhận lúc tiếp nhận "
            "là bước tiếp nhận."
        ),
        "2024-10-15T08:30:00+07:00",
    ),
    "steps.handed_over_at": (
        gettext_lazy("Thời điểm chuyển"),
        gettext_lazy("Lúc bước này chuyển hồ sơ đi. Để trống nếu hồ sơ đang ở bước này (chỉ bước cuối)."),
        "2024-10-15T10:00:00+07:00",
    ),
    "steps.due_at": (
        gettext_lazy("Hạn của bước"),
        gettext_lazy("Hạn xử lý của bước (để đánh giá trước hạn, đúng hạn, quá hạn)."),
        "2024-10-15T17:00:00+07:00",
    ),
    "steps.mode": (
        gettext_lazy("Hình thức nhận"),
        gettext_lazy("Hồ sơ đến bước này bằng điện tử hay bản giấy."),
        "electronic",
    ),
    "steps.inter_agency": (
        gettext_lazy("Bước liên thông"),
        gettext_lazy("“có” nếu bước do cơ quan khác thực hiện theo cơ chế liên thông."),
        "không",
    ),
    # pauses
    "pauses.kind": (
        gettext_lazy("Loại tạm dừng"),
        gettext_lazy(
            "Yêu cầu bổ sung hồ sơ (chỉ một lần) hay tạm dừng giải quyết; thời gian tạm dừng không "
            "tính vào thời hạn."
        ),
        "supplement",
    ),
    "pauses.from": (
        gettext_lazy("Từ thời điểm"),
        gettext_lazy("Lúc bắt đầu tạm dừng."),
        "2024-10-16T09:00:00+07:00",
    ),
    "pauses.to": (
        gettext_lazy("Đến thời điểm"),
        gettext_lazy(
            "Lúc hết tạm dừng (nhận đủ bổ sung). Để trống nếu vẫn đang tạm dừng. Các lần tạm dừng "
            "không chồng lên nhau."
        ),
        "2024-10-17T14:00:00+07:00",
    ),
    "pauses.reason": (
        gettext_lazy("Lý do"),
        gettext_lazy("Nội dung yêu cầu bổ sung hoặc lý do tạm dừng."),
        "Thiếu bản sao giấy khai sinh",
    ),
    "pauses.due_after": (
        gettext_lazy("Hạn trả sau tạm dừng"),
        gettext_lazy("Hạn trả mới sau khi hết tạm dừng. Để trống: hệ thống tự tính."),
        "2024-10-23T17:00:00+07:00",
    ),
    "pauses.due_computed": (
        gettext_lazy("Hạn sau tạm dừng do hệ thống tính"),
        gettext_lazy("“có” nếu hạn ở cột due_after do hệ thống tự tính."),
        "không",
    ),
    # components
    "components.name": (
        gettext_lazy("Tên giấy tờ"),
        gettext_lazy("Tên thành phần hồ sơ."),
        "Tờ khai đăng ký khai sinh",
    ),
    "components.document_type": (
        gettext_lazy("Loại giấy tờ"),
        gettext_lazy("Mã loại giấy tờ (nếu có), ví dụ CCCD."),
        "CCCD",
    ),
    "components.required": (
        gettext_lazy("Bắt buộc"),
        gettext_lazy("“có” nếu thủ tục bắt buộc có giấy tờ này."),
        "có",
    ),
    "components.origin": (
        gettext_lazy("Nguồn giấy tờ"),
        gettext_lazy(
            "Giấy tờ đến từ đâu: tải lên, quét tại quầy, bản giấy, dùng lại từ kho dữ liệu của "
            "người nộp, lấy từ cơ sở dữ liệu quốc gia, hoặc không có."
        ),
        "upload",
    ),
    "components.digitised": (
        gettext_lazy("Đã số hóa"),
        gettext_lazy("“có” nếu giấy tờ đã được số hóa khi tiếp nhận."),
        "có",
    ),
    "components.digitised_at": (
        gettext_lazy("Số hóa lúc"),
        gettext_lazy(
            "Thời điểm giấy tờ được số hóa (quét tại quầy sau khi tiếp nhận). Để trống: đã số hóa khi tiếp nhận."
        ),
        "15/03/2021 09:20",
    ),
    "components.pages": (gettext_lazy("Số trang"), gettext_lazy("Số trang của giấy tờ."), "2"),
    # payments
    "payments.amount": (
        gettext_lazy("Số tiền (đồng)"),
        gettext_lazy("Số tiền đã nộp, tính bằng đồng."),
        "50000",
    ),
    "payments.channel": (
        gettext_lazy("Kênh thanh toán"),
        gettext_lazy("Tên kênh thanh toán, ví dụ vnpay, counter (tại quầy)."),
        "vnpay",
    ),
    "payments.online": (
        gettext_lazy("Thanh toán trực tuyến"),
        gettext_lazy("“có” nếu nộp tiền trực tuyến."),
        "có",
    ),
    "payments.at": (
        gettext_lazy("Thời điểm thanh toán"),
        gettext_lazy("Lúc nộp tiền."),
        "2024-10-15T08:40:00+07:00",
    ),
    # feedback
    "feedback.code": (
        gettext_lazy("Mã phản ánh"),
        gettext_lazy("Mã phản ánh, kiến nghị về hồ sơ này."),
        "PA-2024-0001",
    ),
    "feedback.received_at": (
        gettext_lazy("Thời điểm nhận phản ánh"),
        gettext_lazy("Lúc nhận phản ánh, kiến nghị."),
        "2024-10-18T10:00:00+07:00",
    ),
    "feedback.title": (gettext_lazy("Tiêu đề"), gettext_lazy("Tiêu đề phản ánh."), "Hỏi tiến độ giải quyết"),
    "feedback.content": (
        gettext_lazy("Nội dung"),
        gettext_lazy("Nội dung phản ánh, kiến nghị."),
        "Đề nghị cho biết khi nào có kết quả",
    ),
    "feedback.answered_at": (
        gettext_lazy("Thời điểm trả lời"),
        gettext_lazy("Lúc trả lời phản ánh. Để trống nếu chưa trả lời."),
        "2024-10-18T15:00:00+07:00",
    ),
    "feedback.answer": (
        gettext_lazy("Nội dung trả lời"),
        gettext_lazy("Nội dung trả lời phản ánh."),
        "Hồ sơ sẽ có kết quả ngày 22/10/2024",
    ),
}
_LINK_DOC = (
    gettext_lazy("Mã hồ sơ ở nguồn"),
    gettext_lazy("Mã nguồn (source.id) của hồ sơ trên trang “Hồ sơ” mà dòng này thuộc về."),
    "HS-2024-000123",
)

# enum value → Vietnamese meaning
_CHOICE_LABELS: dict[str, Promise] = {
    "citizen": gettext_lazy("công dân"),
    "business": gettext_lazy("tổ chức, doanh nghiệp"),
    "online": gettext_lazy("trực tuyến"),
    "counter": gettext_lazy("tại quầy"),
    "postal": gettext_lazy("qua bưu chính"),
    "post": gettext_lazy("qua bưu chính"),
    "supplement": gettext_lazy("yêu cầu bổ sung"),
    "suspension": gettext_lazy("tạm dừng giải quyết"),
    "electronic": gettext_lazy("điện tử"),
    "paper": gettext_lazy("bản giấy"),
    "approved": gettext_lazy("giải quyết, cấp kết quả"),
    "not_eligible": gettext_lazy("không đủ điều kiện giải quyết"),
    "refused": gettext_lazy("từ chối tiếp nhận"),
    "withdrawn": gettext_lazy("dừng theo đề nghị của người nộp"),
    "stopped": gettext_lazy("dừng do không bổ sung hồ sơ"),
    "upload": gettext_lazy("tải lên"),
    "counter_scan": gettext_lazy("quét tại quầy"),
    "reused": gettext_lazy("dùng lại từ kho dữ liệu của người nộp"),
    "registry": gettext_lazy("lấy từ cơ sở dữ liệu quốc gia"),
    "none": gettext_lazy("không có"),
    "very_satisfied": gettext_lazy("rất hài lòng"),
    "satisfied": gettext_lazy("hài lòng"),
    "dissatisfied": gettext_lazy("không hài lòng"),
    "portal": gettext_lazy("cổng dịch vụ công"),
    "kiosk": gettext_lazy("máy tại quầy"),
    "link": gettext_lazy("đường liên kết gửi người nộp"),
}

# formats a schema pattern stands for, in words (other text columns: "Văn bản, tối đa N ký tự")
_TEXT_FORMATS: dict[str, Promise] = {
    "source.system": gettext_lazy("Chữ không dấu, số và . _ : -, tối đa 60 ký tự."),
    "code": gettext_lazy("Chữ không dấu, số và . - _ /, từ 3 đến 60 ký tự."),
    "applicant.personal_id": gettext_lazy(
        "12 chữ số. Ô định dạng Văn bản để giữ số 0 ở đầu: gõ số vào ô định dạng Số sẽ mất số 0 đầu "
        "(038195001234 thành 38195001234) và dòng bị từ chối."
    ),
    "applicant.tax_code": gettext_lazy(
        "10 chữ số, hoặc 10 chữ số-3 chữ số (chi nhánh), hoặc 12 chữ số; giữ số 0 ở đầu (ô Văn bản)."
    ),
    "applicant.pseudonym": gettext_lazy("Chữ không dấu, số và . _ : -, từ 4 đến 64 ký tự."),
    "applicant.phone": gettext_lazy("Tối đa 16 ký tự; giữ số 0 ở đầu (ô Văn bản)."),
    "feedback.code": gettext_lazy("Chữ không dấu, số và . - _, từ 3 đến 20 ký tự."),
}
_UNIT_CODE_FORMAT = gettext_lazy("Mã đơn vị điện tử (QĐ 20/2020), dạng H56.14 hoặc 000.00.14.H56.")


def _doc_key(sheet: str, column: Column) -> str:
    if sheet == DOSSIER_SHEET:
        return column.path
    array = next(array for array, title in CHILD_SHEETS.items() if title == sheet)
    return f"{array}.{column.path}"


def column_doc(sheet: str, column: Column) -> tuple[str, str, str]:
    """(label, meaning, example) of a column; the path itself when the table lacks it (a test catches)."""
    doc = _LINK_DOC if sheet != DOSSIER_SHEET and column.path == LINK else _DOC.get(_doc_key(sheet, column))
    if doc is None:
        return column.path, "", ""
    label, meaning, example = doc
    return str(label), str(meaning), example


def column_format(sheet: str, column: Column) -> str:
    """The allowed values / format of a column, in words, from what the schema says."""
    if column.kind == MOMENT:
        text = _(
            "Ngày giờ: ô ngày giờ của Excel (hiểu là giờ Việt Nam, ví dụ 15/10/2024 08:30) hoặc văn bản "
            "ISO 8601 có múi giờ (2024-10-15T08:30:00+07:00). Ô chỉ có ngày, không có giờ, là lỗi."
        )
        return text + (" " + _("Để trống nếu chưa có.") if column.nullable else "")
    if column.kind == ENUM:
        return _("Một trong: %(values)s.") % {
            "values": "; ".join(
                f"{value} ({_CHOICE_LABELS[value]})" if value in _CHOICE_LABELS else value
                for value in column.choices
            )
        }
    if column.kind == BOOLEAN:
        return _("có / không (cũng nhận TRUE / FALSE, x, 1 / 0).")
    if column.kind == INTEGER:
        text = _("Số nguyên")
        if column.minimum is not None:
            text += " " + _("từ %(minimum)s") % {"minimum": column.minimum}
        if column.maximum is not None:
            text += " " + _("đến %(maximum)s") % {"maximum": column.maximum}
        return text + "."
    if column.ref == "unit_code":
        return str(_UNIT_CODE_FORMAT)
    special = _TEXT_FORMATS.get(_doc_key(sheet, column))
    if special is not None:
        return str(special)
    if column.max_length:
        return _("Văn bản, tối đa %(count)s ký tự.") % {"count": column.max_length}
    return _("Văn bản.")


def column_required(sheet: str, column: Column) -> str:
    """Whether the column must be filled, in words."""
    if not column.required:
        return _("Không")
    if column.group:
        return _("Bắt buộc nếu điền nhóm %(group)s.*") % {"group": column.group}
    if sheet == DOSSIER_SHEET and column.path == "source.system":
        return _("Bắt buộc (hoặc dùng --source)")
    return _("Bắt buộc")


# -- the template ------------------------------------------------------------------------------------------


def _number_format(column: Column) -> str | None:
    if column.kind in (TEXT, ENUM):
        return "@"
    if column.kind == MOMENT:
        return "dd/mm/yyyy hh:mm"
    if column.kind == INTEGER:
        return "#,##0" if column.path.endswith("amount") else "0"
    return None


def _data_sheet(sheet: Any, title: str, columns: tuple[Column, ...]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet.title = title
    for index, column in enumerate(columns, start=1):
        label, _meaning, _example = column_doc(title, column)
        header = sheet.cell(row=HEADER_ROW, column=index, value=column.path)
        header.font = Font(bold=True)
        caption = sheet.cell(row=LABEL_ROW, column=index, value=label)
        caption.font = Font(italic=True)
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(max(len(column.path), len(label), 12) + 2, 40)
        number_format = _number_format(column)
        if number_format:
            dimension.number_format = number_format
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}"
        if column.kind == ENUM:
            choice = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Giá trị không hợp lệ"),
                error=_("Chọn một giá trị trong danh sách (xem trang “Hướng dẫn”)."),
            )
            choice.add(cells)
            sheet.add_data_validation(choice)
        elif column.kind == BOOLEAN:
            # a suggestion only: TRUE, x and 1 are accepted too, so no error box
            # the words are the reader's, not translated
            yes_no = DataValidation(
                type="list", formula1='"có,không"', allow_blank=True, showErrorMessage=False
            )
            yes_no.add(cells)
            sheet.add_data_validation(yes_no)
    # keep the headers, and on “Hồ sơ” source.system/source.id, in view while scrolling
    sheet.freeze_panes = "C3" if title == DOSSIER_SHEET else "B3"


def _guide_notes() -> list[str]:
    return [
        _("Mẫu nhập lịch sử hồ sơ (định dạng %(format)s) — cùng các trường như tệp JSON Lines.")
        % {"format": FORMAT_TAG},
        _(
            "Trang “Hồ sơ”: mỗi dòng một hồ sơ. Dòng 1 là tên trường (không sửa), dòng 2 là tên tiếng Việt "
            "của cột, dữ liệu bắt đầu từ dòng 3."
        ),
        _(
            "Các trang “Bước xử lý”, “Tạm dừng”, “Thành phần”, “Thanh toán”, “Phản ánh”: mỗi dòng một mục; "
            "cột đầu (source.id) ghi mã nguồn của hồ sơ trên trang “Hồ sơ”. Các mục được gắn vào hồ sơ theo "
            "thứ tự dòng trên trang."
        ),
        _(
            "Ô để trống là không có thông tin. Một nhóm (applicant.*, apology.*, result.*, evaluation.*…) chỉ "
            "được tạo khi có ít nhất một ô của nhóm được điền."
        ),
        _(
            "Ngày giờ: nhập ô ngày giờ của Excel (hiểu là giờ Việt Nam) hoặc văn bản ISO 8601 có múi giờ, ví "
            "dụ 2024-10-15T08:30:00+07:00. Ô chỉ có ngày mà không có giờ bị báo lỗi."
        ),
        _("Có/không: nhập “có” hoặc “không” (cũng nhận TRUE/FALSE, x, 1/0)."),
        _(
            "Cột văn bản (số định danh, mã số thuế, số điện thoại, mã…) đã định dạng Văn bản. Nếu dán số vào ô "
            "định dạng Số, Excel bỏ số 0 ở đầu (038195001234 thành 38195001234) và hồ sơ sẽ bị từ chối: hãy "
            "giữ định dạng Văn bản hoặc gõ dấu nháy đơn trước số ('038195001234)."
        ),
        _(
            "Lỗi của dòng trên trang con được báo theo dòng hồ sơ trên trang “Hồ sơ”; dòng trên trang con có "
            "mã nguồn không có trên trang “Hồ sơ” được báo riêng (dòng 0) kèm tên trang và số dòng."
        ),
    ]


def _guide_sheet(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = GUIDE_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for number, note in enumerate(_guide_notes()):
        cell = sheet.cell(row=row, column=1, value=note)
        cell.font = Font(bold=number == 0)
        row += 1
    row += 1
    headings = [
        _("Trang"),
        _("Cột"),
        _("Tên cột"),
        _("Ý nghĩa"),
        _("Giá trị cho phép / định dạng"),
        _("Bắt buộc"),
        _("Ví dụ"),
    ]
    for index, heading in enumerate(headings, start=1):
        sheet.cell(row=row, column=index, value=heading).font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1).coordinate
    for title, columns in sheet_columns().items():
        for column in columns:
            row += 1
            label, meaning, example = column_doc(title, column)
            values = [
                title,
                column.path,
                label,
                meaning,
                column_format(title, column),
                column_required(title, column),
                example,
            ]
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=index, value=value)
                cell.alignment = wrap
                cell.number_format = "@"
    for letter, width in zip("ABCDEFG", (14, 26, 28, 60, 50, 22, 28), strict=True):
        sheet.column_dimensions[letter].width = width


def template_workbook() -> bytes:
    """The template: an .xlsx with sheets "Hồ sơ" (one row per dossier), "Bước xử lý" (steps), "Tạm dừng"
    (pauses), "Thành phần" (components), "Thanh toán" (payments), "Phản ánh" (feedback), and "Hướng dẫn"
    (instructions in Vietnamese: one line per column: column name, meaning, allowed values / format,
    required or not, an example). Data rows are left empty."""
    from openpyxl import Workbook

    workbook = Workbook()
    _data_sheet(workbook.active, DOSSIER_SHEET, dossier_columns())
    for title in CHILD_SHEETS.values():
        _data_sheet(workbook.create_sheet(), title, sheet_columns()[title])
    _guide_sheet(workbook.create_sheet())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- reading -----------------------------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read; the message is the Vietnamese reason."""


def _quoted(value: Any) -> str:
    return f"“{value}”"


def _text(value: Any) -> str | None:
    """A cell as text for a text column: numbers become their digits (an int-valued float has no “.0”)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise _CellError(
            _("Excel đã hiểu ô này là ngày giờ (%(value)s); hãy định dạng ô là Văn bản rồi nhập lại.")
            % {"value": value}
        )
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        raise _CellError(_("cần số nguyên, không phải %(value)s.") % {"value": _quoted(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _CellError(_("cần số nguyên, không phải %(value)s.") % {"value": _quoted(value)})
    text = _text(value)
    if text is None:
        return None
    if _PLAIN_DIGITS.match(text) or _GROUPED_DIGITS.match(text):
        return int(re.sub(r"[. \u00a0]", "", text))
    raise _CellError(_("cần số nguyên, không phải %(value)s.") % {"value": _quoted(text)})


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        text = _text(value)
    else:
        text = _text(value)
        if text is None:
            return None
        word = text.casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise _CellError(
        _("cần “có” hoặc “không” (hoặc TRUE/FALSE, x, 1/0), không phải %(value)s.") % {"value": _quoted(text)}
    )


def _moment(value: Any, number_format: str) -> str | None:
    from openpyxl.styles.numbers import is_datetime

    if isinstance(value, dt.datetime):
        date_only = is_datetime(number_format) == "date" and value.time() == dt.time(0, 0)
        if date_only:
            raise _CellError(
                _("ngày %(date)s cần cả giờ (ví dụ %(date)s 08:30).") % {"date": f"{value:%d/%m/%Y}"}
            )
        moment: dt.datetime = value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)
        if moment.microsecond >= 500_000:  # Excel stores fractions of a day: round to the second
            moment += dt.timedelta(seconds=1)
        return moment.replace(microsecond=0).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        raise _CellError(
            _("ngày %(date)s cần cả giờ (ví dụ %(date)s 08:30).") % {"date": f"{value:%d/%m/%Y}"}
        )
    if isinstance(value, dt.time):
        raise _CellError(_("giờ %(time)s cần cả ngày.") % {"time": f"{value:%H:%M}"})
    if isinstance(value, bool | int | float | dt.timedelta):
        message = _(
            "%(value)s không phải ngày giờ; nhập ngày giờ (ví dụ 15/10/2024 08:30) hoặc văn bản ISO 8601 "
            "(2024-10-15T08:30:00+07:00)."
        )
        raise _CellError(message % {"value": _quoted(value)})
    return _text(value)


def _cell_value(column: Column, cell: Any) -> Any:
    """The JSON value of a cell, or None when the cell is empty; raises _CellError."""
    value = cell.value
    if isinstance(value, str) and not value.strip():
        return None
    if value is None:
        return None
    if column.kind == MOMENT:
        return _moment(value, getattr(cell, "number_format", "General") or "General")
    if column.kind == BOOLEAN:
        return _boolean(value)
    if column.kind == INTEGER:
        return _integer(value)
    return _text(value)


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *groups, name = path.split(".")
    for group in groups:
        target = target.setdefault(group, {})
    target[name] = value


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Sheet:
    title: str
    rows: list[_Row]
    problems: list[str]


def _read_sheet(sheet: Any, title: str, columns: tuple[Column, ...]) -> _Sheet:
    """The filled rows of a data sheet, each with its values (by path) and the errors of its cells."""
    by_path = {column.path: column for column in columns}
    # The label row of a template made in either language (the labels are translated).
    labels: dict[str, set[str]] = {}
    for each in columns:
        for language in ("vi", "en"):
            with translation.override(language):
                labels.setdefault(each.path, set()).add(str(column_doc(title, each)[0]))
    problems: list[str] = []
    rows: list[_Row] = []
    sheet.reset_dimensions()  # a file's stated dimensions may be wrong: read every row there is
    iterator = sheet.iter_rows()
    header = next(iterator, ())
    mapping: list[Column | None] = []
    seen: set[str] = set()
    for cell in header:
        name = str(cell.value).strip() if cell.value is not None else ""
        if not name:
            mapping.append(None)
            continue
        column = by_path.get(name)
        if column is None:
            problems.append(
                _("Trang %(sheet)s, ô %(cell)s: cột %(name)s không có trong mẫu.")
                % {"sheet": _quoted(title), "cell": cell.coordinate, "name": _quoted(name)}
            )
        elif name in seen:
            problems.append(
                _("Trang %(sheet)s: cột %(name)s có hai lần.")
                % {"sheet": _quoted(title), "name": _quoted(name)}
            )
            column = None
        seen.add(name)
        mapping.append(column)
    if LINK not in seen:
        problems.append(
            _("Trang %(sheet)s: thiếu cột %(name)s ở dòng 1.")
            % {"sheet": _quoted(title), "name": _quoted(LINK)}
        )
    if problems:
        return _Sheet(title, [], problems)
    for number, cells in enumerate(iterator, start=HEADER_ROW + 1):
        row = _Row(title, number)
        raw: dict[str, Any] = {}
        for column, cell in zip(mapping, cells, strict=False):
            if column is None:
                continue
            raw[column.path] = cell.value
            try:
                value = _cell_value(column, cell)
            except _CellError as error:
                row.errors.append(
                    _("cột %(name)s: %(error)s") % {"name": _quoted(column.path), "error": error}
                )
                continue
            if value is not None:
                row.values[column.path] = value
        if not row.values and not row.errors:
            continue
        if number == LABEL_ROW and all(
            value is None or str(value).strip() in labels[path] for path, value in raw.items()
        ):
            continue
        rows.append(row)
    return _Sheet(title, rows, problems)


def _read(workbook: Any) -> list[tuple[int, dict[str, Any] | str]]:
    if DOSSIER_SHEET not in workbook.sheetnames:
        message = _("Bảng tính không có trang %(sheet)s; hãy dùng mẫu của hệ thống.")
        return [(0, message % {"sheet": _quoted(DOSSIER_SHEET)})]
    dossiers = _read_sheet(workbook[DOSSIER_SHEET], DOSSIER_SHEET, dossier_columns())
    children = {
        array: _read_sheet(workbook[title], title, child_columns(array))
        for array, title in CHILD_SHEETS.items()
        if title in workbook.sheetnames
    }
    problems = dossiers.problems + [problem for sheet in children.values() for problem in sheet.problems]
    if problems:
        return [(0, problem) for problem in problems]

    lines: dict[int, dict[str, Any]] = {}
    by_source: dict[str, _Row] = {}
    for row in dossiers.rows:
        line: dict[str, Any] = {"format": FORMAT_TAG}
        for path, value in row.values.items():
            _put(line, path, value)
        lines[row.number] = line
        source_id = row.values.get(LINK)
        if source_id is None:
            continue
        if source_id in by_source:
            row.errors.append(
                _("mã nguồn %(id)s đã có ở dòng %(row)s; mỗi hồ sơ một mã nguồn.")
                % {"id": _quoted(source_id), "row": by_source[source_id].number}
            )
        else:
            by_source[source_id] = row

    orphans: list[tuple[int, dict[str, Any] | str]] = []
    for array, sheet in children.items():
        for child in sheet.rows:
            where = _("Trang %(sheet)s, dòng %(row)s") % {"sheet": _quoted(sheet.title), "row": child.number}
            source_id = child.values.pop(LINK, None)
            owner = by_source.get(source_id) if source_id is not None else None
            if owner is None:
                if source_id is None:
                    problem = _("%(where)s: thiếu mã nguồn (cột %(link)s).")
                else:
                    problem = _("%(where)s: mã nguồn %(id)s không có trên trang %(sheet)s.")
                orphans.append(
                    (
                        0,
                        problem
                        % {
                            "where": where,
                            "link": _quoted(LINK),
                            "id": _quoted(source_id),
                            "sheet": _quoted(DOSSIER_SHEET),
                        },
                    )
                )
                continue
            owner.errors.extend(f"{where}, {error}" for error in child.errors)
            item: dict[str, Any] = {}
            for path, value in child.values.items():
                _put(item, path, value)
            lines[owner.number].setdefault(array, []).append(item)

    order = list(schema()["properties"])
    out: list[tuple[int, dict[str, Any] | str]] = []
    for row in dossiers.rows:
        if row.errors:
            text = "; ".join(row.errors)
            out.append((row.number, text[:1].upper() + text[1:]))
        else:
            line = lines[row.number]
            out.append((row.number, {key: line[key] for key in order if key in line}))
    return out + orphans


def lines_from_xlsx(data: bytes | BinaryIO) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """One (row number on sheet "Hồ sơ", line object) per dossier row, in the same shape as a JSON line (the
    importer validates it against schema.json); or (row number, error text in Vietnamese) where a row
    cannot be read, its text naming the cell (and the child sheet and row, for a child row's cell).

    Row number 0 carries what belongs to no dossier row: a child row whose source.id is not on "Hồ sơ"
    (the text names the child's sheet and row), a column the template does not have (then nothing else is
    read: a misspelt header would silently drop data), a file that is not a workbook. Dossier rows come in
    sheet order, then the row-0 errors."""
    from openpyxl import load_workbook

    raw = data if isinstance(data, bytes) else data.read()
    if not raw.startswith(XLSX_MAGIC):
        yield 0, _("Tệp không phải bảng tính Excel (.xlsx).")
        return
    from motcua.core.uploads import UploadRejected, check_office_container

    try:
        check_office_container(raw)  # zip bombs and XML entities, before openpyxl inflates anything
    except UploadRejected as exc:
        yield 0, exc.message
        return
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        yield 0, _("Không mở được bảng tính Excel: %(error)s.") % {"error": exc}
        return
    try:
        results = _read(workbook)
    finally:
        workbook.close()
    yield from results
