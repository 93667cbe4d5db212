"""The reform-plan scorecard (targets T01–T20 of the province's 2021–2025 plan): the value of each target
per year, its status against the target, its trend; the services that record what comes from outside
(ranks, surveys, registers, yearly assessments), the plan tasks of the key units and the compliance-cost
estimates of procedure reviews.

Where the value comes from (docs/architecture/plan-scorecard.md):

* **dossiers** (T05–T13): the fact table of the year, through ``period_figures``/``rollup`` and the
  province's ``kpi766`` scorecard, so the plan reads exactly the 766 definitions. A year in which the
  system holds no dossiers (before it went live) falls back to the figure an officer entered from the
  province's yearly report, shown as such with its source document;
* **catalogue** (T04): procedures of the listed sectors with a review since 2021, cumulative by year end;
* **per key unit** (T14): each key unit's 766 total for the year and its rank among the key units, the
  historic units shown through the years they existed and their successors after;
* **entered** (T01–T03, T15–T20): ``Measurement`` rows, each with its source document.

Status per year: *met* (the target is reached), *on track* (before the plan's end year, not reached but
better than the year before), *not met*, *no data*; "baseline" marks the base year of a reduction target.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import membership_list_active
from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.catalogue.access import procedure_can_edit
from motcua.catalogue.choices import ProcedureLevel
from motcua.catalogue.models import Procedure, Review
from motcua.core.audit import audit_record
from motcua.core.errors import CodedError
from motcua.core.uploads import UploadRejected, check_upload
from motcua.dossiers.models import Channel, Dossier
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_subtree_ids, orgunit_successor_on

from .figures import Figures, Tree, add, empty_figures, period_figures, rollup
from .kpi766 import Scorecard, kpi766
from .periods import Period, parse_period
from .plan_models import (
    Comparison,
    Measurement,
    MetricKind,
    PlanTarget,
    PlanTask,
    PlanTaskReport,
    PlanTaskStatus,
    ReviewCost,
)

D = Decimal
FIRST_YEAR = 2021  # the plan's first year (and the baseline of T16, T17)
PLAN_END_YEAR = 2025
MAX_UPLOAD_BYTES = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
MAX_RANK = 63  # provinces before 1 July 2025 (34 after): national ranks never exceed it
MAX_COUNT = D("10000000")

# -- statuses and origins ----------------------------------------------------------------------------------

MET, ON_TRACK, NOT_MET, NO_DATA, BASELINE = "met", "on_track", "not_met", "no_data", "baseline"
STATUS_LABELS: dict[str, Promise] = {
    MET: _("Đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    NOT_MET: _("Chưa đạt"),
    NO_DATA: _("Chưa có số liệu"),
    BASELINE: _("Năm gốc"),
}
COMPUTED, ENTERED, NONE = "computed", "entered", "none"
ORIGIN_LABELS: dict[str, Promise] = {
    COMPUTED: _("Hệ thống tính"),
    ENTERED: _("Số liệu nhập"),
    NONE: _("Chưa có"),
}


# -- what officers may enter, per target ----------------------------------------------------------------

PERCENT, RATIO, COUNT, POINTS = "percent", "ratio", "count", "points"


@dataclass(frozen=True)
class Series:
    """One figure of a target that an officer enters: how it is measured and what the form asks."""

    key: str
    label: Promise
    measure: str  # percent (0–100) | ratio (a count out of a total) | count | points (0–100)
    rank: bool = False  # a national rank is asked (and required)
    per_unit: bool = False  # one figure per org unit
    classification: bool = False  # a rating in words is asked (and required)
    fallback: bool = False  # used only for years without system data


def _fallback(label: Promise) -> tuple[Series, ...]:
    return (Series("value", label, PERCENT, fallback=True),)


SERIES: dict[str, tuple[Series, ...]] = {
    "T01": (
        Series("PAR_INDEX", _("Chỉ số cải cách hành chính (PAR INDEX)"), PERCENT, rank=True),
        Series("SIPAS", _("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"), PERCENT, rank=True),
        Series("PCI", _("Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)"), POINTS, rank=True),
        Series("PAPI", _("Chỉ số hiệu quả quản trị và hành chính công (PAPI)"), POINTS, rank=True),
    ),
    "T02": (Series("value", _("Văn bản của Trung ương, Tỉnh ủy được cụ thể hóa, triển khai kịp thời"), RATIO),),
    "T03": (Series("value", _("Văn bản quy phạm pháp luật của tỉnh được rà soát, sửa đổi, thay thế"), RATIO),),
    "T04": _fallback(_("Tỷ lệ TTHC các lĩnh vực trọng tâm được rà soát (báo cáo năm)")),
    "T05": _fallback(_("Tỷ lệ hồ sơ giải quyết đúng hạn (báo cáo năm)")),
    "T06": _fallback(_("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến (báo cáo năm)")),
    "T07": _fallback(_("Tỷ lệ hồ sơ được số hóa kết quả (báo cáo năm)")),
    "T08": _fallback(_("Mức độ hài lòng về giải quyết TTHC (báo cáo năm)")),
    "T09": _fallback(_("Tỷ lệ hồ sơ luân chuyển điện tử giữa các cơ quan (báo cáo năm)")),
    "T10": _fallback(_("Tỷ lệ TTHC có nghĩa vụ tài chính được thanh toán trực tuyến (báo cáo năm)")),
    "T11": _fallback(_("Tỷ lệ giao dịch thanh toán trực tuyến (báo cáo năm)")),
    "T12": _fallback(_("Tỷ lệ hồ sơ không phải cung cấp lại giấy tờ (báo cáo năm)")),
    "T13": _fallback(_("Tỷ lệ hồ sơ nộp trực tuyến (báo cáo năm)")),
    "T14": (
        Series("kpi766", _("Điểm Bộ chỉ số 766 của đơn vị trọng điểm (năm chưa có số liệu hệ thống)"), POINTS,
               per_unit=True, fallback=True),
    ),
    "T15": (Series("value", _("Cơ quan chuyên môn được hoàn thiện tổ chức, chức năng, nhiệm vụ"), RATIO),),
    "T16": (Series("value", _("Số đơn vị sự nghiệp công lập"), COUNT),),
    "T17": (Series("value", _("Biên chế sự nghiệp hưởng lương từ ngân sách nhà nước"), COUNT),),
    "T18": (),  # SIPAS is entered once, with its rank, under T01
    "T19": (
        Series("HEALTH", _("Mức độ hài lòng về dịch vụ y tế công"), PERCENT),
        Series("EDUCATION", _("Mức độ hài lòng về dịch vụ giáo dục công lập"), PERCENT),
    ),
    "T20": (
        Series("assessment", _("Đánh giá kết quả CCHC hằng năm của đơn vị, gắn với người đứng đầu"), POINTS,
               per_unit=True, classification=True),
    ),
}  # fmt: skip


def plan_series(target: PlanTarget) -> tuple[Series, ...]:
    return SERIES.get(target.code, ())


def plan_series_get(target: PlanTarget, key: str) -> Series | None:
    return next((s for s in plan_series(target) if s.key == key), None)


# -- errors ---------------------------------------------------------------------------------------------


class PlanError(CodedError):
    code = "plan_error"
    http_status = 400


class PlanNotAllowed(PlanError):
    code = "plan_not_allowed"
    http_status = 403
    default_message = _("Bạn không có quyền nhập số liệu kế hoạch cải cách hành chính.")


class PlanInputError(PlanError):
    """Bad input; ``errors`` maps a field name ("" for the whole form) to its messages. Nothing written."""

    code = "plan_input_invalid"
    default_message = _("Số liệu chưa hợp lệ, vui lòng sửa các lỗi được đánh dấu.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


class _Problems:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise PlanInputError(self.errors)


# -- who may do what -------------------------------------------------------------------------------------


def plan_can_enter(*, user: User | Any) -> bool:
    """Province level only: a superuser, a province administrator, or a leader of the province's unit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for m in membership_list_active(user=user):
        if m.role == Role.PROVINCE_ADMIN:
            return True
        if m.role == Role.AGENCY_LEADER and m.org_unit.kind == OrgUnitKind.PROVINCE:
            return True
    return False


