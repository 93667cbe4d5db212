"""Computing each target per year, and judging its status against the target.

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
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import Procedure, Review

from ..plan_models import Comparison, PlanTarget
from .context import Context, _indicator
from .units import assessed_units, key_units_for_year, previous_totals
from .values import (
    BASELINE,
    COMPUTED,
    COUNT,
    ENTERED,
    FIRST_YEAR,
    MET,
    NO_DATA,
    NONE,
    NOT_MET,
    ON_TRACK,
    POINTS,
    RATIO,
    Value,
    _percent_text,
    _year_bounds,
    num,
    pct,
    plan_series,
    plan_series_get,
)

D = Decimal


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
