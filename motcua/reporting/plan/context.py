"""The context of one computation: facts read once per year, measurements read once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from motcua.org.models import OrgUnit, OrgUnitKind

from ..figures import Figures, Tree, add, empty_figures, period_figures
from ..kpi766 import Scorecard, kpi766
from ..periods import Period, parse_period
from ..plan_models import Measurement, PlanTarget
from .values import KeyUnitRow, Value


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
