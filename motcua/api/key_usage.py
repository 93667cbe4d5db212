"""The usage log of API keys: one ``ApiKeyUse`` row per request that presented a key.

The authenticator (``motcua.api.auth.ApiKeyAuth``) marks the request with a ``PendingUse`` as soon as it sees
a key; this middleware, once the response exists, knows its status and writes the row after the response
has been sent (a closer of the response, which the WSGI/ASGI server calls when done), so the client does
not wait for the insert. Session-authenticated requests carry no mark and leave no row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.http import HttpRequest, HttpResponseBase

from motcua.accounts.models import ApiKey
from motcua.accounts.services_apikeys import apikey_use_record

logger = logging.getLogger("motcua.api")

_ATTR = "_motcua_api_key_use"


@dataclass
class PendingUse:
    operation: str
    key: ApiKey | None = None
    prefix: str = ""
    error_code: str = ""
    authenticated: bool = False


def pending_use_start(request: HttpRequest, *, operation: str) -> PendingUse:
    use = PendingUse(operation=operation)
    setattr(request, _ATTR, use)
    return use


def _write(
    use: PendingUse, *, method: str, path: str, status: int, duration_ms: int, client_ip: str | None
) -> None:
    try:
        apikey_use_record(
            key=use.key,
            prefix=use.prefix,
            method=method,
            path=path,
            operation=use.operation,
            status=status,
            duration_ms=duration_ms,
            client_ip=client_ip,
            error_code=use.error_code,
            authenticated=use.authenticated,
        )
    except Exception:  # the log must never break a response already sent
        logger.exception("could not write the API key usage row (prefix=%s)", use.prefix or "-")


class ApiKeyUsageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        use: PendingUse | None = getattr(request, _ATTR, None)
        if use is not None:
            write = partial(
                _write,
                use,
                method=request.method or "",
                path=request.path,  # never the query string
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000),
                client_ip=request.META.get("REMOTE_ADDR"),
            )
            # Django calls a response's closers once it has been sent (HttpResponseBase.close).
            response._resource_closers.append(write)  # type: ignore[attr-defined]
        return response
