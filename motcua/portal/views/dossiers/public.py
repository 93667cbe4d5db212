"""The public status page ``/tra-cuu-ho-so/``: a dossier's status by its code plus a second factor.

No personal data is shown. An unknown code and a wrong second factor get the same answer. Attempts are
limited per client address and per code (``portal_selectors.public_status_attempt``, one budget shared with
the API's ``/dossier-status``): by default 10 in 10 minutes.
The receipt's QR code points at ``/tra-cuu-ho-so/?ma=<code>``, which fills in the code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.dossiers.errors import StatusLookupLimited
from motcua.dossiers.portal_selectors import (
    dossier_public_status,
    normalize_public_code,
    public_status_attempt,
)

from ...forms import PublicStatusForm
from .common import STATUS_GROUPS


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (the reverse proxy must set REMOTE_ADDR to the real client)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    result = None
    not_found = False
    limited: StatusLookupLimited | None = None
    if request.method == "POST":
        form = PublicStatusForm(request.POST)
        if form.is_valid():
            code = normalize_public_code(form.cleaned_data["ma"])
            try:
                public_status_attempt(client=client_ip(request), code=code)
            except StatusLookupLimited as exc:
                limited = exc
            else:
                result = dossier_public_status(code=code, secret=form.cleaned_data["so"])
                not_found = result is None
            # The digits are not echoed back; after a miss the code stays to be corrected.
            form = PublicStatusForm(initial={"ma": "" if result else code})
    else:
        form = PublicStatusForm(initial={"ma": normalize_public_code(request.GET.get("ma", ""))[:60]})
    context = {
        "form": form,
        "result": result,
        "status_group": STATUS_GROUPS.get(result.status, "waiting") if result else "",
        "not_found": not_found,
        "limited": limited is not None,
        "limited_message": limited.message if limited is not None else "",
    }
    response = render(request, "portal/dossiers/status.html", context, status=429 if limited else 200)
    if limited is not None:
        response["Retry-After"] = str(limited.retry_after)
    return response
