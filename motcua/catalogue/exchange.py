"""Reading and writing catalogue files: JSON in the exchange format and the Excel sheet of the national
procedure database (docs/formats/procedures.md). Readers turn a file into rows of exchange-format objects;
every check of their content happens later, in the import service, the same way for both formats."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.core.uploads import UploadRejected, check_office_container
from motcua.org.codes import normalize_org_code

from .choices import FeeKind, OnlineLevel, ProcedureLevel, TimeUnit
from .errors import ImportFileError
from .formatting import number_vi, time_limit_words
from .spec import COMMUNE_AGENCY, FORMAT_TAG, SECTOR_CODE_RE, Problem, ProcedureSpec, spec_to_dict

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 20_000


@dataclass
class SourceRow:
    """One procedure of a file: where it is (``label``), its exchange-format object, and whether it is
    partial (a sheet row updates only the columns it has)."""

    label: str
    raw: Any
    partial: bool = False
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SourceFile:
    kind: str  # "json" or "xlsx"
    rows: list[SourceRow]
    declared_sectors: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# JSON


def read_json(data: bytes | str) -> SourceFile:
    """Rows of a JSON file ``{"format": "motcua.procedures/1", "procedures": [...]}``."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(_("Tệp không phải JSON hợp lệ: %(error)s.") % {"error": exc}) from None
    if not isinstance(document, dict):
        raise ImportFileError(_("Tệp JSON phải là một đối tượng có khóa “format” và “procedures”."))
    if document.get("format") != FORMAT_TAG:
        raise ImportFileError(
            _("Tệp JSON phải có “format”: “%(tag)s” (nhận được “%(value)s”).")
            % {"tag": FORMAT_TAG, "value": document.get("format")}
        )
    procedures = document.get("procedures")
    if not isinstance(procedures, list):
        raise ImportFileError(_("Tệp JSON phải có “procedures” là một danh sách thủ tục."))
    if len(procedures) > MAX_ROWS:
        raise ImportFileError(_("Tệp có quá nhiều thủ tục (tối đa %(max)s).") % {"max": MAX_ROWS})
    declared: dict[str, str] = {}
    sectors = document.get("sectors", [])
    if not isinstance(sectors, list):
        raise ImportFileError(_("“sectors” phải là một danh sách lĩnh vực."))
    for i, item in enumerate(sectors):
        code = item.get("code") if isinstance(item, dict) else None
        name = item.get("name", "") if isinstance(item, dict) else ""
        if not isinstance(code, str) or not SECTOR_CODE_RE.match(code.upper()) or not isinstance(name, str):
            raise ImportFileError(
                _("sectors[%(index)s]: cần mã lĩnh vực (chữ in hoa không dấu, chữ số, gạch dưới) và tên.")
                % {"index": i}
            )
        declared[code.upper()] = " ".join(name.split())
    rows = [SourceRow(f"procedures[{i}]", raw) for i, raw in enumerate(procedures)]
    return SourceFile("json", rows, declared)


