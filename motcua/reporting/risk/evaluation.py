"""Evaluation on history (docs/architecture/early-warning.md §4): ``evaluate`` replays the model on decided
dossiers at the moment half of their time budget had run (``checkpoint``), with only what was known then,
and counts its predictions against the outcomes, beside the budget-only baseline. ``evaluation_record``
keeps the figures in the audit chain; ``evaluation_latest`` reads the last ones back for the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendar.engine.deadlines import DEFAULT_CUTOFF, Pause, due_moment, shift_by_pauses
from motcua.calendar.engine.snapshot import CalendarSnapshot
from motcua.calendar.errors import CalendarError
from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.catalogue.choices import SupplementRule
from motcua.catalogue.spec import ProcedureSpec
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierStep, StepOutcome
from motcua.dossiers.procedure import legal_limit, procedure_spec

from .history import HISTORY_DAYS, StepHistory, passes_done
from .model import Case, assess
from .scoring import scope_dossiers
from .units import OrgIndex, Span, pause_spans

#: Risk from which "will be late" is predicted in the evaluation (and ``--threshold``).
DEFAULT_THRESHOLD = 0.5
#: The bands of predicted risk of the evaluation's reliability table.
BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.1),
    (0.1, 0.3),
    (0.3, 0.5),
    (0.5, 0.7),
    (0.7, 0.9),
    (0.9, 1.0),
)
#: The audit action under which ``motcua risk --evaluate`` keeps its figures for the pages.
EVALUATION_ACTION = "reporting.risk_evaluated"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.total if self.total else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": self.accuracy,
            "f1": self.f1,
        }


@dataclass
class Evaluation:
    start: dt.date | None
    end: dt.date | None
    threshold: float
    finished: int = 0  # finished dossiers in the range
    evaluated: int = 0
    decided_before: int = 0  # decided before the checkpoint: nothing left to predict
    skipped: int = 0  # no step open at the checkpoint, or outside the calendar
    late: int = 0  # evaluated and actually late
    counts: Counts = field(default_factory=Counts)
    baseline: Counts = field(default_factory=Counts)  # every step takes its budget
    by_threshold: dict[str, Counts] = field(default_factory=dict)
    brier: float | None = None
    #: Reliability: per band of predicted risk, how many dossiers and how many of them were late.
    bands: list[tuple[float, float, int, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def base_rate(self) -> float | None:
        return self.late / self.evaluated if self.evaluated else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "threshold": self.threshold,
            "finished": self.finished,
            "evaluated": self.evaluated,
            "decided_before_checkpoint": self.decided_before,
            "skipped": self.skipped,
            "late": self.late,
            "base_rate": self.base_rate,
            "model": self.counts.as_dict(),
            "baseline_budget": self.baseline.as_dict(),
            "by_threshold": {k: v.as_dict() for k, v in self.by_threshold.items()},
            "brier": self.brier,
            "bands": [{"from": lo, "to": hi, "dossiers": n, "late": late} for lo, hi, n, late in self.bands],
            "seconds": round(self.seconds, 2),
        }


def checkpoint(
    cal: CalendarSnapshot, dossier: Dossier, pauses: Sequence[Span], share: float = 0.5
) -> dt.datetime:
    """The moment ``share`` of the dossier's working-time budget (deemed receipt → original due moment) had
    run, the clock stopped during its pauses."""
    start = dossier.deemed_received_at or dossier.received_at
    due = dossier.original_due_at or dossier.due_at
    assert start is not None and due is not None  # noqa: S101 - the caller filters these
    budget = cal.working_us(due) - cal.working_us(start)
    moment = cal.moment_at(cal.working_us(start) + max(int(budget * share), 1))
    return shift_by_pauses(cal, moment, [Pause(a, b) for a, b in pauses])


def _known_due(
    spec: ProcedureSpec, cal: CalendarSnapshot, dossier: Dossier, pauses: Sequence[Span]
) -> dt.datetime:
    """The due moment as it stood with only ``pauses`` (those before the checkpoint), as ``dossier_due``."""
    if not pauses or dossier.received_at is None:
        return dossier.original_due_at or dossier.due_at  # type: ignore[return-value]
    cutoff = (spec.time_limit.cutoff or DEFAULT_CUTOFF) if spec.time_limit.after_cutoff else None
    return due_moment(
        cal,
        dossier.received_at,
        legal_limit(spec),
        cutoff=cutoff,
        pauses=[Pause(a, b) for a, b in pauses],
        restart=spec.supplement_rule == SupplementRule.RESTART,
    )


def _local_range(start: dt.date | None, end: dt.date | None) -> Q:
    tz = timezone.get_current_timezone()
    q = Q()
    if start is not None:
        q &= Q(received_at__gte=dt.datetime.combine(start, dt.time(0), tz))
    if end is not None:
        q &= Q(received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tz))
    return q


def evaluate(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    unit_ids: Iterable[int] | None = None,
    share: float = 0.5,
) -> Evaluation:
    """Replay the model on the dossiers received in [start, end] that have been decided.

    For each, at the moment ``share`` of its time budget had run (``checkpoint``), the model sees only what
    was known then — the step open at that moment and how long it had run, the pauses so far, the due
    moment as it then stood, and the passes of steps (of any dossier) finished before that moment — and
    says "late" when its risk reaches ``threshold``. Dossiers decided before the checkpoint are counted
    apart. The baseline is the same model with every step taking its budget.
    """
    import time

    began = time.perf_counter()
    result = Evaluation(start=start, end=end, threshold=threshold)
    dossiers_qs = (
        scope_dossiers(unit_ids=unit_ids)
        .filter(
            _local_range(start, end),
            finished_at__isnull=False,
            received_at__isnull=False,
            outcome__in=[StepOutcome.EARLY, StepOutcome.ON_TIME, StepOutcome.LATE],
        )
        .exclude(original_due_at__isnull=True, due_at__isnull=True)
    )
    dossiers = list(
        dossiers_qs.select_related("procedure_version")
        .prefetch_related(Prefetch("steps", queryset=DossierStep.objects.order_by("seq")), "pause_set")
        .order_by("received_at", "pk")
    )
    result.finished = len(dossiers)
    if not dossiers:
        result.seconds = time.perf_counter() - began
        return result
    first = min(d.received_at for d in dossiers if d.received_at is not None)
    last = max(d.finished_at for d in dossiers if d.finished_at is not None)
    probabilities: list[tuple[float, bool]] = []
    with calendar_snapshot_memo():
        org = OrgIndex()
        history = StepHistory.load(
            org,
            procedure_ids={d.procedure_version.procedure_id for d in dossiers},
            since=first - dt.timedelta(days=HISTORY_DAYS),
            until=last + dt.timedelta(seconds=1),
        )
        for dossier in dossiers:
            case = _past_case(dossier, org)
            if not isinstance(case, Case):
                if case == "decided":
                    result.decided_before += 1
                else:
                    result.skipped += 1
                continue
            try:
                risk = assess(case, history, org)
                baseline = assess(case, history, org, budget_only=True)
            except CalendarError:
                result.skipped += 1
                continue
            actual = dossier.outcome == StepOutcome.LATE
            result.evaluated += 1
            result.late += actual
            result.counts.add(risk.probability >= threshold, actual)
            result.baseline.add(baseline.probability >= threshold, actual)
            probabilities.append((risk.probability, actual))
    for cut in (0.3, 0.5, 0.7, 0.9):
        counts = Counts()
        for p, actual in probabilities:
            counts.add(p >= cut, actual)
        result.by_threshold[f"{cut:.1f}"] = counts
    if probabilities:
        result.brier = sum((p - a) ** 2 for p, a in probabilities) / len(probabilities)
    for lo, hi in BANDS:
        inside = [actual for p, actual in probabilities if lo <= p < hi or (hi == 1.0 and p == 1.0)]
        result.bands.append((lo, hi, len(inside), sum(inside)))
    result.seconds = time.perf_counter() - began
    return result


def _past_case(dossier: Dossier, org: OrgIndex) -> Case | str | None:
    """The dossier as it stood at its checkpoint; "decided" when it was decided by then."""
    cal = org.calendar(dossier.resolving_unit_id)
    spec = procedure_spec(dossier.procedure_version)
    received = dossier.received_at
    assert received is not None  # noqa: S101 - filtered by the query
    horizon = dossier.finished_at or timezone.now()
    all_pauses = pause_spans([p for p in dossier.pause_set.all() if p.started_at >= received], until=horizon)
    try:
        at = checkpoint(cal, dossier, all_pauses)
    except CalendarError:
        return None
    if dossier.finished_at is not None and dossier.finished_at <= at:
        return "decided"
    pauses = [(a, min(b, at)) for a, b in all_pauses if a < at]
    steps = list(dossier.steps.all())
    step = next(
        (s for s in steps if s.started_at <= at and (s.finished_at is None or s.finished_at > at)), None
    )
    if step is None:  # between two steps (a transfer after 15:00 starts the next one the next morning)
        step = next((s for s in steps if s.started_at > at), None)
    if step is None or spec.process.step(step.step_code) is None:
        return None
    procedure_id = dossier.procedure_version.procedure_id
    return Case(
        dossier_id=dossier.pk,
        procedure_id=procedure_id,
        spec=spec,
        resolving_id=dossier.resolving_unit_id,
        receiving_id=dossier.receiving_point_id,
        at=at,
        due=_known_due(spec, cal, dossier, pauses),
        open_code=step.step_code,
        open_unit_id=step.unit_id,
        open_started=min(step.started_at, at),
        open_name=step.name,
        open_due=step.due_at,
        pauses=tuple(pauses),
        done=passes_done(steps, procedure_id, pauses, org, at),
    )


def evaluation_record(result: Evaluation, *, actor: User | None = None) -> None:
    """Keep the figures (in the audit chain) for the bottleneck page to show."""
    from motcua.core.audit import audit_record

    audit_record(action=EVALUATION_ACTION, actor=actor, object_type="reporting.risk", data=result.as_dict())


def evaluation_latest() -> tuple[dt.datetime, dict[str, Any]] | None:
    """When the last evaluation ran, and its figures (``Evaluation.as_dict``); None if it never ran."""
    event = AuditEvent.objects.filter(action=EVALUATION_ACTION).order_by("-seq").first()
    return (event.occurred_at, dict(event.data)) if event is not None else None
