"""What the steps took: the step-duration history of the early-warning model.

Every finished pass through a step (``Observation``) is read in working hours on the calendar of the step's
unit, with the dossier's pauses taken out. ``StepHistory`` groups the passes per (procedure, step, unit),
and pooled per (procedure, step) over every unit, ordered by when they finished, so that "what was known at
moment t" is a slice: the passes finished in [t − ``HISTORY_DAYS``, t). A dossier's pace is read as the
rank of its passes among the past passes of the same steps (``rank_among``, ``normal_score``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from motcua.calendar.errors import CalendarError
from motcua.dossiers.models import DossierPause, DossierStep, StepOutcome

from .units import OrgIndex, Span, pause_spans, working_hours

#: Passes of a step at a unit needed before its own history is used (else its budget).
MIN_SAMPLES = 5
#: How far back the history reaches.
HISTORY_DAYS = 365
#: Pairs of successive ranked passes needed to measure how a dossier's pace carries from step to step.
MIN_PAIRS = 30
MAX_CORRELATION = 0.95
#: The unit id of a (procedure, step) series pooled over every unit.
ANY_UNIT = 0

Key = tuple[int, str, int]  # (catalogue procedure id, step code, unit id)

_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class Observation:
    """One finished pass through a step: its working time, the time it was allowed, late or not."""

    key: Key
    dossier_id: int
    finished_at: dt.datetime
    hours: float
    allowed: float | None  # working hours from its start to its own due moment
    late: bool
    officer_id: int | None  # the assignee, else who handed it on


def observe_steps(steps: QuerySet[DossierStep], org: OrgIndex, *, until: dt.datetime) -> list[Observation]:
    """The finished passes among ``steps`` (two queries: the steps, the pauses of their dossiers)."""
    rows = list(
        steps.filter(finished_at__isnull=False)
        .order_by()
        .values_list(
            "dossier_id",
            "dossier__procedure_version__procedure_id",
            "step_code",
            "unit_id",
            "started_at",
            "finished_at",
            "due_at",
            "outcome",
            "assignee_id",
            "finished_by_id",
        )
    )
    if not rows:
        return []
    pauses: dict[int, list[DossierPause]] = defaultdict(list)
    ids = steps.filter(finished_at__isnull=False).order_by().values("dossier_id")
    for pause in DossierPause.objects.filter(dossier_id__in=ids).order_by():
        pauses[pause.dossier_id].append(pause)
    spans = {pk: pause_spans(found, until=until) for pk, found in pauses.items()}
    out: list[Observation] = []
    for dossier_id, procedure_id, code, unit_id, started, finished, due, outcome, assignee, by in rows:
        if finished is None:  # pragma: no cover - filtered above
            continue
        cal = org.calendar(unit_id)
        try:
            hours = working_hours(cal, started, finished, spans.get(dossier_id, ()))
            allowed = working_hours(cal, started, due) if due is not None else None
        except CalendarError:  # a moment outside the calendar's years: not usable
            continue
        out.append(
            Observation(
                key=(procedure_id, code, unit_id),
                dossier_id=dossier_id,
                finished_at=finished,
                hours=hours,
                allowed=allowed,
                late=outcome == StepOutcome.LATE,
                officer_id=assignee or by,
            )
        )
    return out


class StepHistory:
    """The observed working hours per (procedure, step, unit), ordered by when each pass finished, so that
    "what was known at moment t" is a slice: the passes finished in [t − ``HISTORY_DAYS``, t).

    The same passes are also pooled per (procedure, step) over every unit (``ANY_UNIT``): a step at a unit
    with little history of its own (a commune among two hundred) takes the procedure's step everywhere.
    """

    def __init__(self, observations: Iterable[Observation], *, window_days: int = HISTORY_DAYS) -> None:
        self.observations = sorted(observations, key=lambda o: o.finished_at)
        grouped: dict[Key, list[tuple[float, float]]] = defaultdict(list)
        for obs in self.observations:
            point = (obs.finished_at.timestamp(), obs.hours)
            grouped[obs.key].append(point)
            grouped[(obs.key[0], obs.key[1], ANY_UNIT)].append(point)
        self.window = dt.timedelta(days=window_days).total_seconds()
        self._times: dict[Key, list[float]] = {}
        self._hours: dict[Key, np.ndarray[Any, np.dtype[np.float64]]] = {}
        for key, pairs in grouped.items():
            pairs.sort()
            self._times[key] = [t for t, _h in pairs]
            self._hours[key] = np.array([h for _t, h in pairs], dtype=np.float64)
        self._correlations: dict[tuple[int, int], float] = {}

    def samples(self, key: Key, *, at: dt.datetime) -> np.ndarray[Any, np.dtype[np.float64]]:
        times = self._times.get(key)
        if not times:
            return np.empty(0)
        now = at.timestamp()
        lo, hi = bisect_left(times, now - self.window), bisect_left(times, now)
        return self._hours[key][lo:hi]

    def lookup(self, key: Key, *, at: dt.datetime) -> tuple[np.ndarray[Any, np.dtype[np.float64]], str, int]:
        """(samples, source, passes at the unit): the unit's own passes when there are ``MIN_SAMPLES``
        (source "history"), else the procedure's step at every unit ("pooled"), else none ("budget")."""
        own = self.samples(key, at=at)
        if len(own) >= MIN_SAMPLES:
            return own, "history", len(own)
        pooled = self.samples((key[0], key[1], ANY_UNIT), at=at)
        if len(pooled) >= MIN_SAMPLES:
            return pooled, "pooled", len(own)
        return np.empty(0), "budget", len(own)

    def correlation(self, at: dt.datetime) -> float:
        """How strongly a dossier's ranks at its successive steps go together (0 = not at all), from the
        passes finished before the start of ``at``'s month: the correlation of the normal score of each
        pass's rank among the passes of its step with that of the same dossier's next pass (both ways).
        Below ``MIN_PAIRS`` pairs: 0."""
        local = timezone.localtime(at)
        month = (local.year, local.month)
        if month not in self._correlations:
            cutoff = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            self._correlations[month] = self._correlation_before(cutoff)
        return self._correlations[month]

    def _correlation_before(self, cutoff: dt.datetime) -> float:
        start = cutoff - dt.timedelta(seconds=self.window)
        known = [o for o in self.observations if start <= o.finished_at < cutoff]
        sorted_cache: dict[Key, np.ndarray[Any, np.dtype[np.float64]]] = {}
        by_dossier: dict[int, list[float]] = defaultdict(list)
        for obs in known:
            samples, source, _n = self.lookup(obs.key, at=cutoff)
            if source == "budget":
                continue
            ref: Key = obs.key if source == "history" else (obs.key[0], obs.key[1], ANY_UNIT)
            if ref not in sorted_cache:
                sorted_cache[ref] = np.sort(samples)
            values = sorted_cache[ref]
            below = int(np.searchsorted(values, obs.hours, side="left"))
            upto = int(np.searchsorted(values, obs.hours, side="right"))
            by_dossier[obs.dossier_id].append(normal_score(((below + upto) / 2 + 0.5) / (len(values) + 1)))
        xs: list[float] = []
        ys: list[float] = []
        for ranks in by_dossier.values():
            for a, b in itertools.pairwise(ranks):
                xs += [a, b]
                ys += [b, a]
        if len(xs) < 2 * MIN_PAIRS or float(np.std(xs)) == 0.0:
            return 0.0
        return float(min(max(np.corrcoef(xs, ys)[0, 1], 0.0), MAX_CORRELATION))

    @classmethod
    def load(
        cls, org: OrgIndex, *, procedure_ids: Iterable[int], since: dt.datetime, until: dt.datetime
    ) -> StepHistory:
        steps = DossierStep.objects.filter(
            dossier__procedure_version__procedure_id__in=sorted(set(procedure_ids)),
            finished_at__gte=since,
            finished_at__lt=until,
        )
        return cls(observe_steps(steps, org, until=until))


def passes_done(
    steps: Iterable[DossierStep], procedure_id: int, spans: Sequence[Span], org: OrgIndex, at: dt.datetime
) -> tuple[tuple[Key, float], ...]:
    """The dossier's passes finished by ``at``, in working hours (pauses taken out)."""
    return tuple(
        (
            (procedure_id, s.step_code, s.unit_id),
            working_hours(org.calendar(s.unit_id), s.started_at, s.finished_at, spans),
        )
        for s in steps
        if s.finished_at is not None and s.finished_at <= at
    )


def rank_among(value: float, samples: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    """Where ``value`` falls among ``samples``, strictly inside (0, 1): near 0 faster than all, near 1 slower
    than all (ties count half; the plotting position (k + ½) / (n + 1))."""
    below = int(np.count_nonzero(samples < value))
    equal = int(np.count_nonzero(samples == value))
    return (below + 0.5 * equal + 0.5) / (len(samples) + 1)


def normal_score(rank: float) -> float:
    """The normal score of a rank (the z whose standard normal probability is ``rank``)."""
    return _NORMAL.inv_cdf(min(max(rank, 1e-6), 1 - 1e-6))
