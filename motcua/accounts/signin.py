"""The sign-in conversation kept in the session, and the marks a signed-in session carries.

A password alone never signs anyone in when a second factor follows: the password step stores a *pending*
state (who, which step, where to go next, when) and only the second step calls Django's ``login()``, which
renews the session key. So a user who must enrol an authenticator can do nothing else: until enrolment
completes they are not signed in at all. The pending state lives ``PENDING_SECONDS`` and is void if the
password changes meanwhile (it carries the session hash of the account).

A signed-in session records how it was signed in (``FACTOR_KEY``), when (``SINCE_KEY``), when it was last
used (``SEEN_KEY``) and its idle-timeout class (``IDLE_KEY``); ``motcua.accounts.middleware`` reads them.
"""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from motcua.core.audit import audit_record

from .models import AccountKind, User
from .selectors import (
    totp_device_confirmed,
    user_is_administrator,
    user_is_portal_account,
    user_requires_totp,
)
from .services import now_timestamp

PENDING_KEY = "_motcua_signin"
FACTOR_KEY = "_motcua_factor"
SINCE_KEY = "_motcua_since"
SEEN_KEY = "_motcua_seen"
IDLE_KEY = "_motcua_idle"
DEMO_CODE_KEY = "_motcua_demo_code"
PENDING_SECONDS = 10 * 60


class Step(enum.StrEnum):
    TOTP = "totp"  # staff with an authenticator: the 6-digit code (or a recovery code)
    ENROL = "enrol"  # administrators and leaders without one: enrol now
    OTP = "otp"  # citizens and businesses: the code sent by SMS or email


class IdleClass(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CITIZEN = "citizen"


IDLE_SETTINGS = {
    IdleClass.ADMIN: ("MOTCUA_IDLE_MINUTES_ADMIN", 5),
    IdleClass.STAFF: ("MOTCUA_IDLE_MINUTES_STAFF", 15),
    IdleClass.CITIZEN: ("MOTCUA_IDLE_MINUTES_CITIZEN", 30),
}


def second_step(user: User) -> Step | None:
    """What follows a right password for ``user``: a second factor, enrolment, or nothing."""
    if totp_device_confirmed(user=user) is not None:
        return Step.TOTP
    if user_requires_totp(user=user):
        return Step.ENROL if getattr(settings, "MOTCUA_STAFF_TOTP_REQUIRED", True) else None
    if user_is_portal_account(user=user) and getattr(settings, "MOTCUA_CITIZEN_OTP", True):
        return Step.OTP
    return None


def begin(request: HttpRequest, *, user: User, step: Step, next_url: str) -> None:
    """Remember that ``user`` gave the right password and must now pass ``step``."""
    request.session.cycle_key()  # a new key for the new state: nothing planted before the password survives
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0],
        "step": str(step),
        "next": next_url,
        "at": now_timestamp(),
        "hash": user.get_session_auth_hash(),
    }


def pending(request: HttpRequest, step: Step) -> tuple[User, dict[str, Any]] | None:
    """The account waiting at ``step`` in this session, or None (no state, other step, expired, changed)."""
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict) or state.get("step") != str(step):
        return None
    if now_timestamp() - float(state.get("at", 0)) > PENDING_SECONDS:
        drop(request)
        return None
    user = User.objects.filter(pk=int(state.get("user") or 0), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(state.get("hash", ""))):
        drop(request)
        return None
    return user, state


def update_pending(request: HttpRequest, **changes: Any) -> None:
    state = request.session.get(PENDING_KEY)
    if isinstance(state, dict):
        request.session[PENDING_KEY] = {**state, **changes}


def drop(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(DEMO_CODE_KEY, None)


def finish(request: HttpRequest, *, user: User, backend: str, factor: str) -> None:
    """Sign ``user`` in (Django's ``login()``: new session key) and mark the session; one audit row."""
    auth_login(request, user, backend=backend)  # its user_logged_in receiver stamps the session too
    drop(request)
    mark(request, user=user, factor=factor)
    audit_record(action="auth.login_succeeded", actor=user, obj=user, data={"factor": factor})


def mark(request: HttpRequest, *, user: User, factor: str | None) -> None:
    """Stamp a freshly signed-in session: how (``factor``; None leaves it unset), since when, idle class."""
    now = now_timestamp()
    if factor is None:
        request.session.pop(FACTOR_KEY, None)
    else:
        request.session[FACTOR_KEY] = factor
    request.session[SINCE_KEY] = now
    request.session[SEEN_KEY] = now
    request.session[IDLE_KEY] = str(idle_class(user))


def idle_class(user: User) -> IdleClass:
    if user_is_administrator(user=user):
        return IdleClass.ADMIN
    if user.kind == AccountKind.STAFF or user.is_superuser:
        return IdleClass.STAFF
    return IdleClass.CITIZEN


def idle_minutes(kind: IdleClass) -> int:
    """The idle timeout of ``kind`` in minutes; 0 means none."""
    name, default = IDLE_SETTINGS[kind]
    return int(getattr(settings, name, default))
