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
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import NormalDist
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendar.engine.deadlines import DEFAULT_CUTOFF, Pause, due_moment, shift_by_pauses
from motcua.calendar.engine.snapshot import US_PER_HOUR, CalendarSnapshot
from motcua.calendar.errors import CalendarError
from motcua.calendar.models import WorkingHours
from motcua.calendar.selectors import calendar_snapshot, calendar_snapshot_memo
from motcua.catalogue.choices import StepUnitKind, SupplementRule, TimeUnit
from motcua.catalogue.spec import ProcedureSpec, StepSpec
from motcua.core.models import AuditEvent
from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.models import Dossier, DossierPause, DossierStep, StepOutcome
from motcua.dossiers.procedure import legal_limit, procedure_spec
from motcua.dossiers.process import is_decision_action
from motcua.dossiers.status import DossierStatus
from motcua.org.models import OrgUnit

S = DossierStatus
#: Statuses scored: the clock runs (received, processing) or is stopped by a pause. A ready result is
#: already decided, so its outcome is known.
SCORED: frozenset[str] = frozenset({S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.SUSPENDED})
PAUSED: frozenset[str] = frozenset({S.AWAITING_SUPPLEMENT, S.SUSPENDED})
#: Passes of a step at a unit needed before its own history is used (else its budget).
MIN_SAMPLES = 5
#: Of those, passes longer than the open step has already run, needed to say what is left of it.
MIN_SURVIVORS = 3
#: How far back the history reaches.
HISTORY_DAYS = 365
#: Simulated totals per dossier.
DRAWS = 2000
#: Pairs of successive ranked passes needed to measure how a dossier's pace carries from step to step.
MIN_PAIRS = 30
MAX_CORRELATION = 0.95
#: The unit id of a (procedure, step) series pooled over every unit.
ANY_UNIT = 0
#: The least working time an open step is assumed still to need.
MIN_REST_HOURS = 1.0
#: Risk levels of the queue.
HIGH = 0.7
WATCH = 0.3
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

Key = tuple[int, str, int]  # (catalogue procedure id, step code, unit id)
Span = tuple[dt.datetime, dt.datetime]


# --------------------------------------------------------------------------------------------------
# Units, their calendars, working time


class OrgIndex:
    """Every org unit read once (names, codes, parents) and the calendar each unit's working time uses.

    Units share the province calendar unless a unit or one of its ancestors has its own working hours; one
    snapshot per such anchor, so scoring many units builds few calendars.
    """

    def __init__(self) -> None:
        rows = OrgUnit.objects.values_list("pk", "code", "name", "short_name", "parent_id")
        self.names: dict[int, str] = {}
        self.by_code: dict[str, int] = {}
        self.parent: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for pk, code, name, short, parent in rows:
            self.names[pk] = short or name
            self.by_code[code] = pk
            self.parent[pk] = parent
            self.children[parent].append(pk)
        self._hours = set(
            WorkingHours.objects.filter(org_unit__isnull=False).values_list("org_unit_id", flat=True)
        )
        self._calendars: dict[int | None, CalendarSnapshot] = {}
        self._anchors: dict[int, int | None] = {}

    def label(self, unit_id: int | None) -> str:
        return self.names.get(unit_id or 0, "—")

    def subtree(self, unit_id: int) -> set[int]:
        found: set[int] = set()
        stack = [unit_id]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, ()))
        return found

    def _anchor(self, unit_id: int) -> int | None:
        if unit_id not in self._anchors:
            anchor: int | None = None
            seen: set[int] = set()
            current: int | None = unit_id
            while current is not None and current not in seen:
                if current in self._hours:
                    anchor = current
                    break
                seen.add(current)
                current = self.parent.get(current)
            self._anchors[unit_id] = anchor
        return self._anchors[unit_id]

    def calendar(self, unit_id: int | None) -> CalendarSnapshot:
        anchor = self._anchor(unit_id) if unit_id is not None else None
        if anchor not in self._calendars:
            self._calendars[anchor] = calendar_snapshot(org_unit=anchor)
        return self._calendars[anchor]


def working_hours(
    cal: CalendarSnapshot, start: dt.datetime, end: dt.datetime, pauses: Sequence[Span] = ()
) -> float:
    """Working hours in [start, end] minus those inside the pauses (0 when end <= start)."""
    if end <= start:
        return 0.0
    us = cal.working_us(end) - cal.working_us(start)
    for p_start, p_end in pauses:
        lo, hi = max(p_start, start), min(p_end, end)
        if hi > lo:
            us -= cal.working_us(hi) - cal.working_us(lo)
    return max(us, 0) / US_PER_HOUR


