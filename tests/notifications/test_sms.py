"""The SMS adapter: console and file fakes, the HTTP gateway backend against a loopback server, masking."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from motcua.notifications.channels.base import ChannelError
from motcua.notifications.channels.sms import (
    ConsoleSmsBackend,
    FileSmsBackend,
    HttpSmsBackend,
    get_sms_backend,
)
from motcua.notifications.models import Channel, DeliveryStatus
from motcua.notifications.services import notify
from motcua.notifications.text import GSM_BASIC, gsm_text, mask_phone, scrub_phone, unaccent

from .conftest import PHONE, PHONE_E164, received_context, sms_lines


class Gateway:
    """A tiny brandname-SMS gateway on 127.0.0.1: records requests, answers as told."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = b'{"id": "gw-0001", "status": "queued"}'
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                if gateway.delay:
                    time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(gateway.body)))
                self.end_headers()
                self.wfile.write(gateway.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # the timeout test hangs up on purpose
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    with Gateway() as running:
        yield running


class TestHttpBackend:
    def test_posts_the_brandname_json_and_returns_the_gateway_id(self, gateway):
        backend = HttpSmsBackend(gateway.url, token="s3cret", timeout=2, brandname="UBND THANHHOA")
        assert (
            backend.send(phone=PHONE_E164, message="Ho so A da co ket qua.", reference="delivery-7")
            == "gw-0001"
        )
        (request,) = gateway.requests
        assert request["path"] == "/sms/send"
        assert request["json"] == {
            "phone": PHONE_E164,
            "message": "Ho so A da co ket qua.",
            "brandname": "UBND THANHHOA",
            "reference": "delivery-7",
        }
        assert request["headers"]["Authorization"] == "Bearer s3cret"
        assert request["headers"]["Content-Type"].startswith("application/json")

    @pytest.mark.parametrize(
        ("status", "body", "message"),
        [
            (500, b'{"error": "internal"}', "HTTP 500"),
            (401, b"{}", "HTTP 401"),
            (200, b"<html>ok</html>", "not JSON"),
            (200, b'{"status": "queued"}', "no message id"),
            (200, b'{"error": "invalid phone"}', "refused the message"),
        ],
    )
    def test_gateway_errors_become_channel_errors_without_the_number(self, gateway, status, body, message):
        gateway.status, gateway.body = status, body
        with pytest.raises(ChannelError, match=message) as caught:
            HttpSmsBackend(gateway.url, timeout=2).send(phone=PHONE_E164, message="x", reference="r")
        assert "912345678" not in str(caught.value)

    def test_a_slow_gateway_times_out(self, gateway):
        gateway.delay = 1.0
        started = time.monotonic()
        with pytest.raises(ChannelError, match=r"did not answer within 0\.2 s"):
            HttpSmsBackend(gateway.url, timeout=0.2).send(phone=PHONE_E164, message="x", reference="r")
        assert time.monotonic() - started < 0.9

    def test_an_unreachable_gateway(self):
        with Gateway() as stopped:
            url = stopped.url
        with pytest.raises(ChannelError, match="unreachable"):
            HttpSmsBackend(url, timeout=1).send(phone=PHONE_E164, message="x", reference="r")

    def test_only_http_urls(self):
        with pytest.raises(ImproperlyConfigured):
            HttpSmsBackend("file:///etc/passwd")

    def test_end_to_end_through_notify(self, citizen, gateway, settings, django_capture_on_commit_callbacks):
        settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.HttpSmsBackend"
        settings.MOTCUA_SMS_HTTP_URL = gateway.url
        settings.MOTCUA_SMS_HTTP_TIMEOUT = 2
        settings.MOTCUA_SMS_BRANDNAME = "TINH THANHHOA"
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            n = notify(topic="dossier.received", recipient=citizen, context=received_context())
        sms = n.deliveries.get(channel=Channel.SMS)
        assert (sms.status, sms.provider_message_id) == (DeliveryStatus.SENT, "gw-0001")
        (request,) = gateway.requests
        assert request["json"]["phone"] == PHONE_E164
        assert request["json"]["brandname"] == "TINH THANHHOA"
        assert request["json"]["message"] == n.sms_text
        assert request["json"]["reference"] == f"delivery-{sms.pk}"


def test_console_backend_logs_the_message_but_not_the_number(caplog):
    caplog.set_level("INFO", logger="motcua.notifications.sms")
    message_id = ConsoleSmsBackend().send(phone=PHONE_E164, message="Ho so A", reference="r")
    assert message_id.startswith("console-")
    assert "Ho so A" in caplog.text
    assert "********678" in caplog.text
    assert "912345678" not in caplog.text


def test_file_backend_writes_json_lines(tmp_path, caplog):
    backend = FileSmsBackend(tmp_path)
    first = backend.send(phone=PHONE_E164, message="Một", reference="a")
    backend.send(phone="+84987654321", message="Hai", reference="b")
    lines = sms_lines(tmp_path)
    assert [(line["phone"], line["message"], line["reference"]) for line in lines] == [
        (PHONE_E164, "Một", "a"),
        ("+84987654321", "Hai", "b"),
    ]
    assert lines[0]["id"] == first
    assert "912345678" not in caplog.text


def test_file_backend_failure_is_a_channel_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(ChannelError, match="cannot write"):
        FileSmsBackend(blocker).send(phone=PHONE_E164, message="x", reference="r")


def test_backend_setting(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.ConsoleSmsBackend"
    assert isinstance(get_sms_backend(), ConsoleSmsBackend)
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured):
        get_sms_backend()


class TestText:
    def test_unaccent_keeps_case_and_folds_d(self):
        assert unaccent("Đăng ký Khai sinh – Ủy ban") == "Dang ky Khai sinh – Uy ban"
        assert unaccent("ĐỒNG Ý đường") == "DONG Y duong"

    def test_gsm_text_is_gsm_basic_and_cut_to_the_limit(self):
        text = gsm_text("Hồ sơ “A” — lý do: " + "rất dài " * 40 + "€ [x]")
        assert len(text) == 160
        assert text.endswith("...")
        assert set(text) <= GSM_BASIC
        assert text.startswith('Ho so "A" - ly do: rat dai')

    def test_mask_and_scrub(self):
        assert mask_phone(PHONE_E164) == "********678"
        assert mask_phone(PHONE) == "*******678"
        assert mask_phone("") == ""
        for spelling in (
            PHONE_E164,
            PHONE,
            "84912345678",
            "0912 345 678",
            "+84 912.345.678",
            "(091) 234-5678",
        ):
            scrubbed = scrub_phone(f"refused {spelling} today", PHONE_E164)
            assert scrubbed == "refused ********678 today", spelling
        assert scrub_phone("order 1234", PHONE_E164) == "order 1234"
