"""Who may see and act on issued results: holders their own; staff those of the dossiers they see; leaders
(division head, agency leader, agency administrator) of the signing unit's tree and the province
administrator revoke and re-issue."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from motcua.accounts.models import AccountKind, Role, User
from motcua.dossiers.access import LEADER_ROLES, dossier_visible_queryset, staff_scope
from motcua.org.selectors import orgunit_subtrees_ids

from .models import HolderKind, IssuedResult


def holder_identity(user: User) -> tuple[str, str] | None:
    """(holder kind, key) of a signed-in citizen or business, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.kind == AccountKind.CITIZEN and user.personal_id:
        return HolderKind.PERSON, user.personal_id
    if user.kind == AccountKind.BUSINESS and user.tax_code:
        return HolderKind.BUSINESS, user.tax_code
    return None


def results_of_holder(user: User) -> QuerySet[IssuedResult]:
    identity = holder_identity(user)
    if identity is None:
        return IssuedResult.objects.none()
    kind, key = identity
    return IssuedResult.objects.filter(holder_kind=kind, holder_key=key).select_related("signer_unit")


def results_visible_to_staff(user: User) -> QuerySet[IssuedResult]:
    if not user.is_authenticated or user.kind != AccountKind.STAFF:
        return IssuedResult.objects.none()
    return IssuedResult.objects.filter(
        dossier__in=dossier_visible_queryset(user).values("pk")
    ).select_related("signer_unit", "dossier")


def results_manager(user: User) -> Callable[[IssuedResult], bool]:
    """``may_manage_result`` for many results (a page of the registry): the units ``user`` leads and their
    subtrees are read once, not once per result."""
    if not user.is_authenticated or user.kind != AccountKind.STAFF:
        return lambda result: False
    scope = staff_scope(user)
    if scope.province_admin:
        return lambda result: True
    led = {unit for unit, roles in scope.roles_by_unit.items() if roles & LEADER_ROLES}
    units = frozenset(led | orgunit_subtrees_ids(led)) if led else frozenset()
    return lambda result: result.signer_unit_id in units


def may_manage_result(user: User, result: IssuedResult) -> bool:
    """Revoke or re-issue: the province administrator, or a leader of the signing unit or of a unit above."""
    return results_manager(user)(result)


def may_digitise_at(user: User, receiving_point_id: int) -> bool:
    """Digitise a paper result: a one-stop officer (or a leader) of the receiving point, or the province
    administrator."""
    if not user.is_authenticated or user.kind != AccountKind.STAFF:
        return False
    scope = staff_scope(user)
    if scope.province_admin:
        return True
    roles = scope.roles_at(receiving_point_id)
    return Role.ONE_STOP_OFFICER in roles or bool(roles & LEADER_ROLES)
