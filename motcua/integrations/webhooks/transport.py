"""Sending one request: a ``Transport`` (``..http``), so tests post to the in-process fake receiver
(``fake.FakeReceiver``) and production posts over HTTP.

Over HTTP, two things differ from the other adapters, because the addresses are typed in by an
administrator: redirects are **not** followed (a 3xx is an answer, and the delivery is retried, so a moved
receiver is fixed by updating the endpoint's URL), and at most ``MAX_ANSWER_BYTES`` of an answer are read
(only its status and the start of its body are kept).
"""

from __future__ import annotations

from .. import http
from ..http import HttpAnswer, HttpRequest, Transport

MAX_ANSWER_BYTES = 16 * 1024


def urllib_transport(request: HttpRequest) -> HttpAnswer:
    return http.urllib_transport(request, follow_redirects=False, max_bytes=MAX_ANSWER_BYTES)


#: Tests may replace the default transport (e.g. the in-process fake receiver).
_transport_override: dict[str, Transport | None] = {"value": None}


def default_transport() -> Transport:
    return _transport_override["value"] or urllib_transport