def day_hours(cal: CalendarSnapshot) -> float:
    """Working hours of an ordinary day (8 with the province's 07:00–11:30, 13:30–17:00)."""
    total = sum((s.duration for s in cal.sessions), dt.timedelta(0))
    return total / dt.timedelta(hours=1) or 8.0


def budget_hours(amount: Decimal | float, unit: str, day: float) -> float:
    """A step budget in working hours (a working day = ``day`` hours)."""
    if unit == TimeUnit.WORKING_HOURS:
        return float(amount)
    if unit == TimeUnit.SAME_DAY:
        return day
    return float(amount) * day


def fmt_duration(hours: float, day: float) -> str:
    """``4,2 ngày làm việc`` or, under a day, ``3,5 giờ làm việc``."""
    if abs(hours) < day:
        return _("%(n)s giờ làm việc") % {"n": number_format(round(abs(hours), 1), 1)}
    return _("%(n)s ngày làm việc") % {"n": number_format(round(abs(hours) / day, 1), 1)}


def fmt_short(hours: float, day: float) -> str:
    """``4,2 ngày`` or ``3,5 giờ`` (working time, for tables whose heading says so)."""
    if abs(hours) < day:
        return _("%(n)s giờ") % {"n": number_format(round(abs(hours), 1), 1)}
    return _("%(n)s ngày") % {"n": number_format(round(abs(hours) / day, 1), 1)}


def _spans(pauses: Iterable[DossierPause], *, until: dt.datetime) -> list[Span]:
    return sorted((p.started_at, p.ended_at or until) for p in pauses if (p.ended_at or until) > p.started_at)


# --------------------------------------------------------------------------------------------------
# What the steps took


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
    spans = {pk: _spans(found, until=until) for pk, found in pauses.items()}
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
            by_dossier[obs.dossier_id].append(_score(((below + upto) / 2 + 0.5) / (len(values) + 1)))
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


# --------------------------------------------------------------------------------------------------
# The model


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


@dataclass(frozen=True)
class StepForecast:
    code: str
    name: str
    unit_id: int
    unit: str
    budget: float  # working hours
    samples: int  # passes in the history the step is drawn from (its unit's, or pooled)
    own_samples: int  # of which at this unit
    typical: float | None  # median working hours of those passes (None: too few)
    p90: float | None
    source: str  # "history" (the unit's), "pooled" (every unit's), "budget" (too little) or "overrun"
    is_open: bool = False
    elapsed: float = 0.0  # working hours the open step has run
    rest: float = 0.0  # median working hours still needed (the open step) or needed (a later step)


