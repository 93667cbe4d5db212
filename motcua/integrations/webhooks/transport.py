"""Sending one request: a function from ``WebhookRequest`` to ``WebhookAnswer``, so tests post to the
in-process fake receiver (``fake.FakeReceiver``) and production posts over HTTP.

The same shape as the national-portal client's transport (``..dvcqg.client``), with two differences that
matter for addresses typed in by an administrator: redirects are **not** followed (a 3xx is an answer, and
the delivery is retried, so a moved receiver is fixed by updating the endpoint's URL), and at most
``MAX_ANSWER_BYTES`` of an answer are read (only its status and the start of its body are kept).
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_ANSWER_BYTES = 16 * 1024


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    headers: dict[str, str]
    body: bytes
    timeout: float


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: bytes = b""
    headers: dict[str, str] | None = None


#: request → answer; raises ``TimeoutError`` (no answer in time) or ``OSError`` (no connection).
Transport = Callable[[WebhookRequest], WebhookAnswer]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


_opener = urllib.request.build_opener(_NoRedirect)


def urllib_transport(request: WebhookRequest) -> WebhookAnswer:
    req = urllib.request.Request(  # noqa: S310 - an https URL checked by addresses.check_url
        request.url, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with _opener.open(req, timeout=request.timeout) as response:
            return WebhookAnswer(
                response.status, response.read(MAX_ANSWER_BYTES), dict(response.headers.items())
            )
    except urllib.error.HTTPError as exc:
        body = exc.read(MAX_ANSWER_BYTES) if exc.fp is not None else b""
        return WebhookAnswer(exc.code, body or b"", dict(exc.headers.items()) if exc.headers else {})
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise TimeoutError(str(exc.reason)) from exc
        raise OSError(str(exc.reason)) from exc
    except http.client.HTTPException as exc:  # a broken answer (bad status line, cut short…)
        raise OSError(f"{exc.__class__.__name__}: {exc}") from exc


#: Tests may replace the default transport (e.g. the in-process fake receiver).
_transport_override: dict[str, Transport | None] = {"value": None}


def default_transport() -> Transport:
    return _transport_override["value"] or urllib_transport
