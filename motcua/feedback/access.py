"""Who may see and handle a PAKN: staff of its handling unit (leaders: their subtree), and the province
administrator (all); the auditor sees all and acts on nothing. Who may hand out a dossier's evaluation link
(``evaluation_link_can_issue``). The only place these rules live."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.models import AccountKind, Role, User
from motcua.dossiers.access import dossier_visible_to, staff_scope
from motcua.dossiers.models import Dossier

from .models import Feedback


def feedback_visible_queryset(user: User) -> QuerySet[Feedback]:
    base = Feedback.objects.all()
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return base.none()
    scope = staff_scope(user)
    if scope.sees_all:
        return base
    if not scope.visible_units:
        return base.none()
    return base.filter(Q(handling_unit_id__in=scope.visible_units))


def feedback_can_see(user: User, feedback: Feedback) -> bool:
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    scope = staff_scope(user)
    return scope.sees_all or feedback.handling_unit_id in scope.visible_units


def feedback_can_handle(user: User, feedback: Feedback) -> bool:
    if not feedback_can_see(user, feedback):
        return False
    scope = staff_scope(user)
    if scope.province_admin:
        return True
    roles = set().union(*scope.roles_by_unit.values()) if scope.roles_by_unit else set()
    if roles <= {Role.AUDITOR}:
        return False
    return feedback.handling_unit_id in scope.visible_units


def evaluation_link_can_issue(user: User, dossier: Dossier) -> bool:
    """Mint the evaluation link of a returned dossier for its applicant (the counter's tablet, the API): staff
    who may see the dossier and act — not the read-only auditor, since whoever holds the link may rate."""
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    if not dossier_visible_to(user, dossier):
        return False
    scope = staff_scope(user)
    roles = set().union(*scope.roles_by_unit.values()) if scope.roles_by_unit else set()
    return scope.province_admin or bool(roles - {Role.AUDITOR})
