"""The demo's simulated history: a year before today, from a fixed seed, then the scorecard's facts
rebuilt."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .config import SimulationConfig
from .run import simulate, simulated_exist

#: The demo's simulated history: how many dossiers over the year before today, from a fixed seed.
DEMO_HISTORY_DOSSIERS = 2000
DEMO_HISTORY_SEED = 2025


def seed_demo_history(*, dossiers: int = DEMO_HISTORY_DOSSIERS) -> int:
    """One year of simulated history for the demo (a year before today to yesterday), then the scorecard's
    facts rebuilt; once: nothing is done when simulated dossiers exist. Returns how many were created."""
    if dossiers <= 0 or simulated_exist():
        return 0
    today = timezone.localdate()
    config = SimulationConfig(
        dossiers=dossiers,
        start=today - dt.timedelta(days=365),
        end=today - dt.timedelta(days=1),
        seed=DEMO_HISTORY_SEED,
    )
    created = simulate(config).dossiers
    from motcua.reporting.facts import facts_rebuild

    facts_rebuild()
    return created
