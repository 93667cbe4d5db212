"""The public status page ``/tra-cuu-ho-so/``: a dossier's status by its code plus a second factor.

No personal data is shown. An unknown code and a wrong second factor get the same answer. Attempts are
limited per client address and per code (Django's cache, a fixed window): by default 10 in 10 minutes.
The receipt's QR code points at ``/tra-cuu-ho-so/?ma=<code>``, which fills in the code.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.dossiers.portal_selectors import dossier_public_status, normalize_public_code

from ...forms import PublicStatusForm
from .common import STATUS_GROUPS

LIMIT = 10
WINDOW_SECONDS = 600


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "MOTCUA_STATUS_LOOKUP_LIMIT", LIMIT)),
        int(getattr(settings, "MOTCUA_STATUS_LOOKUP_WINDOW", WINDOW_SECONDS)),
    )


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must set REMOTE_ADDR to the real client)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _hit(key: str, window: int) -> int:
    """Count one attempt in ``key``'s window and return the count so far."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, timeout=window)
        return 1


def too_many_attempts(request: HttpRequest, code: str) -> bool:
    limit, window = _limits()
    by_ip = _hit(f"motcua:status-lookup:ip:{client_ip(request)}", window)
    digest = hashlib.sha256(code.encode()).hexdigest()[:32]  # any characters, a safe cache key
    by_code = _hit(f"motcua:status-lookup:code:{digest}", window) if code else 0
    return by_ip > limit or by_code > limit


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    result = None
    not_found = False
    limited = False
    status = 200
    if request.method == "POST":
        form = PublicStatusForm(request.POST)
        if form.is_valid():
            code = normalize_public_code(form.cleaned_data["ma"])
            if too_many_attempts(request, code):
                limited = True
                status = 429
            else:
                result = dossier_public_status(code=code, secret=form.cleaned_data["so"])
                not_found = result is None
            # The digits are not echoed back; after a miss the code stays to be corrected.
            form = PublicStatusForm(initial={"ma": "" if result else code})
    else:
        form = PublicStatusForm(initial={"ma": normalize_public_code(request.GET.get("ma", ""))[:60]})
    _limit, window = _limits()
    context = {
        "form": form,
        "result": result,
        "status_group": STATUS_GROUPS.get(result.status, "waiting") if result else "",
        "not_found": not_found,
        "limited": limited,
        "limited_message": _(
            "Bạn đã tra cứu quá nhiều lần. Vì an toàn, vui lòng thử lại sau %(minutes)s phút."
        )
        % {"minutes": max(1, window // 60)},
    }
    response = render(request, "portal/dossiers/status.html", context, status=status)
    if limited:
        response["Retry-After"] = str(window)
    return response
