"""The public transparency page and the open data: per unit the Decision 766 total, on-time, online and
online-payment rates and satisfaction; the apologies for late dossiers counted by unit, sector and month;
the catalogue in figures. Aggregates only: nothing here reads or returns a name, a personal ID, a dossier
code or an apology's text (its reason is free text written about one dossier, so it is never published).

Read from the fact table and scored by ``kpi766`` with every read shared (``kpi766_all``'s way), plus one
read of the evaluations per period; computed once per period and day and kept in the cache
(``transparency_cached``) for ``CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.catalogue.choices import OnlineLevel, ProcedureLevel
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import published_versions
from motcua.feedback.models import SATISFIED_LEVELS, Evaluation
from motcua.org.models import OrgUnit

from .dashboard import RANKED_KINDS, _active, percent, province_unit, ranking_units, ratio_of
from .figures import Tree, period_figures, period_flows, rollup
from .kpi766 import ONLINE_BY_PROCEDURE, Catalogue, Feedback, Scorecard, kpi766
from .periods import Period
from .providers import period_sync_figures

CACHE_SECONDS = 300
D = Decimal


@dataclass
class UnitFigures:
    """One unit's (with its subtree's) figures for the period."""

    rank: int  # 0 for the province
    code: str
    name: str
    kind: str  # "province", "agency" or "commune" (the ranking it belongs to)
    old: bool  # ended before the period's end (a historic district, a merged agency)
    successor: str
    total: Decimal  # 766 points
    max_total: Decimal
    on_time: Decimal | None  # percent, 766 item 2.1
    online: Decimal | None  # percent, 766 item 3.3
    online_payment: Decimal | None  # percent, 766 item 3.6
    satisfaction: Decimal | None  # percent of the evaluations "very satisfied" or "satisfied" (plan T08)
    evaluations: int
    received: int
    received_online: int
    resolved: int
    resolved_late: int
    in_progress: int
    in_progress_overdue: int
    apologies: int

    @property
    def total_bar(self) -> int:
        return int(self.total * 100 / self.max_total) if self.max_total else 0


@dataclass(frozen=True)
class Tally:
    key: str  # a unit or sector code, or a month "2026-03"
    label: str
    count: int


@dataclass(frozen=True)
class ApologyRow:
    """The open-data grain: apologies of one month, by one unit, in one sector."""

    month: str
    unit_code: str
    unit_name: str
    sector_code: str
    sector_name: str
    apologies: int


@dataclass
class Apologies:
    total: int
    by_unit: list[Tally] = field(default_factory=list)  # the agency or commune (or the province itself)
    by_sector: list[Tally] = field(default_factory=list)
    by_month: list[Tally] = field(default_factory=list)  # every month of the period, zeros included
    rows: list[ApologyRow] = field(default_factory=list)


@dataclass
class Transparency:
    period: Period
    province: UnitFigures
    units: dict[str, list[UnitFigures]]  # "agency", "commune"
    apologies: Apologies
    computed_at: dt.datetime

    @property
    def empty(self) -> bool:
        p = self.province
        return not (p.received or p.resolved or p.in_progress)


# -- satisfaction ----------------------------------------------------------------------------------------


def evaluations_by_unit(period: Period) -> dict[int, tuple[int, int]]:
    """Per resolving unit: (evaluations given in the period, of which satisfied), from one grouped read."""
    start, end = period.moments()
    rows = (
        Evaluation.objects.filter(given_at__gte=start, given_at__lt=end)
        .values("dossier__resolving_unit_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfaction__in=SATISFIED_LEVELS)))
        .values_list("dossier__resolving_unit_id", "n", "ok")
    )
    return {unit_id: (n, ok) for unit_id, n, ok in rows if unit_id is not None}


def _evaluations(by_unit: dict[int, tuple[int, int]], members: set[int]) -> tuple[int, int]:
    total = satisfied = 0
    for unit_id, (n, ok) in by_unit.items():
        if unit_id in members:
            total += n
            satisfied += ok
    return total, satisfied


# -- per unit --------------------------------------------------------------------------------------------


def _unit_figures(
    card: Scorecard, unit: OrgUnit, kind: str, period: Period, evaluations: tuple[int, int], successor: str
) -> UnitFigures:
    f = card.figures
    ind = {i.code: i for i in card.indicators}
    old = unit.valid_to is not None and unit.valid_to < period.end
    return UnitFigures(
        rank=0,
        code=unit.code,
        name=unit.name,
        kind=kind,
        old=old,
        successor=successor if old else "",
        total=card.total,
        max_total=card.max_total,
        on_time=percent(ind["2.1"].ratio),
        online=percent(ind["3.3"].ratio),
        online_payment=percent(ind["3.6"].ratio),
        satisfaction=percent(ratio_of(evaluations[1], evaluations[0])),
        evaluations=evaluations[0],
        received=f["received"],
        received_online=f["received_online"],
        resolved=f["resolved"],
        resolved_late=f["resolved_late"],
        in_progress=f["in_progress"],
        in_progress_overdue=f["in_progress_overdue"],
        apologies=f["apologies"],
    )


def _ranked(rows: list[UnitFigures]) -> list[UnitFigures]:
    """By the 766 total, then the on-time rate, then the volume (the quality page's order); equal totals
    share a rank."""
    rows.sort(key=lambda r: (-r.total, -(r.on_time or D(-1)), -r.received, r.code))
    previous: Decimal | None = None
    for i, row in enumerate(rows, start=1):
        row.rank = i if row.total != previous else rows[i - 2].rank
        previous = row.total
    return rows


# -- apologies -------------------------------------------------------------------------------------------


def months_of(period: Period, today: dt.date) -> list[Period]:
    """The calendar months of the period, clipped to it and to today (nothing in the future)."""
    end = min(period.end, today)
    months: list[Period] = []
    cursor = period.start.replace(day=1)
    while cursor <= end:
        nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        months.append(
            Period(max(cursor, period.start), min(nxt - dt.timedelta(days=1), end), f"{cursor:%Y-%m}")
        )
        cursor = nxt
    return months


def _nearest(tree: Tree, ranked: set[int], root: int) -> dict[int, int]:
    """Each unit → itself or its nearest ancestor among ``ranked`` (else the province ``root``)."""
    found: dict[int, int] = {}
    for pk in tree.units:
        cursor: int | None = pk
        seen: set[int] = set()
        while cursor is not None and cursor not in ranked and cursor not in seen:
            seen.add(cursor)
            cursor = tree.units[cursor].parent_id if cursor in tree.units else None
        found[pk] = cursor if cursor is not None and cursor in ranked else root
    return found


def apologies_figures(period: Period, tree: Tree, province: OrgUnit, *, today: dt.date) -> Apologies:
    """The period's apologies (Circular 03/2025 form 04, from the fact table's ``apologies`` flow) per
    month × unit × sector, each resolving unit counted under its agency or commune."""
    ranked = {
        u.pk for u in tree.units.values() if u.kind in {*RANKED_KINDS["agency"], *RANKED_KINDS["commune"]}
    }
    owner = _nearest(tree, ranked, province.pk)
    cells: dict[tuple[str, int, int], int] = defaultdict(int)
    months = months_of(period, today)
    for month in months:
        for (unit_id, procedure_id), row in period_flows(month, ("apologies",), by_procedure=True).items():
            if row["apologies"]:
                cells[(month.label, owner.get(unit_id, province.pk), procedure_id)] += row["apologies"]
    sectors = {
        pk: (code, name)
        for pk, code, name in Procedure.objects.filter(pk__in={k[2] for k in cells}).values_list(
            "pk", "sector__code", "sector__name"
        )
    }
    units = {**tree.units, province.pk: province}
    rows = sorted(
        (
            ApologyRow(
                month,
                units[unit_id].code,
                units[unit_id].name,
                *sectors.get(procedure_id, ("", "")),
                count,
            )
            for (month, unit_id, procedure_id), count in cells.items()
        ),
        key=lambda r: (r.month, r.unit_code, r.sector_code),
    )
    return Apologies(
        total=sum(r.apologies for r in rows),
        by_unit=_tally(rows, lambda r: (r.unit_code, r.unit_name)),
        by_sector=_tally(rows, lambda r: (r.sector_code, r.sector_name)),
        by_month=[
            Tally(m.label, f"{m.start:%m/%Y}", sum(r.apologies for r in rows if r.month == m.label))
            for m in months
        ],
        rows=rows,
    )


def _tally(rows: list[ApologyRow], key: Callable[[ApologyRow], tuple[str, str]]) -> list[Tally]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        counts[key(r)] += r.apologies
    return sorted((Tally(k, label, n) for (k, label), n in counts.items()), key=lambda t: (-t.count, t.label))


# -- the page --------------------------------------------------------------------------------------------


def transparency(period: Period, *, today: dt.date | None = None) -> Transparency | None:
    """Everything the transparency page and the open data of ``period`` show; None without an org tree."""
    province = province_unit()
    if province is None:
        return None
    today = today or timezone.localdate()
    tree = Tree()
    per_unit = period_figures(period)
    per_procedure = period_flows(period, ONLINE_BY_PROCEDURE, by_procedure=True)
    catalogue = Catalogue()
    feedback = Feedback(period)
    sync = period_sync_figures(period)
    evaluations = evaluations_by_unit(period)

    def figures_of(unit: OrgUnit, kind: str, successor: str = "") -> UnitFigures:
        card = kpi766(
            unit,
            period,
            tree=tree,
            per_unit=per_unit,
            per_procedure=per_procedure,
            catalogue=catalogue,
            feedback=feedback,
            sync=sync,
        )
        return _unit_figures(
            card, unit, kind, period, _evaluations(evaluations, tree.subtree(unit.pk)), successor
        )

    units: dict[str, list[UnitFigures]] = {}
    with calendar_snapshot_memo():
        whole = figures_of(province, "province")
        for kind in ("agency", "commune"):
            chosen = ranking_units(kind)
            names = dict(
                OrgUnit.objects.filter(pk__in={u.successor_id for u in chosen if u.successor_id}).values_list(
                    "pk", "name"
                )
            )
            rows = []
            for unit in chosen:
                if not _active(unit, period, rollup(per_unit, tree, unit.pk)):
                    continue
                rows.append(figures_of(unit, kind, names.get(unit.successor_id or 0, "")))
            units[kind] = _ranked(rows)
    return Transparency(
        period=period,
        province=whole,
        units=units,
        apologies=apologies_figures(period, tree, province, today=today),
        computed_at=timezone.now(),
    )


def transparency_cached(period_key: str, period: Period) -> Transparency | None:
    """``transparency(period)``, computed once per period, day and language for ``CACHE_SECONDS``."""
    key = f"motcua:transparency:{period_key}:{timezone.localdate():%Y%m%d}:{get_language()}"
    data: Transparency | None = cache.get(key)
    if data is None:
        data = transparency(period)
        cache.set(key, data, CACHE_SECONDS)
    return data


# -- the catalogue in figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorSummary:
    sector_code: str
    sector_name: str
    procedures: int
    level_province: int
    level_commune: int
    level_delegated: int
    online_full: int
    online_partial: int
    online_none: int
    with_fees: int
    for_citizens: int
    for_businesses: int


def catalogue_summary() -> list[SectorSummary]:
    """The published procedures (their current versions) counted per sector, from one grouped read."""

    def n(**where: object) -> Count:
        return Count("pk", filter=Q(**where))

    rows = (
        published_versions()
        .values("sector__code", "sector__name")
        .annotate(
            procedures=Count("pk"),
            level_province=n(level=ProcedureLevel.PROVINCE),
            level_commune=n(level=ProcedureLevel.COMMUNE),
            level_delegated=n(level=ProcedureLevel.DELEGATED),
            online_full=n(online_level=OnlineLevel.FULL),
            online_partial=n(online_level=OnlineLevel.PARTIAL),
            online_none=n(online_level=OnlineLevel.NONE),
            with_fees=n(has_fees=True),
            for_citizens=n(for_citizen=True),
            for_businesses=n(for_business=True),
        )
        .order_by("sector__code")
    )
    return [
        SectorSummary(sector_code=r.pop("sector__code"), sector_name=r.pop("sector__name"), **r) for r in rows
    ]


def catalogue_summary_cached() -> list[SectorSummary]:
    key = f"motcua:open-data:catalogue:{timezone.localdate():%Y%m%d}"
    data: list[SectorSummary] | None = cache.get(key)
    if data is None:
        data = catalogue_summary()
        cache.set(key, data, CACHE_SECONDS)
    return data
