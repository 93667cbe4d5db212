"""Where dossiers wait: per step and unit over a period, the working time taken against the budget, the
share of late hand-overs and the volume; and the officers' load.

A row is one step of one procedure at one unit (the same step code in two procedures is two rows), over the
passes that finished in the period: the median and 90th percentile of their working time (the dossier's
pauses taken out, as in ``risk.history.observe_steps``), the budget (the median working time each pass was allowed,
from its start to its own due moment), the share handed on late (step outcome "late"), the steps open there
now, and the excess: the working time spent beyond the budget, summed over the passes — the rows are ranked
by it, so the first row is where the most time is lost. The officers' table counts, for each person who holds
or held steps at the units of the scope, the steps open now (and overdue), those finished in the period,
per week, and their median working time. The return of the result is left out everywhere: it opens at the
decision, when the time limit has already been met or missed, and waits for the applicant.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.dossiers.access import staff_scope
from motcua.dossiers.models import DossierStep

from .periods import Period, parse_period
from .risk.evaluation import evaluation_latest
from .risk.history import Key, Observation, observe_steps
from .risk.scoring import scope_dossiers
from .risk.units import OrgIndex, day_hours, fmt_duration, fmt_short

#: A row is flagged as a bottleneck when its median exceeds the budget by this factor, or when at least this
#: share of its passes were handed on late — and it has at least ``MIN_PASSES`` passes.
SLOW_FACTOR = 1.1
LATE_SHARE = 0.2
MIN_PASSES = 10
#: The period read when none is chosen: the last 90 days, today included.
DEFAULT_DAYS = 90


@dataclass
class StepRow:
    key: Key
    procedure_code: str
    procedure_name: str
    step_name: str
    unit: str
    day: float
    passes: int = 0
    median: float = 0.0  # working hours
    p90: float = 0.0
    budget: float | None = None
    late: int = 0
    excess: float = 0.0  # working hours beyond the budget, summed
    open_now: int = 0
    open_overdue: int = 0

    @property
    def late_share(self) -> float | None:
        return self.late / self.passes if self.passes else None

    @property
    def late_percent(self) -> int | None:
        share = self.late_share
        return round(share * 100) if share is not None else None

    @property
    def ratio(self) -> float | None:
        """Median over budget (1.0 = exactly the budget)."""
        return self.median / self.budget if self.budget and self.passes else None

    @property
    def late_flag(self) -> bool:
        """Handed on late often enough, over enough passes, to point at."""
        return self.passes >= MIN_PASSES and (self.late_share or 0) >= LATE_SHARE

    @property
    def is_bottleneck(self) -> bool:
        if self.passes < MIN_PASSES:
            return False
        slow = self.ratio is not None and self.ratio > SLOW_FACTOR
        return slow or (self.late_share or 0) >= LATE_SHARE

    def text(self, hours: float | None) -> str:
        return fmt_short(hours, self.day) if hours is not None else "—"

    @property
    def median_text(self) -> str:
        return self.text(self.median if self.passes else None)

    @property
    def p90_text(self) -> str:
        return self.text(self.p90 if self.passes else None)

    @property
    def budget_text(self) -> str:
        return self.text(self.budget)

    @property
    def excess_text(self) -> str:
        return self.text(self.excess) if self.excess > 0 else "—"

    @property
    def summary(self) -> str:
        """ "Thẩm định hồ sơ tại Sở NN&MT: thường mất 4,2 ngày làm việc so với định mức 2,0 ngày …"."""
        return _(
            "Bước “%(step)s” tại %(unit)s (%(procedure)s): thường mất %(median)s so với định mức %(budget)s; "
            "%(late)s%% lần chuyển đi quá hạn; %(open)s hồ sơ đang chờ ở bước này."
        ) % {
            "step": self.step_name,
            "unit": self.unit,
            "procedure": Truncator(self.procedure_name).chars(90),
            "median": fmt_duration(self.median, self.day),
            "budget": fmt_duration(self.budget, self.day) if self.budget is not None else "—",
            "late": self.late_percent or 0,
            "open": self.open_now,
        }


@dataclass
class OfficerRow:
    user_id: int
    name: str
    units: str
    day: float
    open_now: int = 0
    open_overdue: int = 0
    finished: int = 0
    per_week: float = 0.0
    median: float | None = None

    @property
    def median_text(self) -> str:
        return fmt_short(self.median, self.day) if self.median is not None else "—"


@dataclass
class BottleneckReport:
    period: Period
    weeks: float
    rows: list[StepRow]
    officers: list[OfficerRow]
    evaluation: tuple[dt.datetime, dict[str, Any]] | None = None

    @property
    def top(self) -> StepRow | None:
        """The worst bottleneck of the period, if any row qualifies."""
        return next((r for r in self.rows if r.is_bottleneck), None)

    @property
    def passes(self) -> int:
        return sum(r.passes for r in self.rows)


def default_period(today: dt.date) -> Period:
    """The last ``DEFAULT_DAYS`` days up to ``today`` (the period of the report when none is chosen)."""
    start = today - dt.timedelta(days=DEFAULT_DAYS - 1)
    return parse_period(f"{start.isoformat()}..{today.isoformat()}")


def _bounds(period: Period, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start, end = period.moments()
    return start, min(end, now)


def bottlenecks(
    *,
    period: Period,
    user: User | None = None,
    unit_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> BottleneckReport:
    """The steps of the scope's dossiers (``risk.scoring.scope_dossiers``) that finished in ``period``, per procedure,
    step and unit, worst first; and the load of the officers of the scope's units. A fixed number of queries."""
    now = now or timezone.now()
    start, end = _bounds(period, now)
    weeks = max((end - start).total_seconds() / (7 * 86400), 1 / 7)
    units = set(unit_ids) if unit_ids is not None else None
    dossiers = scope_dossiers(user=user, unit_ids=units).order_by().values("pk")
    # The steps of the processing: not the return of the result, which opens at the decision (the time limit
    # ends there) and waits for the applicant to collect it.
    steps: QuerySet[DossierStep] = DossierStep.objects.filter(dossier_id__in=dossiers).exclude(
        dossier__finished_at__isnull=False, started_at__gte=F("dossier__finished_at")
    )
    # The officers' table: steps at the units the user sees (all units for the province and the auditor).
    officer_units: set[int] | None = units
    if user is not None:
        scope = staff_scope(user)
        if not scope.sees_all:
            officer_units = (
                set(scope.visible_units) & units if units is not None else set(scope.visible_units)
            )
    with calendar_snapshot_memo():
        org = OrgIndex()
        finished = steps.filter(finished_at__gte=start, finished_at__lt=end)
        observations = observe_steps(finished, org, until=end)
        names = {
            (pid, code): (pcode, pname, sname)
            for pid, code, pcode, pname, sname in finished.order_by("pk").values_list(
                "dossier__procedure_version__procedure_id",
                "step_code",
                "dossier__procedure_version__code",
                "dossier__procedure_version__name",
                "name",
            )
        }
        open_rows = list(
            steps.filter(finished_at__isnull=True)
            .order_by()
            .values_list(
                "dossier__procedure_version__procedure_id",
                "dossier__procedure_version__code",
                "dossier__procedure_version__name",
                "step_code",
                "name",
                "unit_id",
                "due_at",
                "assignee_id",
            )
        )
        rows = _step_rows(observations, names, open_rows, org, now)
        officers = _officer_rows(observations, open_rows, org, now, weeks, officer_units)
    return BottleneckReport(
        period=period, weeks=weeks, rows=rows, officers=officers, evaluation=evaluation_latest()
    )


