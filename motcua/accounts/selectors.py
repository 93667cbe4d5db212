"""Read-side questions about users and their roles."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.validators import normalize_phone

from .models import AccountKind, Membership, Role, TotpDevice, User

STAFF_ROLES: frozenset[str] = frozenset(Role.values)
LEADER_ROLES: frozenset[str] = frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER, Role.PROVINCE_ADMIN})
# Administrators: the 5-minute idle timeout and a mandatory second factor (TCVN level 3, "MFA for admins").
ADMIN_ROLES: frozenset[str] = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})
# Who must sign in with an authenticator app: administrators and the leaders who sign decisions.
TOTP_REQUIRED_ROLES: frozenset[str] = ADMIN_ROLES | {Role.AGENCY_LEADER, Role.DIVISION_HEAD}
# Accounts of the public (the portal): they sign in with a password and a one-time code by SMS or email.
PORTAL_KINDS: frozenset[str] = frozenset({AccountKind.CITIZEN, AccountKind.BUSINESS})
#: What a personal ID typed on the sign-in page looks like.
PERSONAL_ID = re.compile(r"\d{12}")


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


def user_is_administrator(*, user: User) -> bool:
    """Superusers, Django-admin users (``is_staff``) and agency or province administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_staff or user_roles(user=user) & ADMIN_ROLES)


def user_requires_totp(*, user: User) -> bool:
    """Whether the account must have an authenticator app: administrators and leaders (see TOTP_REQUIRED_ROLES)."""
    if not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user_roles(user=user) & TOTP_REQUIRED_ROLES)


def user_is_portal_account(*, user: User) -> bool:
    return user.kind in PORTAL_KINDS and not (user.is_superuser or user.is_staff)


def totp_device_confirmed(*, user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def phone_variants(value: str) -> set[str]:
    """The ways one Vietnamese number may be stored (``+84912345678``, ``0912345678``, ``84912345678``)."""
    try:
        e164 = normalize_phone(value)
    except ValidationError:
        return set()
    national = e164[3:]
    return {e164, "0" + national, "84" + national}


def user_for_identifier(identifier: str) -> User | None:
    """The account an identifier typed on the sign-in page names, or None.

    A personal ID (12 digits) is looked up first, by equality on the encrypted ``personal_id`` (a citizen's
    username is not their personal ID: ``motcua.accounts.usernames``); then the username (tax code or staff
    username); then, for accounts of the public only, the email address or the phone number. An email or phone
    shared by several accounts names none of them: sign-in by personal ID still works for each.
    """
    value = identifier.strip()
    if not value:
        return None
    if PERSONAL_ID.fullmatch(value):
        user = User.objects.filter(personal_id=value).first()
        if user is not None:
            return user
    user = User.objects.filter(username=value).first()
    if user is not None:
        return user
    public = User.objects.filter(kind__in=PORTAL_KINDS)
    if "@" in value:
        matches = list(public.filter(email__iexact=value)[:2])
    else:
        variants = phone_variants(value)
        if not variants:
            return None
        matches = list(public.filter(phone__in=variants)[:2])
    return matches[0] if len(matches) == 1 else None
