"""The outside world of the chaos run, in one process that is never killed: the national portal, the SMS
gateway and a client system's webhook receiver, each counting what reached it.

    DJANGO_SETTINGS_MODULE=benchmarks.chaos.settings python benchmarks/chaos/fakes.py --port 8123 \\
        --webhook-secret …

* ``/dvcqg/…`` — the fake national portal of ``motcua.integrations.dvcqg.fake`` (the one ``/sandbox/dvcqg/``
  serves in dev), here in a process of its own so that what it received outlives the killed workers. It keeps
  each status update once per ``Idempotency-Key`` and answers a resend ``duplicate``; it also counts every
  request per key.
* ``POST /sms`` — a brandname-SMS gateway as ``HttpSmsBackend`` expects (``{"id": …}``); each request is
  recorded with its ``reference`` (``delivery-<id>``), so a message sent twice shows as two requests.
* ``POST /webhook`` — ``motcua.integrations.webhooks.fake.FakeReceiver``: checks the signature, processes each
  ``X-Motcua-Delivery`` once, answers a copy 200 without processing it again, and records every request.
* ``GET /_state`` — all of the above as JSON (``run.py`` reads it for the checks).

E-mail needs no server here: the run uses Django's file backend, one file per message under a directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


class World:
    def __init__(self, webhook_secret: str) -> None:
        from motcua.integrations.dvcqg.fake import FakePortal
        from motcua.integrations.webhooks.fake import FakeReceiver

        self.lock = threading.Lock()
        self.portal = FakePortal()
        self.receiver = FakeReceiver(secret=webhook_secret)
        self.sms: dict[str, list[float]] = defaultdict(list)  # reference → the moments it arrived
        self.portal_times: dict[str, list[float]] = defaultdict(list)  # key → moments of the requests
        self.webhook_times: list[tuple[float, str, str]] = []  # (moment, delivery id, verdict)
        self.count = 0

    def state(self) -> dict[str, Any]:
        with self.lock:
            snapshot = self.portal.snapshot()
            return {
                "sms": dict(self.sms),
                "dvcqg": {
                    "accepted": snapshot["thu_tu_nhan"],
                    "requests": dict(self.portal_times),
                    "out_of_order": snapshot["sai_thu_tu"],
                },
                "webhooks": {
                    "requests": self.webhook_times,
                    "processed": list(self.receiver.seen),
                    "refused": sum(1 for r in self.receiver.requests if r.verdict == "refused"),
                },
            }


def handler_for(world: World) -> type[BaseHTTPRequestHandler]:
    from motcua.integrations.http import HttpRequest

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self, method: str) -> None:
            body = self._body() if method == "POST" else b""
            parts = urlsplit(self.path)
            now = time.time()
            if parts.path.startswith("/dvcqg/"):
                relative = parts.path[len("/dvcqg/") :] + (f"?{parts.query}" if parts.query else "")
                headers = dict(self.headers.items())
                with world.lock:
                    answer = world.portal.handle(method, relative, headers, body)
                    key = self.headers.get("Idempotency-Key")
                    if key:
                        world.portal_times[key].append(now)
                self._answer(answer.status, answer.body)
                return
            if parts.path == "/sms" and method == "POST":
                reference = str(json.loads(body or b"{}").get("reference", ""))
                with world.lock:
                    world.sms[reference].append(now)
                    world.count += 1
                    message_id = f"fake-sms-{world.count}"
                self._answer(200, json.dumps({"id": message_id}).encode())
                return
            if parts.path == "/webhook" and method == "POST":
                request = HttpRequest("POST", self.path, dict(self.headers.items()), body, 10)
                with world.lock:
                    received = world.receiver.receive(request)
                    verdict = world.receiver.requests[-1].verdict
                    world.webhook_times.append((now, self.headers.get("X-Motcua-Delivery", ""), verdict))
                self._answer(received.status, received.body)
                return
            if parts.path == "/_state" and method == "GET":
                self._answer(200, json.dumps(world.state()).encode())
                return
            self._answer(404, b'{"error": "not found"}')

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--webhook-secret", default=os.environ.get("MOTCUA_CHAOS_WEBHOOK_SECRET", ""))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    world = World(args.webhook_secret)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(world))
    server.daemon_threads = True
    print(f"fakes listening on 127.0.0.1:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
