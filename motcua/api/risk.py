"""Early warning and bottlenecks over HTTP (leaders), like the back office's ``/can-bo/canh-bao/`` pages: the
open dossiers most likely to finish late, with why, and where the process stalls.

Mounted at ``/api/v1/reporting`` (``reporting:read``). For staff who lead a unit or see every unit (the
province administrator, the auditor), as the pages (``staff_leads_a_unit``); others get 403
``leaders_only``. The data are the pages' own (``motcua.reporting.risk.queue.early_warning_queue``,
``motcua.reporting.bottlenecks.bottlenecks``) over the dossiers the caller may see — and, for an API key
limited to units, only the dossiers linked to those units.

- ``GET /early-warning``: one page of the queue, riskiest first (filters: ``level``, ``unit``);
- ``GET /early-warning/summary``: the count of each level, the resolving units of the queue, the thresholds;
- ``GET /bottlenecks``: per procedure step and unit, the working time taken against the budget over a
  period (default: the last 90 days), worst first; the officers' load; the model's latest evaluation.
"""

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.accounts.models import User
from motcua.dossiers.access import staff_leads_a_unit
from motcua.reporting.bottlenecks import OfficerRow, StepRow, bottlenecks, default_period
from motcua.reporting.periods import InvalidPeriod, parse_period
from motcua.reporting.risk.forecast import HIGH, WATCH, Risk, StepForecast
from motcua.reporting.risk.queue import LEVEL_FILTERS, LEVELS, early_warning_queue

from .auth import api_auth, key_unit_ids
from .conventions import ErrorOut
from .dossiers import DossierSummaryOut
from .errors import CodedHttpError
from .reporting_scope import ListPage, period_refused, staff_member
from .schemas import PageNumberPagination

router = Router(auth=api_auth("reporting:read"))

LEVEL_LABELS: dict[str, Any] = {
    "overdue": gettext_lazy("Đã quá hạn"),
    "high": gettext_lazy("Nguy cơ cao"),
    "watch": gettext_lazy("Cần theo dõi"),
    "low": gettext_lazy("Nguy cơ thấp"),
}
FILTER_LABELS: dict[str, Any] = {"": gettext_lazy("Chưa quá hạn"), **LEVEL_LABELS}


class RiskFilter(StrEnum):
    HIGH = "high"
    WATCH = "watch"
    OVERDUE = "overdue"


if ("", *tuple(RiskFilter)) != LEVEL_FILTERS or set(LEVEL_LABELS) != set(LEVELS):  # pragma: no cover
    raise ImportError("motcua.api.risk: the levels differ from motcua.reporting.risk.queue's")


# -- schemas -----------------------------------------------------------------------------------------------


class EarlyWarningQuery(Schema):
    level: RiskFilter | None = Field(
        None,
        description="high (nguy cơ ≥ 70 %), watch (30–70 %), overdue (đã quá hạn); "
        "không gửi: mọi hồ sơ chưa quá hạn",
    )
    unit: str = Field("", max_length=35, description="Chỉ hồ sơ do đơn vị này giải quyết (mã đơn vị)")


class EarlyWarningSummaryQuery(Schema):
    unit: str = Field("", max_length=35, description="Chỉ hồ sơ do đơn vị này giải quyết (mã đơn vị)")


class BottleneckQuery(Schema):
    period: str = Field(
        "",
        max_length=40,
        description="Kỳ: tháng `2026-03`, quý `2026-Q1`, năm `2026` hoặc `2026-01-05..2026-02-10` "
        "(mặc định: 90 ngày qua)",
    )
    limit: int = Field(30, ge=1, le=1000, description="Số dòng tối đa của mỗi bảng (tệ nhất trước)")


class RiskStepOut(Schema):
    code: str
    name: str
    unit: str = Field(description="Tên ngắn của đơn vị")
    budget_hours: float = Field(description="Định mức, giờ làm việc")
    samples: int
    own_samples: int
    typical_hours: float | None = Field(description="Trung vị các lần xử lý gần đây; null khi quá ít")
    p90_hours: float | None
    source: str = Field(description="history, pooled, budget hoặc overrun")
    is_open: bool
    elapsed_hours: float
    rest_hours: float


