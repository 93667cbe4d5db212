"""A client system's receiver, in process: what the tests (and a developer's shell) send webhooks to.

It behaves as docs/api/webhooks.md asks a receiver to: it checks ``X-Motcua-Signature`` with
``signing.verify`` (401 when it does not verify: wrong secret, altered body, stale or future timestamp),
processes each ``X-Motcua-Delivery`` once (a copy is answered 200 and not processed again) and keeps, per
dossier, the order in which it processed the events. On demand it misbehaves: ``plan(...)`` queues the
answers to the next requests, ``down()``/``up()`` switch it off and on.

Behaviours: ``"ok"``, an HTTP status (``500``, ``410``, ``400``, ``429``…), ``"timeout"`` (no answer,
nothing processed), ``"lost_answer"`` (processed, then no answer: the retry is a duplicate),
``"unreachable"`` (no connection).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..http import HttpAnswer, HttpRequest
from .signing import verify

Behaviour = str | int


@dataclass
class Received:
    """One request as it arrived, and what the receiver made of it."""

    url: str
    headers: dict[str, str]
    body: bytes
    verdict: str  # processed, duplicate, refused, failed (a planned failure)
    status: int | None


@dataclass
class FakeReceiver:
    secret: str = ""
    #: The receiver's clock (``verify``'s ``now``): the tests' frozen clock by default.
    clock: Callable[[], dt.datetime] | None = None
    tolerance: int = 300
    requests: list[Received] = field(default_factory=list)
    #: The events processed, in order (each delivery once).
    events: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    _plan: list[Behaviour] = field(default_factory=list)
    _down: Behaviour | None = None

    # -- control ----------------------------------------------------------------------------------------

    def plan(self, *behaviours: Behaviour) -> None:
        self._plan.extend(behaviours)

    def down(self, behaviour: Behaviour = 503) -> None:
        self._down = behaviour

    def up(self) -> None:
        self._down = None

    # -- what it saw ------------------------------------------------------------------------------------

    def sequences(self, dossier_code: str) -> list[int]:
        """The sequence numbers of one dossier's events, in the order they were processed."""
        return [
            e["dossier"]["sequence"]
            for e in self.events
            if (e.get("dossier") or {}).get("code") == dossier_code
        ]

    def delivery_ids(self) -> list[str]:
        return [r.headers.get("X-Motcua-Delivery", "") for r in self.requests]

    # -- the transport ----------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        if self.clock is not None:
            return self.clock()
        from django.utils import timezone

        return timezone.now()

    def _next(self) -> Behaviour:
        if self._plan:
            return self._plan.pop(0)
        return self._down if self._down is not None else "ok"

    def __call__(self, request: HttpRequest) -> HttpAnswer:
        behaviour = self._next()
        body = request.body or b""
        if behaviour == "unreachable":
            self.requests.append(Received(request.url, dict(request.headers), body, "failed", None))
            raise OSError("connection refused")
        if behaviour == "timeout":
            self.requests.append(Received(request.url, dict(request.headers), body, "failed", None))
            raise TimeoutError("timed out")
        if isinstance(behaviour, int):
            self.requests.append(Received(request.url, dict(request.headers), body, "failed", behaviour))
            return HttpAnswer(behaviour, b'{"error": "planned"}', {"Content-Type": "application/json"})
        answer = self.receive(request)
        if behaviour == "lost_answer":
            raise TimeoutError("processed, but the answer was lost")
        return answer

    def receive(self, request: HttpRequest) -> HttpAnswer:
        """What a well-behaved receiver does with one request."""
        headers, body = dict(request.headers), request.body or b""
        signature = headers.get("X-Motcua-Signature", "")
        if not verify(self.secret, signature, body, self._now(), self.tolerance):
            self.requests.append(Received(request.url, headers, body, "refused", 401))
            return HttpAnswer(401, b'{"error": "bad signature"}')
        delivery = headers.get("X-Motcua-Delivery", "")
        if delivery in self.seen:
            self.requests.append(Received(request.url, headers, body, "duplicate", 200))
            return HttpAnswer(200, b'{"duplicate": true}')
        self.seen.add(delivery)
        self.events.append(json.loads(body.decode("utf-8")))
        self.requests.append(Received(request.url, headers, body, "processed", 200))
        return HttpAnswer(200, b'{"ok": true}')
