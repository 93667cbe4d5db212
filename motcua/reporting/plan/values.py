"""The values of the scorecard and how they are shown: the plan's years, the statuses and origins of a
value, what officers may enter per target (``Series``), a target's value for one year (``Value``), its row
on the scorecard (``Row``), a T14 key unit as shown for a year (``KeyUnitRow``), and the number formatting
they share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.org.models import OrgUnit

from ..plan_models import Comparison, Measurement, PlanTarget

D = Decimal
FIRST_YEAR = 2021  # the plan's first year (and the baseline of T16, T17)
PLAN_END_YEAR = 2025

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


# -- a T14 key unit as shown for a year -------------------------------------------------------------------


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