class RiskDossierOut(Schema):
    dossier: DossierSummaryOut
    resolving_unit_name: str
    level: str = Field(description="overdue, high, watch hoặc low")
    level_label: str
    probability: float = Field(description="Khả năng trễ hạn (0–1); 1 khi đã quá hạn")
    percent: int
    left_hours: float = Field(description="Giờ làm việc còn lại đến hạn (âm: đã quá hạn)")
    need_hours: float = Field(description="Giờ làm việc các bước còn lại thường cần (trung vị)")
    need_p90_hours: float
    day_hours: float = Field(description="Số giờ làm việc của một ngày")
    overdue: bool
    paused: bool
    assignee: str = Field(description="Người đang giữ bước hiện tại")
    summary: str
    reasons: list[str]
    steps: list[RiskStepOut] = Field(description="Bước đang xử lý, rồi các bước còn lại")


class RiskLevelCountOut(Schema):
    level: str = Field(description="Bộ lọc: '' (chưa quá hạn), high, watch, overdue")
    label: str
    count: int


class RiskUnitOut(Schema):
    code: str
    name: str


class EarlyWarningSummaryOut(Schema):
    total: int
    counts: dict[str, int] = Field(description="Số hồ sơ theo mức: overdue, high, watch, low")
    filters: list[RiskLevelCountOut]
    units: list[RiskUnitOut] = Field(description="Các đơn vị giải quyết có hồ sơ trong danh sách")
    high_percent: int = Field(description="Ngưỡng nguy cơ cao (%)")
    watch_percent: int = Field(description="Ngưỡng cần theo dõi (%)")


class BottleneckPeriodOut(Schema):
    label: str
    start: dt.date
    end: dt.date


class BottleneckStepOut(Schema):
    procedure_code: str
    procedure_name: str
    step_code: str
    step_name: str
    unit: str
    passes: int = Field(description="Số lần bước kết thúc trong kỳ")
    median_hours: float | None
    p90_hours: float | None
    budget_hours: float | None
    ratio: float | None = Field(description="Trung vị / định mức")
    late: int
    late_share: float | None
    excess_hours: float = Field(description="Giờ làm việc vượt định mức, cộng dồn")
    open_now: int
    open_overdue: int
    is_bottleneck: bool
    day_hours: float
    summary: str


class BottleneckOfficerOut(Schema):
    user_id: int
    name: str
    units: str
    open_now: int
    open_overdue: int
    finished: int
    per_week: float
    median_hours: float | None


class RiskEvaluationOut(Schema):
    ran_at: dt.datetime
    figures: dict[str, Any] = Field(
        description="Kết quả đánh giá mô hình (xem docs/architecture/early-warning.md)"
    )


class BottleneckOut(Schema):
    period: BottleneckPeriodOut
    weeks: float
    passes: int
    top: BottleneckStepOut | None = Field(description="Điểm nghẽn nặng nhất của kỳ, nếu có")
    rows: list[BottleneckStepOut]
    rows_total: int
    officers: list[BottleneckOfficerOut]
    officers_total: int
    evaluation: RiskEvaluationOut | None


# -- helpers -----------------------------------------------------------------------------------------------


def _leader(request: HttpRequest) -> User:
    user = staff_member(request)
    if not staff_leads_a_unit(user):
        raise CodedHttpError(403, "leaders_only", _("Chức năng này dành cho lãnh đạo đơn vị."))
    return user


def _step(step: StepForecast) -> dict[str, Any]:
    return {
        "code": step.code,
        "name": step.name,
        "unit": step.unit,
        "budget_hours": step.budget,
        "samples": step.samples,
        "own_samples": step.own_samples,
        "typical_hours": step.typical,
        "p90_hours": step.p90,
        "source": step.source,
        "is_open": step.is_open,
        "elapsed_hours": step.elapsed,
        "rest_hours": step.rest,
    }


def _risks(risks: Sequence[Risk]) -> list[dict[str, Any]]:
    rows = []
    for risk in risks:
        dossier = risk.dossier
        assert dossier is not None  # noqa: S101 - open_risks gives every risk its dossier
        rows.append(
            {
                "dossier": dossier,
                "resolving_unit_name": dossier.resolving_unit.name,
                "level": risk.level,
                "level_label": str(LEVEL_LABELS[risk.level]),
                "probability": risk.probability,
                "percent": risk.percent,
                "left_hours": risk.left,
                "need_hours": risk.need,
                "need_p90_hours": risk.need_p90,
                "day_hours": risk.day,
                "overdue": risk.overdue,
                "paused": risk.paused,
                "assignee": risk.assignee,
                "summary": risk.summary(),
                "reasons": risk.step_reasons(),
                "steps": [_step(s) for s in risk.steps],
            }
        )
    return rows


