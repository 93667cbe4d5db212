"""Who may do what: enter the plan's figures (province level), report on a plan task (its unit's
leaders, or the province), record a review's compliance cost (whoever may edit the procedure)."""

from __future__ import annotations

from typing import Any

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import membership_list_active
from motcua.catalogue.access import procedure_can_edit
from motcua.catalogue.models import Review
from motcua.org.models import OrgUnitKind
from motcua.org.selectors import orgunit_subtree_ids

from ..plan_models import PlanTask


def plan_can_enter(*, user: User | Any) -> bool:
    """Province level only: a superuser, a province administrator, or a leader of the province's unit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for m in membership_list_active(user=user):
        if m.role == Role.PROVINCE_ADMIN:
            return True
        if m.role == Role.AGENCY_LEADER and m.org_unit.kind == OrgUnitKind.PROVINCE:
            return True
    return False


REPORTING_ROLES = frozenset({Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.DIVISION_HEAD})


def plan_can_report(*, user: User | Any, task: PlanTask) -> bool:
    """Province level, or a leader/administrator of the task's unit (or of a unit above it)."""
    if plan_can_enter(user=user):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    for m in membership_list_active(user=user):
        if m.role in REPORTING_ROLES and task.unit_id in orgunit_subtree_ids(m.org_unit, include_self=True):
            return True
    return False


def plan_can_cost(*, user: User | Any, review: Review) -> bool:
    """Province level, or whoever may edit the reviewed procedure (its agency's administrator)."""
    if plan_can_enter(user=user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return procedure_can_edit(user=user, procedure=review.procedure)