def write_json(specs: Iterable[ProcedureSpec], *, include_reviews: bool = True) -> str:
    document = {
        "format": FORMAT_TAG,
        "procedures": [spec_to_dict(spec, include_reviews=include_reviews) for spec in specs],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------------
# Excel

#: (key, header) of the sheet; the first nine are the national procedure database's export columns.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã thủ tục"),
    ("name", "Tên thủ tục"),
    ("level", "Cấp thực hiện"),
    ("sector", "Lĩnh vực"),
    ("agency", "Cơ quan thực hiện"),
    ("time_limit", "Thời hạn giải quyết"),
    ("fees", "Phí, lệ phí"),
    ("components", "Thành phần hồ sơ"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("applicant_types", "Đối tượng thực hiện"),
    ("online_level", "Mức độ dịch vụ công trực tuyến"),
    ("result_name", "Kết quả thực hiện"),
    ("requirements", "Yêu cầu, điều kiện"),
    ("decision_number", "Số quyết định công bố"),
    ("decision_date", "Ngày quyết định công bố"),
    ("published_on", "Ngày công khai"),
)
_HEADER_KEYS = {fold(header): key for key, header in COLUMNS} | {key: key for key, _header in COLUMNS}

_LEVEL_WORDS = (
    ("nganh doc", ProcedureLevel.DELEGATED),
    ("trung uong", ProcedureLevel.DELEGATED),
    ("delegated", ProcedureLevel.DELEGATED),
    ("tinh", ProcedureLevel.PROVINCE),
    ("province", ProcedureLevel.PROVINCE),
    ("xa", ProcedureLevel.COMMUNE),
    ("commune", ProcedureLevel.COMMUNE),
)
_ONLINE_WORDS = (
    ("toan trinh", OnlineLevel.FULL),
    ("full", OnlineLevel.FULL),
    ("mot phan", OnlineLevel.PARTIAL),
    ("partial", OnlineLevel.PARTIAL),
    ("khong", OnlineLevel.NONE),
    ("none", OnlineLevel.NONE),
)
_TIME_RE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ngay lam viec|gio lam viec|gio|ngay)")
_FEE_AMOUNT_RE = re.compile(r"^\s*(-?\s*[\d.,\s]*\d)\s*(?:d|dong|vnd|vnđ)?\b")
_COUNTS_RE = re.compile(r"\(([^()]*)\)\s*$")
_ORIGINALS_RE = re.compile(r"ban chinh\D{0,3}(\d+)|(\d+)\s*ban chinh")
_COPIES_RE = re.compile(r"ban sao\D{0,3}(\d+)|(\d+)\s*ban sao")
_BULLET_RE = re.compile(r"^\s*(?:[-+•*]|\d+[.)])\s*")


def _lines(value: str) -> list[str]:
    out = []
    for line in value.replace("\r", "\n").split("\n"):
        line = _BULLET_RE.sub("", line).strip()
        if line:
            out.append(" ".join(line.split()))
    return out


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _date_text(text: str) -> str | None:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


