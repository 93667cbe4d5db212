"""Processing along the internal process: route to the resolving unit, assign, forward (including the
inter-agency hand-over and hand-back), send back to an earlier step."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.accounts.selectors import membership_list_active

from ..errors import ActionNotAllowed, DossierError, InvalidDossierInput
from ..models import Dossier, HandoverMode
from ..procedure import procedure_spec
from ..process import choose_action, is_decision_action, is_receiving_step
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, open_step, require_open_step, transition
from .intake import component_summary
from .steps import close_step, open_new_step


@transition
def dossier_route(
    *, dossier: Dossier, officer: User, to_step: str | None = None, paper: bool = False,
    expected_version: int | None = None,
) -> Dossier:  # fmt: skip
    """Transfer a received dossier to the resolving unit's first processing step.

    Electronic transfer starts the step's clock at once, or at the start of the next working day when
    it happens at or after 15:00 (regulations §1, "Chuyển xử lý").
    """
    dossier = begin(dossier, actor=officer, action=DossierAction.ROUTE, expected_version=expected_version)
    spec = procedure_spec(dossier.procedure_version)
    moment = now()
    intake = open_step(dossier)
    if intake is not None:
        action = choose_action(
            dossier, intake, actor=officer, to_step=to_step or _first_target(dossier, intake)
        )
        target = spec.process.step(action.to_step)
        close_step(dossier, intake, actor=officer, at=moment)
        from_step = intake.step_code
    else:
        target = spec.process.steps[0] if spec.process.steps else None
        from_step = ""
    if target is None:
        raise InvalidDossierInput(_("Quy trình của thủ tục không có bước xử lý."), code="process_empty")
    mode = HandoverMode.PAPER if paper else HandoverMode.ELECTRONIC
    step = open_new_step(dossier, target, started_at=moment, handed_over_by=officer, mode=mode, routing=True)
    commit_change(
        dossier,
        actor=officer,
        action=DossierAction.ROUTE,
        to_status=DossierStatus.PROCESSING,
        from_step=from_step,
        to_step=step.step_code,
        unit_code=step.unit.code,
        at=moment,
        data={
            "mode": mode,
            "step_due_at": step.due_at.isoformat() if step.due_at else None,
            # Components as they leave the one-stop point: scans made at the counter after the receipt
            # count as digitised before resolution (regulations §5; 766 item 4.2).
            "components": component_summary(dossier.components.all()),
        },
    )
    return dossier


def _first_target(dossier: Dossier, step: object) -> str:
    spec = procedure_spec(dossier.procedure_version)
    code = getattr(step, "step_code", "")
    for action in spec.process.actions:
        if action.from_step == code:
            return action.to_step
    return ""


@transition
def dossier_assign(
    *, dossier: Dossier, actor: User, assignee: User, expected_version: int | None = None
) -> Dossier:
    """A leader of the step's unit gives the open step to one of the unit's staff."""
    dossier = begin(dossier, actor=actor, action=DossierAction.ASSIGN, expected_version=expected_version)
    step = require_open_step(dossier)
    if not membership_list_active(user=assignee).filter(org_unit=step.unit).exists():
        raise InvalidDossierInput(
            _("%(name)s không thuộc %(unit)s nên không thể được phân công bước này."),
            code="assignee_not_in_unit",
            name=assignee.full_name or assignee.username,
            unit=step.unit.name,
        )
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.ASSIGN,
        from_step=step.step_code,
        to_step=step.step_code,
        unit_code=step.unit.code,
        data={"assignee": assignee.username},
    )


@transition
def dossier_forward(
    *, dossier: Dossier, actor: User, to_step: str, note: str = "", paper: bool = False,
    expected_version: int | None = None,
) -> Dossier:  # fmt: skip
    """Finish the open step and hand the dossier to the next step of the process.

    Into an inter-agency step it is a hand-over to another agency; out of one, a hand-back. Decisions
    (the step to END or to the return step) go through ``dossier_decide``.
    """
    dossier = begin(dossier, actor=actor, action=DossierAction.FORWARD, expected_version=expected_version)
    spec = procedure_spec(dossier.procedure_version)
    step = require_open_step(dossier)
    action = choose_action(dossier, step, actor=actor, to_step=to_step)
    if is_decision_action(spec, action):
        raise ActionNotAllowed(
            _(
                "Bước tiếp theo là trả kết quả: hãy dùng thao tác “Quyết định” (giải quyết hoặc không đủ điều kiện)."
            )
        )
    target = spec.process.step(action.to_step)
    if target is None:
        raise InvalidDossierInput(_("Quy trình của thủ tục không có bước này."), code="process_step_missing")
    moment = now()
    close_step(dossier, step, actor=actor, at=moment, note=note)
    mode = HandoverMode.PAPER if paper else HandoverMode.ELECTRONIC
    new = open_new_step(dossier, target, started_at=moment, handed_over_by=actor, mode=mode)
    kind = DossierAction.FORWARD
    if new.inter_agency and not step.inter_agency:
        kind = DossierAction.HAND_OVER
    elif step.inter_agency and not new.inter_agency:
        kind = DossierAction.HAND_BACK
    return commit_change(
        dossier,
        actor=actor,
        action=kind,
        from_step=step.step_code,
        to_step=new.step_code,
        unit_code=new.unit.code,
        note=note,
        at=moment,
        data={"mode": mode, "from_unit": step.unit.code, "outcome": step.outcome},
    )


@transition
def dossier_send_back(
    *, dossier: Dossier, actor: User, to_step: str, note: str, expected_version: int | None = None
) -> Dossier:
    """Return the dossier to an earlier step it has passed (e.g. the leader sends it back to the specialist)."""
    dossier = begin(dossier, actor=actor, action=DossierAction.SEND_BACK, expected_version=expected_version)
    spec = procedure_spec(dossier.procedure_version)
    step = require_open_step(dossier)
    if not note.strip():
        raise InvalidDossierInput(_("Cần ghi lý do trả lại bước trước."), code="note_required")
    visited = set(dossier.steps.exclude(pk=step.pk).values_list("step_code", flat=True))
    target = spec.process.step(to_step)
    if target is None or to_step not in visited or is_receiving_step(target):
        raise InvalidDossierInput(
            _("Chỉ trả lại được về một bước xử lý hồ sơ đã đi qua."), code="send_back_target_invalid"
        )
    moment = now()
    close_step(dossier, step, actor=actor, at=moment, note=note)
    new = open_new_step(dossier, target, started_at=moment, handed_over_by=actor)
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.SEND_BACK,
        from_step=step.step_code,
        to_step=new.step_code,
        unit_code=new.unit.code,
        note=note,
        at=moment,
    )


@dataclass(frozen=True)
class BulkAssignResult:
    assigned: list[str]
    refused: dict[str, str]  # code → the reason, in Vietnamese
    refused_codes: dict[str, str] = field(default_factory=dict)  # code → the error's stable code


def dossier_assign_many(*, dossiers: list[Dossier], actor: User, assignee: User) -> BulkAssignResult:
    """A division head gives several open steps to one officer; each dossier in its own transaction, so one
    refusal (another unit, a step that moved on) does not undo the others."""
    assigned: list[str] = []
    refused: dict[str, str] = {}
    codes: dict[str, str] = {}
    for dossier in dossiers:
        try:
            dossier_assign(dossier=dossier, actor=actor, assignee=assignee)
        except DossierError as exc:
            refused[dossier.code or str(dossier.pk)] = exc.message
            codes[dossier.code or str(dossier.pk)] = exc.code
        else:
            assigned.append(dossier.code or str(dossier.pk))
    return BulkAssignResult(assigned=assigned, refused=refused, refused_codes=codes)
