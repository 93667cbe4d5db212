"""The back office's scorecard over HTTP (staff): a unit's dashboard, the dossiers behind one of its figures,
and the ranking as a CSV or Excel file — what ``/can-bo/chi-so/`` shows and offers.

Mounted at ``/api/v1/reporting/scorecard`` (``reporting:read``). The data are the page's own
(``motcua.reporting.dashboard``, ``.drilldown``, ``.ranking_export``), so the API and the page agree figure for
figure. Who sees which unit is the page's rule (``dashboard_allows``: the province administrator and the
auditor every unit, leaders their units' subtrees, other staff their own units); an API key limited to units
narrows it to them (``motcua.api.auth``), and its lists hold only the dossiers of those units.

- ``GET ""``: the dashboard of ``unit`` (default: the highest unit the caller sees) for ``period`` (default:
  the year to date): the headline ratios against the plan's targets, the counts, the 766 total by group,
  the monthly trend, the table by sector and the rankings;
- ``GET /dossiers``: one page of the dossiers counted in a figure (``figure``, optionally one ``sector``),
  newest receipt first, among those the caller may see;
- ``GET /ranking/download``: the ranking of agencies or communes (who sees every unit) or of a unit's
  children, as ``csv`` or ``xlsx``.
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.accounts.models import User
from motcua.catalogue.selectors import sector_list
from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_subtree_ids
from motcua.reporting.dashboard import (
    Dashboard,
    RankRow,
    dashboard_allows,
    dashboard_data,
    dashboard_home_unit,
    period_from_param,
    unit_chain,
)
from motcua.reporting.drilldown import FIGURES, drilldown_queryset
from motcua.reporting.periods import InvalidPeriod, Period
from motcua.reporting.ranking_export import (
    RANKING_FORMATS,
    RANKING_KINDS,
    XLSX_CONTENT_TYPE,
    ranking_export_allowed,
    ranking_file,
)

from .auth import api_auth, key_dossiers
from .conventions import ErrorOut, file_response
from .dossiers import DossierSummaryOut
from .errors import CodedHttpError
from .reporting_scope import (
    PERIOD_HELP,
    no_unit,
    period_refused,
    staff_member,
    unit_by_code,
    unit_not_allowed,
    unit_not_found,
)
from .schemas import Id, PageNumberPagination

router = Router(auth=api_auth("reporting:read"))


class DrillFigure(StrEnum):
    """The figures that have a list of dossiers behind them (``motcua.reporting.drilldown.FIGURES``)."""

    RECEIVED_TOTAL = "received_total"
    RECEIVED = "received"
    RECEIVED_ONLINE = "received_online"
    CARRIED_OVER = "carried_over"
    RESOLVED = "resolved"
    RESOLVED_EARLY = "resolved_early"
    RESOLVED_ON_TIME = "resolved_on_time"
    RESOLVED_LATE = "resolved_late"
    IN_PROGRESS = "in_progress"
    IN_PROGRESS_WITHIN = "in_progress_within"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"


class RankingKind(StrEnum):
    AGENCY = "agency"
    COMMUNE = "commune"
    CHILDREN = "children"


class RankingFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


if (
    tuple(DrillFigure) != tuple(FIGURES)
    or tuple(RankingKind) != RANKING_KINDS
    or tuple(RankingFormat) != RANKING_FORMATS
):  # pragma: no cover - a new figure, ranking or format must be named here too
    raise ImportError("motcua.api.scorecard: the enumerations differ from motcua.reporting's")


# -- schemas -----------------------------------------------------------------------------------------------


class ScorecardQuery(Schema):
    unit: str = Field(
        "",
        max_length=35,
        description="Mã đơn vị, gồm cả đơn vị trực thuộc (mặc định: đơn vị cao nhất bạn được xem)",
    )
    period: str = Field("", max_length=40, description=PERIOD_HELP)


class DrilldownQuery(ScorecardQuery):
    figure: DrillFigure = Field(description="Số liệu có danh sách hồ sơ (xem `counts[].figure`)")
    sector: Id | None = Field(None, description="Chỉ hồ sơ của thủ tục thuộc lĩnh vực này (id)")


class RankingQuery(Schema):
    kind: RankingKind = Field(
        RankingKind.AGENCY,
        description="agency (sở, ngành), commune (xã, phường) — cho người xem toàn tỉnh; "
        "children (đơn vị trực thuộc `unit`)",
    )
    format: RankingFormat = Field(RankingFormat.CSV, description="csv (UTF-8 có BOM) hoặc xlsx")
    unit: str = Field("", max_length=35, description="Mã đơn vị cha, với kind=children")
    period: str = Field("", max_length=40, description=PERIOD_HELP)


class ScorecardUnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str


class ScorecardPeriodOut(Schema):
    key: str = Field(description="Kỳ như đã gửi (`ytd` khi để trống)")
    label: str
    start: dt.date
    end: dt.date


class ScorecardHeadlineOut(Schema):
    key: str = Field(description="on_time, online, handover, e_result, reuse")
    label: str
    source: str = Field(description="Chỉ số 766 hoặc mục tiêu kế hoạch, ví dụ `766 2.1`, `T09`")
    numerator: int
    denominator: int
    ratio: Decimal | None = Field(description="Tỷ lệ (0–1); null khi mẫu số bằng 0")
    percent: Decimal | None
    target_code: str
    target_percent: Decimal
    met: bool | None = Field(description="Đạt mục tiêu; null khi chưa có số liệu")
    numerator_figure: str | None = Field(description="Số liệu có danh sách hồ sơ của tử số (`/dossiers`)")
    denominator_figure: str | None = Field(description="Số liệu có danh sách hồ sơ của mẫu số")
    note: str
    extra: str


class ScorecardCountOut(Schema):
    figure: str = Field(description="Dùng làm `figure` của `/dossiers` để xem danh sách hồ sơ")
    label: str
    value: int
    alert: bool


class ScorecardGroupOut(Schema):
    code: str
    name: str
    points: Decimal
    max_points: Decimal


class ScorecardTrendOut(Schema):
    label: str = Field(description="Tháng, ví dụ 03/2026")
    received: int
    resolved: int
    on_time_percent: float | None
    online_percent: float | None


class ScorecardSectorOut(Schema):
    sector_id: int
    code: str
    name: str
    figures: dict[str, int]
    on_time_percent: Decimal | None
    online_percent: Decimal | None


class ScorecardRankGroupOut(Schema):
    code: str
    points: Decimal
    max_points: Decimal


class ScorecardRankOut(Schema):
    rank: int
    code: str
    name: str
    short_name: str
    kind: str
    old: bool = Field(description="Đơn vị đã kết thúc trước cuối kỳ (huyện cũ, sở đã sáp nhập)")
    successor: str = Field(description="Tên đơn vị kế thừa, nếu có")
    total: Decimal
    max_total: Decimal
    on_time_percent: Decimal | None
    online_percent: Decimal | None
    received: int
    received_total: int
    resolved: int
    in_progress: int
    overdue: int
    groups: list[ScorecardRankGroupOut]


class DashboardOut(Schema):
    unit: ScorecardUnitOut
    chain: list[ScorecardUnitOut] = Field(description="Các đơn vị cấp trên, từ tỉnh xuống")
    is_province: bool
    period: ScorecardPeriodOut
    profile: str = Field(description="Bộ trọng số của Bộ chỉ số 766")
    total: Decimal
    max_total: Decimal
    figures: dict[str, int] = Field(description="Số liệu của kỳ: xem docs/architecture/kpi-definitions.md")
    headlines: list[ScorecardHeadlineOut]
    counts: list[ScorecardCountOut]
    groups: list[ScorecardGroupOut]
    trend: list[ScorecardTrendOut]
    sectors: list[ScorecardSectorOut]
    rankings: dict[str, list[ScorecardRankOut]] = Field(
        description="agency và commune cho toàn tỉnh; children (đơn vị trực thuộc có hồ sơ) cho một đơn vị"
    )


class DrilldownDossierOut(DossierSummaryOut):
    applicant_name: str
    outcome: str | None = Field(description="early, on_time hoặc late khi hồ sơ đã kết thúc; null khi chưa")
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_outcome(obj: Dossier) -> str | None:
        return getattr(obj, "end_class", None) if getattr(obj, "end_at", None) is not None else None

    @staticmethod
    def resolve_ended_at(obj: Dossier) -> dt.datetime | None:
        return getattr(obj, "end_at", None)


# -- helpers -----------------------------------------------------------------------------------------------


def _period(text: str) -> tuple[str, Period]:
    try:
        return period_from_param(text)
    except InvalidPeriod as exc:
        raise period_refused(exc) from exc


def _scope_unit(user: User, code: str) -> OrgUnit:
    """The unit asked for (the caller's highest by default), if the caller may open its dashboard."""
    code = code.strip()
    unit = unit_by_code(code) if code else dashboard_home_unit(user)
    if unit is None:
        raise unit_not_found(code) if code else no_unit()
    if not dashboard_allows(user, unit):
        raise unit_not_allowed(unit.code)
    return unit


def _unit(unit: OrgUnit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind}


def _rank(row: RankRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "code": row.code,
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "old": row.old,
        "successor": row.successor,
        "total": row.total,
        "max_total": row.max_total,
        "on_time_percent": row.on_time_percent,
        "online_percent": row.online_percent,
        "received": row.received,
        "received_total": row.received_total,
        "resolved": row.resolved,
        "in_progress": row.in_progress,
        "overdue": row.overdue,
        "groups": [{"code": c, "points": p, "max_points": m} for c, p, m in row.groups],
    }


def _dashboard(data: Dashboard, key: str) -> dict[str, Any]:
    card = data.scorecard
    return {
        "unit": _unit(data.unit),
        "chain": [_unit(u) for u in unit_chain(data.unit)],
        "is_province": data.is_province,
        "period": {
            "key": key,
            "label": data.period.label,
            "start": data.period.start,
            "end": data.period.end,
        },
        "profile": card.profile,
        "total": card.total,
        "max_total": card.max_total,
        "figures": data.figures,
        "headlines": [
            {
                "key": h.key,
                "label": h.label,
                "source": h.source,
                "numerator": h.numerator,
                "denominator": h.denominator,
                "ratio": h.ratio,
                "percent": h.percent,
                "target_code": h.target.code,
                "target_percent": h.target_percent,
                "met": h.met,
                "numerator_figure": h.numerator_figure,
                "denominator_figure": h.denominator_figure,
                "note": h.note,
                "extra": h.extra,
            }
            for h in data.headlines
        ],
        "counts": [
            {"figure": c.figure, "label": c.label, "value": c.value, "alert": c.alert} for c in data.counts
        ],
        "groups": [
            {"code": g.code, "name": g.name, "points": g.points, "max_points": g.max_points}
            for g in data.groups
        ],
        "trend": [
            {
                "label": row["label"],
                "received": row["received"],
                "resolved": row["resolved"],
                "on_time_percent": row["on_time"],
                "online_percent": row["online"],
            }
            for row in data.trend.rows()
        ],
        "sectors": [
            {
                "sector_id": s.sector_id,
                "code": s.code,
                "name": s.name,
                "figures": s.figures,
                "on_time_percent": s.on_time,
                "online_percent": s.online,
            }
            for s in data.sectors
        ],
        "rankings": {kind: [_rank(r) for r in rows] for kind, rows in data.rankings.items()},
    }


# -- operations --------------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Staff: the scorecard dashboard of a unit for a period",
)
def scorecard_dashboard_api(request: HttpRequest, params: Query[ScorecardQuery]) -> Any:
    """The same figures as the back office's dashboard of the unit. 403 ``unit_not_allowed`` outside the
    caller's units, 404 ``unit_not_found``, 422 ``period_invalid`` (also a period not begun yet)."""
    unit = _scope_unit(staff_member(request), params.unit)
    key, period = _period(params.period)
    return _dashboard(dashboard_data(unit, period), key)


