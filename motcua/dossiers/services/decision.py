"""Decide (approve or not eligible) and return the result."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.choices import END

from ..announce import announce
from ..errors import ActionNotAllowed, InvalidDossierInput
from ..models import Decision, Dossier, ReturnMethod
from ..procedure import classify_finish, procedure_spec
from ..process import is_decision_action, next_targets
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, open_step, require_open_step, transition
from .steps import close_step, open_new_step


@transition
def dossier_decide(
    *, dossier: Dossier, actor: User, decision: str, note: str = "", expected_version: int | None = None
) -> Dossier:
    """Sign off the result: approved, or not eligible with the reasons. Ends the processing."""
    if decision not in Decision.values:
        raise InvalidDossierInput(_("Kết quả giải quyết không hợp lệ."), code="decision_invalid")
    if decision == Decision.NOT_ELIGIBLE and not note.strip():
        raise InvalidDossierInput(_("Cần nêu rõ lý do không đủ điều kiện giải quyết."), code="note_required")
    dossier = begin(dossier, actor=actor, action=DossierAction.DECIDE, expected_version=expected_version)
    spec = procedure_spec(dossier.procedure_version)
    step = require_open_step(dossier)
    endings = [a for a in next_targets(dossier, step, actor=actor) if is_decision_action(spec, a)]
    if not endings:
        raise ActionNotAllowed(
            _("Bước “%(step)s” chưa phải bước ký, ban hành kết quả."),
            code="not_a_decision_step",
            step=step.name,
        )
    moment = now()
    close_step(dossier, step, actor=actor, at=moment, note=note)
    dossier.decision = decision
    dossier.decision_note = note
    dossier.finished_at = moment
    if dossier.due_at is not None:
        dossier.outcome = classify_finish(
            spec=spec, unit=dossier.resolving_unit, finished=moment, due=dossier.due_at
        )
    to_step = ""
    ending = endings[0]
    if ending.to_step != END:
        target = spec.process.step(ending.to_step)
        if target is None:
            raise InvalidDossierInput(
                _("Quy trình của thủ tục không có bước này."), code="process_step_missing"
            )
        to_step = open_new_step(dossier, target, started_at=moment, handed_over_by=actor).step_code
    online = dossier.channel == "online" and spec.result_type == "electronic"
    announce(dossier, "dossier.result_ready", return_channel="online" if online else "counter", note=note)
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.DECIDE,
        to_status=DossierStatus.RESULT_READY,
        from_step=step.step_code,
        to_step=to_step,
        unit_code=step.unit.code,
        note=note,
        at=moment,
        fields=["decision", "decision_note", "finished_at", "outcome"],
        # The electronic result is counted when it is signed and registered: the results app appends a
        # ``result_issued`` event then (766 items 4.1, 4.2).
        data={"decision": decision, "outcome": dossier.outcome, "e_result": False},
    )


@transition
def dossier_return_result(
    *, dossier: Dossier, officer: User, method: str, note: str = "", expected_version: int | None = None
) -> Dossier:
    """Hand the result to the applicant: at the counter, by post or online."""
    if method not in ReturnMethod.values:
        raise InvalidDossierInput(_("Hình thức trả kết quả không hợp lệ."), code="return_method_invalid")
    dossier = begin(
        dossier, actor=officer, action=DossierAction.RETURN_RESULT, expected_version=expected_version
    )
    moment = now()
    step = open_step(dossier)
    if step is not None:
        close_step(dossier, step, actor=officer, at=moment, note=note)
    dossier.returned_at = moment
    dossier.return_method = method
    announce(dossier, "dossier.returned", returned_at=moment, return_channel=method)
    return commit_change(
        dossier,
        actor=officer,
        action=DossierAction.RETURN_RESULT,
        to_status=DossierStatus.RETURNED,
        from_step=step.step_code if step else "",
        unit_code=dossier.receiving_point.code,
        note=note,
        at=moment,
        fields=["returned_at", "return_method"],
        data={"method": method},
    )
