"""Stopping and restarting the clock: open a pause, close it and move the due moments by it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.calendar.engine.deadlines import shift_by_pauses

from ..models import Dossier, DossierPause
from ..procedure import calendar_for, dossier_due, procedure_spec
from .common import open_step


def pause_open(
    dossier: Dossier, *, kind: str, at: dt.datetime, reason: str, items: list[Any] | None = None
) -> DossierPause:
    dossier.paused_from = dossier.status
    return DossierPause.objects.create(
        dossier=dossier, kind=kind, started_at=at, reason=reason, items=items or []
    )


def pause_close(dossier: Dossier, *, at: dt.datetime) -> DossierPause | None:
    """End the open pause; recompute the dossier's due moment (with all pauses) and shift the open step's."""
    pause = DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).first()
    if pause is None:
        return None
    pause.ended_at = max(at, pause.started_at)
    pause.save(update_fields=["ended_at"])
    if pause.ended_at == pause.started_at:
        return pause  # no time passed: nothing moves
    if dossier.received_at is not None and pause.started_at >= dossier.received_at:
        spec = procedure_spec(dossier.procedure_version)
        due = dossier_due(
            spec=spec, unit=dossier.resolving_unit, received_at=dossier.received_at, pauses=dossier.pauses()
        )
        if dossier.apology_count and dossier.due_at is not None and dossier.original_due_at is not None:
            # After an apology the agreed new date moves by the same pause.
            due = shift_by_pauses(calendar_for(dossier.resolving_unit), dossier.due_at, [pause.as_pause()])
        dossier.due_at = due
    step = open_step(dossier)
    if step is not None and step.due_at is not None and pause.started_at >= step.started_at:
        step.due_at = shift_by_pauses(calendar_for(step.unit), step.due_at, [pause.as_pause()])
        step.save(update_fields=["due_at"])
    return pause
