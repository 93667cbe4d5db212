"""The API keys of client systems, with their use in the last 24 hours: for the province administrator and
auditors. Keys are created, rotated and revoked in the Django admin, where the key is shown once; this page
shows only the public prefix, never a key or its hash."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.selectors_apikeys import apikey_unknown_attempts, apikey_usage_rows
from motcua.dossiers.access import staff_scope

from ..access import access_denied, staff_required
from .dossiers.common import officer

TONES = {"active": "ok", "scheduled": "warn", "revoked": "stop", "expired": "stop"}


@staff_required
def apikey_list(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    if not (user.is_superuser or staff_scope(user).sees_all):
        raise access_denied(request, _("Trang này dành cho quản trị cấp tỉnh."))
    since = timezone.now() - dt.timedelta(hours=24)
    rows = [{"row": row, "tone": TONES.get(row.state, "info")} for row in apikey_usage_rows(since=since)]
    context = {
        "rows": rows,
        "unknown_attempts": apikey_unknown_attempts(since=since),
        "can_manage": user.is_staff,
    }
    return render(request, "backoffice/apikeys/list.html", context)
