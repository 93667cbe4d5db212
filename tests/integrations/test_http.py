"""The http backend against the registry sandbox (/sandbox/csdl/…): real requests over a socket to the live
test server, and through a transport that calls the Django test client for the look-ups that are logged."""

import time
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client

from motcua.integrations.http import HttpAnswer
from motcua.integrations.registries import (
    LookupContext,
    RegistryError,
    RegistryNotFound,
    RegistryUnavailable,
    lookup,
    registry_lookup_business,
    registry_lookup_person,
)
from motcua.integrations.registries.fake import make_business, make_person
from motcua.integrations.registries.http import (
    HttpBusinessRegistry,
    HttpPopulationRegistry,
    urllib_transport,
    xroad_headers,
)
from motcua.integrations.registries.types import LookupContext as Ctx
from motcua.wallet.models import AccessEntry

PURPOSE = "Giải quyết hồ sơ H56.40-260302-0001"


class Officer:
    """Enough of a user for the X-Road-UserId header, without the database (the live server's thread)."""

    is_authenticated = True
    kind = "staff"

    def get_username(self):
        return "motcua.tinh"


CTX = Ctx(actor=Officer(), purpose=PURPOSE, dossier_code="H56.40-260302-0001")


class Recording:
    """Wraps a transport and keeps what was sent and answered."""

    def __init__(self, inner):
        self.inner, self.sent, self.answers = inner, [], []

    def __call__(self, request):
        self.sent.append(request)
        answer = self.inner(request)
        self.answers.append(answer)
        return answer


def population(live_server, transport=None, timeout=5.0):
    return HttpPopulationRegistry(url=f"{live_server.url}/sandbox/csdl/dan-cu/", timeout=timeout,
                                  client_id="VN/GOV/H56/MOTCUA", transport=transport)  # fmt: skip


def test_found_over_http_equals_the_fake_and_carries_the_xroad_headers(live_server, transactional_db):
    rec = Recording(urllib_transport)
    record = population(live_server, rec).lookup("038195001234", context=CTX, request_id="req-1")
    assert record == make_person("038195001234")
    url, headers = rec.sent[0].url, rec.sent[0].headers
    assert rec.sent[0].method == "GET" and url == f"{live_server.url}/sandbox/csdl/dan-cu/038195001234"
    decoded = {k: unquote(v) for k, v in headers.items()}
    assert decoded["X-Road-Client"] == "VN/GOV/H56/MOTCUA"
    assert decoded["X-Road-UserId"] == "motcua.tinh"
    assert decoded["X-Road-Issue"] == "H56.40-260302-0001"
    assert decoded["X-Road-Purpose"] == PURPOSE
    assert decoded["X-Road-Id"] == "req-1"
    assert all(v.isascii() for v in headers.values())  # Vietnamese purposes are percent-encoded
    assert rec.answers[0].headers.get("X-Road-Id") == "req-1"  # the sandbox echoes the request id


def test_business_over_http(live_server, transactional_db):
    registry = HttpBusinessRegistry(url=f"{live_server.url}/sandbox/csdl/doanh-nghiep", timeout=5,
                                    client_id="VN/GOV/H56/MOTCUA")  # fmt: skip
    assert registry.lookup("2801234564", context=CTX, request_id="r") == make_business("2801234564")
    with pytest.raises(RegistryNotFound):
        registry.lookup("2800000404", context=CTX, request_id="r")


@pytest.mark.parametrize(
    ("key", "error", "code"),
    [
        ("038099000404", RegistryNotFound, "registry_not_found"),
        ("038099000500", RegistryUnavailable, "registry_unavailable"),
        ("038099000502", RegistryError, "registry_malformed"),
    ],
)
def test_errors_over_http(live_server, transactional_db, key, error, code):
    with pytest.raises(error) as info:
        population(live_server).lookup(key, context=CTX, request_id="r")
    assert info.value.code == code


def test_timeout_over_http(live_server, transactional_db, settings):
    settings.MOTCUA_REGISTRY_SANDBOX_DELAY = 1.0
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as info:
        population(live_server, timeout=0.3).lookup("038099000408", context=CTX, request_id="r")
    assert info.value.code == "registry_timeout"
    assert time.monotonic() - started < 0.9  # gave up at the timeout, did not wait for the answer
    time.sleep(max(0.0, started + 1.4 - time.monotonic()))  # let the sandbox finish within this test