REPORTING_ROLES = frozenset({Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.DIVISION_HEAD})


def plan_can_report(*, user: User | Any, task: PlanTask) -> bool:
    """Province level, or a leader/administrator of the task's unit (or of a unit above it)."""
    if plan_can_enter(user=user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for m in membership_list_active(user=user):
        if m.role in REPORTING_ROLES and task.unit_id in orgunit_subtree_ids(m.org_unit, include_self=True):
            return True
    return False


def plan_can_cost(*, user: User | Any, review: Review) -> bool:
    """Province level, or whoever may edit the reviewed procedure (its agency's administrator)."""
    if plan_can_enter(user=user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return procedure_can_edit(user=user, procedure=review.procedure)


# -- small helpers ---------------------------------------------------------------------------------------


def pct(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """``numerator / denominator`` in percent, 2 decimals; None when the denominator is 0."""
    if not denominator:
        return None
    return (D(numerator) * 100 / D(denominator)).quantize(D("0.01"), ROUND_HALF_UP)


def num(value: int | Decimal | None, decimals: int = 0) -> str:
    """A number the Vietnamese way (1.234,5)."""
    if value is None:
        return "—"
    # number_format cuts extra decimals off; round them first (29,79 → 29,8).
    rounded = D(value).quantize(D(1).scaleb(-decimals), ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _percent_text(value: Decimal | None) -> str:
    return f"{num(value, 1)} %" if value is not None else "—"


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def plan_years(*, today: dt.date | None = None) -> list[int]:
    """The years of the scorecard: 2021 up to this year."""
    last = max((today or timezone.localdate()).year, PLAN_END_YEAR)
    return list(range(FIRST_YEAR, last + 1))


def plan_default_year(*, today: dt.date | None = None) -> int:
    """The plan's end year once it is over; the current year while the plan runs."""
    return min((today or timezone.localdate()).year, PLAN_END_YEAR)


# -- values ----------------------------------------------------------------------------------------------


@dataclass
class Value:
    """A target's value for one year, with where it came from and its status."""

    year: int
    value: Decimal | None = None
    text: str = "—"
    origin: str = NONE
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    detail: str = ""  # e.g. "1.234/1.260 hồ sơ"
    note: str = ""
    sources: list[Measurement] = field(default_factory=list)
    status: str = NO_DATA
    incomplete: bool = False  # some of the figures the target needs are missing
    by_change: bool = False  # judged by ``change`` (T14) rather than by the value against last year's
    change: Decimal | None = None
    short: str = ""  # for the trend cells ("91,2", "3/4", "gốc"); the value with one decimal by default

    @property
    def short_text(self) -> str:
        return self.short or (num(self.value, 1) if self.value is not None else "—")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def origin_label(self) -> str:
        return str(ORIGIN_LABELS[self.origin])

    @property
    def illustrative(self) -> bool:
        return any(m.illustrative for m in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "value": self.value,
            "text": self.text,
            "status": self.status,
            "status_label": self.status_label,
            "origin": self.origin,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "detail": self.detail,
            "note": self.note,
            "illustrative": self.illustrative,
            "sources": [
                {
                    "series": m.series,
                    "unit": m.unit.code if m.unit_id and m.unit else None,
                    "title": m.source_title,
                    "number": m.source_number,
                    "date": m.source_date,
                    "illustrative": m.illustrative,
                }
                for m in self.sources
            ],
        }


@dataclass
class Row:
    """One target on the scorecard: its value for the chosen year and the trend over the years."""

    target: PlanTarget
    year: int
    trend: list[Value]

    @property
    def current(self) -> Value:
        return next(v for v in self.trend if v.year == self.year)

    @property
    def target_text(self) -> str:
        return target_text(self.target)

    def sparkline(self, width: int = 96, height: int = 24) -> str:
        """SVG polyline points of the trend (years without a value are skipped)."""
        known = [(i, v.value) for i, v in enumerate(self.trend) if v.value is not None]
        if len(known) < 2:
            return ""
        values = [float(v) for _i, v in known]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        step = width / max(len(self.trend), 1)  # one cell per year; points at the cells' centres
        if self.target.code == "T01":
            low, span = 0.0, float(len(self.target.scope.get("indices") or [1]))
        return " ".join(
            f"{(i + 0.5) * step:.1f},{height - 2 - (float(v) - low) / span * (height - 4):.1f}"
            for i, v in known
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.target.code,
            "title": self.target.title,
            "target": self.target_text,
            "kind": self.target.kind,
            "year": self.year,
            **{k: v for k, v in self.current.as_dict().items() if k != "year"},
            "trend": [
                {"year": v.year, "value": v.value, "text": v.text, "status": v.status, "origin": v.origin}
                for v in self.trend
            ],
        }


def target_text(target: PlanTarget) -> str:
    """The target in a few words: "≥ 98 %", "nhóm 10 dẫn đầu", "giảm ≥ 10 % so với 2021"…"""
    t = target.target_value
    unit = target.unit_of_measure
    if target.comparison == Comparison.AT_LEAST and t is not None:
        return f"≥ {num(t, 0)} {unit}".strip()
    if target.comparison == Comparison.RANK_AT_MOST and t is not None:
        return _g("Nhóm %(n)s tỉnh dẫn đầu") % {"n": num(t)}
    if target.comparison == Comparison.REDUCE_BY and t is not None:
        return _g("Giảm ≥ %(pct)s %% so với năm %(year)s") % {"pct": num(t), "year": target.baseline_year}
    if target.comparison == Comparison.INCREASE:
        return _g("Tăng so với năm trước")
    return ""


# -- the context of one computation: facts read once per year, measurements read once ---------------------


class Context:
    """What the computation of many targets over many years shares (reads each year's facts once)."""

    def __init__(self, *, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.tree = Tree()
        self._targets: dict[str, PlanTarget] | None = None
        self._current: dict[tuple[str, str, int, int | None], Measurement] | None = None
        self._per_unit: dict[int, dict[tuple[int, ...], Figures]] = {}
        self._per_procedure: dict[int, dict[tuple[int, ...], Figures]] = {}
        self._province: dict[int, Figures] = {}
        self._card: dict[int, Scorecard | None] = {}
        self.value_cache: dict[str, list[Value]] = {}
        self.memo: dict[str, Any] = {}
        self.key_unit_cache: dict[int, list[KeyUnitRow]] = {}

    # targets and measurements
    @property
    def targets(self) -> dict[str, PlanTarget]:
        if self._targets is None:
            self._targets = {t.code: t for t in PlanTarget.objects.all()}
        return self._targets

    @property
    def current(self) -> dict[tuple[str, str, int, int | None], Measurement]:
        if self._current is None:
            rows = Measurement.objects.filter(superseded_at__isnull=True).select_related(
                "target", "unit", "entered_by"
            )
            self._current = {(m.target.code, m.series, m.year, m.unit_id): m for m in rows}
        return self._current

    def measurement(
        self, code: str, series: str, year: int, unit_id: int | None = None
    ) -> Measurement | None:
        return self.current.get((code, series, year, unit_id))

    def unit_measurements(self, code: str, series: str, year: int) -> dict[int, Measurement]:
        return {
            k[3]: m
            for k, m in self.current.items()
            if k[0] == code and k[1] == series and k[2] == year and k[3]
        }

    # facts
    def period(self, year: int) -> Period:
        return parse_period(str(year))

    def in_future(self, year: int) -> bool:
        return dt.date(year, 1, 1) > self.today

    def per_unit(self, year: int) -> dict[tuple[int, ...], Figures]:
        if year not in self._per_unit:
            self._per_unit[year] = {} if self.in_future(year) else period_figures(self.period(year))
        return self._per_unit[year]

    def per_procedure(self, year: int) -> dict[tuple[int, ...], Figures]:
        if year not in self._per_procedure:
            self._per_procedure[year] = (
                {} if self.in_future(year) else period_figures(self.period(year), by_procedure=True)
            )
        return self._per_procedure[year]

    def province(self, year: int) -> Figures:
        """The figures of every unit of the year, summed (the whole province)."""
        if year not in self._province:
            total = empty_figures()
            for figures in self.per_unit(year).values():
                add(total, figures)
            self._province[year] = total
        return self._province[year]

    def has_dossiers(self, year: int) -> bool:
        return self.province(year)["received_total"] > 0

    @property
    def root(self) -> OrgUnit | None:
        roots = self.tree.roots()
        return next((u for u in roots if u.kind == OrgUnitKind.PROVINCE), roots[0] if roots else None)

    def card(self, year: int) -> Scorecard | None:
        """The province's 766 scorecard of the year (None when the system holds no dossiers that year)."""
        if year not in self._card:
            root = self.root
            if root is None or not self.has_dossiers(year):
                self._card[year] = None
            else:
                self._card[year] = kpi766(
                    root,
                    self.period(year),
                    tree=self.tree,
                    per_unit=self.per_unit(year),
                    per_procedure=self.per_procedure(year),
                )
        return self._card[year]


def _indicator(card: Scorecard, code: str) -> tuple[int, int]:
    found = next(i for i in card.indicators if i.code == code)
    return found.numerator, found.denominator


# -- computing each target ----------------------------------------------------------------------------------


def _entered(ctx: Context, target: PlanTarget, year: int, series: str = "value") -> Value:
    """The value an officer entered for the year (the fallback of the computed targets)."""
    spec = plan_series_get(target, series)
    m = ctx.measurement(target.code, series, year)
    if m is None or spec is None:
        return Value(year)
    if spec.measure == RATIO:
        value = m.ratio_percent
        return Value(
            year, value, _percent_text(value), ENTERED, m.value, m.total,
            detail=f"{num(m.value)}/{num(m.total)}", sources=[m],
        )  # fmt: skip
    if spec.measure == COUNT:
        return Value(year, m.value, num(m.value), ENTERED, sources=[m])
    if spec.measure == POINTS:
        return Value(year, m.value, num(m.value, 2), ENTERED, sources=[m])
    return Value(year, m.value, _percent_text(m.value), ENTERED, sources=[m])


def _computed(year: int, numerator: int, denominator: int, what: str) -> Value:
    value = pct(numerator, denominator)
    return Value(
        year, value, _percent_text(value), COMPUTED, numerator, denominator,
        detail=f"{num(numerator)}/{num(denominator)} {what}",
    )  # fmt: skip


def _from_dossiers(
    ctx: Context,
    target: PlanTarget,
    year: int,
    counts: Callable[[Context, int], tuple[int, int] | None],
    what: str,
) -> Value:
    """A dossier-based value: computed when the system holds dossiers that year, else the entered one."""
    if ctx.has_dossiers(year):
        got = counts(ctx, year)
        if got is not None and got[1] > 0:
            return _computed(year, got[0], got[1], what)
    value = _entered(ctx, target, year)
    if value.origin == NONE and ctx.has_dossiers(year):
        value.note = _g("Hệ thống chưa có dữ liệu cho chỉ tiêu này trong năm.")
    return value


def _kpi(code: str) -> Callable[[Context, int], tuple[int, int] | None]:
    def counts(ctx: Context, year: int) -> tuple[int, int] | None:
        card = ctx.card(year)
        return _indicator(card, code) if card is not None else None

    return counts


def _handovers(ctx: Context, year: int) -> tuple[int, int]:
    f = ctx.province(year)
    return f["handover_electronic"], f["handover_electronic"] + f["handover_paper"]


def _reuse(ctx: Context, year: int) -> tuple[int, int] | None:
    """Once-only: the larger of 766 items 4.3 and 4.4 (a dossier may be counted by both, so their sum
    could count it twice; the larger is a lower bound of the dossiers that reused anything)."""
    card = ctx.card(year)
    if card is None:
        return None
    reused, received = _indicator(card, "4.3")
    from_store, _received = _indicator(card, "4.4")
    return max(reused, from_store), received


def _online(ctx: Context, year: int) -> tuple[int, int]:
    f = ctx.province(year)
    return f["received_online"], f["received"]


DOSSIER_TARGETS: dict[str, tuple[Callable[[Context, int], tuple[int, int] | None], Promise]] = {
    "T05": (_kpi("2.1"), _("hồ sơ")),
    "T06": (_kpi("3.1"), _("thủ tục")),
    "T07": (_kpi("4.1"), _("hồ sơ")),
    "T08": (_kpi("5.4"), _("hồ sơ")),
    "T09": (_handovers, _("lượt chuyển")),
    "T10": (_kpi("3.5"), _("thủ tục")),
    "T11": (_kpi("3.6"), _("hồ sơ")),
    "T12": (_reuse, _("hồ sơ")),
    "T13": (_online, _("hồ sơ")),
}


def _reviewed_procedures(target: PlanTarget) -> tuple[dict[int, str], dict[int, dt.date]]:
    """Published procedures of the listed sectors (id → sector code) and the first review of each since
    the plan began (id → date)."""
    codes = list(target.scope.get("sectors") or [])
    procedures = dict(
        Procedure.objects.filter(sector__code__in=codes, current_version__isnull=False).values_list(
            "pk", "sector__code"
        )
    )
    first: dict[int, dt.date] = {}
    for pid, day in (
        Review.objects.filter(procedure_id__in=list(procedures), reviewed_on__gte=dt.date(FIRST_YEAR, 1, 1))
        .order_by("reviewed_on")
        .values_list("procedure_id", "reviewed_on")
    ):
        first.setdefault(pid, day)
    return procedures, first


def _t04(ctx: Context, target: PlanTarget, year: int) -> Value:
    """Computed from the catalogue once it records reviews up to the year's end; before that (reviews
    kept outside the system), the share an officer entered from the yearly report."""
    if "t04" not in ctx.memo:
        ctx.memo["t04"] = _reviewed_procedures(target)
    procedures, first = ctx.memo["t04"]
    end = _year_bounds(year)[1]
    reviewed = sum(1 for day in first.values() if day <= end)
    if not procedures or not reviewed:
        entered = _entered(ctx, target, year)
        if entered.origin == NONE and procedures:
            entered.note = _g("Chưa có kết quả rà soát nào được ghi nhận đến hết năm.")
        return entered
    value = _computed(year, reviewed, len(procedures), _g("thủ tục"))
    value.note = _g("Cộng dồn từ năm %(year)s.") % {"year": FIRST_YEAR}
    return value


def _ratio_entered(ctx: Context, target: PlanTarget, year: int) -> Value:
    return _entered(ctx, target, year)


def _t01(ctx: Context, target: PlanTarget, year: int) -> Value:
    indices = list(target.scope.get("indices") or [s.key for s in plan_series(target)])
    top = int(target.target_value or 10)
    found = [m for key in indices if (m := ctx.measurement("T01", key, year)) is not None]
    if not found:
        return Value(year)
    inside = sum(1 for m in found if m.rank is not None and m.rank <= top)
    parts = [f"{m.series.replace('_', ' ')} {_g('hạng')} {m.rank}" for m in found]
    value = Value(
        year,
        D(inside),
        _g("%(n)s/%(total)s chỉ số trong nhóm %(top)s") % {"n": inside, "total": len(indices), "top": top},
        ENTERED,
        inside,
        len(indices),
        detail="; ".join(parts),
        sources=found,
        short=f"{inside}/{len(indices)}",
    )
    if len(found) < len(indices):
        value.note = _g("Còn thiếu %(n)s chỉ số của năm.") % {"n": len(indices) - len(found)}
    return value


def _reduction(ctx: Context, target: PlanTarget, year: int) -> Value:
    base_year = target.baseline_year or FIRST_YEAR
    base = ctx.measurement(target.code, "value", base_year)
    m = ctx.measurement(target.code, "value", year)
    if m is None:
        return Value(year)
    if year == base_year:
        return Value(
            year, D(0), _g("Năm gốc: %(n)s") % {"n": num(m.value)}, ENTERED, m.value, m.value,
            detail=num(m.value), sources=[m], status=BASELINE, short=_g("gốc"),
        )  # fmt: skip
    if base is None:
        return Value(
            year, None, num(m.value), ENTERED, m.value, None, sources=[m],
            note=_g("Chưa có số liệu năm gốc %(year)s.") % {"year": base_year},
        )  # fmt: skip
    reduced = pct(base.value - m.value, base.value)
    return Value(
        year,
        reduced,
        _g("Giảm %(pct)s %%") % {"pct": num(reduced, 1)}
        if reduced is not None and reduced >= 0
        else _g("Tăng %(pct)s %%") % {"pct": num(-(reduced or D(0)), 1)},
        ENTERED,
        m.value,
        base.value,
        detail=f"{num(base.value)} → {num(m.value)}",
        sources=[base, m],
    )


def _t18(ctx: Context, target: PlanTarget, year: int) -> Value:
    m = ctx.measurement("T01", "SIPAS", year)
    if m is None:
        return Value(year)
    return Value(
        year, m.value, _percent_text(m.value), ENTERED, sources=[m],
        note=_g("Chỉ số SIPAS (nhập tại T01); chưa có phiếu đánh giá theo từng hồ sơ."),
    )  # fmt: skip


def _t19(ctx: Context, target: PlanTarget, year: int) -> Value:
    found = [m for s in plan_series(target) if (m := ctx.measurement(target.code, s.key, year)) is not None]
    if not found:
        return Value(year)
    low = min(m.value for m in found)
    labels = {s.key: s for s in plan_series(target)}
    detail = "; ".join(
        f"{_g('y tế') if m.series == 'HEALTH' else _g('giáo dục')} {_percent_text(m.value)}" for m in found
    )
    value = Value(year, low, _percent_text(low), ENTERED, detail=detail, sources=found)
    if len(found) < len(labels):
        value.note = _g("Mới có một trong hai lĩnh vực (y tế, giáo dục).")
        value.incomplete = True
    return value


# T14: key units -----------------------------------------------------------------------------------------


@dataclass
class KeyUnitRow:
    """A key unit of T14 as shown for a year: itself while it existed, its successor after."""

    codes: list[str]  # the key units (from the plan) this row stands for
    names: list[str]
    unit: OrgUnit | None  # the unit whose figures are shown
    successor_of: list[str] = field(default_factory=list)  # names of the key units it carries on
    total: Decimal | None = None
    origin: str = NONE
    received: int = 0
    rank: int | None = None
    previous: Decimal | None = None
    source: Measurement | None = None

    @property
    def change(self) -> Decimal | None:
        if self.total is None or self.previous is None:
            return None
        return self.total - self.previous

    @property
    def origin_label(self) -> str:
        return str(ORIGIN_LABELS[self.origin])


def _active_in(unit: OrgUnit, year: int) -> bool:
    start, end = _year_bounds(year)
    return (unit.valid_from is None or unit.valid_from <= end) and (
        unit.valid_to is None or unit.valid_to >= start
    )


def key_unit_rows(codes: list[str], year: int, *, today: dt.date) -> list[KeyUnitRow]:
    """The T14 key units (``codes``) as shown for ``year``, without figures.

    A unit is shown for every year it existed (historic district units through mid-2025); for a later year
    its successor on 1 January (or, failing that, at the year's end or today) is shown instead. Key units
    carried on by the same unit make one row; a unit with no successor stays, without a unit to show.
    """
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes).select_related("successor")}
    start, end = _year_bounds(year)
    rows: dict[int | str, KeyUnitRow] = {}
    for code in codes:
        unit = units.get(code)
        if unit is None:
            continue
        shown: OrgUnit | None = unit
        carried = False
        if not _active_in(unit, year):
            shown = orgunit_successor_on(unit, start) or orgunit_successor_on(
                unit, min(end, max(start, today))
            )
            carried = True
        key: int | str = shown.pk if shown is not None else code
        row = rows.get(key)
        if row is None:
            row = rows[key] = KeyUnitRow([], [], shown)
        row.codes.append(code)
        row.names.append(unit.name)
        if carried:
            row.successor_of.append(unit.name)
    return list(rows.values())


def key_units_for_year(ctx: Context, year: int) -> list[KeyUnitRow]:
    """The T14 key units for ``year`` (``key_unit_rows``) with their 766 totals and ranks among themselves:
    the system's total when the unit had dossiers that year, else the total an officer entered."""
    if year in ctx.key_unit_cache:
        return ctx.key_unit_cache[year]
    target = ctx.targets.get("T14")
    codes = list(target.scope.get("units") or []) if target else []
    rows = key_unit_rows(codes, year, today=ctx.today)
    result = rows
    entered = ctx.unit_measurements("T14", "kpi766", year)
    period = ctx.period(year)
    per_unit = ctx.per_unit(year)
    for row in result:
        if row.unit is None:
            continue
        figures = rollup(per_unit, ctx.tree, row.unit.pk) if per_unit else empty_figures()
        row.received = figures["received_total"]
        if row.received > 0:
            card = kpi766(
                row.unit, period, tree=ctx.tree, per_unit=per_unit, per_procedure=ctx.per_procedure(year)
            )
            row.total, row.origin = card.total, COMPUTED
        elif (m := entered.get(row.unit.pk)) is not None:
            row.total, row.origin, row.source = m.value, ENTERED, m
    ranked = sorted((r for r in result if r.total is not None), key=lambda r: -(r.total or 0))
    for i, row in enumerate(ranked):
        row.rank = i + 1 if i == 0 or row.total != ranked[i - 1].total else ranked[i - 1].rank
    result.sort(key=lambda r: (r.rank is None, r.rank or 0, r.codes[0]))
    ctx.key_unit_cache[year] = result
    return result


def previous_totals(ctx: Context, year: int) -> None:
    """Set each key-unit row's ``previous`` total: the year before's total of the row(s) that stood for the
    same key units — the unit itself, or its predecessor(s) when it carries them on (averaged over merged
    ones)."""
    by_code: dict[str, KeyUnitRow] = {}
    for row in key_units_for_year(ctx, year - 1) if year - 1 >= FIRST_YEAR else []:
        for code in row.codes:
            by_code[code] = row
    for row in key_units_for_year(ctx, year):
        before = {
            id(p): p.total for c in row.codes if (p := by_code.get(c)) is not None and p.total is not None
        }
        row.previous = (
            (sum(before.values(), D(0)) / len(before)).quantize(D("0.01"), ROUND_HALF_UP) if before else None
        )


def _t14(ctx: Context, target: PlanTarget, year: int) -> Value:
    """The key units' average 766 total; judged by the average change of the units scored both this year
    and the year before (the same units, so that a year with fewer scored units is not a fall)."""
    rows = key_units_for_year(ctx, year)
    scored = [r.total for r in rows if r.total is not None]
    if not scored:
        return Value(year)
    average = (sum(scored, D(0)) / len(scored)).quantize(D("0.01"), ROUND_HALF_UP)
    origins = {r.origin for r in rows if r.total is not None}
    value = Value(
        year,
        average,
        _g("Bình quân %(points)s điểm") % {"points": num(average, 1)},
        COMPUTED if origins == {COMPUTED} else ENTERED,
        len(scored),
        len(rows),
        detail=_g("%(n)s/%(total)s đơn vị có điểm") % {"n": len(scored), "total": len(rows)},
        sources=[r.source for r in rows if r.source is not None],
        by_change=True,
    )
    if year - 1 >= FIRST_YEAR:
        previous_totals(ctx, year)
        changes = [c for r in rows if (c := r.change) is not None]
        if changes:
            value.change = (sum(changes, D(0)) / len(changes)).quantize(D("0.01"), ROUND_HALF_UP)
            sign = "+" if value.change > 0 else ""
            value.detail += "; " + _g("bình quân %(change)s điểm so với năm trước (%(n)s đơn vị)") % {
                "change": sign + num(value.change, 1),
                "n": len(changes),
            }
        else:
            value.note = _g("Không có đơn vị nào có điểm cả năm nay và năm trước để so sánh.")
    return value


# T20: yearly assessments -----------------------------------------------------------------------------------


def assessable_units(target: PlanTarget, year: int, *, today: dt.date) -> QuerySet[OrgUnit]:
    """Units that must be assessed for ``year``: of the kinds in T20's scope, existing at the year's end
    (or today, for the current year)."""
    default = [OrgUnitKind.AGENCY, OrgUnitKind.DISTRICT, OrgUnitKind.COMMUNE]
    kinds = list(target.scope.get("unit_kinds") or default)
    day = min(_year_bounds(year)[1], today)
    if day < dt.date(year, 1, 1):
        return OrgUnit.objects.none()
    return OrgUnit.objects.valid_on(day).filter(kind__in=kinds).order_by("code")


def assessed_units(ctx: Context, target: PlanTarget, year: int) -> list[tuple[OrgUnit, Measurement | None]]:
    """The units to assess for ``year`` with their assessment, if entered."""
    entered = ctx.unit_measurements(target.code, "assessment", year)
    return [(u, entered.get(u.pk)) for u in assessable_units(target, year, today=ctx.today)]


def _t20(ctx: Context, target: PlanTarget, year: int) -> Value:
    pairs = assessed_units(ctx, target, year)
    done = [m for _u, m in pairs if m is not None]
    if not done:
        return Value(year)
    value = pct(len(done), len(pairs))
    return Value(
        year, value, _percent_text(value), ENTERED, len(done), len(pairs),
        detail=_g("%(n)s/%(total)s đơn vị") % {"n": len(done), "total": len(pairs)}, sources=done,
    )  # fmt: skip


COMPUTE: dict[str, Callable[[Context, PlanTarget, int], Value]] = {
    "T01": _t01,
    "T02": _ratio_entered,
    "T03": _ratio_entered,
    "T04": _t04,
    "T14": _t14,
    "T15": _ratio_entered,
    "T16": _reduction,
    "T17": _reduction,
    "T18": _t18,
    "T19": _t19,
    "T20": _t20,
}


def _compute(ctx: Context, target: PlanTarget, year: int) -> Value:
    if target.code in DOSSIER_TARGETS:
        counts, what = DOSSIER_TARGETS[target.code]
        return _from_dossiers(ctx, target, year, counts, str(what))
    fn = COMPUTE.get(target.code)
    if fn is None:
        return _entered(ctx, target, year)
    return fn(ctx, target, year)


def _judge(target: PlanTarget, value: Value, previous: Value | None) -> str:
    """The status of ``value`` against the target, knowing the year before."""
    if value.status == BASELINE:
        return BASELINE
    if value.value is None:
        return NO_DATA
    v, t = value.value, target.target_value
    before = previous.value if previous is not None and previous.status != BASELINE else None
    if previous is not None and previous.status == BASELINE and target.comparison == Comparison.REDUCE_BY:
        before = D(0)
    in_time = value.year < target.target_year
    if value.by_change:
        return NO_DATA if value.change is None else (MET if value.change > 0 else NOT_MET)
    if target.comparison == Comparison.INCREASE:
        if before is None:
            value.note = value.note or _g("Chưa có số liệu năm trước để so sánh.")
            return NO_DATA
        return MET if v > before else NOT_MET
    if target.comparison == Comparison.RANK_AT_MOST:
        met = value.denominator is not None and v >= D(value.denominator)
    else:
        met = t is not None and v >= t
    if met:
        return NO_DATA if value.incomplete else MET
    if in_time and before is not None and v > before:
        return ON_TRACK
    return NOT_MET


def target_values(ctx: Context, target: PlanTarget, years: Iterable[int]) -> list[Value]:
    """The target's values over ``years`` (in order), each judged against the latest earlier year with a
    figure."""
    key = f"{target.code}:{','.join(map(str, years))}"
    if key in ctx.value_cache:
        return ctx.value_cache[key]
    out: list[Value] = []
    previous: Value | None = None
    for year in years:
        value = _compute(ctx, target, year) if not ctx.in_future(year) else Value(year)
        value.status = _judge(target, value, previous)
        out.append(value)
        if value.value is not None or value.status == BASELINE:
            previous = value  # compared with the latest earlier year that has a figure
    ctx.value_cache[key] = out
    return out


# -- selectors ------------------------------------------------------------------------------------------------


def plan_target_list() -> QuerySet[PlanTarget]:
    return PlanTarget.objects.order_by("position", "code")


def plan_target_get(code: str) -> PlanTarget | None:
    return PlanTarget.objects.filter(code=code.upper()).first()


def plan_scorecard(year: int, *, ctx: Context | None = None, codes: Iterable[str] | None = None) -> list[Row]:
    """One row per target (T01–T20) for ``year``, with the trend over every year of the plan and after."""
    ctx = ctx or Context()
    years = plan_years(today=ctx.today)
    if year not in years:
        raise PlanError(
            _("Năm %(year)s nằm ngoài kế hoạch (%(first)s–%(last)s)."),
            year=year,
            first=years[0],
            last=years[-1],
        )
    wanted = {c.upper() for c in codes} if codes else None
    rows = []
    with calendar_snapshot_memo():
        for target in ctx.targets.values():
            if wanted is not None and target.code not in wanted:
                continue
            rows.append(Row(target, year, target_values(ctx, target, years)))
    rows.sort(key=lambda r: (r.target.position, r.target.code))
    return rows


def plan_status_counts(rows: Iterable[Row]) -> list[tuple[str, str, int]]:
    """(status, label, count) for the chosen year, in the order of STATUS_LABELS."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.current.status] += 1
    return [(s, str(label), counts[s]) for s, label in STATUS_LABELS.items() if counts[s]]


#: The 766 indicators shown under each dossier-based target (and T18's reference).
KPI_OF_TARGET: dict[str, tuple[str, ...]] = {
    "T05": ("2.1",),
    "T06": ("3.1", "3.2", "3.3"),
    "T07": ("4.1", "4.2"),
    "T08": ("5.4",),
    "T10": ("3.5", "3.5b"),
    "T11": ("3.6",),
    "T12": ("4.3", "4.4"),
    "T13": ("3.3",),
    "T18": ("5.4",),
}


@dataclass
class TargetDetail:
    row: Row
    series: tuple[Series, ...]
    history: list[Measurement]
    breakdown: dict[str, Any]
    tasks: list[PlanTask]

    @property
    def series_labels(self) -> dict[str, str]:
        labels = {s.key: str(s.label) for s in self.series}
        if self.row.target.code == "T18":
            labels["SIPAS"] = str(SERIES["T01"][1].label)
        return labels


def plan_target_detail(target: PlanTarget, year: int, *, ctx: Context | None = None) -> TargetDetail:
    """The target's row plus what explains it: per-index, per-sector, per-unit tables, entered history."""
    ctx = ctx or Context()
    row = plan_scorecard(year, ctx=ctx, codes=[target.code])[0]
    row.target = target
    breakdown: dict[str, Any] = {}
    code = target.code
    with calendar_snapshot_memo():
        if code == "T01":
            years = plan_years(today=ctx.today)
            breakdown["indices"] = [
                {"series": s, "cells": [(y, ctx.measurement("T01", s.key, y)) for y in years]}
                for s in plan_series(target)
            ]
        elif code == "T04":
            breakdown.update(_t04_breakdown(target, year))
        elif code == "T14":
            previous_totals(ctx, year)
            breakdown["units"] = key_units_for_year(ctx, year)
        elif code == "T20":
            breakdown["units"] = assessed_units(ctx, target, year)
        elif code in KPI_OF_TARGET and (card := ctx.card(year)) is not None:
            breakdown["indicators"] = [
                {
                    "code": i.code,
                    "name": i.name,
                    "numerator": i.numerator,
                    "denominator": i.denominator,
                    "text": _percent_text(i.ratio * 100) if i.ratio is not None else _g("không áp dụng"),
                    "note": i.note,
                }
                for i in card.indicators
                if i.code in KPI_OF_TARGET[code]
            ]
        if code == "T09" and ctx.has_dossiers(year):
            f = ctx.province(year)
            breakdown["handovers"] = {"electronic": f["handover_electronic"], "paper": f["handover_paper"]}
        if code == "T13" and ctx.has_dossiers(year):
            breakdown["elsewhere"] = received_elsewhere(year)
    history_rows = Measurement.objects.filter(target=target)
    if any(s.per_unit for s in plan_series(target)):
        history_rows = history_rows.filter(year=year)  # one row per unit and year: the chosen year only
    history = list(
        history_rows.select_related("unit", "entered_by").order_by(
            "-year", "series", "unit__code", "-entered_at"
        )[:500]
    )
    tasks = list(PlanTask.objects.filter(target=target).select_related("unit").order_by("deadline"))
    return TargetDetail(row, plan_series(target), history, breakdown, tasks)


def _t04_breakdown(target: PlanTarget, year: int) -> dict[str, Any]:
    procedures, first = _reviewed_procedures(target)
    end = _year_bounds(year)[1]
    sectors: dict[str, dict[str, Any]] = {}
    names = dict(
        Procedure.objects.filter(pk__in=list(procedures)).values_list("sector__code", "sector__name")
    )
    for pid, sector in procedures.items():
        entry = sectors.setdefault(
            sector, {"code": sector, "name": names.get(sector, sector), "total": 0, "reviewed": 0}
        )
        entry["total"] += 1
        entry["reviewed"] += int(pid in first and first[pid] <= end)
    for entry in sectors.values():
        entry["share"] = pct(entry["reviewed"], entry["total"])
    missing = [c for c in target.scope.get("sectors") or [] if c not in sectors]
    costs = list(
        ReviewCost.objects.filter(
            review__procedure_id__in=list(procedures), review__reviewed_on__lte=end
        ).select_related("review__procedure")
    )
    return {
        "sectors": sorted(sectors.values(), key=lambda e: e["name"]),
        "missing_sectors": missing,
        "proposed": Review.objects.filter(
            procedure_id__in=list(procedures),
            simplification_proposed=True,
            reviewed_on__gte=dt.date(FIRST_YEAR, 1, 1),
            reviewed_on__lte=end,
        ).count(),
        "costs": len(costs),
        "saving_per_dossier": sum(c.saving for c in costs),
        "yearly_saving": sum(c.yearly_saving or 0 for c in costs),
    }


def received_elsewhere(year: int) -> dict[str, Any]:
    """T13: of the dossiers of commune-level procedures received in person or by post in ``year`` whose
    applicant's commune is known, how many were received at another point (another commune or the
    provincial centre) — receipt regardless of administrative boundaries."""
    start = dt.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
    end = dt.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    base = Dossier.objects.filter(
        received_at__gte=start,
        received_at__lt=end,
        applicant_commune__isnull=False,
        procedure_version__level=ProcedureLevel.COMMUNE,
    ).exclude(channel=Channel.ONLINE)
    total = base.count()
    elsewhere = base.exclude(receiving_point=F("applicant_commune")).count()
    return {"elsewhere": elsewhere, "total": total, "share": pct(elsewhere, total)}


def plan_measurement_history(target: PlanTarget) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(target=target)
        .select_related("unit", "entered_by")
        .order_by("-year", "-entered_at")
    )


def plan_measurement_get(pk: int) -> Measurement | None:
    return Measurement.objects.select_related("target", "unit").filter(pk=pk).first()


def plan_unit_options(target: PlanTarget, year: int) -> list[OrgUnit]:
    """Units an officer may enter a per-unit figure for (T14: the key units of the year; T20: the units
    to assess)."""
    today = timezone.localdate()
    if target.code == "T14":
        codes = list(target.scope.get("units") or [])
        return [r.unit for r in key_unit_rows(codes, year, today=today) if r.unit is not None]
    if target.code == "T20":
        return list(assessable_units(target, year, today=today))
    return []


# -- tasks ----------------------------------------------------------------------------------------------------


@dataclass
class UnitTasks:
    unit: OrgUnit
    tasks: list[PlanTask]

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status == PlanTaskStatus.DONE)

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.status != PlanTaskStatus.DONE and t.is_overdue())

    @property
    def progress(self) -> int:
        return round(sum(t.progress for t in self.tasks) / len(self.tasks)) if self.tasks else 0


