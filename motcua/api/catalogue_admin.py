"""Editing the procedure catalogue over HTTP (staff), like the back office's ``/can-bo/thu-tuc/`` pages:
the drafts, a draft with what stops it from being published, creating and editing a draft, publishing it
as a new immutable version, recording a review (rà soát), comparing versions.

Mounted at ``/api/v1/procedure-drafts``; every operation needs ``catalogue:write``. Every staff member may
read the drafts (as on the pages; anyone else: 403 ``staff_only``). Creating, editing, publishing and
recording reviews are for agency administrators (their agency's procedures) and the province administrator
(every procedure, and the commune-level ones) — ``motcua.catalogue.access``; otherwise 403
``catalogue_not_allowed``. An API key limited to units reaches only the procedures implemented by one of
its units (any other is 404 ``procedure_not_found``, and a draft may not be given an agency outside them:
403 ``api_key_scope``).

A draft is written as the catalogue's exchange format (docs/formats/procedures.md) in typed fields —
the same fields the back office's editor has — and saved through ``procedure_draft_save``, which checks
every rule and answers every problem at once (422 ``procedure_invalid``, each problem with the ``path`` of
the field); ``PUT`` replaces the whole draft (omitted fields take their defaults) and takes the
``revision`` read with it: 409 ``procedure_draft_stale`` when someone saved in between. Publishing freezes
the draft (422 ``procedure_lint_failed`` listing every problem, 409 ``procedure_unchanged``). Every change
writes its audit row in the service's transaction; a refused request changes nothing.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.catalogue.access import catalogue_can_edit, procedure_can_edit
from motcua.catalogue.choices import (
    ApplicantType,
    BudgetUnit,
    FeeDue,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    SupplementRule,
    TimeUnit,
)
from motcua.catalogue.compare import DRAFT, Side, compare_defaults, procedure_compare
from motcua.catalogue.diff import FieldChange, ListDiff
from motcua.catalogue.errors import NothingToPublish, PublishRefused, SpecError, StaleDraft
from motcua.catalogue.lint import LintProblem
from motcua.catalogue.models import Procedure, ProcedureVersion, Review
from motcua.catalogue.records import spec_from_procedure
from motcua.catalogue.selectors import (
    MAX_QUERY_LENGTH,
    has_unpublished_changes,
    procedure_draft_list,
    procedure_get_draft,
    procedure_lint_problems,
    procedure_version_list,
)
from motcua.catalogue.services import procedure_draft_save, procedure_publish, procedure_review_record
from motcua.catalogue.spec import COMMUNE_AGENCY, MAX_COPIES, Problem, spec_to_dict
from motcua.org.selectors import orgunit_get_by_code

from .auth import api_auth, key_unit_ids
from .conventions import ApiIn, ErrorOut, PageHook, error
from .errors import CodedHttpError
from .reporting_scope import staff_member
from .schemas import LocalTime, PageNumberPagination, ValidationErrorOut

router = Router(auth=api_auth("catalogue:write"))


class DraftState(StrEnum):
    UNPUBLISHED = "unpublished"
    CHANGED = "changed"
    PUBLISHED = "published"


# -- the draft's content (written and read in the same shape) ----------------------------------------------


class DraftTimeLimitIn(ApiIn):
    amount: float = Field(description="Số ngày (nguyên) hoặc số giờ làm việc; 0 với same_day")
    unit: TimeUnit
    after_cutoff: bool = Field(False, description="Hồ sơ nhận sau giờ chốt tính từ ngày làm việc sau")
    cutoff: LocalTime | None = Field(None, description="Giờ chốt (mặc định 15:00 khi after_cutoff)")


class DraftFeeIn(ApiIn):
    name: str
    kind: FeeKind = FeeKind.CHARGE
    amount: int = Field(description="Đồng; 0 = miễn")
    condition: str = ""
    exemption: str = ""
    due: FeeDue = FeeDue.AT_SUBMISSION


class DraftComponentIn(ApiIn):
    name: str
    originals: int = Field(1, ge=0, le=MAX_COPIES)
    copies: int = Field(0, ge=0, le=MAX_COPIES)
    required: bool = True
    document_type: str = Field(
        "", max_length=40, description="Loại giấy tờ dùng lại được từ kho dữ liệu (rỗng: không)"
    )
    template: str = Field("", description="Mã mẫu đơn, tờ khai")
    template_url: str = Field("", description="Đường dẫn tải mẫu (https://…)")


class DraftLegalBasisIn(ApiIn):
    title: str
    effective_date: dt.date | None = None


class DraftPublicationIn(ApiIn):
    decision_number: str = ""
    decision_date: dt.date | None = None
    published_on: dt.date | None = None


class DraftBudgetIn(ApiIn):
    amount: float
    unit: BudgetUnit


class DraftStepIn(ApiIn):
    code: str = Field(description="Mã bước, ví dụ TN")
    name: str
    role: str = Field("", max_length=40, description="Vai trò thực hiện, ví dụ one_stop_officer")
    unit: str = Field("", max_length=40, description="receiving, resolving hoặc mã đơn vị (bước liên thông)")
    budget: DraftBudgetIn
    inter_agency: bool = False
    can_request_supplement: bool = False


class DraftActionIn(ApiIn):
    from_step: str = Field(description="Mã bước đi")
    to_step: str = Field(description="Mã bước đến, hoặc END")
    name: str
    roles: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


class DraftProcessIn(ApiIn):
    steps: list[DraftStepIn] = Field(default_factory=list)
    actions: list[DraftActionIn] = Field(default_factory=list)


class ProcedureDraftIn(ApiIn):
    """The fields of the back office's editor (the exchange format, docs/formats/procedures.md)."""

    name: str
    sector_code: str = Field(max_length=40, description="Mã lĩnh vực đã có trong danh mục, ví dụ HO_TICH")
    level: ProcedureLevel
    agency: str = Field(max_length=40, description="Mã cơ quan thực hiện, hoặc commune (UBND cấp xã)")
    resolving_unit: ResolvingRule = ResolvingRule.AGENCY
    applicant_types: list[ApplicantType] = Field(min_length=1, max_length=2)
    result_type: ResultType = ResultType.PAPER
    result_name: str = ""
    result_document_type: str = Field("", max_length=40, description="Loại giấy tờ của kết quả (nếu có)")
    time_limit: DraftTimeLimitIn
    supplement_rule: SupplementRule = SupplementRule.EXCLUDE_WAIT
    online_level: OnlineLevel = OnlineLevel.NONE
    full_online_eligible: bool | None = Field(
        None, description="Đủ điều kiện trực tuyến toàn trình; bỏ trống: theo mức độ trực tuyến"
    )
    requirements: str = ""
    keywords: list[str] = Field(default_factory=list)
    receiving_points: list[str] = Field(
        default_factory=list, description="Mã điểm tiếp nhận; rỗng: mọi điểm một cửa của tỉnh"
    )
    publication: DraftPublicationIn = Field(default_factory=DraftPublicationIn)
    illustrative: bool = False
    source_note: str = ""
    components: list[DraftComponentIn] = Field(default_factory=list)
    fees: list[DraftFeeIn] = Field(default_factory=list, description="Rỗng: không thu phí, lệ phí")
    legal_basis: list[DraftLegalBasisIn] = Field(default_factory=list)
    process: DraftProcessIn = Field(default_factory=DraftProcessIn)