def test_nobody_listening_is_unavailable():
    registry = HttpPopulationRegistry(url="http://127.0.0.1:9/csdl", timeout=1, client_id="x")
    with pytest.raises(RegistryUnavailable):
        registry.lookup("038195001234", context=CTX, request_id="r")


def test_sandbox_refuses_requests_without_the_xroad_headers(client):
    full = xroad_headers(client_id="VN/GOV/H56/MOTCUA", context=CTX, request_id="abc")
    assert client.get("/sandbox/csdl/dan-cu/038195001234", headers=full).status_code == 200
    bare = client.get("/sandbox/csdl/dan-cu/038195001234")
    assert bare.status_code == 400 and bare.json()["error"]["code"] == "missing_xroad_headers"
    for name in ("X-Road-Client", "X-Road-UserId", "X-Road-Issue", "X-Road-Purpose", "X-Road-Id"):
        partial = {k: v for k, v in full.items() if k != name}
        answer = client.get("/sandbox/csdl/dan-cu/038195001234", headers=partial)
        assert answer.status_code == 400, name
        assert name in answer.json()["error"]["message"]
    empty_purpose = {**full, "X-Road-Purpose": ""}
    assert client.get("/sandbox/csdl/doanh-nghiep/2801234564", headers=empty_purpose).status_code == 400
    assert client.get("/sandbox/csdl/dan-cu/12345", headers=full).status_code == 400


def test_sandbox_is_off_in_production(client, settings):
    settings.DEBUG = False
    settings.MOTCUA_DEMO = False
    full = xroad_headers(client_id="x", context=CTX, request_id="abc")
    assert client.get("/sandbox/csdl/dan-cu/038195001234", headers=full).status_code == 404
    settings.MOTCUA_REGISTRY_SANDBOX = True
    assert client.get("/sandbox/csdl/dan-cu/038195001234", headers=full).status_code == 200


def client_transport(request):
    """The http backend's request, sent to the sandbox through the Django test client (no socket)."""
    answer = Client().get(urlsplit(request.url).path, headers=request.headers)
    return HttpAnswer(answer.status_code, answer.content, dict(answer.headers.items()))


@pytest.fixture
def http_backend(settings, monkeypatch):
    settings.MOTCUA_REGISTRIES = {
        "population": {"backend": "http", "url": "http://testserver/sandbox/csdl/dan-cu", "timeout": 2},
        "business": {"backend": "http", "url": "http://testserver/sandbox/csdl/doanh-nghiep", "timeout": 2},
    }
    rec = Recording(client_transport)
    monkeypatch.setitem(lookup._transport_override, "value", rec)
    return rec


def test_settings_choose_the_http_backend_and_lookups_are_logged(people, http_backend):
    ctx = LookupContext(actor=people["officer"], purpose="Tiếp nhận hồ sơ tại quầy", unit=None)
    person = registry_lookup_person(personal_id="038088004321", context=ctx)
    assert person.full_name == "Nguyễn Văn Bình"
    sent = {k: unquote(v) for k, v in http_backend.sent[0].headers.items()}
    assert sent["X-Road-Id"] == person.request_id
    assert sent["X-Road-UserId"] == "motcua.tinh" and sent["X-Road-Purpose"] == "Tiếp nhận hồ sơ tại quầy"
    assert registry_lookup_business(tax_code="2801234564", context=ctx).name.endswith("Lam Sơn")
    with pytest.raises(RegistryUnavailable):
        registry_lookup_person(personal_id="038099000500", context=ctx)
    outcomes = list(AccessEntry.objects.order_by("id").values_list("subject_key", "outcome"))
    assert outcomes == [("038088004321", "found"), ("2801234564", "found"), ("038099000500", "error")]


def test_citizen_user_id_header(people, http_backend):
    registry_lookup_person(
        personal_id="038195001234", context=LookupContext(actor=people["citizen"], purpose="Điền sẵn")
    )
    assert unquote(http_backend.sent[0].headers["X-Road-UserId"]) == "citizen:038195001234"