def plan_task_list(*, unit_code: str = "", status: str = "") -> list[UnitTasks]:
    """Plan tasks grouped by their unit (key units first, by code), with their latest reports."""
    tasks = PlanTask.objects.select_related("unit", "target").prefetch_related(
        Prefetch("reports", queryset=PlanTaskReport.objects.order_by("-reported_on", "-pk"))
    )
    if unit_code:
        tasks = tasks.filter(unit__code=unit_code)
    today = timezone.localdate()
    if status == "overdue":
        tasks = tasks.exclude(status=PlanTaskStatus.DONE).filter(deadline__lt=today)
    elif status in PlanTaskStatus.values:
        tasks = tasks.filter(status=status)
    groups: dict[int, UnitTasks] = {}
    for task in tasks.order_by("unit__code", "deadline", "pk"):
        groups.setdefault(task.unit_id, UnitTasks(task.unit, [])).tasks.append(task)
    return list(groups.values())


def plan_task_get(pk: int) -> PlanTask | None:
    return (
        PlanTask.objects.select_related("unit", "target", "created_by")
        .prefetch_related(Prefetch("reports", queryset=PlanTaskReport.objects.select_related("reported_by")))
        .filter(pk=pk)
        .first()
    )


def plan_task_report_get(pk: int) -> PlanTaskReport | None:
    return PlanTaskReport.objects.select_related("task").filter(pk=pk).first()


