"""Reading a dossier's pinned internal process: which unit a step runs at, the facts its conditions test,
and which actions a user may take from the open step. Pure reads, shared by the services and selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.choices import END, ConditionKey, StepUnitKind
from motcua.catalogue.conditions import ConditionFacts, available_actions, condition_holds
from motcua.catalogue.spec import ActionSpec, ProcedureSpec, StepSpec
from motcua.org.models import OrgUnit

from .access import staff_scope
from .errors import ActionNotAllowed, InvalidDossierInput
from .models import Dossier, DossierStep, FeeStatus
from .procedure import procedure_spec


def step_unit(dossier: Dossier, step: StepSpec) -> OrgUnit:
    kind = step.unit_kind
    if kind == StepUnitKind.RECEIVING:
        return dossier.receiving_point
    if kind == StepUnitKind.RESOLVING:
        return dossier.resolving_unit
    unit = OrgUnit.objects.filter(code=step.unit).first()
    if unit is None:
        raise InvalidDossierInput(
            _("Bước “%(step)s” cần đơn vị có mã %(code)s nhưng đơn vị này không tồn tại."),
            step=step.name,
            code=step.unit,
        )
    return unit


def is_receiving_step(step: StepSpec | None) -> bool:
    return step is not None and step.unit_kind == StepUnitKind.RECEIVING


def facts_of(dossier: Dossier, spec: ProcedureSpec) -> ConditionFacts:
    return ConditionFacts(
        fee_paid=dossier.fee_status in (FeeStatus.PAID, FeeStatus.NONE),
        result_type=spec.result_type,
        applicant_type=dossier.applicant_kind,
        channel="post" if dossier.channel == "postal" else dossier.channel,
    )


def roles_for(actor: User, unit: OrgUnit, step: DossierStep) -> set[str]:
    scope = staff_scope(actor)
    roles = set(scope.roles_at(unit.pk))
    if step.assignee_id == actor.pk and step.role:
        roles.add(step.role)
    if scope.province_admin or roles & {"division_head", "agency_leader", "agency_admin"}:
        roles |= {
            "one_stop_officer",
            "specialist",
            "division_head",
            "agency_leader",
            "agency_admin",
            "province_admin",
        }
    return roles


def choose_action(dossier: Dossier, step: DossierStep, *, actor: User | None, to_step: str) -> ActionSpec:
    """The process action from the open step to ``to_step`` that the actor may take now."""
    spec = procedure_spec(dossier.procedure_version)
    roles = roles_for(actor, step.unit, step) if actor is not None else {"province_admin", step.role}
    if actor is None:
        roles |= {"one_stop_officer", "specialist", "division_head", "agency_leader"}
    options = available_actions(spec.process, step=step.step_code, facts=facts_of(dossier, spec), roles=roles)
    for action in options:
        if action.to_step == to_step:
            return action
    facts = facts_of(dossier, spec)
    for action in spec.process.actions:
        unmet = [c for c in action.conditions if not condition_holds(c, facts)]
        if action.from_step == step.step_code and action.to_step == to_step and unmet:
            raise ActionNotAllowed(
                _("Chưa thể chuyển từ bước “%(step)s” sang “%(to)s”: chưa đủ điều kiện — %(unmet)s."),
                code="conditions_not_met",
                step=step.name,
                to=to_step,
                unmet="; ".join(str(ConditionKey(c).label) for c in unmet if c in ConditionKey.values),
            )
    targets = ", ".join(a.to_step for a in options) or "—"
    raise ActionNotAllowed(
        _("Không thể chuyển từ bước “%(step)s” sang “%(to)s”. Có thể chuyển sang: %(targets)s."),
        step=step.name,
        to=to_step,
        targets=targets,
    )


def next_targets(dossier: Dossier, step: DossierStep, *, actor: User) -> list[ActionSpec]:
    spec = procedure_spec(dossier.procedure_version)
    roles = roles_for(actor, step.unit, step)
    return available_actions(spec.process, step=step.step_code, facts=facts_of(dossier, spec), roles=roles)


def is_decision_action(spec: ProcedureSpec, action: ActionSpec) -> bool:
    """Actions that end the processing: to END, or to the return step at the receiving point."""
    return action.to_step == END or is_receiving_step(spec.process.step(action.to_step))