class ProcedureDraftCreateIn(ProcedureDraftIn):
    code: str = Field(max_length=50, description="Mã thủ tục, ví dụ 1.004616; không đổi được sau khi tạo")


class ProcedureDraftUpdateIn(ProcedureDraftIn):
    revision: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="Lần sửa của bản nháp đã đọc; bản nháp đã được sửa sau đó: 409 procedure_draft_stale",
    )


class PublishIn(ApiIn):
    note: str = Field("", max_length=2000, description="Ghi chú của lần công bố")


class ReviewIn(ApiIn):
    reviewed_on: dt.date = Field(description="Ngày rà soát (không sau hôm nay)")
    reviewed_by: str = Field(max_length=200, description="Người, đơn vị rà soát")
    simplification_proposed: bool = False
    note: str = Field("", max_length=10_000)


class CompareQuery(Schema):
    source: str | None = Field(
        None,
        pattern=r"^(draft|[0-9]{1,6})$",
        description="Số phiên bản, hoặc draft (bản nháp); mặc định: phiên bản hiện hành, hoặc phiên bản trước",
    )
    target: str | None = Field(
        None,
        pattern=r"^(draft|[0-9]{1,6})$",
        description="Số phiên bản, hoặc draft; mặc định: bản nháp khi có thay đổi, hoặc phiên bản hiện hành",
    )


