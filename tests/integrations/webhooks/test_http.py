"""The real transport (urllib) against a local HTTP server: the request as sent on the wire, redirects not
followed, a connection refused, and an unexpected transport error recorded rather than left claimed."""

import http.server
import socket
import threading

import pytest

from motcua.integrations.webhooks.models import WebhookDelivery
from motcua.integrations.webhooks.outbox import delivery_send
from motcua.integrations.webhooks.signing import verify
from motcua.integrations.webhooks.transport import urllib_transport

from .conftest import endpoint, received

pytestmark = pytest.mark.django_db


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.seen.append((self.path, dict(self.headers.items()), body))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/hook")
            self.end_headers()
            return
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_signed_post_over_http_and_a_redirect_not_followed(people, version, clock, server):
    ep, secret = endpoint(url=f"{server}/hook")
    received(people, version, clock)
    first = WebhookDelivery.objects.get(event_seq=1)
    assert delivery_send(delivery_id=first.pk, transport=urllib_transport, now=clock.moment) == "delivered"
    path, headers, body = Recorder.seen[0]
    assert path == "/hook" and headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "motcua-webhooks/1" and headers["X-Motcua-Delivery"] == str(first.uid)
    assert verify(secret, headers["X-Motcua-Signature"], body, clock.moment)
    first.refresh_from_db()
    assert (first.status, first.last_status_code) == ("delivered", 204)

    ep.url = f"{server}/moved"
    ep.save(update_fields=["url"])
    second = WebhookDelivery.objects.get(event_seq=2)
    assert delivery_send(delivery_id=second.pk, transport=urllib_transport, now=clock.moment) == "retry"
    assert [p for p, _h, _b in Recorder.seen] == ["/hook", "/moved"]  # the redirect was not followed
    second.refresh_from_db()
    assert second.last_status_code == 302 and "Location: /hook" in second.last_error


def test_connection_refused_and_unexpected_errors_are_retried(people, version, clock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    endpoint(url=f"http://127.0.0.1:{port}/hook")
    received(people, version, clock)
    first = WebhookDelivery.objects.get(event_seq=1)
    assert delivery_send(delivery_id=first.pk, transport=urllib_transport, now=clock.moment) == "retry"
    first.refresh_from_db()
    assert first.status == "failed" and first.last_error.startswith("connection failed")

    def broken(request):
        raise ValueError("no host given")

    clock.shift(hours=1)
    assert delivery_send(delivery_id=first.pk, transport=broken, now=clock.moment) == "retry"
    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == ("failed", 2, "ValueError: no host given")
    assert not first.attempt_log.filter(outcome="in_flight").exists()