@router.get(
    "/dossiers",
    response={200: list[DrilldownDossierOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Staff: the dossiers behind one figure of the scorecard",
)
@paginate(PageNumberPagination, page_size=25)
def scorecard_dossiers_api(request: HttpRequest, params: Query[DrilldownQuery]) -> Any:
    """As many dossiers as the figure counts for the unit's subtree (of those the caller may see, and within
    the units of an API key limited to units), newest receipt first. 404 ``sector_not_found``."""
    user = staff_member(request)
    unit = _scope_unit(user, params.unit)
    _key, period = _period(params.period)
    sector_id: int | None = None
    if params.sector is not None:
        sector = sector_list().filter(pk=params.sector).first()
        if sector is None:
            raise CodedHttpError(404, "sector_not_found", _("Không tìm thấy lĩnh vực."))
        sector_id = sector.pk
    return drilldown_queryset(
        figure=params.figure.value,
        period=period,
        unit_ids=orgunit_subtree_ids(unit, include_self=True),
        sector_id=sector_id,
        base=key_dossiers(request, dossier_visible_queryset(user)),
    ).select_related("receiving_point")


@router.get(
    "/ranking/download",
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Staff: download the 766 ranking (CSV or Excel)",
    openapi_extra=file_response("text/csv", XLSX_CONTENT_TYPE),
)
def scorecard_ranking_download_api(request: HttpRequest, params: Query[RankingQuery]) -> Any:
    """The file of the back office's "Tải về" buttons. Agencies and communes: who sees every unit;
    ``children``: who may open ``unit``'s dashboard (403 ``ranking_not_allowed`` otherwise)."""
    user = staff_member(request)
    _key, period = _period(params.period)
    parent: OrgUnit | None = None
    if params.kind == RankingKind.CHILDREN:
        code = params.unit.strip()
        parent = unit_by_code(code) if code else None
        if parent is None:
            raise unit_not_found(code)
    if not ranking_export_allowed(user, params.kind.value, parent):
        raise CodedHttpError(403, "ranking_not_allowed", _("Bạn không được tải bảng xếp hạng này."))
    found = ranking_file(params.kind.value, period, params.format.value, parent=parent)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
