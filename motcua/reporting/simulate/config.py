"""What to simulate (``SimulationConfig``), what a simulation gives (``SimulationResult``), why it cannot
run (``SimulationError``), the mark of a simulated dossier and the units of simulated time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from motcua.catalogue.choices import HOURS_PER_WORKING_DAY

#: The key of ``Dossier.form_data`` that marks a simulated dossier.
SIMULATED_KEY = "_simulated"

SECOND_US = 1_000_000
HOUR_US = 3600 * SECOND_US
DAY_US = HOURS_PER_WORKING_DAY * HOUR_US
#: ``close_expired_supplements`` is taken to run every night at this time (the scheduler's choice).
CLOSE_JOB_TIME = dt.time(0, 5)


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate. Shares are of the dossiers; the online share grows linearly over the range."""

    dossiers: int
    start: dt.date
    end: dt.date
    seed: int = 1
    batch: int = 2000
    online_start: float = 0.30
    online_end: float = 0.60
    postal: float = 0.03  # of the dossiers that are not online
    refused: float = 0.03  # of the online dossiers, refused at intake
    supplement: float = 0.08
    supplement_never: float = 0.25  # of the supplement requests: no supplement comes
    suspension: float = 0.005
    withdrawal: float = 0.01
    slow: float = 0.07  # dossiers whose processing overruns (most become late, some apologise)
    apology: float = 0.35  # of the slow dossiers
    send_back: float = 0.03
    not_eligible: float = 0.05
    e_result_start: float = 0.35
    e_result_end: float = 0.65
    paper_handover: float = 0.15

    def __post_init__(self) -> None:
        if self.dossiers < 0:
            raise ValueError("dossiers must be >= 0")
        if self.end < self.start:
            raise ValueError("end must not be before start")
        if self.batch < 1:
            raise ValueError("batch must be >= 1")


@dataclass
class SimulationResult:
    dossiers: int = 0
    events: int = 0
    steps: int = 0
    components: int = 0
    seconds: float = 0.0
    by_status: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds if self.seconds > 0 else 0.0

    @property
    def late_share(self) -> float:
        """Late among the decided dossiers."""
        decided = sum(self.by_outcome.values())
        return self.by_outcome["late"] / decided if decided else 0.0


class SimulationError(Exception):
    """The simulation cannot run (nothing to simulate with, or the range is already simulated)."""
