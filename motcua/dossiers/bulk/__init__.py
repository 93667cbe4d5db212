"""Dossier rows written in bulk: the row types (``rows``) and their tables (``tables``, with ``motcua.core.bulk``)."""

from .rows import ComponentRow, DossierRow, EventRow, PauseRow, StepRow, Story
from .tables import Tables, chain_events, new_dossier_ids

__all__ = [
    "ComponentRow",
    "DossierRow",
    "EventRow",
    "PauseRow",
    "StepRow",
    "Story",
    "Tables",
    "chain_events",
    "new_dossier_ids",
]