def plan_key_units(*, on: dt.date | None = None) -> list[OrgUnit]:
    """The units tasks may be assigned to: the T14 key units as shown for this year (successors of the
    abolished ones), then the other current agencies."""
    today = on or timezone.localdate()
    target = plan_target_get("T14")
    codes = list(target.scope.get("units") or []) if target else []
    shown = [r.unit for r in key_unit_rows(codes, today.year, today=today) if r.unit is not None]
    seen = {u.pk for u in shown}
    others = [
        u
        for u in OrgUnit.objects.valid_on(today).filter(
            kind__in=[OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY, OrgUnitKind.PROVINCE]
        )
        if u.pk not in seen
    ]
    return sorted(shown, key=lambda u: u.code) + others


# -- reviews and their costs ----------------------------------------------------------------------------------


def plan_review_list(*, sector: str = "", q: str = "") -> QuerySet[Review]:
    """Reviews of the procedures of T04's sectors since the plan began, newest first, with their cost."""
    target = plan_target_get("T04")
    codes = list(target.scope.get("sectors") or []) if target else []
    reviews = (
        Review.objects.filter(procedure__sector__code__in=codes, reviewed_on__gte=dt.date(FIRST_YEAR, 1, 1))
        .select_related("procedure", "procedure__sector", "cost_estimate")
        .order_by("-reviewed_on", "-pk")
    )
    if sector:
        reviews = reviews.filter(procedure__sector__code=sector)
    if q:
        reviews = reviews.filter(Q(procedure__code__icontains=q) | Q(procedure__name__icontains=q))
    return reviews


