"""One dossier: summary, time left, components, steps, history and the actions the officer may take now."""

from __future__ import annotations

import mimetypes
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.core.blobs import blob_exists, blob_response
from motcua.dossiers.access import current_step
from motcua.dossiers.errors import DossierError, DossierNotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.paperwork import FORM_TITLES, dossier_form_keys
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.selectors import (
    dossier_detail,
    dossier_open_pause_items,
    dossier_time_left,
    queue_clock,
    step_time_left,
)
from motcua.dossiers.status import DossierAction, DossierStatus
from motcua.integrations.access import dossier_read_record

from ...access import staff_required
from .common import STATUS_TONES, dossier_or_404, officer
from .registry import offered_actions


def _status_label(value: str) -> str:
    return str(DossierStatus(value).label) if value in DossierStatus.values else value


def _history(dossier: Dossier) -> list[dict[str, Any]]:
    names = {step.step_code: step.name for step in dossier.steps.all()}
    rows = []
    for event in dossier.events.all():
        rows.append(
            {
                "event": event,
                "action": str(DossierAction(event.action).label)
                if event.action in DossierAction.values
                else event.action,
                "from_status": _status_label(event.from_status) if event.from_status else "",
                "to_status": _status_label(event.to_status) if event.to_status else "",
                "changed": event.from_status != event.to_status,
                "to_step": names.get(event.to_step, event.to_step),
            }
        )
    return list(reversed(rows))


def page_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    bound: tuple[str, Any] | None = None,
    error: DossierError | str | None = None,
) -> dict[str, Any]:
    """The dossier page's context; ``bound`` = (action key, its bound form) after a refused action."""
    user = officer(request)
    clock = queue_clock(org_unit=dossier.resolving_unit)
    step = current_step(dossier)
    actions = []
    for ui, kwargs in offered_actions(dossier=dossier, user=user):
        if bound is not None and bound[0] == ui.key:
            form, is_open = bound[1], True
        else:
            form, is_open = ui.form(prefix=ui.key, initial={"version": dossier.lock_version}, **kwargs), False
        actions.append({"ui": ui, "form": form, "open": is_open})
    if not any(a["open"] for a in actions):  # the likely next step is unfolded, ready to use
        first = next((a for a in actions if a["ui"].tone == "primary"), None)
        if first is not None:
            first["open"] = True
    spec = procedure_spec(dossier.procedure_version)
    return {
        "dossier": dossier,
        "spec": spec,
        "tone": STATUS_TONES.get(dossier.status, "info"),
        "left": dossier_time_left(dossier, clock=clock),
        "step": step,
        "step_left": step_time_left(step, dossier=dossier, clock=clock) if step else None,
        "steps": [
            {"step": s, "left": step_time_left(s, dossier=dossier, clock=clock)} for s in dossier.steps.all()
        ],
        "components": list(dossier.components.all()),
        "history": _history(dossier),
        "actions": actions,
        "supplement_items": dossier_open_pause_items(dossier),
        "pauses": list(dossier.pause_set.all()),
        "forms": [(key, FORM_TITLES[key]) for key in dossier_form_keys(dossier)],
        "error": error.message if isinstance(error, DossierError) else error,
        "error_code": error.code if isinstance(error, DossierError) else "",
        "error_action": bound[0]
        if bound is not None and any(a["ui"].key == bound[0] for a in actions)
        else "",
    }


def render_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: tuple[str, Any] | None = None,
    error: DossierError | str | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        dossier = dossier_detail(user=officer(request), pk=pk)
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc
    dossier_read_record(user=officer(request), dossier=dossier)  # the applicant's access ledger (issue 7)
    context = page_context(request, dossier, bound=bound, error=error)
    return render(request, "backoffice/dossiers/detail.html", context, status=status)


@staff_required
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_page(request, pk)


@staff_required
def dossier_component_file(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    """A component's file, for staff who may see the dossier; the read is recorded in the audit chain."""
    user: User = officer(request)
    dossier = dossier_or_404(user, pk)
    component = next((c for c in dossier.components.all() if c.pk == component_id), None)
    if component is None or not component.file or not blob_exists(component.file.name or ""):
        raise Http404
    audit_record(
        action="dossier.component_read",
        actor=user,
        obj=dossier,
        data={"component": component.pk, "sha256": component.sha256},
    )
    dossier_read_record(user=user, dossier=dossier, component=component)
    stored = component.file.name or ""  # a blob name, or an older upload's dossiers/… name
    name = component.original_name or stored.rsplit("/", 1)[-1]
    content_type = component.content_type or mimetypes.guess_type(stored)[0] or "application/octet-stream"
    response = blob_response(stored, filename=name, content_type=content_type)  # attachment, nosniff
    response["Content-Security-Policy"] = "sandbox"
    return cast(HttpResponse, response)  # a streaming response; the staff gate is typed for HttpResponse