class _SheetRow:
    def __init__(
        self, label: str, sector_code: Callable[[str], str | None], unit_code: Callable[[str], str | None]
    ):
        self.label = label
        self.problems: list[Problem] = []
        self.sector_code = sector_code
        self.unit_code = unit_code

    def problem(self, column: str, code: str, message: str) -> None:
        header = dict(COLUMNS).get(column, column)
        self.problems.append(Problem(f"{self.label}, {header}", code, message))

    def level(self, text: str) -> str | None:
        folded = fold(text)
        for word, level in _LEVEL_WORDS:
            if word in folded:
                return level.value
        self.problem("level", "level_unknown", _("Không hiểu cấp thực hiện “%(value)s”.") % {"value": text})
        return None

    def sector(self, text: str) -> dict[str, str] | None:
        code = self.sector_code(text)
        if code is None:
            self.problem(
                "sector",
                "sector_unknown",
                _("Lĩnh vực “%(value)s” chưa có trong danh mục lĩnh vực.") % {"value": text},
            )
            return None
        return {"code": code}

    def agency(self, text: str) -> str | None:
        folded = fold(text)
        if folded in ("commune", "cap xa", "ubnd cap xa", "uy ban nhan dan cap xa"):
            return COMMUNE_AGENCY
        try:
            return normalize_org_code(text)
        except ValidationError:
            pass
        code = self.unit_code(text)
        if code is None:
            self.problem(
                "agency",
                "unit_unknown",
                _("Không có đơn vị “%(value)s” trong danh mục tổ chức (ghi mã đơn vị, ví dụ H56.19).")
                % {"value": text},
            )
        return code

    def time_limit(self, text: str) -> dict[str, Any] | None:
        folded = fold(text)
        if folded.startswith(("trong ngay", "ngay trong ngay")) or folded == "same_day":
            return {"amount": 0, "unit": TimeUnit.SAME_DAY.value}
        match = _TIME_RE.search(folded)
        if match is None:
            self.problem(
                "time_limit",
                "time_limit_unreadable",
                _(
                    "Không đọc được thời hạn “%(value)s”; viết ví dụ “05 ngày làm việc”, “04 giờ làm việc”, "
                    "“30 ngày” hoặc “Trong ngày”."
                )
                % {"value": text},
            )
            return None
        amount_text, unit_words = match.groups()
        amount: float | int = float(amount_text.replace(",", "."))
        if amount == int(amount):
            amount = int(amount)
        unit = {
            "ngay lam viec": TimeUnit.WORKING_DAYS,
            "gio lam viec": TimeUnit.WORKING_HOURS,
            "gio": TimeUnit.WORKING_HOURS,
            "ngay": TimeUnit.CALENDAR_DAYS,
        }[unit_words]
        return {"amount": amount, "unit": unit.value}

    def fees(self, text: str) -> list[dict[str, Any]] | None:
        lines = _lines(text)
        if not lines or fold(" ".join(lines)) in ("khong", "khong co", "mien", "mien phi", "khong thu"):
            return []
        fees = []
        for line in lines:
            name, sep, rest = line.rpartition(":")
            match = _FEE_AMOUNT_RE.match(fold(rest)) if sep else None
            if not sep or match is None:
                self.problem(
                    "fees",
                    "fee_unreadable",
                    _("Không đọc được mức phí ở dòng “%(line)s”; viết “Tên khoản thu: 100.000 đồng”.")
                    % {"line": line},
                )
                continue
            digits = re.sub(r"[.,\s]", "", match.group(1))
            kind = FeeKind.FEE if fold(name).startswith("phi ") else FeeKind.CHARGE
            fees.append({"name": name.strip(), "kind": kind.value, "amount": int(digits)})
        return fees

    def components(self, text: str) -> list[dict[str, Any]]:
        out = []
        for line in _lines(text):
            name, required = line, True
            if fold(name).endswith("(neu co)"):
                name, required = name[: name.rfind("(")].strip(), False
            originals, copies = 1, 0
            match = _COUNTS_RE.search(name)
            if match:
                inside = fold(match.group(1))
                found_o, found_c = _ORIGINALS_RE.search(inside), _COPIES_RE.search(inside)
                if found_o or found_c:
                    originals = int(next(g for g in found_o.groups() if g)) if found_o else 0
                    copies = int(next(g for g in found_c.groups() if g)) if found_c else 0
                    name = name[: match.start()].strip()
            if fold(name).endswith("(neu co)"):
                name, required = name[: name.rfind("(")].strip(), False
            out.append({"name": name, "originals": originals, "copies": copies, "required": required})
        return out

    def applicants(self, text: str) -> list[str]:
        folded = fold(text)
        kinds = []
        if any(w in folded for w in ("cong dan", "ca nhan", "citizen")):
            kinds.append("citizen")
        if any(w in folded for w in ("to chuc", "doanh nghiep", "business")):
            kinds.append("business")
        if not kinds:
            self.problem(
                "applicant_types",
                "applicant_unknown",
                _("Không hiểu đối tượng “%(value)s”; ghi “Công dân” và/hoặc “Tổ chức, doanh nghiệp”.")
                % {"value": text},
            )
        return kinds

    def online(self, text: str) -> str | None:
        folded = fold(text)
        for word, level in _ONLINE_WORDS:
            if word in folded:
                return level.value
        self.problem(
            "online_level",
            "online_level_unknown",
            _("Không hiểu mức độ trực tuyến “%(value)s”.") % {"value": text},
        )
        return None

    def date(self, column: str, text: str) -> str | None:
        value = _date_text(text)
        if value is None:
            self.problem(
                column, "not_date", _("Ngày “%(value)s” không hợp lệ; viết dd/mm/yyyy.") % {"value": text}
            )
        return value