class DraftFilter(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Tìm theo mã, tên (không dấu)")
    state: DraftState | None = Field(
        None, description="unpublished (chưa công bố), changed (có thay đổi chưa công bố), published"
    )


# -- output --------------------------------------------------------------------------------------------


class DraftSectorOut(Schema):
    code: str
    name: str


class DraftSummaryOut(Schema):
    code: str
    name: str
    sector: DraftSectorOut
    level: str
    agency: str = Field(description="Mã cơ quan thực hiện, hoặc commune")
    agency_name: str
    revision: int = Field(description="Lần sửa của bản nháp")
    state: DraftState
    current_version: int | None = Field(description="Phiên bản đang công bố; null: chưa công bố")
    updated_at: dt.datetime


class DraftTimeLimitOut(Schema):
    amount: float
    unit: str
    after_cutoff: bool
    cutoff: LocalTime | None


class DraftFeeOut(Schema):
    name: str
    kind: str
    amount: int
    condition: str
    exemption: str
    due: str


class DraftComponentOut(Schema):
    name: str
    originals: int
    copies: int
    required: bool
    document_type: str
    template: str
    template_url: str


class DraftLegalBasisOut(Schema):
    title: str
    effective_date: dt.date | None


class DraftPublicationOut(Schema):
    decision_number: str
    decision_date: dt.date | None
    published_on: dt.date | None


class DraftBudgetOut(Schema):
    amount: float
    unit: str


class DraftStepOut(Schema):
    code: str
    name: str
    role: str
    unit: str
    budget: DraftBudgetOut
    inter_agency: bool
    can_request_supplement: bool


class DraftActionOut(Schema):
    from_step: str
    to_step: str
    name: str
    roles: list[str]
    conditions: list[str]


class DraftProcessOut(Schema):
    steps: list[DraftStepOut]
    actions: list[DraftActionOut]


class DraftContentOut(Schema):
    """The draft in the shape ``PUT`` takes (plus the sector's name)."""

    code: str
    name: str
    sector_code: str
    sector_name: str
    level: str
    agency: str
    resolving_unit: str
    applicant_types: list[str]
    result_type: str
    result_name: str
    result_document_type: str
    time_limit: DraftTimeLimitOut
    supplement_rule: str
    online_level: str
    full_online_eligible: bool
    requirements: str
    keywords: list[str]
    receiving_points: list[str]
    publication: DraftPublicationOut
    illustrative: bool
    source_note: str
    components: list[DraftComponentOut]
    fees: list[DraftFeeOut]
    legal_basis: list[DraftLegalBasisOut]
    process: DraftProcessOut


class LintProblemOut(Schema):
    code: str
    message: str
    step: str | None = Field(description="Mã bước liên quan (nếu có)")


class DraftVersionOut(Schema):
    number: int
    published_at: dt.datetime
    published_by: str | None
    note: str
    revision: int = Field(description="Lần sửa của bản nháp đã công bố thành phiên bản này")


class ReviewOut(Schema):
    id: int
    reviewed_on: dt.date
    reviewed_by: str
    simplification_proposed: bool
    note: str
    recorded_by: str | None
    created_at: dt.datetime


class ProcedureDraftOut(DraftSummaryOut):
    can_edit: bool = Field(description="Người gọi được sửa, công bố và ghi rà soát thủ tục này")
    content: DraftContentOut
    problems: list[LintProblemOut] = Field(description="Những gì còn phải sửa trước khi công bố")
    versions: list[DraftVersionOut] = Field(description="Các phiên bản đã công bố, mới nhất trước")
    reviews: list[ReviewOut] = Field(description="Các lần rà soát, mới nhất trước")


class PublishedOut(Schema):
    code: str
    version: DraftVersionOut
    url: str = Field(description="Phiên bản vừa công bố trên API công khai")


class FieldChangeOut(Schema):
    key: str
    label: str
    old: str
    new: str


class ItemChangeOut(Schema):
    key: str
    changes: list[FieldChangeOut]


class ListDiffOut(Schema):
    added: list[str]
    removed: list[str]
    changed: list[ItemChangeOut]


class CompareOut(Schema):
    code: str
    source: str | None = Field(description="Số phiên bản, draft, hoặc null (không có)")
    target: str | None
    comparable: bool = Field(description="false: một trong hai bên không có (chưa có phiên bản trước)")
    fields: list[FieldChangeOut]
    components: ListDiffOut
    fees: ListDiffOut
    legal_basis: ListDiffOut
    steps: ListDiffOut
    actions: ListDiffOut


class ProblemOut(Schema):
    path: str = Field(description="Vị trí trường, ví dụ process.steps[1].budget.amount")
    code: str
    message: str


class ProcedureInvalidOut(ValidationErrorOut):
    problems: list[ProblemOut] = Field(
        default_factory=list, description="Với procedure_invalid: từng vấn đề, theo vị trí trường"
    )


class PublishRefusedOut(ValidationErrorOut):
    problems: list[LintProblemOut] = Field(
        default_factory=list, description="Với procedure_lint_failed: từng lỗi phải sửa trước khi công bố"
    )


# -- helpers -------------------------------------------------------------------------------------------


def _not_found(code: str) -> CodedHttpError:
    return CodedHttpError(
        404,
        "procedure_not_found",
        _("Không có thủ tục mang mã “%(code)s” trong danh mục.") % {"code": code[:60]},
    )


def _not_allowed() -> CodedHttpError:
    return CodedHttpError(
        403,
        "catalogue_not_allowed",
        _("Chỉ quản trị cơ quan thực hiện thủ tục hoặc quản trị cấp tỉnh được sửa, công bố, ghi rà soát."),
    )


def _in_key_units(request: HttpRequest, agency_id: int | None) -> bool:
    units = key_unit_ids(request)
    return units is None or (agency_id is not None and agency_id in units)


def _draft(request: HttpRequest, code: str) -> Procedure:
    """The draft with ``code`` the caller may read (404 otherwise, also outside the key's units)."""
    procedure = procedure_get_draft(code=code)
    if procedure is None or not _in_key_units(request, procedure.agency_id):
        raise _not_found(code)
    return procedure


def _editable(request: HttpRequest, code: str) -> tuple[User, Procedure]:
    user = staff_member(request)
    procedure = _draft(request, code)
    if not procedure_can_edit(user=user, procedure=procedure):
        raise _not_allowed()
    return user, procedure


def _check_key_agency(request: HttpRequest, agency: str) -> None:
    """A key limited to units gives a draft an agency among them only (the communes are no unit of its)."""
    units = key_unit_ids(request)
    if units is None:
        return
    unit = None
    if agency.strip().lower() != COMMUNE_AGENCY:
        try:
            unit = orgunit_get_by_code(agency)
        except ValidationError:  # a malformed code: the service names the problem
            return
        if unit is None:
            return
    if unit is None or unit.pk not in units:
        raise CodedHttpError(
            403,
            "api_key_scope",
            _("Khóa API không được dùng cho cơ quan %(code)s.") % {"code": agency[:40]},
        )


def _state(procedure: Procedure) -> DraftState:
    if procedure.current_version_id is None:
        return DraftState.UNPUBLISHED
    return DraftState.CHANGED if has_unpublished_changes(procedure) else DraftState.PUBLISHED


def _summary(procedure: Procedure) -> dict[str, Any]:
    current = procedure.current_version
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": {"code": procedure.sector.code, "name": procedure.sector.name},
        "level": procedure.level,
        "agency": procedure.agency.code if procedure.agency else COMMUNE_AGENCY,
        "agency_name": procedure.agency.name if procedure.agency else _("Ủy ban nhân dân cấp xã"),
        "revision": procedure.draft_revision,
        "state": _state(procedure),
        "current_version": current.number if current is not None else None,
        "updated_at": procedure.updated_at,
    }


