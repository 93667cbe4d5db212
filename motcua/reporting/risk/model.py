"""The model (docs/architecture/early-warning.md §2): the steps still to run (``remaining_path``), and the
simulation of their working time against the time left to the due moment (``assess``).

What is known of a dossier at the moment of the assessment is a ``Case`` (now, for the queue; a past
checkpoint, for the evaluation). Each remaining step is drawn from its past passes (``StepHistory``), at a
quantile that carries the dossier's pace so far; the risk is the share of ``DRAWS`` simulated totals that
exceed the time left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from motcua.catalogue.choices import StepUnitKind
from motcua.catalogue.spec import ProcedureSpec, StepSpec
from motcua.dossiers.process import is_decision_action

from .forecast import Risk, StepForecast
from .history import Key, StepHistory, normal_score, rank_among
from .units import OrgIndex, Span, budget_hours, day_hours, working_hours

#: Of a step's past passes, those longer than the open step has already run, needed to say what is left of it.
MIN_SURVIVORS = 3
#: Simulated totals per dossier.
DRAWS = 2000
#: The least working time an open step is assumed still to need.
MIN_REST_HOURS = 1.0

_NORMAL = NormalDist()


def remaining_path(spec: ProcedureSpec, from_code: str) -> list[StepSpec]:
    """The open step and the steps the process leads to until the one that ends the processing.

    At each step: stop when one of its actions ends the processing (to END or to the return step);
    otherwise follow the forward action to the nearest later step of the process (never back).
    """
    steps = spec.process.steps
    order = {s.code: i for i, s in enumerate(steps)}
    current = spec.process.step(from_code)
    if current is None:
        return []
    path = [current]
    while len(path) <= len(steps):
        actions = [a for a in spec.process.actions if a.from_step == current.code]
        if not actions or any(is_decision_action(spec, a) for a in actions):
            break
        forward = sorted(
            (order[a.to_step], a.to_step)
            for a in actions
            if a.to_step in order and order[a.to_step] > order[current.code]
        )
        if not forward:
            break
        nxt = spec.process.step(forward[0][1])
        if nxt is None:  # pragma: no cover - order[] holds only existing steps
            break
        current = nxt
        path.append(current)
    return path


@dataclass(frozen=True)
class Case:
    """What is known of one dossier at the moment ``at`` (now, or a past moment in the evaluation)."""

    dossier_id: int
    procedure_id: int
    spec: ProcedureSpec
    resolving_id: int
    receiving_id: int
    at: dt.datetime  # the moment of the assessment (the start of the pause when the clock is stopped)
    due: dt.datetime
    open_code: str
    open_unit_id: int
    open_started: dt.datetime
    open_name: str = ""
    open_due: dt.datetime | None = None
    pauses: tuple[Span, ...] = ()
    paused: bool = False
    done: tuple[tuple[Key, float], ...] = ()  # the finished passes: (procedure, step, unit), working hours


def _step_unit(step: StepSpec, case: Case, org: OrgIndex) -> int:
    kind = step.unit_kind
    if kind == StepUnitKind.RECEIVING:
        return case.receiving_id
    if kind == StepUnitKind.UNIT:
        return org.by_code.get(step.unit, case.resolving_id)
    return case.resolving_id


def _phi(z: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The standard normal distribution function, vectorised (Abramowitz–Stegun 7.1.26, error < 1.5e-7)."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-x * x)
    result: np.ndarray[Any, np.dtype[np.float64]] = 0.5 * (1.0 + np.sign(z) * erf)
    return result


def _tail(
    samples: np.ndarray[Any, np.dtype[np.float64]], elapsed: float, u: np.ndarray[Any, np.dtype[np.float64]]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """What is left of a step that has run ``elapsed`` hours, longer than (nearly) all its past passes: a
    log-normal fitted to those passes, cut at ``elapsed``, read at the quantiles ``u`` of what lies beyond
    (at least ``MIN_REST_HOURS``)."""
    logs = np.log(np.maximum(samples, 1 / 60))
    mu, sigma = float(logs.mean()), max(float(logs.std()), 0.1)
    z_cut = (np.log(max(elapsed, 1 / 60)) - mu) / sigma
    floor = float(_phi(np.array([z_cut]))[0])
    if floor < 1 - 1e-9:
        levels = np.minimum(floor + (1 - floor) * u, 1 - 1e-12)
        z = np.fromiter((_NORMAL.inv_cdf(float(x)) for x in levels), dtype=np.float64, count=len(levels))
    else:  # far in the tail: the excess over the cut is about exponential with mean 1 / z_cut
        z = z_cut - np.log(np.maximum(1 - u, 1e-12)) / z_cut
    return np.maximum(np.exp(mu + sigma * z) - elapsed, MIN_REST_HOURS)


def _ranks(case: Case, history: StepHistory) -> list[float]:
    """The ranks of the dossier's finished passes among the past passes of the same steps (at the same
    unit, or pooled); passes without enough history are left out."""
    ranks = []
    for key, hours in case.done:
        samples, source, _n = history.lookup(key, at=case.at)
        if source != "budget":
            ranks.append(rank_among(hours, samples))
    return ranks


def assess(case: Case, history: StepHistory, org: OrgIndex, *, budget_only: bool = False) -> Risk:
    """The risk of one dossier. ``budget_only``: every step takes its budget (the baseline of the evaluation).

    Each remaining step with enough history (``StepHistory.lookup``) is drawn from its past passes, at a
    quantile that depends on the dossier's pace so far (a Gaussian copula on the ranks): the normal scores
    z of the ranks of its finished passes (and of the open step, once it has run longer than half of its
    past passes) average z̄ over n passes; with ρ the correlation of successive ranks of one dossier in the
    history (``StepHistory.correlation``), each remaining step's score is drawn as
    ``w·z̄ + √(ρ(1 − w))·η + √(1 − ρ)·ε`` with ``w = nρ / (1 + (n − 1)ρ)``, η shared by the dossier's
    remaining steps and ε its own (both standard normal), and the step takes the quantile Φ(score) of its
    past passes. With ρ = 0 every step is an independent draw from its past passes; the more the history
    shows that slow dossiers stay slow, and the more steps this one has shown, the more its own pace counts.
    The open step is drawn among its past passes longer than it has already run.
    """
    cal = org.calendar(case.resolving_id)
    day = day_hours(cal)
    overdue = case.at >= case.due
    left = -working_hours(cal, case.due, case.at) if overdue else working_hours(cal, case.at, case.due)
    path = remaining_path(case.spec, case.open_code)
    rng = np.random.default_rng(case.dossier_id)
    total = np.zeros(DRAWS)
    forecasts: list[StepForecast] = []
    empty: tuple[np.ndarray[Any, np.dtype[np.float64]], str, int] = (np.empty(0), "budget", 0)
    ranks = [] if budget_only else _ranks(case, history)
    # The open step: how long it has run, and whether that already says the dossier is slow.
    elapsed = 0.0
    opened = empty
    if path:
        step_cal = org.calendar(case.open_unit_id)
        elapsed = working_hours(step_cal, case.open_started, case.at, case.pauses)
        if not budget_only:
            opened = history.lookup((case.procedure_id, path[0].code, case.open_unit_id), at=case.at)
        if opened[1] != "budget" and elapsed > 0 and rank_among(elapsed, opened[0]) >= 0.5:
            ranks.append(rank_among(elapsed, opened[0]))
    n = len(ranks)
    rho = history.correlation(case.at) if ranks and not budget_only else 0.0
    weight = n * rho / (1 + (n - 1) * rho) if n else 0.0
    centre = weight * float(np.mean([normal_score(r) for r in ranks])) if n else 0.0
    shared = np.sqrt(max(rho * (1 - weight), 0.0)) * rng.standard_normal(DRAWS)
    own_sd = np.sqrt(max(1 - rho, 0.0))
    middle = float(_phi(np.array([centre]))[0])
    for i, step in enumerate(path):
        unit_id = case.open_unit_id if i == 0 else _step_unit(step, case, org)
        budget = budget_hours(step.budget.amount, step.budget.unit, day)
        if i == 0:
            samples, source, own = opened
        elif budget_only:
            samples, source, own = empty
        else:
            samples, source, own = history.lookup((case.procedure_id, step.code, unit_id), at=case.at)
        known = source != "budget"
        typical = float(np.median(samples)) if known else None
        p90 = float(np.quantile(samples, 0.9)) if known else None
        u = _phi(centre + shared + own_sd * rng.standard_normal(DRAWS))
        if i == 0:
            longer = samples[samples > elapsed] if known else np.empty(0)
            if known and len(longer) >= MIN_SURVIVORS:
                total += np.quantile(longer, u) - elapsed
                rest = float(np.quantile(longer, middle)) - elapsed
            elif known:  # longer than (nearly) every past pass: beyond the data, a log-normal tail
                source = "overrun"
                extra = _tail(samples, elapsed, u)
                total += extra
                rest = float(_tail(samples, elapsed, np.array([middle]))[0])
            else:
                remaining = budget - elapsed
                if case.open_due is not None:  # the step's own due moment, when it has one
                    remaining = working_hours(org.calendar(unit_id), case.at, case.open_due)
                rest = max(remaining, MIN_REST_HOURS)
                total += rest
        elif known:
            total += np.quantile(samples, u)
            rest = float(np.quantile(samples, middle))
        else:
            rest = budget
            total += budget
        forecasts.append(
            StepForecast(
                code=step.code,
                name=case.open_name if i == 0 and case.open_name else step.name,
                unit_id=unit_id,
                unit=org.label(unit_id),
                budget=budget,
                samples=len(samples),
                own_samples=own,
                typical=typical,
                p90=p90,
                source=source,
                is_open=i == 0,
                elapsed=elapsed if i == 0 else 0.0,
                rest=rest,
            )
        )
    probability = 1.0 if overdue else float(np.mean(total > left))
    return Risk(
        dossier_id=case.dossier_id,
        probability=probability,
        left=left,
        need=float(np.median(total)),
        need_p90=float(np.quantile(total, 0.9)),
        day=day,
        steps=forecasts,
        overdue=overdue,
        paused=case.paused,
        pace=float(np.mean(ranks)) if ranks else None,
        pace_steps=n,
        pace_weight=weight,
    )
