"""Staff accounts left unused are switched off (security level 3: accounts inactive for 45 days are disabled).

An official who has not signed in for ``days`` days — or was created that long ago and never signed in — is
made inactive, with one audit row each, in one transaction. Citizens and businesses are not touched: their
accounts are theirs, used a few times a year. The account administrators re-activate an account in the admin
when its holder comes back; the holder then signs in with password and second factor as usual.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.audit import audit_record

from .models import AccountKind, User

INACTIVE_DAYS = 45


def staff_accounts_unused(*, days: int = INACTIVE_DAYS, now: dt.datetime | None = None) -> QuerySet[User]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return (
        User.objects.filter(kind=AccountKind.STAFF, is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("username")
    )


def staff_accounts_disable_unused(*, days: int = INACTIVE_DAYS, now: dt.datetime | None = None) -> list[str]:
    """Disable the unused staff accounts; answers their user names."""
    with transaction.atomic():
        users = list(staff_accounts_unused(days=days, now=now).select_for_update())
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
            last = user.last_login.isoformat() if user.last_login else None
            audit_record(action="account.disabled_unused", obj=user, data={"days": days, "last_login": last})
    return [user.username for user in users]
