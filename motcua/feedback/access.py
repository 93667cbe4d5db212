"""Who may see and handle a PAKN: staff of its handling unit (leaders: their subtree), and the province
administrator (all); the auditor sees all and acts on nothing. The only place these rules live."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.models import AccountKind, Role, User
from motcua.dossiers.access import staff_scope

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
