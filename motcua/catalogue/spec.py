"""A procedure in the exchange format (docs/formats/procedures.md), as typed, immutable values.

``parse_procedure`` turns one JSON object into a ``ProcedureSpec`` and collects *every* problem (with the
path of the offending key and a Vietnamese message) instead of stopping at the first; ``spec_to_dict``
writes the canonical JSON object back. Both are pure: references to sectors and org units are checked
against the database later (``motcua.catalogue.services.storage``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.org.codes import normalize_org_code

from .choices import (
    END,
    PROCESS_ROLES,
    ApplicantType,
    BudgetUnit,
    ConditionKey,
    DocumentType,
    FeeDue,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    StepUnitKind,
    SupplementRule,
    TimeUnit,
)

FORMAT_TAG = "motcua.procedures/1"
COMMUNE_AGENCY = "commune"
DEFAULT_CUTOFF = dt.time(15, 0)
#: The most originals or copies of one component (the column is a small integer).
MAX_COPIES = 1000

CODE_RE = re.compile(r"^[0-9A-Z][0-9A-Z.\-_]{2,49}$")
STEP_CODE_RE = re.compile(r"^[A-Z0-9_]{1,20}$")
SECTOR_CODE_RE = re.compile(r"^[A-Z0-9_]{1,40}$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

PROCEDURE_KEYS = frozenset(
    {
        "code",
        "name",
        "sector",
        "level",
        "agency",
        "resolving_unit",
        "applicant_types",
        "result_type",
        "result_name",
        "result_document_type",
        "time_limit",
        "supplement_rule",
        "online_level",
        "full_online_eligible",
        "fees",
        "components",
        "requirements",
        "legal_basis",
        "publication",
        "process",
        "keywords",
        "receiving_points",
        "reviews",
        "illustrative",
        "source_note",
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (a JSON path), a stable code and a Vietnamese message."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(ValueError):
    """The input is not a valid procedure; ``problems`` lists every reason."""

    code = "procedure_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SectorRef:
    code: str
    name: str = ""


@dataclass(frozen=True)
class TimeLimitSpec:
    amount: Decimal
    unit: str
    after_cutoff: bool = False
    cutoff: dt.time | None = None


@dataclass(frozen=True)
class FeeSpec:
    name: str
    amount: int
    kind: str = FeeKind.CHARGE.value
    condition: str = ""
    exemption: str = ""
    due: str = FeeDue.AT_SUBMISSION.value


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    originals: int = 1
    copies: int = 0
    required: bool = True
    document_type: str = ""
    template: str = ""
    template_url: str = ""


@dataclass(frozen=True)
class LegalBasisSpec:
    title: str
    effective_date: dt.date | None = None


@dataclass(frozen=True)
class PublicationSpec:
    decision_number: str = ""
    decision_date: dt.date | None = None
    published_on: dt.date | None = None


@dataclass(frozen=True)
class ReviewSpec:
    reviewed_on: dt.date
    reviewed_by: str
    simplification_proposed: bool = False
    note: str = ""


@dataclass(frozen=True)
class BudgetSpec:
    amount: Decimal
    unit: str


@dataclass(frozen=True)
class StepSpec:
    code: str
    name: str
    role: str
    unit: str  # "receiving", "resolving", an org-unit code, or "" (not set yet)
    budget: BudgetSpec
    inter_agency: bool = False
    can_request_supplement: bool = False

    @property
    def unit_kind(self) -> str:
        if self.unit in (StepUnitKind.RECEIVING, StepUnitKind.RESOLVING):
            return self.unit
        return StepUnitKind.UNIT.value if self.unit else ""

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name}"


@dataclass(frozen=True)
class ActionSpec:
    from_step: str
    to_step: str  # a step code or END
    name: str
    roles: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcessSpec:
    steps: tuple[StepSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()

    def step(self, code: str) -> StepSpec | None:
        for step in self.steps:
            if step.code == code:
                return step
        return None


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    sector: SectorRef
    level: str
    agency: str  # a normalised org-unit code, or COMMUNE_AGENCY
    resolving_unit: str
    applicant_types: tuple[str, ...]
    result_type: str
    result_name: str
    time_limit: TimeLimitSpec
    supplement_rule: str = SupplementRule.EXCLUDE_WAIT.value
    online_level: str = OnlineLevel.NONE.value
    full_online_eligible: bool = False
    # The controlled type of the result document (motcua.results files it in the holder's data store).
    result_document_type: str = ""
    fees: tuple[FeeSpec, ...] = ()
    components: tuple[ComponentSpec, ...] = ()
    requirements: str = ""
    legal_basis: tuple[LegalBasisSpec, ...] = ()
    publication: PublicationSpec = field(default_factory=PublicationSpec)
    process: ProcessSpec = field(default_factory=ProcessSpec)
    keywords: tuple[str, ...] = ()
    receiving_points: tuple[str, ...] = ()
    reviews: tuple[ReviewSpec, ...] = ()
    illustrative: bool = False
    source_note: str = ""

    @property
    def for_citizen(self) -> bool:
        return ApplicantType.CITIZEN in self.applicant_types

    @property
    def for_business(self) -> bool:
        return ApplicantType.BUSINESS in self.applicant_types


@dataclass
class ParseResult:
    """``spec`` is set only when there is no problem; ``draft`` always holds what could be read (with
    placeholders where values were wrong), so references can still be checked and reported."""

    spec: ProcedureSpec | None
    problems: list[Problem]
    warnings: list[Problem]
    draft: ProcedureSpec | None = None


# --------------------------------------------------------------------------------------------------
# Reading


class _Reader:
    """Reads values out of nested JSON, recording problems against their paths."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    @staticmethod
    def join(base: str, key: str | int) -> str:
        if isinstance(key, int):
            return f"{base}[{key}]"
        return f"{base}.{key}" if base else key

    def obj(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(path, "not_object", _("Phải là một đối tượng JSON ({…})."))
        return None

    def unknown_keys(self, data: Mapping[str, Any], known: Iterable[str], path: str) -> None:
        allowed = set(known)
        for key in data:
            if key not in allowed:
                self.warnings.append(
                    Problem(
                        self.join(path, str(key)),
                        "unknown_key",
                        _("Khóa “%(key)s” không có trong định dạng; đã bỏ qua.") % {"key": key},
                    )
                )

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        default: str = "",
    ) -> str:
        where = self.join(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "required", _("Thiếu thông tin bắt buộc."))
            return default
        if not isinstance(value, str):
            self.problem(where, "not_text", _("Phải là một chuỗi ký tự."))
            return default
        value = " ".join(value.split()) if "\n" not in value else value.strip()
        if required and not value:
            self.problem(where, "required", _("Không được để trống."))
        if max_length is not None and len(value) > max_length:
            self.problem(
                where,
                "too_long",
                _("Dài tối đa %(max)s ký tự (nhận được %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(self.join(path, key), "not_boolean", _("Phải là true hoặc false."))
            return default
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
    ) -> str:
        allowed = list(choices)
        value = data.get(key)
        where = self.join(path, key)
        if value is None:
            if default is None:
                self.problem(where, "required", _("Thiếu thông tin bắt buộc."))
                return allowed[0]
            return default
        if not isinstance(value, str) or value not in allowed:
            self.problem(
                where,
                "not_in_choices",
                _("Giá trị “%(value)s” không hợp lệ; chọn một trong: %(choices)s.")
                % {"value": value, "choices": ", ".join(allowed)},
            )
            return default if default is not None else allowed[0]
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        default: int | None,
        minimum: int = 0,
        maximum: int | None = None,
    ) -> int:
        value = data.get(key)
        where = self.join(path, key)
        if value is None:
            if default is None:
                self.problem(where, "required", _("Thiếu thông tin bắt buộc."))
                return 0
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value != value  # NaN
            or value in (float("inf"), float("-inf"))
            or value != int(value)
        ):
            self.problem(
                where, "not_integer", _("Phải là một số nguyên (nhận được “%(value)s”).") % {"value": value}
            )
            return default if default is not None else 0
        number = int(value)
        if number < minimum:
            self.problem(
                where,
                "too_small",
                _("Phải lớn hơn hoặc bằng %(min)s (nhận được %(value)s).")
                % {"min": minimum, "value": number},
            )
        elif maximum is not None and number > maximum:
            self.problem(
                where,
                "too_large",
                _("Phải nhỏ hơn hoặc bằng %(max)s (nhận được %(value)s).")
                % {"max": maximum, "value": number},
            )
        return number

    def decimal(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        value = data.get(key)
        where = self.join(path, key)
        if value is None:
            self.problem(where, "required", _("Thiếu thông tin bắt buộc."))
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, "not_number", _("Phải là một số (nhận được “%(value)s”).") % {"value": value})
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - int/float always convert
            self.problem(where, "not_number", _("Phải là một số."))
            return None
        # The size first: ``quantize`` raises on a number too large for the context (1e30).
        if not number.is_finite() or abs(number) >= 10000 or number != number.quantize(Decimal("0.01")):
            self.problem(
                where,
                "bad_number",
                _("Phải là số nhỏ hơn 10.000, tối đa hai chữ số thập phân (nhận được %(value)s).")
                % {"value": value},
            )
            return None
        return number.quantize(Decimal("0.01"))

    def date(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> dt.date | None:
        value = data.get(key)
        where = self.join(path, key)
        if value is None or value == "":
            if required:
                self.problem(where, "required", _("Thiếu thông tin bắt buộc."))
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(
            where,
            "not_date",
            _("Ngày “%(value)s” không hợp lệ; viết theo dạng YYYY-MM-DD.") % {"value": value},
        )
        return None

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(self.join(path, key), "not_list", _("Phải là một danh sách ([…])."))
            return []
        return value

    def org_code(self, value: Any, path: str) -> str:
        try:
            return normalize_org_code(value)
        except ValidationError as exc:
            self.problem(path, exc.code or "org_code_invalid", exc.messages[0])
            return ""


def _strings(reader: _Reader, values: list[Any], path: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            reader.problem(reader.join(path, i), "not_text", _("Phải là một chuỗi ký tự."))
            continue
        value = " ".join(value.split())
        if value:
            out.append(value)
    return tuple(out)


def _read_sector(r: _Reader, raw: Any, path: str) -> SectorRef:
    if isinstance(raw, str):
        raw = {"code": raw}
    data = r.obj(raw, path) if raw is not None else None
    if raw is None:
        r.problem(path, "required", _("Thiếu lĩnh vực."))
    if data is None:
        return SectorRef("")
    r.unknown_keys(data, ("code", "name"), path)
    code = r.text(data, "code", path, required=True).upper()
    if code and not SECTOR_CODE_RE.match(code):
        r.problem(
            r.join(path, "code"),
            "sector_code_invalid",
            _("Mã lĩnh vực “%(code)s” chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch dưới.")
            % {"code": code},
        )
    return SectorRef(code, r.text(data, "name", path, max_length=200))


def _read_time_limit(r: _Reader, raw: Any, path: str) -> TimeLimitSpec:
    fallback = TimeLimitSpec(Decimal(1), TimeUnit.WORKING_DAYS.value)
    if raw is None:
        r.problem(path, "required", _("Thiếu thời hạn giải quyết."))
        return fallback
    data = r.obj(raw, path)
    if data is None:
        return fallback
    r.unknown_keys(data, ("amount", "unit", "after_cutoff", "cutoff"), path)
    unit = r.choice(data, "unit", path, TimeUnit.values)
    after_cutoff = r.boolean(data, "after_cutoff", path, default=False)
    cutoff: dt.time | None = None
    if after_cutoff:
        raw_cutoff = data.get("cutoff")
        if raw_cutoff in (None, ""):
            cutoff = DEFAULT_CUTOFF
        elif isinstance(raw_cutoff, str) and (match := TIME_RE.match(raw_cutoff.strip())):
            cutoff = dt.time(int(match.group(1)), int(match.group(2)))
        else:
            r.problem(
                r.join(path, "cutoff"),
                "not_time",
                _("Giờ chốt “%(value)s” không hợp lệ; viết theo dạng HH:MM, ví dụ 15:00.")
                % {"value": raw_cutoff},
            )
    if unit == TimeUnit.SAME_DAY:
        amount = data.get("amount", 0)
        if amount not in (0, None):
            r.problem(
                r.join(path, "amount"),
                "same_day_amount",
                _("Thủ tục giải quyết trong ngày có số lượng thời hạn bằng 0."),
            )
        return TimeLimitSpec(Decimal(0), unit, after_cutoff, cutoff)
    number = r.decimal(data, "amount", path)
    if number is None:
        return fallback
    if number <= 0:
        r.problem(
            r.join(path, "amount"),
            "time_limit_not_positive",
            _("Thời hạn giải quyết phải lớn hơn 0 (nhận được %(value)s).") % {"value": _num(number)},
        )
    elif unit != TimeUnit.WORKING_HOURS and number != number.to_integral_value():
        r.problem(
            r.join(path, "amount"),
            "time_limit_not_whole_days",
            _("Số ngày phải là số nguyên (nhận được %(value)s); nửa ngày ghi là 4 giờ làm việc.")
            % {"value": _num(number)},
        )
    return TimeLimitSpec(number, unit, after_cutoff, cutoff)


def _read_fees(r: _Reader, raw: list[Any], path: str) -> tuple[FeeSpec, ...]:
    fees: list[FeeSpec] = []
    for i, item in enumerate(raw):
        where = r.join(path, i)
        data = r.obj(item, where)
        if data is None:
            continue
        r.unknown_keys(data, ("name", "kind", "amount", "condition", "exemption", "due"), where)
        amount = r.integer(data, "amount", where, default=None, minimum=-(10**15))
        if amount < 0:
            r.problem(
                r.join(where, "amount"),
                "fee_negative",
                _("Mức phí, lệ phí không được âm (nhận được %(value)s).") % {"value": amount},
            )
        elif amount >= 10**15:
            r.problem(r.join(where, "amount"), "fee_too_large", _("Mức phí, lệ phí quá lớn."))
        fees.append(
            FeeSpec(
                name=r.text(data, "name", where, required=True, max_length=500),
                amount=amount,
                kind=r.choice(data, "kind", where, FeeKind.values, default=FeeKind.CHARGE.value),
                condition=r.text(data, "condition", where),
                exemption=r.text(data, "exemption", where),
                due=r.choice(data, "due", where, FeeDue.values, default=FeeDue.AT_SUBMISSION.value),
            )
        )
    return tuple(fees)


def _read_components(r: _Reader, raw: list[Any], path: str) -> tuple[ComponentSpec, ...]:
    out: list[ComponentSpec] = []
    for i, item in enumerate(raw):
        where = r.join(path, i)
        data = r.obj(item, where)
        if data is None:
            continue
        r.unknown_keys(
            data,
            ("name", "originals", "copies", "required", "document_type", "template", "template_url"),
            where,
        )
        url = r.text(data, "template_url", where, max_length=500)
        if url and not url.startswith(("https://", "http://")):
            r.problem(
                r.join(where, "template_url"),
                "not_url",
                _("Đường dẫn tải mẫu phải bắt đầu bằng https:// hoặc http://."),
            )
        out.append(
            ComponentSpec(
                name=r.text(data, "name", where, required=True, max_length=1000),
                originals=r.integer(data, "originals", where, default=1, maximum=MAX_COPIES),
                copies=r.integer(data, "copies", where, default=0, maximum=MAX_COPIES),
                required=r.boolean(data, "required", where, default=True),
                document_type=r.choice(data, "document_type", where, DocumentType.values, default=""),
                template=r.text(data, "template", where, max_length=200),
                template_url=url,
            )
        )
    return tuple(out)


def _read_legal_basis(r: _Reader, raw: list[Any], path: str) -> tuple[LegalBasisSpec, ...]:
    out: list[LegalBasisSpec] = []
    for i, item in enumerate(raw):
        where = r.join(path, i)
        if isinstance(item, str):
            title = " ".join(item.split())
            if not title:
                r.problem(where, "required", _("Không được để trống."))
            elif len(title) > 1000:
                r.problem(where, "too_long", _("Dài tối đa %(max)s ký tự.") % {"max": 1000})
            out.append(LegalBasisSpec(title))
            continue
        data = r.obj(item, where)
        if data is None:
            continue
        r.unknown_keys(data, ("title", "effective_date"), where)
        out.append(
            LegalBasisSpec(
                title=r.text(data, "title", where, required=True, max_length=1000),
                effective_date=r.date(data, "effective_date", where),
            )
        )
    return tuple(out)


def _read_publication(r: _Reader, raw: Any, path: str) -> PublicationSpec:
    if raw is None:
        return PublicationSpec()
    data = r.obj(raw, path)
    if data is None:
        return PublicationSpec()
    r.unknown_keys(data, ("decision_number", "decision_date", "published_on"), path)
    spec = PublicationSpec(
        decision_number=r.text(data, "decision_number", path, max_length=100),
        decision_date=r.date(data, "decision_date", path),
        published_on=r.date(data, "published_on", path),
    )
    if spec.decision_date and spec.published_on and spec.published_on < spec.decision_date:
        r.problem(
            r.join(path, "published_on"),
            "published_before_decision",
            _("Ngày công khai (%(published)s) không được trước ngày quyết định công bố (%(decision)s).")
            % {"published": spec.published_on.isoformat(), "decision": spec.decision_date.isoformat()},
        )
    return spec


def _read_reviews(r: _Reader, raw: list[Any], path: str) -> tuple[ReviewSpec, ...]:
    out: list[ReviewSpec] = []
    for i, item in enumerate(raw):
        where = r.join(path, i)
        data = r.obj(item, where)
        if data is None:
            continue
        r.unknown_keys(data, ("reviewed_on", "reviewed_by", "simplification_proposed", "note"), where)
        day = r.date(data, "reviewed_on", where, required=True)
        by = r.text(data, "reviewed_by", where, required=True, max_length=200)
        proposed = r.boolean(data, "simplification_proposed", where, default=False)
        note = r.text(data, "note", where)
        if day is not None:
            out.append(ReviewSpec(day, by, proposed, note))
    return tuple(out)


def _read_budget(r: _Reader, raw: Any, path: str) -> BudgetSpec:
    fallback = BudgetSpec(Decimal(0), BudgetUnit.WORKING_DAYS.value)
    if raw is None:
        r.problem(path, "required", _("Thiếu thời gian xử lý của bước."))
        return fallback
    data = r.obj(raw, path)
    if data is None:
        return fallback
    r.unknown_keys(data, ("amount", "unit"), path)
    unit = r.choice(data, "unit", path, BudgetUnit.values)
    amount = r.decimal(data, "amount", path)
    if amount is None:
        return fallback
    if amount < 0:
        r.problem(r.join(path, "amount"), "budget_negative", _("Thời gian xử lý không được âm."))
    return BudgetSpec(amount, unit)


def _read_process(r: _Reader, raw: Any, path: str) -> ProcessSpec:
    if raw is None:
        return ProcessSpec()
    data = r.obj(raw, path)
    if data is None:
        return ProcessSpec()
    r.unknown_keys(data, ("steps", "actions"), path)
    steps: list[StepSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(r.items(data, "steps", path)):
        where = r.join(r.join(path, "steps"), i)
        step = r.obj(item, where)
        if step is None:
            continue
        r.unknown_keys(
            step, ("code", "name", "role", "unit", "budget", "inter_agency", "can_request_supplement"), where
        )
        code = r.text(step, "code", where, required=True).upper()
        if code and (not STEP_CODE_RE.match(code) or code == END):
            r.problem(
                r.join(where, "code"),
                "step_code_invalid",
                _(
                    "Mã bước “%(code)s” chỉ gồm chữ in hoa không dấu, chữ số, dấu gạch dưới (tối đa 20 ký tự) "
                    "và không được là END."
                )
                % {"code": code},
            )
        elif code in seen:
            r.problem(
                r.join(where, "code"),
                "step_code_duplicate",
                _("Mã bước “%(code)s” bị trùng.") % {"code": code},
            )
        seen.add(code)
        role = r.text(step, "role", where)
        if role and role not in PROCESS_ROLES:
            r.problem(
                r.join(where, "role"),
                "role_invalid",
                _("Vai trò “%(role)s” không hợp lệ; chọn một trong: %(choices)s.")
                % {"role": role, "choices": ", ".join(PROCESS_ROLES)},
            )
        unit = r.text(step, "unit", where)
        if unit and unit not in (StepUnitKind.RECEIVING, StepUnitKind.RESOLVING):
            unit = r.org_code(unit, r.join(where, "unit"))
        steps.append(
            StepSpec(
                code=code,
                name=r.text(step, "name", where, required=True, max_length=300),
                role=role,
                unit=unit,
                budget=_read_budget(r, step.get("budget"), r.join(where, "budget")),
                inter_agency=r.boolean(step, "inter_agency", where, default=False),
                can_request_supplement=r.boolean(step, "can_request_supplement", where, default=False),
            )
        )
    actions: list[ActionSpec] = []
    for i, item in enumerate(r.items(data, "actions", path)):
        where = r.join(r.join(path, "actions"), i)
        action = r.obj(item, where)
        if action is None:
            continue
        r.unknown_keys(action, ("from", "to", "name", "roles", "conditions"), where)
        source = r.text(action, "from", where, required=True).upper()
        target = r.text(action, "to", where, required=True).upper()
        if source and source not in seen:
            r.problem(
                r.join(where, "from"),
                "action_unknown_step",
                _("Thao tác đi từ bước “%(code)s” không có trong quy trình.") % {"code": source},
            )
        if target and target != END and target not in seen:
            r.problem(
                r.join(where, "to"),
                "action_unknown_step",
                _("Thao tác dẫn tới bước “%(code)s” không có trong quy trình (dùng END để kết thúc).")
                % {"code": target},
            )
        roles = _strings(r, r.items(action, "roles", where), r.join(where, "roles"))
        for role in roles:
            if role not in PROCESS_ROLES:
                r.problem(
                    r.join(where, "roles"),
                    "role_invalid",
                    _("Vai trò “%(role)s” không hợp lệ; chọn một trong: %(choices)s.")
                    % {"role": role, "choices": ", ".join(PROCESS_ROLES)},
                )
        conditions = _strings(r, r.items(action, "conditions", where), r.join(where, "conditions"))
        for key in conditions:
            if key not in ConditionKey.values:
                r.problem(
                    r.join(where, "conditions"),
                    "condition_unknown",
                    _("Điều kiện “%(key)s” không có trong danh sách; chọn một trong: %(choices)s.")
                    % {"key": key, "choices": ", ".join(ConditionKey.values)},
                )
        actions.append(
            ActionSpec(
                from_step=source,
                to_step=target,
                name=r.text(action, "name", where, required=True, max_length=300),
                roles=tuple(dict.fromkeys(roles)),
                conditions=tuple(dict.fromkeys(conditions)),
            )
        )
    return ProcessSpec(tuple(steps), tuple(actions))


def parse_procedure(raw: Any, *, path: str = "") -> ParseResult:
    """Check one procedure object of the exchange format; never raises on bad input."""
    r = _Reader()
    data = r.obj(raw, path)
    if data is None:
        return ParseResult(None, r.problems, r.warnings)
    r.unknown_keys(data, PROCEDURE_KEYS, path)

    code = r.text(data, "code", path, required=True).upper()
    if code and not CODE_RE.match(code):
        r.problem(
            r.join(path, "code"),
            "procedure_code_invalid",
            _(
                "Mã thủ tục “%(code)s” phải dài 3–50 ký tự, gồm chữ số, chữ in hoa không dấu, dấu chấm, "
                "gạch ngang, gạch dưới (ví dụ 1.004616)."
            )
            % {"code": code},
        )
    level = r.choice(data, "level", path, ProcedureLevel.values)
    raw_agency = data.get("agency")
    agency = ""
    if raw_agency is None or raw_agency == "":
        r.problem(r.join(path, "agency"), "required", _("Thiếu cơ quan thực hiện."))
    elif isinstance(raw_agency, str) and raw_agency.strip().lower() == COMMUNE_AGENCY:
        agency = COMMUNE_AGENCY
        if level != ProcedureLevel.COMMUNE:
            r.problem(
                r.join(path, "agency"),
                "commune_agency_level",
                _("Cơ quan thực hiện “commune” (UBND cấp xã) chỉ dùng cho thủ tục cấp xã."),
            )
    else:
        agency = r.org_code(raw_agency, r.join(path, "agency"))
    resolving = r.choice(
        data, "resolving_unit", path, ResolvingRule.values, default=ResolvingRule.AGENCY.value
    )
    if agency == COMMUNE_AGENCY and resolving == ResolvingRule.AGENCY:
        resolving = ResolvingRule.APPLICANT_COMMUNE.value

    applicant_raw = r.items(data, "applicant_types", path)
    applicants = _strings(r, applicant_raw, r.join(path, "applicant_types"))
    for kind in applicants:
        if kind not in ApplicantType.values:
            r.problem(
                r.join(path, "applicant_types"),
                "not_in_choices",
                _("Đối tượng “%(value)s” không hợp lệ; chọn citizen và/hoặc business.") % {"value": kind},
            )
    if not applicants:
        r.problem(r.join(path, "applicant_types"), "required", _("Cần ít nhất một đối tượng thực hiện."))
    applicants = tuple(kind for kind in ApplicantType.values if kind in applicants)

    result_type = r.choice(data, "result_type", path, ResultType.values, default=ResultType.PAPER.value)
    result_name = r.text(data, "result_name", path, max_length=500)
    if result_type != ResultType.NONE and not result_name:
        r.problem(r.join(path, "result_name"), "required", _("Thiếu tên kết quả giải quyết."))

    online = r.choice(data, "online_level", path, OnlineLevel.values, default=OnlineLevel.NONE.value)
    eligible = r.boolean(data, "full_online_eligible", path, default=online == OnlineLevel.FULL)
    if online == OnlineLevel.FULL and not eligible:
        r.problem(
            r.join(path, "full_online_eligible"),
            "full_online_not_eligible",
            _("Thủ tục cung cấp trực tuyến toàn trình phải đủ điều kiện toàn trình."),
        )

    receiving: list[str] = []
    for i, value in enumerate(r.items(data, "receiving_points", path)):
        point = r.org_code(value, r.join(r.join(path, "receiving_points"), i))
        if point and point not in receiving:
            receiving.append(point)

    spec = ProcedureSpec(
        code=code,
        name=r.text(data, "name", path, required=True, max_length=500),
        sector=_read_sector(r, data.get("sector"), r.join(path, "sector")),
        level=level,
        agency=agency,
        resolving_unit=resolving,
        applicant_types=applicants,
        result_type=result_type,
        result_name=result_name,
        result_document_type=r.choice(data, "result_document_type", path, DocumentType.values, default=""),
        time_limit=_read_time_limit(r, data.get("time_limit"), r.join(path, "time_limit")),
        supplement_rule=r.choice(
            data, "supplement_rule", path, SupplementRule.values, default=SupplementRule.EXCLUDE_WAIT.value
        ),
        online_level=online,
        full_online_eligible=eligible,
        fees=_read_fees(r, r.items(data, "fees", path), r.join(path, "fees")),
        components=_read_components(r, r.items(data, "components", path), r.join(path, "components")),
        requirements=r.text(data, "requirements", path),
        legal_basis=_read_legal_basis(r, r.items(data, "legal_basis", path), r.join(path, "legal_basis")),
        publication=_read_publication(r, data.get("publication"), r.join(path, "publication")),
        process=_read_process(r, data.get("process"), r.join(path, "process")),
        keywords=_strings(r, r.items(data, "keywords", path), r.join(path, "keywords")),
        receiving_points=tuple(sorted(receiving)),
        reviews=_read_reviews(r, r.items(data, "reviews", path), r.join(path, "reviews")),
        illustrative=r.boolean(data, "illustrative", path, default=False),
        source_note=r.text(data, "source_note", path),
    )
    return ParseResult(None if r.problems else spec, r.problems, r.warnings, spec)


def spec_from_dict(raw: Any) -> ProcedureSpec:
    """The spec of a procedure object; raises ``SpecError`` listing every problem."""
    result = parse_procedure(raw)
    if result.spec is None:
        raise SpecError(result.problems)
    return result.spec


# --------------------------------------------------------------------------------------------------
# Writing


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def process_to_dict(process: ProcessSpec) -> dict[str, Any]:
    return {
        "steps": [
            {
                "code": s.code,
                "name": s.name,
                "role": s.role,
                "unit": s.unit,
                "budget": {"amount": _num(s.budget.amount), "unit": s.budget.unit},
                "inter_agency": s.inter_agency,
                "can_request_supplement": s.can_request_supplement,
            }
            for s in process.steps
        ],
        "actions": [
            {
                "from": a.from_step,
                "to": a.to_step,
                "name": a.name,
                "roles": list(a.roles),
                "conditions": list(a.conditions),
            }
            for a in process.actions
        ],
    }


def spec_to_dict(spec: ProcedureSpec, *, include_reviews: bool = True) -> dict[str, Any]:
    """The canonical exchange-format object: every key present, in the documented order."""
    limit = spec.time_limit
    data: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "sector": {"code": spec.sector.code, "name": spec.sector.name},
        "level": spec.level,
        "agency": spec.agency,
        "resolving_unit": spec.resolving_unit,
        "applicant_types": list(spec.applicant_types),
        "result_type": spec.result_type,
        "result_name": spec.result_name,
        "result_document_type": spec.result_document_type,
        "time_limit": {
            "amount": _num(limit.amount),
            "unit": limit.unit,
            "after_cutoff": limit.after_cutoff,
            "cutoff": limit.cutoff.strftime("%H:%M") if limit.cutoff else None,
        },
        "supplement_rule": spec.supplement_rule,
        "online_level": spec.online_level,
        "full_online_eligible": spec.full_online_eligible,
        "fees": [
            {
                "name": f.name,
                "kind": f.kind,
                "amount": f.amount,
                "condition": f.condition,
                "exemption": f.exemption,
                "due": f.due,
            }
            for f in spec.fees
        ],
        "components": [
            {
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "required": c.required,
                "document_type": c.document_type,
                "template": c.template,
                "template_url": c.template_url,
            }
            for c in spec.components
        ],
        "requirements": spec.requirements,
        "legal_basis": [
            {"title": b.title, "effective_date": b.effective_date.isoformat()}
            if b.effective_date
            else b.title
            for b in spec.legal_basis
        ],
        "publication": {
            "decision_number": spec.publication.decision_number,
            "decision_date": _date(spec.publication.decision_date),
            "published_on": _date(spec.publication.published_on),
        },
        "process": process_to_dict(spec.process),
        "keywords": list(spec.keywords),
        "receiving_points": list(spec.receiving_points),
    }
    if include_reviews:
        data["reviews"] = [
            {
                "reviewed_on": rv.reviewed_on.isoformat(),
                "reviewed_by": rv.reviewed_by,
                "simplification_proposed": rv.simplification_proposed,
                "note": rv.note,
            }
            for rv in spec.reviews
        ]
    data["illustrative"] = spec.illustrative
    data["source_note"] = spec.source_note
    return data


def missing_parts(spec: ProcedureSpec) -> list[str]:
    """The constituent parts (Decree 63/2010, Art 8(2)) the procedure lacks; empty = complete.

    Name, applicant, time limit, method (from the online level) and agency are always present once the
    spec parses; fees, forms and requirements are parts only "where there are any".
    """
    missing: list[str] = []
    if not spec.process.steps:
        missing.append(_("Trình tự thực hiện"))
    if not spec.components:
        missing.append(_("Thành phần, số lượng hồ sơ"))
    if spec.result_type != ResultType.NONE and not spec.result_name:
        missing.append(_("Kết quả thực hiện"))
    if not spec.legal_basis:
        missing.append(_("Căn cứ pháp lý"))
    return missing
