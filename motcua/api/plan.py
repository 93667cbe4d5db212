"""The province's reform plan over HTTP (staff), like the back office's ``/can-bo/ke-hoach/`` pages: the targets
T01–T20 with their live value and status, a target in detail, the plan tasks of the key units with their
progress reports, the reviews of procedures with their compliance cost — and the updates the pages allow.

Mounted at ``/api/v1/plan``. Reading needs ``reporting:read``; every staff member may read, as on the pages.
Writing needs ``plan:write`` and the page's rights (``motcua.reporting.plan.access``): entering a figure and
assigning a task is for the province level (``plan_can_enter``), reporting a task's progress also for its
unit's leaders (``plan_can_report``), a review's cost for whoever may edit the procedure
(``plan_can_cost``); otherwise 403 ``plan_not_allowed``. An API key limited to units reads and reports only
the tasks of those units, and writes only for them (a province-wide figure needs the province's unit).

Every figure comes from ``motcua.reporting.plan`` (``plan_scorecard``, ``plan_target_detail``,
``plan_task_list``…) and every write goes through its services, which validate (422 ``plan_input_invalid``,
with the problems per field in ``fields``; nothing written) and write one audit row in their transaction.
Uploads (a figure's source document, a report's evidence) are PDF, JPEG or PNG, checked by content.
"""

import datetime as dt
import mimetypes
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.catalogue.models import Review
from motcua.core.blobs import blob_exists, blob_response
from motcua.org.models import OrgUnit
from motcua.reporting.dashboard import province_unit
from motcua.reporting.plan.access import plan_can_cost, plan_can_enter, plan_can_report
from motcua.reporting.plan.errors import PlanError, PlanInputError, PlanNotAllowed
from motcua.reporting.plan.reviews import plan_review_get, plan_review_list, review_cost_of
from motcua.reporting.plan.selectors import (
    plan_measurement_get,
    plan_scorecard,
    plan_status_counts,
    plan_target_detail,
    plan_target_get,
    plan_target_list,
)
from motcua.reporting.plan.services import (
    CostSide,
    measurement_enter,
    plan_file,
    plan_task_create,
    plan_task_report,
    review_cost_save,
)
from motcua.reporting.plan.tasks import plan_key_units, plan_task_get, plan_task_list, plan_task_report_get
from motcua.reporting.plan.values import plan_default_year, plan_series, plan_years
from motcua.reporting.plan_models import Measurement, PlanTarget, PlanTask, PlanTaskReport, PlanTaskStatus

from .auth import api_auth, key_unit_check, key_unit_ids
from .conventions import ApiIn, ErrorOut, PageHook, error, file_response
from .errors import CodedHttpError
from .reporting_scope import staff_member
from .schemas import Id, PageNumberPagination, ValidationErrorOut

