"""Reminders and escalation for dossiers, run by ``motcua scan_deadlines`` (registered in ``apps.py``).

Three levels, in this order (each sent once per due moment — ``motcua.notifications.reminders``):

1. ``dossiers.step_due`` — the assignee of an open step (or, if nobody is assigned, the officers holding the
   step's role at the step's unit) when the step is due within ``MOTCUA_REMIND_BEFORE_WORKING_HOURS``
   working hours (default 4; working time of the step unit's calendar, so nights, weekends and holidays do
   not count), or already due and never reminded;
2. ``dossiers.step_overdue`` — the division head of the step's unit (the nearest unit up the tree with one)
   once the step is overdue;
3. ``dossiers.apology_needed`` — the agency leader of the resolving unit when the dossier will miss its
   appointment and no apology has been sent (``apology_count == 0``), while an apology is still possible
   (no later than the day before the due date: the rule of ``services.apology``). "Will miss" is: the open
   step is overdue, or it is due after the appointment, or at most
   ``MOTCUA_REMIND_LEADER_BEFORE_WORKING_HOURS`` working hours (default 8, one working day) are left and the
   dossier has not been decided yet.

Paused dossiers (awaiting a supplement, suspended) are skipped: their clocks are stopped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.calendar.selectors import working_horizon, working_time_left
from motcua.notifications.recipients import staff_with_role
from motcua.notifications.reminders import (
    register_deadline_scanner,
    remind_once,
    reminder_key,
    reminders_already_sent,
)

from .models import Dossier, DossierStep
from .procedure import calendar_for, procedure_spec
from .status import DossierStatus

#: Statuses whose clock runs and whose open step has a deadline someone must meet.
RUNNING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESULT_READY)
#: Statuses in which the dossier is not decided yet (an apology can still be needed).
UNDECIDED = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)

KIND_DUE = "dossier.step_due"
KIND_OVERDUE = "dossier.step_overdue"
KIND_APOLOGY = "dossier.apology_needed"


def remind_window() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "MOTCUA_REMIND_BEFORE_WORKING_HOURS", 4)))


def leader_window() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "MOTCUA_REMIND_LEADER_BEFORE_WORKING_HOURS", 8)))


def staff_url(dossier: Dossier) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "").rstrip("/")
    try:
        return f"{base}{reverse('backoffice:dossier_detail', args=[dossier.pk])}"
    except NoReverseMatch:  # pragma: no cover - the back office is always mounted
        return ""


def _context(step: DossierStep, **extra: Any) -> dict[str, Any]:
    dossier = step.dossier
    return {
        "code": dossier.code,
        "procedure_name": procedure_spec(dossier.procedure_version).name,
        "step_name": step.name,
        "unit_name": step.unit.name,
        "due_at": step.due_at,
        "status_url": staff_url(dossier),
        **extra,
    }


def _open_steps(now: dt.datetime, until: dt.datetime | None) -> list[DossierStep]:
    qs = DossierStep.objects.filter(
        finished_at__isnull=True, due_at__isnull=False, dossier__status__in=RUNNING
    ).select_related("dossier", "dossier__procedure_version", "unit", "unit__parent", "assignee")
    if until is not None:
        qs = qs.filter(due_at__lte=until)
    return list(qs.order_by("due_at", "pk"))


def step_handlers(step: DossierStep) -> list[User]:
    """The assignee, or the officers holding the step's role at its unit."""
    if step.assignee_id is not None and step.assignee is not None and step.assignee.is_active:
        return [step.assignee]
    return staff_with_role(step.unit, [step.role]) if step.role else []


