"""The HTTP plumbing every adapter shares: a request, an answer, and a transport between them.

A transport is a plain function from ``HttpRequest`` to ``HttpAnswer``, so each adapter's tests send
through the Django test client, a live server, or straight to the adapter's in-process fake. Any HTTP
status is an answer (the adapter decides what a 404 or a 503 means); no answer at all is an exception:
``TimeoutError`` when none came in time, ``OSError`` when there was no connection or what came back was
not HTTP. Each adapter maps those to its own typed errors.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    timeout: float


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


#: request → answer; raises ``TimeoutError`` (no answer in time) or ``OSError`` (no connection).
Transport = Callable[[HttpRequest], HttpAnswer]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError, i.e. as an answer


_no_redirect_opener = urllib.request.build_opener(_NoRedirect)


def urllib_transport(
    request: HttpRequest, *, follow_redirects: bool = True, max_bytes: int | None = None
) -> HttpAnswer:
    """Send ``request`` with the standard library. ``follow_redirects=False`` returns a 3xx as it is;
    ``max_bytes`` reads at most that much of the body (for addresses typed in by an administrator)."""
    req = urllib.request.Request(  # noqa: S310 - URLs from the settings or checked by the adapter
        request.url, data=request.body, headers=request.headers, method=request.method
    )
    open_ = urllib.request.urlopen if follow_redirects else _no_redirect_opener.open
    try:
        with open_(req, timeout=request.timeout) as response:
            return HttpAnswer(response.status, response.read(max_bytes), dict(response.headers.items()))
    except urllib.error.HTTPError as exc:
        body = b""
        if exc.fp is not None:
            body = exc.read() if max_bytes is None else exc.read(max_bytes)
        return HttpAnswer(exc.code, body or b"", dict(exc.headers.items()) if exc.headers else {})
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise TimeoutError(str(exc.reason)) from exc
        raise OSError(str(exc.reason)) from exc
    except http.client.HTTPException as exc:  # a broken answer (bad status line, cut short…)
        raise OSError(f"{exc.__class__.__name__}: {exc}") from exc