router = Router()
READ = api_auth("reporting:read")
WRITE = api_auth("plan:write")


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class TaskFilter(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


if tuple(TaskStatus) != tuple(PlanTaskStatus.values):  # pragma: no cover - a new status must be named here
    raise ImportError("motcua.api.plan.TaskStatus differs from PlanTaskStatus")


# -- schemas: what is read ---------------------------------------------------------------------------------


class PlanYearQuery(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="Năm (mặc định: năm cuối kế hoạch, hoặc năm nay khi còn kế hoạch)"
    )


class PlanTaskQuery(Schema):
    unit: str = Field("", max_length=35, description="Mã đơn vị chủ trì")
    status: TaskFilter | None = Field(
        None, description="not_started, in_progress, done, hoặc overdue (quá hạn, chưa xong)"
    )


class PlanReviewQuery(Schema):
    sector: str = Field("", max_length=50, description="Mã lĩnh vực")
    q: str = Field("", max_length=200, description="Mã hoặc tên thủ tục")


class PlanSourceOut(Schema):
    series: str
    unit: str | None
    title: str
    number: str
    date: dt.date
    illustrative: bool


class PlanTrendOut(Schema):
    year: int
    value: Decimal | None
    text: str
    status: str
    origin: str


class PlanTargetRowOut(Schema):
    code: str = Field(description="T01…T20")
    title: str
    target: str = Field(description="Mục tiêu tóm tắt, ví dụ “≥ 98 %”")
    kind: str = Field(description="computed (hệ thống tính), entered (cán bộ nhập) hoặc mixed")
    year: int
    value: Decimal | None
    text: str = Field(description="Giá trị như trên trang, ví dụ “97,3 %”")
    status: str = Field(description="met, on_track, not_met, no_data hoặc baseline")
    status_label: str
    origin: str = Field(description="computed, entered hoặc none")
    numerator: Decimal | None
    denominator: Decimal | None
    detail: str
    note: str
    illustrative: bool = Field(description="Có số liệu minh họa (dữ liệu mẫu)")
    sources: list[PlanSourceOut] = Field(description="Văn bản nguồn của số liệu nhập")
    trend: list[PlanTrendOut] = Field(description="Giá trị qua các năm của kế hoạch")


class PlanStatusCountOut(Schema):
    status: str
    label: str
    count: int


class PlanScorecardOut(Schema):
    year: int
    years: list[int]
    counts: list[PlanStatusCountOut]
    targets: list[PlanTargetRowOut]


class PlanSeriesOut(Schema):
    key: str = Field(description="Dùng làm `series` khi nhập số liệu")
    label: str
    measure: str = Field(
        description="percent (0–100), ratio (số đạt trên tổng số), count hoặc points (0–100)"
    )
    rank: bool = Field(description="Phải nhập thứ hạng toàn quốc")
    per_unit: bool = Field(description="Một số liệu cho mỗi đơn vị")
    classification: bool = Field(description="Phải nhập xếp loại")
    fallback: bool = Field(description="Chỉ dùng cho năm chưa có số liệu hệ thống")


class PlanIndicatorOut(Schema):
    code: str
    name: str
    numerator: int
    denominator: int
    text: str
    note: str


class PlanFileOut(Schema):
    name: str
    sha256: str
    url: str = Field(description="Đường dẫn tải tệp")


class PlanMeasurementOut(Schema):
    id: int
    target: str
    series: str
    year: int
    unit_code: str | None
    unit_name: str
    value: Decimal
    total: Decimal | None
    rank: int | None
    classification: str
    source_title: str
    source_number: str
    source_date: dt.date
    note: str
    illustrative: bool
    entered_by: str
    entered_at: dt.datetime
    superseded_at: dt.datetime | None = Field(description="Đã được thay bằng số liệu nhập sau")
    file: PlanFileOut | None


class PlanTaskReportOut(Schema):
    id: int
    reported_on: dt.date
    progress: int
    status: str
    status_label: str
    text: str
    reported_by: str
    created_at: dt.datetime
    evidence: PlanFileOut | None


class PlanTaskOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    target_code: str | None
    title: str
    description: str
    deadline: dt.date
    status: str = Field(description="not_started, in_progress hoặc done")
    status_label: str
    progress: int = Field(description="Tiến độ (%)")
    completed_on: dt.date | None
    overdue: bool = Field(description="Quá hạn chưa xong, hoặc xong sau thời hạn")
    illustrative: bool
    created_at: dt.datetime
    latest_report: PlanTaskReportOut | None


class PlanTaskDetailOut(PlanTaskOut):
    reports: list[PlanTaskReportOut] = Field(description="Các báo cáo tiến độ, mới nhất trước")
    can_report: bool = Field(description="Bạn được báo cáo tiến độ nhiệm vụ này")


class PlanTargetDetailOut(PlanTargetRowOut):
    statement: str = Field(description="Mục tiêu đến năm 2025, như trong kế hoạch")
    measured_from: str
    comparison: str
    target_value: Decimal | None
    unit_of_measure: str
    target_year: int
    baseline_year: int | None
    series: list[PlanSeriesOut] = Field(description="Các số liệu cán bộ nhập cho mục tiêu này")
    indicators: list[PlanIndicatorOut] = Field(
        description="Chỉ số 766 giải thích giá trị (mục tiêu từ hồ sơ)"
    )
    history: list[PlanMeasurementOut] = Field(description="Số liệu đã nhập, mới nhất trước")
    tasks: list[PlanTaskOut]
    can_enter: bool = Field(description="Bạn được nhập số liệu cho mục tiêu này")


class PlanReviewCostOut(Schema):
    before_hours: Decimal
    before_wage_rate: int
    before_fees: int
    before_travel: int
    after_hours: Decimal
    after_wage_rate: int
    after_fees: int
    after_travel: int
    yearly_dossiers: int | None
    note: str
    before_cost: int = Field(description="Chi phí một hồ sơ trước rà soát (đồng)")
    after_cost: int
    saving: int
    saving_percent: Decimal | None
    yearly_saving: int | None
    illustrative: bool
    updated_at: dt.datetime


class PlanReviewOut(Schema):
    id: int
    procedure_code: str
    procedure_name: str
    sector_code: str
    sector_name: str
    reviewed_on: dt.date
    reviewed_by: str
    simplification_proposed: bool
    cost: PlanReviewCostOut | None
    can_cost: bool = Field(description="Bạn được nhập chi phí tuân thủ của thủ tục này")


class PlanInputErrorOut(ValidationErrorOut):
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Với `plan_input_invalid`: các lỗi theo trường ("" cho cả biểu mẫu)',
    )