def _step_rows(
    observations: list[Observation],
    names: dict[tuple[int, str], tuple[str, str, str]],
    open_rows: list[tuple[Any, ...]],
    org: OrgIndex,
    now: dt.datetime,
) -> list[StepRow]:
    grouped: dict[Key, list[Observation]] = defaultdict(list)
    for obs in observations:
        grouped[obs.key].append(obs)
    rows: dict[Key, StepRow] = {}

    def row_for(key: Key, pcode: str, pname: str, sname: str) -> StepRow:
        if key not in rows:
            rows[key] = StepRow(
                key=key,
                procedure_code=pcode,
                procedure_name=pname,
                step_name=sname,
                unit=org.label(key[2]),
                day=day_hours(org.calendar(key[2])),
            )
        return rows[key]

    for key, found in grouped.items():
        pcode, pname, sname = names.get((key[0], key[1]), ("", "", key[1]))
        row = row_for(key, pcode, pname, sname)
        hours = np.array([o.hours for o in found])
        allowed = [o.allowed for o in found if o.allowed is not None]
        row.passes = len(found)
        row.median = float(np.median(hours))
        row.p90 = float(np.quantile(hours, 0.9))
        row.budget = float(np.median(allowed)) if allowed else None
        row.late = sum(o.late for o in found)
        row.excess = sum(max(0.0, o.hours - o.allowed) for o in found if o.allowed is not None)
    for pid, pcode, pname, code, sname, unit_id, due, _assignee in open_rows:
        row = row_for((pid, code, unit_id), pcode, pname, sname)
        row.open_now += 1
        row.open_overdue += due is not None and due < now
    return sorted(
        rows.values(),
        key=lambda r: (-r.excess, -(r.late_share or 0), -r.open_now, r.procedure_code, r.step_name),
    )


def _officer_rows(
    observations: list[Observation],
    open_rows: list[tuple[Any, ...]],
    org: OrgIndex,
    now: dt.datetime,
    weeks: float,
    units: set[int] | None,
) -> list[OfficerRow]:
    def here(unit_id: int) -> bool:
        return units is None or unit_id in units

    done: dict[int, list[float]] = defaultdict(list)
    where: dict[int, set[int]] = defaultdict(set)
    for obs in observations:
        if obs.officer_id is not None and here(obs.key[2]):
            done[obs.officer_id].append(obs.hours)
            where[obs.officer_id].add(obs.key[2])
    waiting: dict[int, list[bool]] = defaultdict(list)
    for *_rest, unit_id, due, assignee in open_rows:
        if assignee is not None and here(unit_id):
            waiting[assignee].append(due is not None and due < now)
            where[assignee].add(unit_id)
    people = {
        u.pk: u.full_name or u.username
        for u in User.objects.filter(pk__in=sorted(done.keys() | waiting.keys())).only(
            "pk", "full_name", "username"
        )
    }
    day = day_hours(org.calendar(None))
    rows = [
        OfficerRow(
            user_id=pk,
            name=people.get(pk, "—"),
            units=", ".join(sorted(org.label(u) for u in where[pk])),
            day=day,
            open_now=len(waiting.get(pk, [])),
            open_overdue=sum(waiting.get(pk, [])),
            finished=len(done.get(pk, [])),
            per_week=len(done.get(pk, [])) / weeks,
            median=float(np.median(done[pk])) if done.get(pk) else None,
        )
        for pk in people
    ]
    return sorted(rows, key=lambda r: (-r.open_now, -r.open_overdue, -r.finished, r.name))
