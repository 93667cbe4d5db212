"""Receivers connected in ``AccountsConfig.ready``."""

from __future__ import annotations

from typing import Any

from .models import User
from .services import login_success_reset
from .signin import Step, mark, second_step


def on_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """Every completed sign-in (the sign-in views, the admin form, the test client …).

    Clears the failure count, and marks the session once, at sign-in, so later requests pay nothing: its
    start, idle class and — unless the account needs an authenticator code, which only the sign-in views
    can confirm (``signin.finish`` then records it) — that a password was enough.
    """
    login_success_reset(user=user)
    session = getattr(request, "session", None)
    if session is not None:
        needs_code = second_step(user) in (Step.TOTP, Step.ENROL)
        mark(request, user=user, factor=None if needs_code else "password")