def _convert(row: _SheetRow, cells: dict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    publication: dict[str, Any] = {}
    for key, text in cells.items():
        if not text:
            continue
        value: Any = None
        if key in ("code", "name", "result_name", "requirements"):
            value = text
        elif key == "level":
            value = row.level(text)
        elif key == "sector":
            value = row.sector(text)
        elif key == "agency":
            value = row.agency(text)
        elif key == "time_limit":
            value = row.time_limit(text)
        elif key == "fees":
            value = row.fees(text)
        elif key == "components":
            value = row.components(text)
        elif key == "legal_basis":
            value = _lines(text)
        elif key == "applicant_types":
            value = row.applicants(text)
        elif key == "online_level":
            value = row.online(text)
        elif key == "decision_number":
            publication[key] = text
        elif key in ("decision_date", "published_on"):
            publication[key] = row.date(key, text)
        if value is not None:
            raw[key] = value
    if publication:
        raw["publication"] = publication
    return raw


def read_xlsx(
    data: bytes,
    *,
    sector_code: Callable[[str], str | None],
    unit_code: Callable[[str], str | None],
) -> SourceFile:
    """Rows of the first sheet of a workbook; ``sector_code`` and ``unit_code`` map a cell (a name or a
    code) to a sector code / an org-unit code, or None when unknown."""
    from openpyxl import load_workbook

    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("Tệp không phải bảng tính Excel (.xlsx)."))
    try:
        check_office_container(data)  # zip bombs and XML entities, before openpyxl inflates anything
    except UploadRejected as exc:
        raise ImportFileError(exc.message) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFileError(_("Không mở được bảng tính Excel: %(error)s.") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("Bảng tính trống: dòng đầu phải là tiêu đề cột."))
        keys: list[str | None] = [_HEADER_KEYS.get(fold(_cell_text(cell))) for cell in header]
        if "code" not in keys:
            raise ImportFileError(
                _("Không thấy cột “Mã thủ tục” ở dòng tiêu đề; các cột: %(columns)s.")
                % {"columns": ", ".join(h for _k, h in COLUMNS)}
            )
        out: list[SourceRow] = []
        for number, values in enumerate(rows, start=2):
            cells = {
                key: _cell_text(value) for key, value in zip(keys, values, strict=False) if key is not None
            }
            if not any(cells.values()):
                continue
            if len(out) >= MAX_ROWS:
                raise ImportFileError(_("Tệp có quá nhiều thủ tục (tối đa %(max)s).") % {"max": MAX_ROWS})
            row = _SheetRow(_("dòng %(number)s") % {"number": number}, sector_code, unit_code)
            raw = _convert(row, cells)
            out.append(SourceRow(row.label, raw, partial=True, problems=row.problems))
    finally:
        workbook.close()
    return SourceFile("xlsx", out)


def _component_line(component: dict[str, Any]) -> str:
    line = _("%(name)s (bản chính: %(originals)s, bản sao: %(copies)s)") % {
        "name": component["name"],
        "originals": component["originals"],
        "copies": component["copies"],
    }
    return line if component["required"] else line + " " + _("(nếu có)")


def xlsx_cells(spec: ProcedureSpec, *, sector_name: str) -> list[str]:
    """One sheet row for ``spec``, in the order of ``COLUMNS``."""
    data = spec_to_dict(spec)
    level_label = {
        ProcedureLevel.PROVINCE: _("Cấp tỉnh"),
        ProcedureLevel.COMMUNE: _("Cấp xã"),
        ProcedureLevel.DELEGATED: _("Cơ quan ngành dọc"),
    }[ProcedureLevel(spec.level)]
    applicants = {"citizen": _("Công dân"), "business": _("Tổ chức, doanh nghiệp")}
    online = {
        OnlineLevel.FULL: _("Toàn trình"),
        OnlineLevel.PARTIAL: _("Một phần"),
        OnlineLevel.NONE: _("Không"),
    }[OnlineLevel(spec.online_level)]
    pub = spec.publication
    return [
        spec.code,
        spec.name,
        level_label,
        sector_name,
        _("Cấp xã") if spec.agency == COMMUNE_AGENCY else spec.agency,
        time_limit_words(spec.time_limit.amount, spec.time_limit.unit),
        "\n".join(
            _("%(name)s: %(amount)s đồng") % {"name": f.name, "amount": number_vi(f.amount)}
            for f in spec.fees
        )
        or _("Không"),
        "\n".join(_component_line(c) for c in data["components"]),
        "\n".join(b.title for b in spec.legal_basis),
        "\n".join(str(applicants[a]) for a in spec.applicant_types),
        online,
        spec.result_name,
        spec.requirements,
        pub.decision_number,
        pub.decision_date.strftime("%d/%m/%Y") if pub.decision_date else "",
        pub.published_on.strftime("%d/%m/%Y") if pub.published_on else "",
    ]


def write_xlsx(rows: Sequence[tuple[ProcedureSpec, str]]) -> bytes:
    """A workbook with one row per (spec, sector name)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "TTHC"
    sheet.append([header for _key, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for spec, sector_name in rows:
        sheet.append(xlsx_cells(spec, sector_name=sector_name))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    widths = (12, 50, 14, 24, 14, 18, 40, 60, 50, 22, 16, 30, 30, 18, 14, 14)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
