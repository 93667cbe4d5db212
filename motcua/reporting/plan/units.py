"""The units of the per-unit targets: T14's key units as shown for a year (the historic units through the
years they existed, their successors after) with their 766 totals and ranks, and the units T20 assesses."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_successor_on

from ..figures import empty_figures, rollup
from ..kpi766 import kpi766
from ..plan_models import Measurement, PlanTarget
from .context import Context
from .values import COMPUTED, ENTERED, FIRST_YEAR, KeyUnitRow, _year_bounds

D = Decimal


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
