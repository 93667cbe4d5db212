"""The fake national portal over HTTP (dev, demo and tests only), mounted at /sandbox/dvcqg/ by
``motcua.portal.urls_dvcqg_sandbox``: every request is handed to ``fake.SANDBOX``.

On only with ``DEBUG``, ``MOTCUA_DEMO`` or ``MOTCUA_DVCQG_SANDBOX``; 404 otherwise. A behaviour that gives
no answer (``timeout``, ``lost_answer``) waits ``MOTCUA_DVCQG_SANDBOX_DELAY`` seconds (default 10), longer
than the client's timeout, then answers 504.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .fake import SANDBOX


def sandbox_enabled() -> bool:
    return bool(
        settings.DEBUG
        or getattr(settings, "MOTCUA_DEMO", False)
        or getattr(settings, "MOTCUA_DVCQG_SANDBOX", False)
    )


@csrf_exempt  # a machine-to-machine API authenticated by its bearer token, never a browser form
def portal(request: HttpRequest, path: str = "") -> HttpResponse:
    if not sandbox_enabled():
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    answer = SANDBOX.handle(
        request.method or "GET",
        f"{path}?{query}" if query else path,
        dict(request.headers.items()),
        request.body,
    )
    if answer.timeout:
        time.sleep(float(getattr(settings, "MOTCUA_DVCQG_SANDBOX_DELAY", 10)))
        return HttpResponse(b"", status=504)
    return HttpResponse(answer.body, status=answer.status, content_type="application/json; charset=utf-8")