def scan_step_due(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Level 1: warn the handler of every open step due within the window (or already due)."""
    window = remind_window()
    steps = _open_steps(now, working_horizon(now, window))
    keys = {s.pk: reminder_key(kind=KIND_DUE, obj=s, stage="due", due_at=s.due_at) for s in steps}
    done = reminders_already_sent(keys.values())
    sent = 0
    for step in steps:
        if keys[step.pk] in done or step.due_at is None:
            continue
        overdue = step.due_at <= now
        if not overdue and working_time_left(calendar_for(step.unit), now, step.due_at) > window:
            continue
        reminder = remind_once(
            key=keys[step.pk],
            topic="reminder.step_due",
            recipients=step_handlers(step),
            context=_context(step, overdue=overdue),
            related=step.dossier,
            kind=KIND_DUE,
            stage="due",
            due_at=step.due_at,
            dry_run=dry_run,
        )
        sent += reminder is not None
    return sent


def scan_step_overdue(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Level 2: tell the division head of the step's unit when a step is overdue."""
    steps = _open_steps(now, now)
    keys = {s.pk: reminder_key(kind=KIND_OVERDUE, obj=s, stage="overdue", due_at=s.due_at) for s in steps}
    done = reminders_already_sent(keys.values())
    sent = 0
    for step in steps:
        if keys[step.pk] in done:
            continue
        handler = step.assignee.full_name if step.assignee is not None else ""
        reminder = remind_once(
            key=keys[step.pk],
            topic="reminder.step_overdue",
            recipients=staff_with_role(step.unit, [Role.DIVISION_HEAD], walk_up=True),
            context=_context(step, handler_name=handler),
            related=step.dossier,
            kind=KIND_OVERDUE,
            stage="overdue",
            due_at=step.due_at,
            dry_run=dry_run,
        )
        sent += reminder is not None
    return sent


def apology_deadline(due_at: dt.datetime) -> dt.date:
    """The last day an apology can be sent: the day before the due date (``services.apology``)."""
    return timezone.localdate(due_at) - dt.timedelta(days=1)


def apology_possible(dossier: Dossier, now: dt.datetime) -> bool:
    return (
        dossier.apology_count == 0
        and dossier.due_at is not None
        and timezone.localdate(now) <= apology_deadline(dossier.due_at)
    )


def scan_apology_needed(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Level 3: tell the agency leader of a dossier at risk of missing its appointment, while an apology
    can still be sent and none has been."""
    window = leader_window()
    tomorrow = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1
    )
    open_step = Q(steps__finished_at__isnull=True)
    candidates = (
        Dossier.objects.filter(status__in=UNDECIDED, apology_count=0, due_at__gte=tomorrow)
        .filter(
            Q(due_at__lte=working_horizon(now, window))
            | (open_step & Q(steps__due_at__lte=now))
            | (open_step & Q(steps__due_at__gt=F("due_at")))
        )
        .distinct()
        .select_related("procedure_version", "resolving_unit", "resolving_unit__parent")
        .order_by("due_at", "pk")
    )
    dossiers = list(candidates)
    keys = {d.pk: reminder_key(kind=KIND_APOLOGY, obj=d, stage="leader", due_at=d.due_at) for d in dossiers}
    done = reminders_already_sent(keys.values())
    sent = 0
    for dossier in dossiers:
        if keys[dossier.pk] in done or not apology_possible(dossier, now) or dossier.due_at is None:
            continue
        step = (
            DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True)
            .select_related("unit")
            .first()
        )
        at_risk = (
            (step is not None and step.due_at is not None and (step.due_at <= now or step.due_at > dossier.due_at))
            or working_time_left(calendar_for(dossier.resolving_unit), now, dossier.due_at) <= window
        )  # fmt: skip
        if not at_risk:
            continue
        context: dict[str, Any] = {
            "code": dossier.code,
            "procedure_name": procedure_spec(dossier.procedure_version).name,
            "due_at": dossier.due_at,
            "apology_deadline": apology_deadline(dossier.due_at),
            "status_url": staff_url(dossier),
            "unit_name": dossier.resolving_unit.name,
        }
        if step is not None:
            context.update(step_name=step.name, step_due_at=step.due_at)
        reminder = remind_once(
            key=keys[dossier.pk],
            topic="reminder.apology_needed",
            recipients=staff_with_role(dossier.resolving_unit, [Role.AGENCY_LEADER], walk_up=True),
            context=context,
            related=dossier,
            kind=KIND_APOLOGY,
            stage="leader",
            due_at=dossier.due_at,
            dry_run=dry_run,
        )
        sent += reminder is not None
    return sent


def register() -> None:
    """Called by ``DossiersConfig.ready``: the three levels, in escalation order."""
    register_deadline_scanner("dossiers.step_due", scan_step_due)
    register_deadline_scanner("dossiers.step_overdue", scan_step_overdue)
    register_deadline_scanner("dossiers.apology_needed", scan_apology_needed)
