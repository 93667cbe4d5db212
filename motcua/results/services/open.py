"""Open the registry entry of an electronic result when its dossier is decided (a dossier event hook)."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.catalogue.choices import ResultType
from motcua.core.audit import audit_record
from motcua.dossiers.models import Decision, Dossier, DossierEvent
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.status import DossierAction

from ..models import IssuedResult, ResultKind, ResultStatus
from .common import new_result, schedule_issue


def result_open_for_decision(*, dossier: Dossier, actor: User | None) -> IssuedResult | None:
    """A pending ``IssuedResult`` for an approved dossier whose procedure's result is electronic, and its
    issue scheduled after commit; None when there is nothing to issue or it is already open.

    Runs inside the transaction of the decision (writes to the database only)."""
    if dossier.decision != Decision.APPROVED:
        return None
    spec = procedure_spec(dossier.procedure_version)
    if spec.result_type != ResultType.ELECTRONIC:
        return None
    if IssuedResult.objects.filter(
        dossier=dossier, kind=ResultKind.ELECTRONIC, replaces__isnull=True
    ).exists():
        return None
    result = new_result(
        dossier,
        kind=ResultKind.ELECTRONIC,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
        status=ResultStatus.PENDING,
    )
    result.save(force_insert=True)
    audit_record(
        action="result.opened", actor=actor, obj=result, data={"code": result.code, "dossier": dossier.code}
    )
    schedule_issue(result.pk)
    return result


def on_dossier_event(dossier: Dossier, event: DossierEvent) -> set[str]:
    """The dossier event hook (registered in ``ResultsConfig.ready``): a decision opens the result."""
    if event.action != DossierAction.DECIDE:
        return set()
    if (event.data or {}).get("decision") != Decision.APPROVED:
        return set()
    result_open_for_decision(dossier=dossier, actor=event.actor)
    return set()