def _content(procedure: Procedure) -> dict[str, Any]:
    data = spec_to_dict(spec_from_procedure(procedure), include_reviews=False)
    limit = data["time_limit"]
    return {
        **{k: v for k, v in data.items() if k not in ("sector", "time_limit", "legal_basis", "process")},
        "sector_code": data["sector"]["code"],
        "sector_name": data["sector"]["name"],
        "time_limit": {
            **limit,
            "cutoff": dt.time.fromisoformat(limit["cutoff"]) if limit["cutoff"] else None,
        },
        "legal_basis": [
            item if isinstance(item, dict) else {"title": item, "effective_date": None}
            for item in data["legal_basis"]
        ],
        "process": {
            "steps": data["process"]["steps"],
            "actions": [
                {
                    "from_step": a["from"],
                    "to_step": a["to"],
                    "name": a["name"],
                    "roles": a["roles"],
                    "conditions": a["conditions"],
                }
                for a in data["process"]["actions"]
            ],
        },
    }


def _version(version: ProcedureVersion) -> dict[str, Any]:
    by = version.published_by
    return {
        "number": version.number,
        "published_at": version.published_at,
        "published_by": (by.full_name or by.username) if by is not None else None,
        "note": version.note,
        "revision": version.draft_revision,
    }


def _review(review: Review) -> dict[str, Any]:
    by = review.recorded_by
    return {
        "id": review.pk,
        "reviewed_on": review.reviewed_on,
        "reviewed_by": review.reviewed_by,
        "simplification_proposed": review.simplification_proposed,
        "note": review.note,
        "recorded_by": (by.full_name or by.username) if by is not None else None,
        "created_at": review.created_at,
    }


