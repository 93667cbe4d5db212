"""Early warning: how likely each open dossier is to finish late, and why; and how well that held in the past.

The model (docs/architecture/early-warning.md), for a dossier whose clock runs or is paused:

1. **Time left**: the working time from now (from the start of the pause, when the clock is stopped) to the
   dossier's due moment, on the resolving unit's calendar — the calendar its due moment was computed on.
2. **The steps still to run**: the open step, then the steps the process leads to until the one that ends
   the processing (its action goes to END or to the return step at the receiving point): at each step the
   forward action to the nearest later step of the process. The return of the result comes after the
   decision and does not count (the dossier's outcome is decided at the decision).
3. **What each step takes at its unit**: the working time (pauses of the dossier taken out) of every pass
   through the same step of the same procedure at the same unit that finished in the last ``HISTORY_DAYS``
   before now. With at least ``MIN_SAMPLES`` passes the step draws from that empirical distribution; for the
   open step, only from the passes that lasted longer than it has already run, minus that time (what is left
   of a step that has taken e hours, given that similar steps took longer than e). With too little history
   the step takes its budget (what is left of it, for the open step; at least ``MIN_REST_HOURS``).
4. **Risk** = the share of ``DRAWS`` simulated totals (one independent draw per step, from a generator
   seeded with the dossier's id, so the figure is stable between page loads) that exceed the time left. A
   dossier already past its due moment has risk 1.

Each figure comes with its reasons in words ("bước Thẩm định ở Sở NN&MT thường mất 4,2 ngày làm việc …").
``open_risks`` scores every open dossier of a scope in a fixed handful of queries; ``evaluate`` replays the
model on finished dossiers at the moment half of their time budget had run, with only what was known then.

The modules, each importing only those above it:

* ``units``: the org units and their calendars (``OrgIndex``), working time, budgets, durations in words;
* ``history``: the finished passes through the steps (``Observation``, ``observe_steps``, ``StepHistory``);
* ``forecast``: the result for one dossier (``Risk``, ``StepForecast``) and its reasons in words;
* ``model``: the steps still to run (``remaining_path``) and the simulation (``Case``, ``assess``);
* ``scoring``: the open dossiers of a scope (``scope_dossiers``, ``open_risks``);
* ``queue``: the early-warning queue of a scope, by unit and level (``early_warning_queue``);
* ``evaluation``: the replay on history (``evaluate``) and its record in the audit chain.

The names below are re-exported for callers that import the package; code of the project imports the
module that defines a name.
"""

from .evaluation import (
    BANDS,
    DEFAULT_THRESHOLD,
    EVALUATION_ACTION,
    Counts,
    Evaluation,
    checkpoint,
    evaluate,
    evaluation_latest,
    evaluation_record,
)
from .forecast import HIGH, WATCH, Risk, StepForecast
from .history import (
    ANY_UNIT,
    HISTORY_DAYS,
    MAX_CORRELATION,
    MIN_PAIRS,
    MIN_SAMPLES,
    Key,
    Observation,
    StepHistory,
    observe_steps,
)
from .model import DRAWS, MIN_REST_HOURS, MIN_SURVIVORS, Case, assess, remaining_path
from .scoring import PAUSED, SCORED, open_risks, scope_dossiers
from .units import OrgIndex, Span, budget_hours, day_hours, fmt_duration, fmt_short, working_hours

__all__ = [
    "ANY_UNIT",
    "BANDS",
    "DEFAULT_THRESHOLD",
    "DRAWS",
    "EVALUATION_ACTION",
    "HIGH",
    "HISTORY_DAYS",
    "MAX_CORRELATION",
    "MIN_PAIRS",
    "MIN_REST_HOURS",
    "MIN_SAMPLES",
    "MIN_SURVIVORS",
    "PAUSED",
    "SCORED",
    "WATCH",
    "Case",
    "Counts",
    "Evaluation",
    "Key",
    "Observation",
    "OrgIndex",
    "Risk",
    "Span",
    "StepForecast",
    "StepHistory",
    "assess",
    "budget_hours",
    "checkpoint",
    "day_hours",
    "evaluate",
    "evaluation_latest",
    "evaluation_record",
    "fmt_duration",
    "fmt_short",
    "observe_steps",
    "open_risks",
    "remaining_path",
    "scope_dossiers",
    "working_hours",
]
