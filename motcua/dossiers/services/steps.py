"""Opening and closing the runtime steps of the internal process."""

from __future__ import annotations

import datetime as dt

from motcua.accounts.models import User
from motcua.calendar.engine.deadlines import deemed_receipt, due_moment
from motcua.catalogue.spec import StepSpec

from ..access import remember_current_step
from ..models import Dossier, DossierStep, HandoverMode
from ..procedure import ROUTING_CUTOFF, calendar_for, classify_finish, procedure_spec, step_limit
from ..process import step_unit


def open_new_step(
    dossier: Dossier,
    step: StepSpec,
    *,
    started_at: dt.datetime,
    handed_over_by: User | None = None,
    mode: str = HandoverMode.ELECTRONIC,
    routing: bool = False,
) -> DossierStep:
    """Open the runtime copy of ``step``. ``routing``: the transfer rule (after 15:00 → next working day)."""
    unit = step_unit(dossier, step)
    cal = calendar_for(unit)
    start = deemed_receipt(cal, started_at, cutoff=ROUTING_CUTOFF) if routing else started_at
    newest = dossier.__dict__.get("_motcua_open_step")
    if isinstance(newest, DossierStep):
        # The step ``begin`` locked as open (perhaps closed since by this service) is the newest one:
        # steps are only appended, and at most one is open.
        last = newest.seq
    else:
        last = dossier.steps.order_by("-seq").values_list("seq", flat=True).first() or 0
    opened = DossierStep.objects.create(
        dossier=dossier,
        seq=last + 1,
        step_code=step.code,
        name=step.name,
        role=step.role,
        unit=unit,
        inter_agency=step.inter_agency,
        handover_mode=mode,
        handed_over_by=handed_over_by,
        budget_amount=step.budget.amount,
        budget_unit=step.budget.unit,
        started_at=start,
        due_at=due_moment(cal, start, step_limit(step)),
    )
    remember_current_step(dossier, opened)
    return opened


def close_step(
    dossier: Dossier, step: DossierStep, *, actor: User | None, at: dt.datetime, note: str = ""
) -> None:
    spec = procedure_spec(dossier.procedure_version)
    step.finished_at = max(at, step.started_at)
    step.finished_by = actor if actor is not None and actor.is_authenticated else None
    if step.due_at is not None:
        step.outcome = classify_finish(spec=spec, unit=step.unit, finished=step.finished_at, due=step.due_at)
    step.note = note or step.note
    step.save(update_fields=["finished_at", "finished_by", "outcome", "note"])
