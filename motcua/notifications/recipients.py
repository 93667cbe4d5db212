"""Who holds a role at a unit today — the people reminders and escalations go to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from motcua.accounts.models import AccountKind, Membership, User
from motcua.org.models import OrgUnit

#: How far up the unit tree ``staff_with_role`` looks for someone holding the role.
MAX_DEPTH = 8


def _holders(unit_id: int, roles: set[str], day: dt.date) -> list[User]:
    user_ids = (
        Membership.objects.filter(org_unit_id=unit_id, role__in=roles, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("user_id", flat=True)
    )
    return list(
        User.objects.filter(pk__in=user_ids, is_active=True, kind=AccountKind.STAFF).order_by("username")
    )


def staff_with_role(
    unit: OrgUnit | None, roles: Iterable[str], *, walk_up: bool = False, on: dt.date | None = None
) -> list[User]:
    """Active staff with a current membership in one of ``roles`` at ``unit``; with ``walk_up``, at the
    nearest ancestor where someone holds it (a division without its own head reports to the agency's)."""
    wanted = set(roles)
    day = on or timezone.localdate()
    current = unit
    depth = 0
    while current is not None and depth < MAX_DEPTH:
        found = _holders(current.pk, wanted, day)
        if found or not walk_up:
            return found
        current = current.parent
        depth += 1
    return []


def staff_with_role_anywhere(roles: Iterable[str], *, on: dt.date | None = None) -> list[User]:
    """Active staff holding one of ``roles`` at any unit (e.g. the province administrators)."""
    day = on or timezone.localdate()
    user_ids = (
        Membership.objects.filter(role__in=set(roles), valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("user_id", flat=True)
    )
    return list(
        User.objects.filter(pk__in=user_ids, is_active=True, kind=AccountKind.STAFF).order_by("username")
    )