def _lint(problem: LintProblem) -> dict[str, Any]:
    return {"code": problem.code, "message": problem.message, "step": problem.step}


def _detail(procedure: Procedure, user: User) -> dict[str, Any]:
    procedure = procedure_get_draft(code=procedure.code) or procedure  # with its parts, as saved
    spec = spec_from_procedure(procedure)
    reviews = sorted(procedure.reviews.select_related("recorded_by"), key=lambda r: (r.reviewed_on, r.pk))
    return {
        **_summary(procedure),
        "can_edit": procedure_can_edit(user=user, procedure=procedure),
        "content": _content(procedure),
        "problems": [_lint(p) for p in procedure_lint_problems(procedure=procedure, spec=spec)],
        "versions": [_version(v) for v in procedure_version_list(code=procedure.code)],
        "reviews": [_review(r) for r in reversed(reviews)],
    }


def _raw(payload: ProcedureDraftIn, code: str) -> dict[str, Any]:
    """The exchange-format object of ``payload`` (what the editor's service reads)."""
    limit = payload.time_limit
    raw: dict[str, Any] = {
        "code": code,
        "name": payload.name,
        "sector": {"code": payload.sector_code},
        "level": payload.level.value,
        "agency": payload.agency,
        "resolving_unit": payload.resolving_unit.value,
        "applicant_types": [t.value for t in payload.applicant_types],
        "result_type": payload.result_type.value,
        "result_name": payload.result_name,
        "result_document_type": payload.result_document_type,
        "time_limit": {
            "amount": limit.amount,
            "unit": limit.unit.value,
            "after_cutoff": limit.after_cutoff,
            "cutoff": limit.cutoff.strftime("%H:%M") if limit.cutoff else None,
        },
        "supplement_rule": payload.supplement_rule.value,
        "online_level": payload.online_level.value,
        "requirements": payload.requirements,
        "keywords": payload.keywords,
        "receiving_points": payload.receiving_points,
        "publication": {
            "decision_number": payload.publication.decision_number,
            "decision_date": payload.publication.decision_date.isoformat()
            if payload.publication.decision_date
            else None,
            "published_on": payload.publication.published_on.isoformat()
            if payload.publication.published_on
            else None,
        },
        "illustrative": payload.illustrative,
        "source_note": payload.source_note,
        "components": [c.model_dump() for c in payload.components],
        "fees": [{**f.model_dump(), "kind": f.kind.value, "due": f.due.value} for f in payload.fees],
        "legal_basis": [
            {"title": b.title, "effective_date": b.effective_date.isoformat() if b.effective_date else None}
            for b in payload.legal_basis
        ],
        "process": {
            "steps": [
                {**s.model_dump(), "budget": {"amount": s.budget.amount, "unit": s.budget.unit.value}}
                for s in payload.process.steps
            ],
            "actions": [
                {
                    "from": a.from_step,
                    "to": a.to_step,
                    "name": a.name,
                    "roles": a.roles,
                    "conditions": a.conditions,
                }
                for a in payload.process.actions
            ],
        },
    }
    if payload.full_online_eligible is not None:
        raw["full_online_eligible"] = payload.full_online_eligible
    return raw


