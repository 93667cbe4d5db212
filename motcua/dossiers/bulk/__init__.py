"""Dossier rows written in bulk: the row types (``rows``) and the table writer (``tables``)."""

from .rows import ComponentRow, DossierRow, EventRow, PauseRow, StepRow, Story
from .tables import Table, Tables, chain_events, new_dossier_ids

__all__ = [
    "ComponentRow",
    "DossierRow",
    "EventRow",
    "PauseRow",
    "StepRow",
    "Story",
    "Table",
    "Tables",
    "chain_events",
    "new_dossier_ids",
]