# -- schemas: what is written ------------------------------------------------------------------------------


class PlanTaskIn(ApiIn):
    unit: str = Field(max_length=35, description="Mã đơn vị chủ trì (đơn vị trọng điểm hoặc sở, ngành)")
    title: str = Field(max_length=500)
    deadline: dt.date
    target: str | None = Field(None, max_length=5, description="Mục tiêu phục vụ (T01…T20)")
    description: str = Field("", max_length=10_000)


class PlanTaskReportIn(ApiIn):
    reported_on: dt.date
    progress: int = Field(ge=0, le=100, description="Tiến độ (%)")
    status: TaskStatus
    text: str = Field(max_length=10_000, description="Kết quả thực hiện")


class PlanMeasurementIn(ApiIn):
    series: str = Field(max_length=30, description="Một `series[].key` của mục tiêu")
    year: int = Field(ge=2000, le=2100)
    value: Decimal = Field(
        max_digits=14, decimal_places=4, description="Tỷ lệ, điểm: 0–100 (ví dụ 91.25); số lượng: số nguyên"
    )
    total: Decimal | None = Field(
        None, max_digits=10, decimal_places=0, description="Chỉ với chỉ tiêu tỷ lệ: tổng số (mẫu số)"
    )
    rank: int | None = Field(None, ge=1, le=1000, description="Xếp hạng toàn quốc (chỉ số có thứ hạng)")
    unit: str = Field("", max_length=35, description="Mã đơn vị (chỉ tiêu theo đơn vị)")
    classification: str = Field("", max_length=100, description="Xếp loại (đánh giá hằng năm)")
    source_title: str = Field(max_length=500, description="Văn bản nguồn của số liệu")
    source_number: str = Field("", max_length=100)
    source_date: dt.date
    note: str = Field("", max_length=10_000)


class PlanCostSideIn(ApiIn):
    hours: Decimal = Field(ge=0, max_digits=8, decimal_places=2, description="Thời gian một hồ sơ (giờ)")
    wage_rate: int = Field(ge=0, le=10**12, description="Chi phí một giờ công (đồng)")
    fees: int = Field(0, ge=0, le=10**12, description="Phí, lệ phí (đồng)")
    travel: int = Field(0, ge=0, le=10**12, description="Đi lại, chi phí khác (đồng)")


class PlanReviewCostIn(ApiIn):
    before: PlanCostSideIn
    after: PlanCostSideIn
    yearly_dossiers: int | None = Field(None, ge=0, le=2_000_000_000, description="Số hồ sơ một năm")
    note: str = Field("", max_length=10_000, description="Cách ước tính, nguồn số liệu")


# -- helpers -----------------------------------------------------------------------------------------------


