"""Sign-in with lockout: after repeated failures an account is locked for a while, audited.

The identifier may be the username (personal ID, tax code, staff username) or, for citizens and
businesses, their email or phone number (``selectors.user_for_identifier``). An identifier that names no
account costs the same password hashing as a real check and is throttled like a real account, so neither
the answer, its timing nor a lockout tells whether the account exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from motcua.core.audit import audit_record

from .models import User
from .selectors import user_for_identifier
from .services import login_failure_record, unknown_identifier_failure_record


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses locked accounts and counts consecutive failures.

    A right password does not reset the failure count here: the sign-in may still need a second factor,
    and guessed codes must keep counting. The count is reset when the sign-in completes
    (``services.login_success_reset``, on ``user_logged_in``).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = user_for_identifier(username)
        if user is None:
            dummy_password_check(password)
            unknown_identifier_failure_record(identifier=username)
            return None
        if user.is_locked():
            audit_record(action="auth.login_refused_locked", obj=user, data={})
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        login_failure_record(user=user)
        return None


def dummy_password_check(password: str) -> None:
    """Hash ``password`` as a real check would: same cost for unknown accounts, no timing oracle."""
    User().set_password(password)