def _invalid(problems: list[Problem]) -> Status[object]:
    message = _("Thủ tục chưa hợp lệ: %(count)s vấn đề cần sửa.") % {"count": len(problems)}
    return Status(
        422,
        {
            "code": SpecError.code,
            "message": message,
            "problems": [{"path": p.path, "code": p.code, "message": p.message} for p in problems],
        },
    )


def _changes(changes: list[FieldChange]) -> list[dict[str, str]]:
    return [{"key": c.key, "label": str(c.label), "old": c.old, "new": c.new} for c in changes]


def _list_diff(diff: ListDiff | None) -> dict[str, Any]:
    if diff is None:
        return {"added": [], "removed": [], "changed": []}
    return {
        "added": diff.added,
        "removed": diff.removed,
        "changed": [{"key": item.key, "changes": _changes(item.changes)} for item in diff.changed],
    }


def _side(value: str | None, default: Side, numbers: list[int], code: str) -> Side:
    if value is None:
        return default
    if value == DRAFT:
        return DRAFT
    if int(value) not in numbers:
        raise CodedHttpError(
            404,
            "procedure_version_not_found",
            _("Thủ tục “%(code)s” không có phiên bản %(number)s.") % {"code": code[:60], "number": value},
        )
    return int(value)


SAVE_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ProcedureInvalidOut}


# -- operations ----------------------------------------------------------------------------------------


@router.get("", response=list[DraftSummaryOut], summary="Staff: the catalogue's drafts")
@paginate(PageNumberPagination, page_size=50)
def procedure_draft_list_api(request: HttpRequest, filters: Query[DraftFilter]) -> Any:
    """Every procedure of the catalogue as its editable draft, by code (the public sees only published
    versions): ``state`` tells whether the draft was never published, changed since, or is published as is."""
    staff_member(request)
    rows = procedure_draft_list(q=filters.q, state=filters.state.value if filters.state else "")
    units = key_unit_ids(request)
    if units is not None:
        rows = rows.filter(agency_id__in=units)
    return PageHook(rows, lambda page: [_summary(p) for p in page])


@router.post(
    "",
    response={201: ProcedureDraftOut, 403: ErrorOut, 422: ProcedureInvalidOut},
    summary="Administrators: create the draft of a new procedure",
)
def procedure_draft_create_api(request: HttpRequest, payload: ProcedureDraftCreateIn) -> Status[object]:
    user = staff_member(request)
    if not catalogue_can_edit(user=user):
        raise _not_allowed()
    _check_key_agency(request, payload.agency)
    try:
        procedure = procedure_draft_save(actor=user, raw=_raw(payload, payload.code))
    except SpecError as exc:
        return _invalid(exc.problems)
    return Status(201, _detail(procedure, user))