def plan_review_get(pk: int) -> Review | None:
    return (
        Review.objects.select_related("procedure", "procedure__sector", "procedure__agency")
        .filter(pk=pk)
        .first()
    )


def review_cost_of(review: Review) -> ReviewCost | None:
    return ReviewCost.objects.filter(review=review).first()


def plan_sector_options() -> list[tuple[str, str]]:
    target = plan_target_get("T04")
    codes = list(target.scope.get("sectors") or []) if target else []
    found = dict(Procedure.objects.filter(sector__code__in=codes).values_list("sector__code", "sector__name"))
    return sorted(found.items(), key=lambda kv: kv[1])


def procedure_yearly_dossiers(procedure: Procedure, *, year: int | None = None) -> int:
    """Dossiers of the procedure received last year (the default yearly volume of a cost estimate)."""
    year = year or timezone.localdate().year - 1
    figures = period_figures(parse_period(str(year)), by_procedure=True)
    return sum(f["received"] for key, f in figures.items() if key[1] == procedure.pk)


# -- services -------------------------------------------------------------------------------------------------


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _check_file(upload: UploadedFile | None, name: str, problems: _Problems) -> Any:
    if upload is None:
        return None
    try:
        return check_upload(upload, max_bytes=MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        problems.add(name, exc.message)
        return None


def _delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)