def _name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _file(name: str, sha256: str, url: str) -> dict[str, Any]:
    return {"name": name, "sha256": sha256, "url": url}


def _measurement(m: Measurement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "target": m.target.code,
        "series": m.series,
        "year": m.year,
        "unit_code": m.unit.code if m.unit is not None else None,
        "unit_name": m.unit.name if m.unit is not None else "",
        "value": m.value,
        "total": m.total,
        "rank": m.rank,
        "classification": m.classification,
        "source_title": m.source_title,
        "source_number": m.source_number,
        "source_date": m.source_date,
        "note": m.note,
        "illustrative": m.illustrative,
        "entered_by": _name(m.entered_by),
        "entered_at": m.entered_at,
        "superseded_at": m.superseded_at,
        "file": _file(
            m.file_name or "van-ban",
            m.file_sha256,
            reverse("api-v1:plan_measurement_file_api", kwargs={"measurement_id": m.pk}),
        )
        if m.file
        else None,
    }


def _report(r: PlanTaskReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reported_on": r.reported_on,
        "progress": r.progress,
        "status": r.status,
        "status_label": str(PlanTaskStatus(r.status).label),
        "text": r.text,
        "reported_by": _name(r.reported_by),
        "created_at": r.created_at,
        "evidence": _file(
            r.evidence_name or "minh-chung",
            r.evidence_sha256,
            reverse("api-v1:plan_report_evidence_api", kwargs={"report_id": r.pk}),
        )
        if r.evidence
        else None,
    }


def _task(task: PlanTask, *, today: dt.date) -> dict[str, Any]:
    reports = list(task.reports.all())  # prefetched, newest first
    return {
        "id": task.pk,
        "unit_code": task.unit.code,
        "unit_name": task.unit.name,
        "target_code": task.target.code if task.target is not None else None,
        "title": task.title,
        "description": task.description,
        "deadline": task.deadline,
        "status": task.status,
        "status_label": str(PlanTaskStatus(task.status).label),
        "progress": task.progress,
        "completed_on": task.completed_on,
        "overdue": task.is_overdue(today),
        "illustrative": task.illustrative,
        "created_at": task.created_at,
        "latest_report": _report(reports[0]) if reports else None,
    }


def _task_detail(task: PlanTask, user: User) -> dict[str, Any]:
    return {
        **_task(task, today=timezone.localdate()),
        "reports": [_report(r) for r in task.reports.all()],
        "can_report": plan_can_report(user=user, task=task),
    }


def _in_key_units(request: HttpRequest, unit_id: int | None) -> bool:
    """Whether a row of ``unit_id`` (None: province-wide) is within the units of the request's API key."""
    units = key_unit_ids(request)
    return units is None or unit_id is None or unit_id in units


def _year(value: int | None) -> int:
    years = plan_years()
    if value is None:
        return plan_default_year()
    if value not in years:
        raise CodedHttpError(
            422,
            "year_out_of_range",
            _("Năm %(year)s nằm ngoài kế hoạch (%(first)s–%(last)s).")
            % {"year": value, "first": years[0], "last": years[-1]},
        )
    return value


def _target(code: str) -> PlanTarget:
    target = plan_target_get(code[:10])
    if target is None:
        raise CodedHttpError(
            404, "plan_target_not_found", _("Không có mục tiêu %(code)s.") % {"code": code[:10]}
        )
    return target


def _task_or_404(request: HttpRequest, task_id: int) -> PlanTask:
    task = plan_task_get(task_id)
    if task is None or not _in_key_units(request, task.unit_id):
        raise CodedHttpError(404, "plan_task_not_found", _("Không tìm thấy nhiệm vụ."))
    return task


def _refused(exc: PlanError) -> Status[object]:
    if isinstance(exc, PlanInputError):
        return Status(
            422,
            {
                "code": exc.code,
                "message": str(exc),
                "fields": {name: [str(m) for m in problems] for name, problems in exc.errors.items()},
            },
        )
    return error(exc.http_status, exc.code, str(exc))


def _input_error(field: str, message: str) -> Status[object]:
    return _refused(PlanInputError({field: [message]}))


