"""The early-warning queue of a scope: the open dossiers with their risk (``scoring.open_risks``), narrowed to
one resolving unit and one level, with the count of each level. The back office's page and the API read it
from here, so both show the same dossiers in the same order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from motcua.accounts.models import User

from .forecast import Risk
from .scoring import open_risks

#: The levels of a risk, worst first (``Risk.level``).
LEVELS: tuple[str, ...] = ("overdue", "high", "watch", "low")
#: The queue's level filters: "" = every dossier not yet past due; "overdue" = past due; else that level.
LEVEL_FILTERS: tuple[str, ...] = ("", "high", "watch", "overdue")


@dataclass
class RiskQueue:
    risks: list[Risk]  # every open dossier of the scope (of the chosen unit, if any), riskiest first
    shown: list[Risk]  # those of the chosen level filter
    counts: dict[str, int]  # level → how many of ``risks``
    units: list[tuple[str, str]]  # (code, name) of the resolving units of the whole scope, by name

    @property
    def total(self) -> int:
        return len(self.risks)

    def filter_count(self, level: str) -> int:
        """How many dossiers the filter ``level`` shows ("" = every dossier not yet past due)."""
        if level == "":
            return self.counts["high"] + self.counts["watch"] + self.counts["low"]
        return self.counts[level]


def early_warning_queue(
    *,
    user: User | None = None,
    unit_ids: Iterable[int] | None = None,
    unit_code: str = "",
    level: str = "",
    now: dt.datetime | None = None,
) -> RiskQueue:
    """The queue of the scope (``user``'s dossiers, and/or those linked to ``unit_ids``): only the dossiers
    resolved by ``unit_code`` when given, and the level filter ``level`` (one of ``LEVEL_FILTERS``; anything
    else is read as "")."""
    level = level if level in LEVEL_FILTERS else ""
    risks = open_risks(user=user, unit_ids=unit_ids, now=now)
    units = sorted(
        {(r.dossier.resolving_unit.code, r.dossier.resolving_unit.name) for r in risks if r.dossier},
        key=lambda item: item[1],
    )
    if unit_code:
        risks = [r for r in risks if r.dossier and r.dossier.resolving_unit.code == unit_code]
    counts = {key: sum(r.level == key for r in risks) for key in LEVELS}
    if level == "overdue":
        shown = [r for r in risks if r.overdue]
    elif level:
        shown = [r for r in risks if r.level == level]
    else:
        shown = [r for r in risks if not r.overdue]
    return RiskQueue(risks=risks, shown=shown, counts=counts, units=units)