def _check_year(year: int, problems: _Problems, today: dt.date) -> None:
    if not FIRST_YEAR <= year <= today.year:
        problems.add(
            "year", _g("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": today.year}
        )


def measurement_enter(
    *,
    actor: User | None,
    target: PlanTarget,
    series: str,
    year: int,
    value: Decimal,
    source_title: str,
    source_date: dt.date,
    source_number: str = "",
    total: Decimal | None = None,
    rank: int | None = None,
    unit: OrgUnit | None = None,
    classification: str = "",
    note: str = "",
    upload: UploadedFile | None = None,
    illustrative: bool = False,
    check_permission: bool = True,
) -> Measurement:
    """Record a figure of ``target`` for ``year`` with its source document; an earlier figure for the same
    series, year and unit is kept, marked superseded. One transaction, one audit row."""
    if check_permission and not plan_can_enter(user=actor):
        raise PlanNotAllowed()
    today = timezone.localdate()
    problems = _Problems()
    spec = plan_series_get(target, series)
    if spec is None:
        problems.add("series", _g("Chỉ tiêu không thuộc mục tiêu %(code)s.") % {"code": target.code})
        problems.raise_if_any()
    assert spec is not None  # noqa: S101 - raised above
    _check_year(year, problems, today)
    if value is None or value < 0:
        problems.add("value", _g("Giá trị phải là số không âm."))
    elif spec.measure in (PERCENT, POINTS) and value > 100:
        problems.add("value", _g("Giá trị theo phần trăm hoặc thang điểm 100 không được lớn hơn 100."))
    elif spec.measure in (COUNT, RATIO) and value > MAX_COUNT:
        problems.add("value", _g("Giá trị quá lớn."))
    elif spec.measure in (COUNT, RATIO) and value != value.to_integral_value():
        problems.add("value", _g("Số lượng phải là số nguyên."))
    if spec.measure == RATIO:
        if total is None:
            problems.add("total", _g("Cần nhập tổng số (mẫu số) để tính tỷ lệ."))
        elif total <= 0 or total != total.to_integral_value():
            problems.add("total", _g("Tổng số phải là số nguyên dương."))
        elif value is not None and value > total:
            problems.add(
                "value",
                _g("Số đạt (%(value)s) không được lớn hơn tổng số (%(total)s).")
                % {"value": num(value), "total": num(total)},
            )
    elif total is not None:
        problems.add("total", _g("Chỉ tiêu này không có tổng số."))
    if spec.rank:
        if rank is None:
            problems.add("rank", _g("Cần nhập thứ hạng của tỉnh."))
        elif not 1 <= rank <= MAX_RANK:
            problems.add("rank", _g("Thứ hạng phải từ 1 đến %(max)s.") % {"max": MAX_RANK})
    elif rank is not None:
        problems.add("rank", _g("Chỉ tiêu này không có thứ hạng."))
    if spec.per_unit and unit is None:
        problems.add("unit", _g("Cần chọn đơn vị."))
    elif not spec.per_unit and unit is not None:
        problems.add("unit", _g("Chỉ tiêu này tính cho cả tỉnh, không chọn đơn vị."))
    elif unit is not None and "year" not in problems.errors:
        allowed = {u.pk for u in plan_unit_options(target, year)}
        if unit.pk not in allowed:
            problems.add(
                "unit",
                _g("Đơn vị “%(name)s” không thuộc danh sách của mục tiêu trong năm %(year)s.")
                % {"name": unit.name, "year": year},
            )
    classification = " ".join((classification or "").split())
    if spec.classification and not classification:
        problems.add("classification", _g("Cần ghi xếp loại (ví dụ: Hoàn thành tốt nhiệm vụ)."))
    title = " ".join((source_title or "").split())
    if not title:
        problems.add("source_title", _g("Cần ghi văn bản nguồn của số liệu (tên văn bản, báo cáo)."))
    if source_date is None:
        problems.add("source_date", _g("Cần ghi ngày của văn bản nguồn."))
    elif source_date > today:
        problems.add("source_date", _g("Ngày văn bản không được sau hôm nay."))
    checked = _check_file(upload, "file", problems)
    problems.raise_if_any()
    with transaction.atomic():
        previous = (
            Measurement.objects.select_for_update()
            .filter(target=target, series=series, year=year, unit=unit, superseded_at__isnull=True)
            .order_by("pk")  # the default ordering joins the nullable unit, which FOR UPDATE refuses
            .first()
        )
        now = timezone.now()
        if previous is not None:
            previous.superseded_at = now
            previous.save(update_fields=["superseded_at"])
        m = Measurement(
            target=target, series=series, year=year, unit=unit, value=value, total=total, rank=rank,
            classification=classification[:100], source_title=title[:500],
            source_number=" ".join((source_number or "").split())[:100], source_date=source_date,
            illustrative=illustrative, note=(note or "").strip(), entered_by=_actor(actor), entered_at=now,
        )  # fmt: skip
        stored = ""
        if checked is not None and upload is not None:
            m.file.save(f"{checked.sha256[:16]}.{checked.kind}", upload, save=False)
            stored = m.file.name or ""
            m.file_name, m.file_sha256 = checked.filename, checked.sha256
        try:
            m.save()
            audit_record(
                action="plan.measurement_entered",
                actor=_actor(actor),
                obj=m,
                data={
                    "target": target.code, "series": series, "year": year,
                    "unit": unit.code if unit else None, "value": str(value),
                    "total": str(total) if total is not None else None, "rank": rank,
                    "classification": classification, "source": title, "source_number": source_number,
                    "source_date": source_date.isoformat(), "file_sha256": m.file_sha256,
                    "illustrative": illustrative,
                    "replaces": {"id": previous.pk, "value": str(previous.value), "rank": previous.rank}
                    if previous is not None else None,
                },
            )  # fmt: skip
        except Exception:
            _delete_file(stored)
            raise
    return m