def _not_allowed() -> Status[object]:
    return _refused(PlanNotAllowed())


def _file_not_found() -> CodedHttpError:
    return CodedHttpError(404, "plan_file_not_found", _("Không có tệp này."))


def _download(found: tuple[Any, str, str] | None) -> Any:
    if found is None:
        raise _file_not_found()
    field, name, _sha = found
    stored = str(field.name or "")
    if not stored or not blob_exists(stored):
        raise _file_not_found()
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    response = blob_response(stored, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = "sandbox"
    return response


# -- reading -----------------------------------------------------------------------------------------------


@router.get(
    "/targets",
    response={200: PlanScorecardOut, 403: ErrorOut, 422: ErrorOut},
    auth=READ,
    summary="Staff: the reform plan's targets T01–T20 with their value and status for a year",
)
def plan_targets_api(request: HttpRequest, params: Query[PlanYearQuery]) -> Any:
    """The page's scorecard: each target's value for the year (computed from the dossiers, or entered with
    its source document), its status against the target and its trend. 422 ``year_out_of_range``."""
    staff_member(request)
    year = _year(params.year)
    rows = plan_scorecard(year)
    return {
        "year": year,
        "years": plan_years(),
        "counts": [{"status": s, "label": label, "count": n} for s, label, n in plan_status_counts(rows)],
        "targets": [r.as_dict() for r in rows],
    }


@router.get(
    "/targets/{code}",
    response={200: PlanTargetDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=READ,
    summary="Staff: one target of the plan in detail (entered figures, tasks, 766 indicators)",
)
def plan_target_api(request: HttpRequest, code: str, params: Query[PlanYearQuery]) -> Any:
    user = staff_member(request)
    target = _target(code)
    year = _year(params.year)
    detail = plan_target_detail(target, year)
    today = timezone.localdate()
    return {
        **detail.row.as_dict(),
        "statement": target.text,
        "measured_from": target.measured_from,
        "comparison": target.comparison,
        "target_value": target.target_value,
        "unit_of_measure": target.unit_of_measure,
        "target_year": target.target_year,
        "baseline_year": target.baseline_year,
        "series": [
            {
                "key": s.key,
                "label": str(s.label),
                "measure": s.measure,
                "rank": s.rank,
                "per_unit": s.per_unit,
                "classification": s.classification,
                "fallback": s.fallback,
            }
            for s in detail.series
        ],
        "indicators": list(detail.breakdown.get("indicators", [])),
        "history": [_measurement(m) for m in detail.history],
        "tasks": [_task(t, today=today) for t in detail.tasks if _in_key_units(request, t.unit_id)],
        "can_enter": plan_can_enter(user=user) and bool(detail.series),
    }


@router.get(
    "/tasks",
    response={200: list[PlanTaskOut], 403: ErrorOut},
    auth=READ,
    summary="Staff: the plan tasks of the key units with their progress",
)
@paginate(PageNumberPagination, page_size=50)
def plan_tasks_api(request: HttpRequest, params: Query[PlanTaskQuery]) -> Any:
    """Grouped as on the page: by unit code, then by deadline."""
    staff_member(request)
    groups = plan_task_list(
        unit_code=params.unit.strip(), status=params.status.value if params.status else ""
    )
    tasks = [t for g in groups for t in g.tasks if _in_key_units(request, t.unit_id)]
    today = timezone.localdate()
    return [_task(t, today=today) for t in tasks]


@router.get(
    "/tasks/{task_id}",
    response={200: PlanTaskDetailOut, 403: ErrorOut, 404: ErrorOut},
    auth=READ,
    summary="Staff: one plan task with its progress reports",
)
def plan_task_api(request: HttpRequest, task_id: Id) -> Any:
    user = staff_member(request)
    return _task_detail(_task_or_404(request, task_id), user)


@router.get(
    "/measurements/{measurement_id}/file",
    response={403: ErrorOut, 404: ErrorOut},
    auth=READ,
    summary="Staff: download the source document of an entered figure",
    openapi_extra=file_response(),
)
def plan_measurement_file_api(request: HttpRequest, measurement_id: Id) -> Any:
    staff_member(request)
    measurement = plan_measurement_get(measurement_id)
    if measurement is None or not _in_key_units(request, measurement.unit_id):
        raise _file_not_found()
    return _download(plan_file("so-lieu", measurement.pk))


@router.get(
    "/task-reports/{report_id}/evidence",
    response={403: ErrorOut, 404: ErrorOut},
    auth=READ,
    summary="Staff: download the evidence of a task's progress report",
    openapi_extra=file_response(),
)
def plan_report_evidence_api(request: HttpRequest, report_id: Id) -> Any:
    staff_member(request)
    report = plan_task_report_get(report_id)
    if report is None or not _in_key_units(request, report.task.unit_id):
        raise _file_not_found()
    return _download(plan_file("bao-cao", report.pk))


def _review(review: Review, user: User) -> dict[str, Any]:
    cost = getattr(review, "cost_estimate", None)  # a review without an estimate has none (not an error)
    procedure = review.procedure
    return {
        "id": review.pk,
        "procedure_code": procedure.code,
        "procedure_name": procedure.name,
        "sector_code": procedure.sector.code,
        "sector_name": procedure.sector.name,
        "reviewed_on": review.reviewed_on,
        "reviewed_by": review.reviewed_by,
        "simplification_proposed": review.simplification_proposed,
        "cost": _cost(cost) if cost is not None else None,
        "can_cost": plan_can_cost(user=user, review=review),
    }


def _cost(cost: Any) -> dict[str, Any]:
    names = (
        "before_hours", "before_wage_rate", "before_fees", "before_travel", "after_hours", "after_wage_rate",
        "after_fees", "after_travel", "yearly_dossiers", "note", "before_cost", "after_cost", "saving",
        "saving_percent", "yearly_saving", "illustrative", "updated_at",
    )  # fmt: skip
    return {name: getattr(cost, name) for name in names}


@router.get(
    "/reviews",
    response={200: list[PlanReviewOut], 403: ErrorOut},
    auth=READ,
    summary="Staff: reviews of the procedures of T04's sectors, with their compliance cost",
)
@paginate(PageNumberPagination, page_size=25)
def plan_reviews_api(request: HttpRequest, params: Query[PlanReviewQuery]) -> Any:
    """Newest review first, as on the page."""
    user = staff_member(request)
    reviews = plan_review_list(sector=params.sector.strip(), q=params.q.strip())
    return PageHook(reviews, lambda page: [_review(r, user) for r in page])


# -- writing -----------------------------------------------------------------------------------------------

WRITE_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 422: PlanInputErrorOut}


@router.post(
    "/tasks",
    response={201: PlanTaskDetailOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Province level: assign a plan task to a unit",
)
def plan_task_create_api(request: HttpRequest, payload: PlanTaskIn) -> Any:
    """``unit``: one of the units tasks are assigned to (the T14 key units of this year, then the other
    current agencies), as on the page."""
    user = staff_member(request)
    if not plan_can_enter(user=user):
        return _refused(PlanNotAllowed(_("Chỉ lãnh đạo, quản trị cấp tỉnh được giao nhiệm vụ kế hoạch.")))
    unit = next((u for u in plan_key_units() if u.code == payload.unit.strip()), None)
    if unit is None:
        return _input_error(
            "unit", _("Đơn vị “%(code)s” không có trong danh sách đơn vị chủ trì.") % {"code": payload.unit}
        )
    key_unit_check(request, unit)
    target: PlanTarget | None = None
    if payload.target:
        target = next((t for t in plan_target_list() if t.code == payload.target.strip().upper()), None)
        if target is None:
            return _input_error("target", _("Không có mục tiêu %(code)s.") % {"code": payload.target})
    try:
        task = plan_task_create(
            actor=user,
            unit=unit,
            title=payload.title,
            deadline=payload.deadline,
            target=target,
            description=payload.description,
        )
    except PlanError as exc:
        return _refused(exc)
    found = plan_task_get(task.pk)
    assert found is not None  # noqa: S101 - just created
    return Status(201, _task_detail(found, user))


@router.post(
    "/tasks/{task_id}/reports",
    response={201: PlanTaskReportOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Report a plan task's progress (multipart: the fields and an optional `evidence` file)",
)
def plan_task_report_api(
    request: HttpRequest,
    task_id: Id,
    payload: Form[PlanTaskReportIn],
    evidence: File[UploadedFile | None] = None,
) -> Any:
    """The task's unit's leaders or the province level (403 ``plan_not_allowed`` otherwise); the latest
    report sets the task's progress and status. The evidence is PDF, JPEG or PNG (422 ``plan_input_invalid``
    naming ``evidence`` otherwise)."""
    user = staff_member(request)
    task = _task_or_404(request, task_id)
    try:
        report = plan_task_report(
            actor=user,
            task=task,
            reported_on=payload.reported_on,
            progress=payload.progress,
            status=payload.status.value,
            text=payload.text,
            upload=evidence,
        )
    except PlanError as exc:
        return _refused(exc)
    return Status(201, _report(report))


@router.post(
    "/targets/{code}/measurements",
    response={201: PlanMeasurementOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Province level: enter a target's figure with its source document (multipart, optional `file`)",
)
def plan_measurement_api(
    request: HttpRequest,
    code: str,
    payload: Form[PlanMeasurementIn],
    file: File[UploadedFile | None] = None,
) -> Any:
    """An earlier figure of the same series, year and unit is kept, marked superseded. ``unit`` for the
    per-unit series (T14, T20): one of the target's units for the year."""
    user = staff_member(request)
    target = _target(code)
    if not plan_can_enter(user=user):
        return _not_allowed()
    unit: OrgUnit | None = None
    unit_code = payload.unit.strip()
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            return _input_error("unit", _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": unit_code[:40]})
    key_unit_check(request, unit if unit is not None else province_unit())
    if not plan_series(target):
        return _input_error("series", _("Mục tiêu %(code)s không có số liệu nhập.") % {"code": target.code})
    try:
        measurement = measurement_enter(
            actor=user,
            target=target,
            series=payload.series,
            year=payload.year,
            value=payload.value,
            total=payload.total,
            rank=payload.rank,
            unit=unit,
            classification=payload.classification,
            source_title=payload.source_title,
            source_number=payload.source_number,
            source_date=payload.source_date,
            upload=file,
            note=payload.note,
        )
    except PlanError as exc:
        return _refused(exc)
    stored = plan_measurement_get(measurement.pk)  # as read back: the value at its stored precision
    assert stored is not None  # noqa: S101 - just written
    return Status(201, _measurement(stored))


@router.put(
    "/reviews/{review_id}/cost",
    response={200: PlanReviewCostOut, **WRITE_ERRORS},
    auth=WRITE,
    summary="Record (or correct) the compliance-cost estimate of a procedure review",
)
def plan_review_cost_api(request: HttpRequest, review_id: Id, payload: PlanReviewCostIn) -> Any:
    """The standard cost model: time × wage rate + fees + travel per dossier, before and after the review.
    Province level, or whoever may edit the reviewed procedure."""
    user = staff_member(request)
    review = plan_review_get(review_id)
    if review is None:
        raise CodedHttpError(404, "plan_review_not_found", _("Không tìm thấy kết quả rà soát."))
    if review.procedure.agency is not None:
        key_unit_check(request, review.procedure.agency)
    elif key_unit_ids(request) is not None:
        key_unit_check(request, province_unit())

    def side(s: PlanCostSideIn) -> CostSide:
        return CostSide(s.hours, s.wage_rate, s.fees, s.travel)

    try:
        cost = review_cost_save(
            actor=user,
            review=review,
            before=side(payload.before),
            after=side(payload.after),
            yearly_dossiers=payload.yearly_dossiers,
            note=payload.note,
        )
    except PlanError as exc:
        return _refused(exc)
    return Status(200, _cost(review_cost_of(review) or cost))  # as read back, at the stored precision