@dataclass
class Risk:
    dossier_id: int
    probability: float
    left: float  # working hours to the due moment (negative: past it)
    need: float  # median simulated working hours still needed
    need_p90: float
    day: float  # working hours of a day
    steps: list[StepForecast]
    overdue: bool = False
    paused: bool = False
    pace: float | None = None  # the dossier's rank so far among past passes of its steps (0 fast, 1 slow)
    pace_steps: int = 0
    pace_weight: float = 0.0  # how much the pace decides the draws of the remaining steps (0..1)
    dossier: Dossier | None = None
    assignee: str = ""

    @property
    def level(self) -> str:
        if self.overdue:
            return "overdue"
        if self.probability >= HIGH:
            return "high"
        if self.probability >= WATCH:
            return "watch"
        return "low"

    @property
    def percent(self) -> int:
        return round(self.probability * 100)

    @property
    def open_step(self) -> StepForecast | None:
        return self.steps[0] if self.steps else None

    def left_text(self) -> str:
        if self.overdue:
            if -self.left < 0.05:
                return _("vừa quá hạn")
            return _("quá hạn %(t)s") % {"t": fmt_duration(-self.left, self.day)}
        return _("còn %(t)s") % {"t": fmt_duration(self.left, self.day)}

    def summary(self) -> str:
        """The time left against the time the remaining steps usually need."""
        d = self.day
        if self.overdue:
            return _("Đã quá hạn %(t)s.") % {"t": fmt_duration(-self.left, d)}
        return _("Còn %(left)s đến hạn; các bước còn lại thường cần %(need)s (9/10 trường hợp: %(p90)s).") % {
            "left": fmt_duration(self.left, d),
            "need": fmt_duration(self.need, d),
            "p90": fmt_duration(self.need_p90, d),
        }

    def step_reasons(self) -> list[str]:
        """The open step (how long it usually takes here, how long it has run), then the slow steps ahead."""
        d = self.day
        out: list[str] = []
        step = self.open_step
        if step is not None:
            values = {
                "step": step.name,
                "unit": step.unit,
                "elapsed": fmt_duration(step.elapsed, d),
                "budget": fmt_duration(step.budget, d),
                "typical": fmt_duration(step.typical or 0, d),
                "n": step.samples,
                "own": step.own_samples,
            }
            if step.source == "history":
                text = _(
                    "Bước “%(step)s” ở %(unit)s thường mất %(typical)s (định mức %(budget)s, "
                    "%(n)s lần gần đây); hồ sơ đã ở bước này %(elapsed)s."
                )
            elif step.source == "overrun":
                text = _(
                    "Hồ sơ đã ở bước “%(step)s” tại %(unit)s %(elapsed)s, lâu hơn hầu hết các lần trước "
                    "(thường mất %(typical)s; định mức %(budget)s)."
                )
            elif step.source == "pooled":
                text = _(
                    "Bước “%(step)s” ở %(unit)s mới có %(own)s lần; ở mọi đơn vị, bước này của thủ tục thường "
                    "mất %(typical)s (định mức %(budget)s, %(n)s lần); hồ sơ đã ở bước này %(elapsed)s."
                )
            else:
                text = _(
                    "Bước “%(step)s” ở %(unit)s chưa đủ lịch sử (%(own)s lần): tính theo định mức "
                    "%(budget)s; hồ sơ đã ở bước này %(elapsed)s."
                )
            out.append(text % values)
        telling = (self.pace_weight >= 0.2 and (self.pace or 0.5) >= 0.75) or (self.pace or 0.5) <= 0.25
        if self.pace is not None and self.pace_steps and self.pace_weight >= 0.2 and telling:
            if self.pace >= 0.75:
                out.append(
                    _(
                        "Ở %(n)s bước đã qua, hồ sơ này chậm hơn khoảng %(p)s%% số lần xử lý cùng bước: "
                        "các bước còn lại được ước tính theo nhịp đó."
                    )
                    % {"n": self.pace_steps, "p": round(self.pace * 100)}
                )
            else:
                out.append(
                    _(
                        "Ở %(n)s bước đã qua, hồ sơ này nhanh hơn khoảng %(p)s%% số lần xử lý cùng bước: "
                        "các bước còn lại được ước tính theo nhịp đó."
                    )
                    % {"n": self.pace_steps, "p": round((1 - self.pace) * 100)}
                )
        slow = [
            s
            for s in self.steps[1:]
            if s.source in ("history", "pooled") and s.typical is not None and s.typical > 1.1 * s.budget
        ]
        slow.sort(key=lambda s: (s.typical or 0) - s.budget, reverse=True)
        for later in slow[:2]:
            out.append(
                _("Bước sau “%(step)s” ở %(unit)s thường mất %(typical)s (định mức %(budget)s).")
                % {
                    "step": later.name,
                    "unit": later.unit,
                    "typical": fmt_duration(later.typical or 0, d),
                    "budget": fmt_duration(later.budget, d),
                }
            )
        return out

    def reasons(self) -> list[str]:
        """Why, in words: the summary, the pause if any, the open step, the slow steps ahead."""
        paused = (
            [_("Đang dừng tính thời gian: thời gian còn lại tính đến lúc tạm dừng.")] if self.paused else []
        )
        return [self.summary(), *paused, *self.step_reasons()]


def _step_unit(step: StepSpec, case: Case, org: OrgIndex) -> int:
    kind = step.unit_kind
    if kind == StepUnitKind.RECEIVING:
        return case.receiving_id
    if kind == StepUnitKind.UNIT:
        return org.by_code.get(step.unit, case.resolving_id)
    return case.resolving_id


_NORMAL = NormalDist()


