"""Figures the scorecard takes from layers above it, through functions they register when Django starts.

Indicator 1.4 of Decision 766 (dossiers synchronised to the national portal / dossiers received) needs the
synchronisation's state, which lives in ``motcua.integrations`` — above reporting in the import order.
``IntegrationsConfig.ready`` registers the provider here; ``kpi766`` reads it. With no provider, or when the
provider answers None (the province is not connected to the portal), item 1.4 stays "không áp dụng".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from .periods import Period

#: Per resolving unit id: (dossiers synchronised, dossiers received) of the period.
SyncFigures = Mapping[int, tuple[int, int]]
SyncProvider = Callable[[Period], SyncFigures | None]

_providers: dict[str, SyncProvider | None] = {"sync": None}


def register_sync_figures(provider: SyncProvider | None) -> None:
    """Set the provider of 766 item 1.4 (None removes it)."""
    _providers["sync"] = provider


def sync_figures_provider() -> SyncProvider | None:
    return _providers["sync"]


def period_sync_figures(period: Period) -> SyncFigures | None:
    """The period's figures per unit, or None: no provider, or the provider has none (not connected)."""
    provider = _providers["sync"]
    return provider(period) if provider is not None else None


def sync_share(figures: SyncFigures | None, members: Collection[int]) -> tuple[int, int]:
    """(synchronised, received) over the units ``members`` (a unit and its subtree); (0, 0) = N/A."""
    if figures is None:
        return 0, 0
    synced = received = 0
    for unit_id, (done, total) in figures.items():
        if unit_id in members:
            synced += done
            received += total
    return synced, received
