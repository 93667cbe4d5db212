"""Scoring the open dossiers of a scope (docs/architecture/early-warning.md §2.5): ``open_risks`` reads the
dossiers of a user's or a unit's scope, their steps and pauses, the org units and the history in a fixed
handful of queries, and gives each dossier still running its ``Risk``, riskiest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendar.errors import CalendarError
from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.status import DossierStatus

from .forecast import Risk
from .history import HISTORY_DAYS, StepHistory, passes_done
from .model import Case, assess
from .units import OrgIndex, pause_spans

S = DossierStatus
#: Statuses scored: the clock runs (received, processing) or is stopped by a pause. A ready result is
#: already decided, so its outcome is known.
SCORED: frozenset[str] = frozenset({S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.SUSPENDED})
PAUSED: frozenset[str] = frozenset({S.AWAITING_SUPPLEMENT, S.SUSPENDED})


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
    spans = tuple(pause_spans([p for p in pauses if p.started_at < at], until=at))
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
        done=passes_done(steps, procedure_id, spans, org, at),
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