def _rank(value: float, samples: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    """Where ``value`` falls among ``samples``, strictly inside (0, 1): near 0 faster than all, near 1 slower
    than all (ties count half; the plotting position (k + ½) / (n + 1))."""
    below = int(np.count_nonzero(samples < value))
    equal = int(np.count_nonzero(samples == value))
    return (below + 0.5 * equal + 0.5) / (len(samples) + 1)


def _score(rank: float) -> float:
    """The normal score of a rank (the z whose standard normal probability is ``rank``)."""
    return _NORMAL.inv_cdf(min(max(rank, 1e-6), 1 - 1e-6))


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
            ranks.append(_rank(hours, samples))
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
        if opened[1] != "budget" and elapsed > 0 and _rank(elapsed, opened[0]) >= 0.5:
            ranks.append(_rank(elapsed, opened[0]))
    n = len(ranks)
    rho = history.correlation(case.at) if ranks and not budget_only else 0.0
    weight = n * rho / (1 + (n - 1) * rho) if n else 0.0
    centre = weight * float(np.mean([_score(r) for r in ranks])) if n else 0.0
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


# --------------------------------------------------------------------------------------------------
# Scoring the open dossiers of a scope


def scope_dossiers(*, user: User | None = None, unit_ids: Iterable[int] | None = None) -> QuerySet[Dossier]:
    """The dossiers of a scope: those ``user`` may see (``dossier_visible_queryset``), and/or those received
    at, resolved by or with a step at ``unit_ids``. Neither: every submitted dossier."""
    dossiers = dossier_visible_queryset(user) if user is not None else Dossier.objects.exclude(status=S.DRAFT)
    if unit_ids is not None:
        units = sorted(set(unit_ids))
        stepped = DossierStep.objects.filter(unit_id__in=units).values("dossier_id")
        dossiers = dossiers.filter(
            Q(receiving_point_id__in=units) | Q(resolving_unit_id__in=units) | Q(pk__in=stepped)
        )
    return dossiers


def _done(
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


def _live_case(dossier: Dossier, now: dt.datetime, org: OrgIndex) -> Case | None:
    steps: list[DossierStep] = list(dossier.steps.all())
    step = next((s for s in steps if s.finished_at is None), None)
    if step is None or dossier.due_at is None:
        return None
    pauses = list(dossier.pause_set.all())
    paused = dossier.status in PAUSED
    at = now
    if paused:
        running = [p for p in pauses if p.ended_at is None]
        at = min(running[0].started_at, now) if running else now
    spans = tuple(_spans([p for p in pauses if p.started_at < at], until=at))
    procedure_id = dossier.procedure_version.procedure_id
    return Case(
        dossier_id=dossier.pk,
        procedure_id=procedure_id,
        spec=procedure_spec(dossier.procedure_version),
        resolving_id=dossier.resolving_unit_id,
        receiving_id=dossier.receiving_point_id,
        at=at,
        due=dossier.due_at,
        open_code=step.step_code,
        open_unit_id=step.unit_id,
        open_started=step.started_at,
        open_name=step.name,
        open_due=step.due_at,
        pauses=spans,
        paused=paused,
        done=_done(steps, procedure_id, spans, org, at),
    )


def open_risks(
    *, user: User | None = None, unit_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> list[Risk]:
    """Every open dossier of the scope with its risk, riskiest first (past due first, then by risk, then by
    the least time left). Each ``Risk`` carries its dossier (procedure version, units) and the open step's
    assignee. A fixed number of queries whatever the number of dossiers (the calendars and the procedure
    specs are cached)."""
    now = now or timezone.now()
    steps = DossierStep.objects.select_related("assignee").order_by("seq")
    dossiers = list(
        scope_dossiers(user=user, unit_ids=unit_ids)
        .filter(status__in=sorted(SCORED), due_at__isnull=False)
        .select_related("procedure_version", "resolving_unit", "receiving_point")
        .prefetch_related(Prefetch("steps", queryset=steps), "pause_set")
        .order_by("due_at", "pk")
    )
    if not dossiers:
        return []
    with calendar_snapshot_memo():
        org = OrgIndex()
        history = StepHistory.load(
            org,
            procedure_ids={d.procedure_version.procedure_id for d in dossiers},
            since=now - dt.timedelta(days=HISTORY_DAYS),
            until=now,
        )
        risks: list[Risk] = []
        for dossier in dossiers:
            try:
                case = _live_case(dossier, now, org)
                if case is None:
                    continue
                risk = assess(case, history, org)
            except CalendarError:
                continue
            risk.dossier = dossier
            assignee = next(s.assignee for s in dossier.steps.all() if s.finished_at is None)
            risk.assignee = (assignee.full_name or assignee.username) if assignee else ""
            risks.append(risk)
    risks.sort(key=lambda r: (not r.overdue, -r.probability, r.left, r.dossier_id))
    return risks


# --------------------------------------------------------------------------------------------------
# Evaluation on history


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
    all_pauses = _spans([p for p in dossier.pause_set.all() if p.started_at >= received], until=horizon)
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
        done=_done(steps, procedure_id, pauses, org, at),
    )


def evaluation_record(result: Evaluation, *, actor: User | None = None) -> None:
    """Keep the figures (in the audit chain) for the bottleneck page to show."""
    from motcua.core.audit import audit_record

    audit_record(action=EVALUATION_ACTION, actor=actor, object_type="reporting.risk", data=result.as_dict())


def evaluation_latest() -> tuple[dt.datetime, dict[str, Any]] | None:
    """When the last evaluation ran, and its figures (``Evaluation.as_dict``); None if it never ran."""
    event = AuditEvent.objects.filter(action=EVALUATION_ACTION).order_by("-seq").first()
    return (event.occurred_at, dict(event.data)) if event is not None else None
