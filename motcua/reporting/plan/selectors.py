"""Selectors of the scorecard: the targets, the scorecard of a year, a target's detail (what explains its
value: per-index, per-sector, per-unit tables, the entered history), measurements and the unit options."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.catalogue.choices import ProcedureLevel
from motcua.catalogue.models import Procedure, Review
from motcua.dossiers.models import Channel, Dossier
from motcua.org.models import OrgUnit

from ..plan_models import Measurement, PlanTarget, PlanTask, ReviewCost
from .compute import _reviewed_procedures, target_values
from .context import Context
from .errors import PlanError
from .units import assessable_units, assessed_units, key_unit_rows, key_units_for_year, previous_totals
from .values import (
    FIRST_YEAR,
    SERIES,
    STATUS_LABELS,
    Row,
    Series,
    _percent_text,
    _year_bounds,
    pct,
    plan_series,
    plan_years,
)


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