def _clean_text(value: str) -> str:
    return (value or "").strip()


def plan_task_create(
    *,
    actor: User | None,
    unit: OrgUnit | None,
    title: str,
    deadline: dt.date | None,
    target: PlanTarget | None = None,
    description: str = "",
    illustrative: bool = False,
    check_permission: bool = True,
) -> PlanTask:
    """Assign a plan task to a unit with a deadline (province level only)."""
    if check_permission and not plan_can_enter(user=actor):
        raise PlanNotAllowed(_("Chỉ lãnh đạo, quản trị cấp tỉnh được giao nhiệm vụ kế hoạch."))
    problems = _Problems()
    title = " ".join((title or "").split())
    if not title:
        problems.add("title", _g("Cần ghi tên nhiệm vụ."))
    if unit is None:
        problems.add("unit", _g("Cần chọn đơn vị chủ trì."))
    if deadline is None:
        problems.add("deadline", _g("Cần ghi thời hạn hoàn thành."))
    elif deadline < dt.date(FIRST_YEAR, 1, 1):
        problems.add("deadline", _g("Thời hạn phải từ năm %(year)s trở đi.") % {"year": FIRST_YEAR})
    problems.raise_if_any()
    assert unit is not None and deadline is not None  # noqa: S101 - checked above
    with transaction.atomic():
        task = PlanTask.objects.create(
            unit=unit, title=title[:500], deadline=deadline, target=target,
            description=_clean_text(description), created_by=_actor(actor), illustrative=illustrative,
        )  # fmt: skip
        audit_record(
            action="plan.task_created",
            actor=_actor(actor),
            obj=task,
            data={"unit": unit.code, "title": task.title, "deadline": deadline.isoformat(),
                  "target": target.code if target else None},
        )  # fmt: skip
    return task


