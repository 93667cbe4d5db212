"""The figures of a period per unit (and procedure), from the fact table, rolled up over the org tree.

A period's flow = cumulative(end) − cumulative(day before start); a stock is read at the end (in progress)
and at the day before the start (carried over). Two cumulative reads answer any period, whatever its
length and however much history lies before it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.utils import timezone

from motcua.org.models import OrgUnit

from .counters import FLOWS, STOCKS
from .facts_store import cumulative, window_sums
from .periods import Period

Figures = dict[str, int]

#: The figures of a period (Biểu 06's columns and what the 766 formulas need), from flows and stocks.
DERIVED = (
    "carried_over",  # in progress at the end of the day before the period (open + waiting for a supplement)
    "received_total",  # received in the period + carried over (Biểu 06 "Tổng số")
    "received_counter_postal",
    "in_progress",  # at the end of the period, open or waiting for a supplement
    "in_progress_overdue",  # open and past the due moment, or waiting after a late supplement request
    "in_progress_within",
)


def _figures(end: Mapping[str, int], before: Mapping[str, int]) -> Figures:
    out: Figures = {name: end.get(name, 0) - before.get(name, 0) for name in FLOWS}
    for name in STOCKS:
        out[f"{name}_end"] = end.get(name, 0)
        out[f"{name}_before"] = before.get(name, 0)
    out["carried_over"] = before.get("open", 0) + before.get("pending_ok", 0) + before.get("pending_late", 0)
    out["received_total"] = out["received"] + out["carried_over"]
    out["received_counter_postal"] = out["received_counter"] + out["received_postal"]
    out["in_progress"] = end.get("open", 0) + end.get("pending_ok", 0) + end.get("pending_late", 0)
    out["in_progress_overdue"] = end.get("overdue", 0) + end.get("pending_late", 0)
    out["in_progress_within"] = out["in_progress"] - out["in_progress_overdue"]
    return out


def empty_figures() -> Figures:
    return _figures({}, {})


def period_figures(
    period: Period, *, by_procedure: bool = False, unit_ids: Iterable[int] | None = None
) -> dict[tuple[int, ...], Figures]:
    """Figures per resolving unit (or unit and procedure) that has any, for ``period``."""
    ids = list(unit_ids) if unit_ids is not None else None
    # A period that runs into the future is read as it stands today (nothing is overdue "in advance").
    end = cumulative(min(period.end, timezone.localdate()), by_procedure=by_procedure, unit_ids=ids)
    before = cumulative(period.before, by_procedure=by_procedure, unit_ids=ids)
    return {key: _figures(end.get(key, {}), before.get(key, {})) for key in end.keys() | before.keys()}


def period_flows(
    period: Period, names: tuple[str, ...], *, by_procedure: bool = False
) -> dict[tuple[int, ...], Figures]:
    """Only the flows ``names`` over ``period``, read from the period's own rows (no cumulative sums):
    a narrower, faster read than ``period_figures``."""
    end = min(period.end, timezone.localdate())
    sums = window_sums(period.start, end, by_procedure=by_procedure, names=names)
    return {key: {n: row.get(n, 0) for n in names} for key, row in sums.items()}


def add(total: Figures, more: Mapping[str, int]) -> Figures:
    for name, value in more.items():
        total[name] = total.get(name, 0) + value
    return total


class Tree:
    """The org tree as parent links, read once: subtrees for roll-ups (historic units included)."""

    def __init__(self) -> None:
        self.units = {u.pk: u for u in OrgUnit.objects.only("pk", "code", "name", "parent_id", "kind")}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for unit in self.units.values():
            self.children[unit.parent_id].append(unit.pk)

    def subtree(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            pk = stack.pop()
            if pk in found:
                continue
            found.add(pk)
            stack.extend(self.children.get(pk, ()))
        return found

    def by_code(self, code: str) -> OrgUnit | None:
        return next((u for u in self.units.values() if u.code == code), None)

    def roots(self) -> list[OrgUnit]:
        return [self.units[pk] for pk in self.children.get(None, [])]


def rollup(per_unit: Mapping[tuple[int, ...], Figures], tree: Tree, unit_id: int) -> Figures:
    """The figures of ``unit_id`` and its whole subtree."""
    members = tree.subtree(unit_id)
    total = empty_figures()
    for key, figures in per_unit.items():
        if key[0] in members:
            add(total, figures)
    return total


def day_range(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=i) for i in range(period.days)]
