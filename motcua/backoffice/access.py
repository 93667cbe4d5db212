"""The staff-shell gate: only active staff with a current membership (or superusers) get in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from motcua.accounts.selectors import user_is_staff_member
from motcua.core.audit import audit_record
from motcua.dossiers.access import staff_leads_a_unit

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_staff_member(user=request.user):
            raise access_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


def access_denied(request: HttpRequest, message: str = "") -> PermissionDenied:
    """Record the refusal in the audit trail and return the 403 for the caller to raise
    (``raise access_denied(request, _("…"))``), so every page's own check records the same thing."""
    audit_record(action="access.denied", actor=request.user, data={"path": request.path})
    return PermissionDenied(message)


def leads_a_unit(user: Any) -> bool:
    """Whether ``user`` leads a unit or sees every unit (province administrator, auditor): the pages of
    leaders (early warning, bottlenecks) are for them (``motcua.dossiers.access.staff_leads_a_unit``)."""
    return staff_leads_a_unit(user)