def _step_row(row: StepRow) -> dict[str, Any]:
    return {
        "procedure_code": row.procedure_code,
        "procedure_name": row.procedure_name,
        "step_code": row.key[1],
        "step_name": row.step_name,
        "unit": row.unit,
        "passes": row.passes,
        "median_hours": row.median if row.passes else None,
        "p90_hours": row.p90 if row.passes else None,
        "budget_hours": row.budget,
        "ratio": row.ratio,
        "late": row.late,
        "late_share": row.late_share,
        "excess_hours": row.excess,
        "open_now": row.open_now,
        "open_overdue": row.open_overdue,
        "is_bottleneck": row.is_bottleneck,
        "day_hours": row.day,
        "summary": row.summary,
    }


def _officer(row: OfficerRow) -> dict[str, Any]:
    return {
        "user_id": row.user_id,
        "name": row.name,
        "units": row.units,
        "open_now": row.open_now,
        "open_overdue": row.open_overdue,
        "finished": row.finished,
        "per_week": row.per_week,
        "median_hours": row.median,
    }


# -- operations --------------------------------------------------------------------------------------------


@router.get(
    "/early-warning",
    response={200: list[RiskDossierOut], 403: ErrorOut},
    summary="Leaders: the open dossiers most likely to finish late",
)
@paginate(PageNumberPagination, page_size=25)
def early_warning_list_api(request: HttpRequest, params: Query[EarlyWarningQuery]) -> Any:
    """Past due first, then by risk, then by the least time left — the page's order, 25 a page. Each
    dossier with its risk, the time left against what its remaining steps usually need, and why."""
    user = _leader(request)
    queue = early_warning_queue(
        user=user,
        unit_ids=key_unit_ids(request),
        unit_code=params.unit.strip(),
        level=params.level.value if params.level else "",
    )
    return ListPage(queue.shown, _risks)


@router.get(
    "/early-warning/summary",
    response={200: EarlyWarningSummaryOut, 403: ErrorOut},
    summary="Leaders: how many open dossiers at each risk level",
)
def early_warning_summary_api(request: HttpRequest, params: Query[EarlyWarningSummaryQuery]) -> Any:
    user = _leader(request)
    queue = early_warning_queue(user=user, unit_ids=key_unit_ids(request), unit_code=params.unit.strip())
    return {
        "total": queue.total,
        "counts": queue.counts,
        "filters": [
            {"level": key, "label": str(FILTER_LABELS[key]), "count": queue.filter_count(key)}
            for key in LEVEL_FILTERS
        ],
        "units": [{"code": code, "name": name} for code, name in queue.units],
        "high_percent": round(HIGH * 100),
        "watch_percent": round(WATCH * 100),
    }


@router.get(
    "/bottlenecks",
    response={200: BottleneckOut, 403: ErrorOut, 422: ErrorOut},
    summary="Leaders: where dossiers wait (steps against their budget, officers' load)",
)
def bottlenecks_api(request: HttpRequest, params: Query[BottleneckQuery]) -> Any:
    """The rows are ranked by the working time lost beyond the budget; ``limit`` rows of each table (the
    totals say how many there are). 422 ``period_invalid``."""
    user = _leader(request)
    text = params.period.strip()
    if text:
        try:
            period = parse_period(text)
        except InvalidPeriod as exc:
            raise period_refused(exc) from exc
    else:
        period = default_period(timezone.localdate())
    report = bottlenecks(period=period, user=user, unit_ids=key_unit_ids(request))
    evaluation = report.evaluation
    top = report.top
    return {
        "period": {"label": report.period.label, "start": report.period.start, "end": report.period.end},
        "weeks": report.weeks,
        "passes": report.passes,
        "top": _step_row(top) if top is not None else None,
        "rows": [_step_row(r) for r in report.rows[: params.limit]],
        "rows_total": len(report.rows),
        "officers": [_officer(r) for r in report.officers[: params.limit]],
        "officers_total": len(report.officers),
        "evaluation": {"ran_at": evaluation[0], "figures": evaluation[1]} if evaluation is not None else None,
    }