def plan_task_report(
    *,
    actor: User | None,
    task: PlanTask,
    reported_on: dt.date | None,
    progress: int | None,
    status: str,
    text: str,
    upload: UploadedFile | None = None,
    check_permission: bool = True,
) -> PlanTaskReport:
    """Record a progress report on ``task`` (its unit's leaders or the province) and update the task."""
    if check_permission and not plan_can_report(user=actor, task=task):
        raise PlanNotAllowed(
            _("Chỉ lãnh đạo đơn vị chủ trì hoặc cấp tỉnh được báo cáo tiến độ nhiệm vụ này.")
        )
    today = timezone.localdate()
    problems = _Problems()
    if reported_on is None:
        problems.add("reported_on", _g("Cần ghi ngày báo cáo."))
    elif reported_on > today:
        problems.add("reported_on", _g("Ngày báo cáo không được sau hôm nay."))
    elif reported_on < task.created_at.date() - dt.timedelta(days=366 * 5):
        problems.add("reported_on", _g("Ngày báo cáo quá xa so với ngày giao nhiệm vụ."))
    if progress is None or not 0 <= progress <= 100:
        problems.add("progress", _g("Tiến độ phải từ 0 đến 100 %."))
    if status not in PlanTaskStatus.values:
        problems.add("status", _g("Tình trạng không hợp lệ."))
    elif status == PlanTaskStatus.DONE and progress is not None and progress != 100:
        problems.add("progress", _g("Nhiệm vụ đã hoàn thành thì tiến độ phải là 100 %."))
    elif status == PlanTaskStatus.NOT_STARTED and progress:
        problems.add("status", _g("Đã có tiến độ thì tình trạng không thể là “Chưa thực hiện”."))
    text = _clean_text(text)
    if not text:
        problems.add("text", _g("Cần ghi kết quả thực hiện."))
    checked = _check_file(upload, "evidence", problems)
    problems.raise_if_any()
    assert reported_on is not None and progress is not None  # noqa: S101 - checked above
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().order_by().get(pk=task.pk)
        report = PlanTaskReport(
            task=task, reported_on=reported_on, progress=progress, status=status, text=text,
            reported_by=_actor(actor),
        )  # fmt: skip
        stored = ""
        if checked is not None and upload is not None:
            report.evidence.save(f"{checked.sha256[:16]}.{checked.kind}", upload, save=False)
            stored = report.evidence.name or ""
            report.evidence_name, report.evidence_sha256 = checked.filename, checked.sha256
        try:
            report.save()
            latest = task.reports.order_by("-reported_on", "-pk").first()
            if latest is not None and latest.pk == report.pk:
                task.progress, task.status = progress, status
                task.completed_on = reported_on if status == PlanTaskStatus.DONE else None
                task.save(update_fields=["progress", "status", "completed_on", "updated_at"])
            audit_record(
                action="plan.task_reported",
                actor=_actor(actor),
                obj=task,
                data={"report": report.pk, "reported_on": reported_on.isoformat(), "progress": progress,
                      "status": status, "evidence_sha256": report.evidence_sha256},
            )  # fmt: skip
        except Exception:
            _delete_file(stored)
            raise
    return report


@dataclass(frozen=True)
class CostSide:
    """One side (before or after) of a standard-cost-model estimate, per dossier."""

    hours: Decimal | None
    wage_rate: int | None
    fees: int | None = 0
    travel: int | None = 0


def review_cost_save(
    *,
    actor: User | None,
    review: Review,
    before: CostSide,
    after: CostSide,
    yearly_dossiers: int | None = None,
    note: str = "",
    illustrative: bool = False,
    check_permission: bool = True,
) -> ReviewCost:
    """Record (or correct) the compliance-cost estimate of a review; one audit row with both versions."""
    if check_permission and not plan_can_cost(user=actor, review=review):
        raise PlanNotAllowed(_("Bạn không có quyền nhập chi phí tuân thủ cho thủ tục này."))
    problems = _Problems()
    for prefix, side in (("before", before), ("after", after)):
        if side.hours is None or side.hours < 0:
            problems.add(f"{prefix}_hours", _g("Thời gian phải là số giờ không âm."))
        elif side.hours > 10000:
            problems.add(f"{prefix}_hours", _g("Thời gian quá lớn (tối đa 10.000 giờ một hồ sơ)."))
        if side.wage_rate is None or side.wage_rate < 0:
            problems.add(f"{prefix}_wage_rate", _g("Chi phí một giờ công phải là số tiền không âm."))
        for name, amount in (("fees", side.fees), ("travel", side.travel)):
            if amount is not None and amount < 0:
                problems.add(f"{prefix}_{name}", _g("Số tiền không được âm."))
            elif amount is not None and amount > 100_000_000_000:
                problems.add(f"{prefix}_{name}", _g("Số tiền quá lớn."))
    if yearly_dossiers is not None and yearly_dossiers < 0:
        problems.add("yearly_dossiers", _g("Số hồ sơ một năm không được âm."))
    problems.raise_if_any()
    with transaction.atomic():
        cost = ReviewCost.objects.select_for_update().filter(review=review).order_by("pk").first()
        old = (
            {"before": cost.before_cost, "after": cost.after_cost, "yearly_dossiers": cost.yearly_dossiers}
            if cost is not None else None
        )  # fmt: skip
        cost = cost or ReviewCost(review=review)
        cost.before_hours, cost.before_wage_rate = before.hours or D(0), before.wage_rate or 0
        cost.before_fees, cost.before_travel = before.fees or 0, before.travel or 0
        cost.after_hours, cost.after_wage_rate = after.hours or D(0), after.wage_rate or 0
        cost.after_fees, cost.after_travel = after.fees or 0, after.travel or 0
        cost.yearly_dossiers, cost.note, cost.illustrative = yearly_dossiers, _clean_text(note), illustrative
        cost.entered_by = _actor(actor) or cost.entered_by
        cost.save()
        audit_record(
            action="plan.review_cost_saved",
            actor=_actor(actor),
            obj=cost,
            data={"review": review.pk, "procedure": review.procedure.code, "before": cost.before_cost,
                  "after": cost.after_cost, "yearly_dossiers": yearly_dossiers, "previous": old},
        )  # fmt: skip
    return cost


def plan_file(kind: str, pk: int) -> tuple[Any, str, str] | None:
    """(file field, download name, sha256) of a measurement's source file or a report's evidence."""
    if kind == "so-lieu":
        m = Measurement.objects.filter(pk=pk).first()
        if m is not None and m.file:
            return m.file, m.file_name or "van-ban", m.file_sha256
    elif kind == "bao-cao":
        r = PlanTaskReport.objects.filter(pk=pk).first()
        if r is not None and r.evidence:
            return r.evidence, r.evidence_name or "minh-chung", r.evidence_sha256
    return None


__all__ = [
    "BASELINE",
    "COMPUTED",
    "ENTERED",
    "MET",
    "NOT_MET",
    "NO_DATA",
    "ON_TRACK",
    "STATUS_LABELS",
    "Comparison",
    "Context",
    "CostSide",
    "KeyUnitRow",
    "MetricKind",
    "PlanError",
    "PlanInputError",
    "PlanNotAllowed",
    "Row",
    "Series",
    "TargetDetail",
    "Value",
    "assessable_units",
    "assessed_units",
    "key_unit_rows",
    "key_units_for_year",
    "measurement_enter",
    "plan_can_cost",
    "plan_can_enter",
    "plan_can_report",
    "plan_default_year",
    "plan_file",
    "plan_key_units",
    "plan_measurement_get",
    "plan_measurement_history",
    "plan_review_get",
    "plan_review_list",
    "plan_scorecard",
    "plan_sector_options",
    "plan_series",
    "plan_series_get",
    "plan_status_counts",
    "plan_target_detail",
    "plan_target_get",
    "plan_target_list",
    "plan_task_create",
    "plan_task_get",
    "plan_task_list",
    "plan_task_report",
    "plan_task_report_get",
    "plan_unit_options",
    "plan_years",
    "previous_totals",
    "procedure_yearly_dossiers",
    "received_elsewhere",
    "review_cost_of",
    "review_cost_save",
    "target_values",
]
