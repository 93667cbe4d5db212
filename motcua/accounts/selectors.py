"""Read-side questions about users and their roles."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AccountKind, Membership, Role, User

STAFF_ROLES: frozenset[str] = frozenset(Role.values)
LEADER_ROLES: frozenset[str] = frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER, Role.PROVINCE_ADMIN})


def membership_list_active(*, user: User, on: dt.date | None = None) -> QuerySet[Membership]:
    day = on or timezone.localdate()
    return (
        Membership.objects.filter(user=user, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("org_unit")
        .order_by("org_unit__code", "role")
    )


def user_roles(*, user: User, on: dt.date | None = None) -> set[str]:
    if not user.is_authenticated or user.kind != AccountKind.STAFF or not user.is_active:
        return set()
    return set(membership_list_active(user=user, on=on).values_list("role", flat=True))


def user_is_staff_member(*, user: User) -> bool:
    """True for an active staff account with at least one current membership (or a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user_roles(user=user))