@router.get(
    "/{code}",
    response={200: ProcedureDraftOut, 403: ErrorOut, 404: ErrorOut},
    summary="Staff: one draft, with what stops it from being published, its versions and reviews",
)
def procedure_draft_get_api(request: HttpRequest, code: str) -> Status[object]:
    user = staff_member(request)
    return Status(200, _detail(_draft(request, code), user))


@router.put(
    "/{code}",
    response={200: ProcedureDraftOut, **SAVE_ERRORS},
    summary="Administrators: replace a draft (the code stays)",
)
def procedure_draft_update_api(
    request: HttpRequest, code: str, payload: ProcedureDraftUpdateIn
) -> Status[object]:
    """Saving the same content again changes nothing (the revision stays)."""
    user, procedure = _editable(request, code)
    _check_key_agency(request, payload.agency)
    try:
        saved = procedure_draft_save(
            actor=user,
            raw=_raw(payload, procedure.code),
            procedure=procedure,
            expected_revision=payload.revision,
        )
    except SpecError as exc:
        return _invalid(exc.problems)
    except StaleDraft as exc:
        return error(409, exc.code, exc.message)
    return Status(200, _detail(saved, user))


@router.post(
    "/{code}/publish",
    response={201: PublishedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: PublishRefusedOut},
    summary="Administrators: publish the draft as the next version",
)
def procedure_publish_api(request: HttpRequest, code: str, payload: PublishIn) -> Status[object]:
    """The version is immutable; dossiers received from now on pin it, the public catalogue shows it."""
    user, procedure = _editable(request, code)
    try:
        version = procedure_publish(actor=user, procedure=procedure, note=payload.note)
    except PublishRefused as exc:
        return Status(
            422, {"code": exc.code, "message": exc.message, "problems": [_lint(p) for p in exc.problems]}
        )
    except NothingToPublish as exc:
        return error(409, exc.code, exc.message)
    return Status(
        201,
        {
            "code": procedure.code,
            "version": _version(version),
            "url": reverse("api-v1:procedure_version_get_api", args=[version.code, version.number]),
        },
    )


@router.post(
    "/{code}/reviews",
    response={201: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ProcedureInvalidOut},
    summary="Administrators: record a review (rà soát) of the procedure",
)
def procedure_review_api(request: HttpRequest, code: str, payload: ReviewIn) -> Status[object]:
    user, procedure = _editable(request, code)
    try:
        review = procedure_review_record(actor=user, procedure=procedure, **payload.model_dump())
    except SpecError as exc:
        return _invalid(exc.problems)
    return Status(201, _review(review))


@router.get(
    "/{code}/compare",
    response={200: CompareOut, 403: ErrorOut, 404: ErrorOut},
    summary="Staff: what changed between two versions, or a version and the draft",
)
def procedure_compare_api(request: HttpRequest, code: str, params: Query[CompareQuery]) -> Status[object]:
    staff_member(request)
    procedure = _draft(request, code)
    numbers = [v.number for v in procedure_version_list(code=procedure.code)]
    default_source, default_target = compare_defaults(procedure, numbers)
    source = _side(params.source, default_source, numbers, code)
    target = _side(params.target, default_target, numbers, code)
    diff = procedure_compare(procedure=procedure, source=source, target=target)
    return Status(
        200,
        {
            "code": procedure.code,
            "source": None if source is None else str(source),
            "target": None if target is None else str(target),
            "comparable": diff is not None,
            "fields": _changes(diff.fields) if diff is not None else [],
            "components": _list_diff(diff.components if diff else None),
            "fees": _list_diff(diff.fees if diff else None),
            "legal_basis": _list_diff(diff.legal_basis if diff else None),
            "steps": _list_diff(diff.steps if diff else None),
            "actions": _list_diff(diff.actions if diff else None),
        },
    )
