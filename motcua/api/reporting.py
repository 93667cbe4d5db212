"""The scorecard over the API: Decision 766 indicators and the period figures of a unit (aggregates only,
public like the national portal's quality page; the dossiers behind a figure stay in the back office)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from motcua.org.models import OrgUnit
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.kpi766 import PROFILES, kpi766
from motcua.reporting.periods import InvalidPeriod, Period, parse_period

from .schemas import ErrorOut

router = Router()


class PeriodIn(Schema):
    period: str = Field(
        max_length=30, description="2026-03 (tháng), 2026-Q1 (quý), 2026 (năm) hoặc 2026-01-05..2026-02-10"
    )
    unit: str | None = Field(
        None, max_length=35, description="Mã đơn vị (mặc định: toàn tỉnh); gồm cả đơn vị trực thuộc"
    )
    cutoff: bool = Field(False, description="Kỳ theo Nghị định 09/2019 (từ ngày 15 đến ngày 14)")


class KpiIn(PeriodIn):
    profile: str | None = Field(
        None, description=f"Bộ trọng số: {', '.join(sorted(PROFILES))} (mặc định theo cấu hình)"
    )


class PeriodOut(Schema):
    label: str
    start: dt.date
    end: dt.date


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    numerator: int
    denominator: int
    ratio: Decimal | None = Field(description="Tỷ lệ (0–1); null khi mẫu số bằng 0 (không áp dụng)")
    target: Decimal
    max_points: Decimal
    points: Decimal
    source: str = Field(
        description="dossiers (bảng số liệu), catalogue (danh mục TTHC) hoặc none (chưa có dữ liệu)"
    )
    note: str


class GroupOut(Schema):
    code: str
    name: str
    points: Decimal
    max_points: Decimal
    indicators: list[IndicatorOut]


class ScorecardOut(Schema):
    unit: str
    unit_name: str
    period: PeriodOut
    profile: str
    total: Decimal
    max_total: Decimal
    groups: list[GroupOut]


class FiguresOut(Schema):
    unit: str
    unit_name: str
    period: PeriodOut
    figures: dict[str, int] = Field(description="Số liệu của kỳ: xem docs/architecture/kpi-definitions.md")


def _resolve(params: PeriodIn) -> tuple[Period, Tree, Any]:
    period = parse_period(params.period, cutoff=params.cutoff)
    tree = Tree()
    roots = tree.roots()
    unit = tree.by_code(params.unit) if params.unit else (roots[0] if roots else None)
    return period, tree, unit


def _period(period: Period) -> dict[str, Any]:
    return {"label": period.label, "start": period.start, "end": period.end}


def _answer(params: PeriodIn, build: Callable[[Period, Tree, OrgUnit], dict[str, Any]]) -> Status[object]:
    """Resolve the period and the unit of ``params`` (400 / 404 with a stable code), then ``build``."""
    try:
        period, tree, unit = _resolve(params)
    except InvalidPeriod as exc:
        return Status(400, {"code": exc.code, "message": str(exc)})
    if unit is None:
        message = _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": params.unit}
        return Status(404, {"code": "unit_not_found", "message": message})
    return Status(200, build(period, tree, unit))


@router.get(
    "/kpi766",
    response={200: ScorecardOut, 400: ErrorOut, 404: ErrorOut},
    summary="Decision 766 indicators of a unit for a period",
)
def kpi766_api(request: HttpRequest, params: Query[KpiIn]) -> Status[object]:
    return _answer(
        params, lambda period, tree, unit: kpi766(unit, period, tree=tree, profile=params.profile).as_dict()
    )


@router.get(
    "/figures",
    response={200: FiguresOut, 400: ErrorOut, 404: ErrorOut},
    summary="Period figures of a unit (Biểu 06 columns)",
)
def figures_api(request: HttpRequest, params: Query[PeriodIn]) -> Status[object]:
    return _answer(
        params,
        lambda period, tree, unit: {
            "unit": unit.code,
            "unit_name": unit.name,
            "period": _period(period),
            "figures": rollup(period_figures(period), tree, unit.pk),
        },
    )
