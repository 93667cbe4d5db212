"""The pinned procedure of a dossier, read from its version's snapshot, and the deadline arithmetic on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from motcua.calendar.engine.deadlines import Limit, Pause, classify, due_moment
from motcua.calendar.engine.snapshot import CalendarSnapshot
from motcua.calendar.selectors import calendar_snapshot
from motcua.catalogue.choices import SupplementRule, TimeUnit
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.spec import ProcedureSpec, StepSpec, parse_procedure
from motcua.org.models import OrgUnit

#: Transfer from intake to the resolving unit: received at or after 15:00 → the next working day (§1).
ROUTING_CUTOFF = dt.time(15, 0)
#: Without a supplement for this many working days the dossier is closed (regulations §1).
SUPPLEMENT_WAIT_DAYS = 15


@lru_cache(maxsize=512)
def _spec_cached(version_pk: int, _number: int, snapshot_key: str) -> ProcedureSpec:
    version = ProcedureVersion.objects.get(pk=version_pk)
    parsed = parse_procedure(version.snapshot)
    spec = parsed.spec or parsed.draft
    if spec is None:  # a published version always parses; refuse loudly if the data were tampered with
        raise RuntimeError(f"procedure version {version_pk} has an unreadable snapshot")
    return spec


def procedure_spec(version: ProcedureVersion) -> ProcedureSpec:
    """The procedure as published in ``version`` (versions are immutable, so this is cached)."""
    return _spec_cached(version.pk, version.number, version.code)


def legal_limit(spec: ProcedureSpec) -> Limit:
    unit, amount = spec.time_limit.unit, Decimal(spec.time_limit.amount)
    if unit == TimeUnit.SAME_DAY:
        return Limit.same_day()
    if unit == TimeUnit.WORKING_HOURS:
        return Limit.working_hours(amount)
    if unit == TimeUnit.CALENDAR_DAYS:
        return Limit.calendar_days(amount)
    return Limit.working_days(amount)


def step_limit(step: StepSpec) -> Limit:
    amount = Decimal(step.budget.amount)
    if step.budget.unit == TimeUnit.WORKING_DAYS and amount == amount.to_integral_value():
        return Limit.working_days(amount)
    if step.budget.unit == TimeUnit.WORKING_DAYS:  # half days and such: 8 working hours a day
        return Limit.working_hours(amount * 8)
    return Limit.working_hours(amount)


@dataclass(frozen=True, slots=True)
class DeadlineRules:
    """How a procedure's deadlines are counted (its time limit and cut-off rules), as the intake applies them."""

    limit: Limit
    due_cutoff: dt.time | None  # received at or after it: the time limit counts from the next working day
    deemed_cutoff: dt.time | None  # received at or after it: the clock is deemed to start the next session
    restart: bool  # a supplement restarts the count (else the wait is excluded)

    @property
    def day_based(self) -> bool:
        return self.limit.is_day_based


def deadline_rules(spec: ProcedureSpec) -> DeadlineRules:
    tl = spec.time_limit
    return DeadlineRules(
        limit=legal_limit(spec),
        due_cutoff=(tl.cutoff or dt.time(15, 0)) if tl.after_cutoff else None,
        deemed_cutoff=(tl.cutoff or None) if tl.after_cutoff else None,
        restart=spec.supplement_rule == SupplementRule.RESTART,
    )


def calendar_for(unit: OrgUnit) -> CalendarSnapshot:
    return calendar_snapshot(org_unit=unit)


def dossier_due(
    *, spec: ProcedureSpec, unit: OrgUnit, received_at: dt.datetime, pauses: list[Pause]
) -> dt.datetime:
    rules = deadline_rules(spec)
    return due_moment(
        calendar_for(unit),
        received_at,
        rules.limit,
        cutoff=rules.due_cutoff,
        pauses=pauses,
        restart=rules.restart,
    )


def classify_finish(*, spec: ProcedureSpec, unit: OrgUnit, finished: dt.datetime, due: dt.datetime) -> str:
    """Early / on time / late of a finish against a stored due moment (pauses are already in ``due``)."""
    limit = legal_limit(spec)
    return str(classify(calendar_for(unit), finished=finished, due=due, day_based=limit.is_day_based))


def supplement_deadline(*, requested_at: dt.datetime, unit: OrgUnit) -> dt.datetime:
    """The last moment to hand in a supplement asked for at ``requested_at`` before the dossier closes."""
    return due_moment(calendar_for(unit), requested_at, Limit.working_days(SUPPLEMENT_WAIT_DAYS))
