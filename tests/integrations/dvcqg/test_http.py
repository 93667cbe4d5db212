"""The real client against the fake portal over a real socket (/sandbox/dvcqg/ on the live test server):
the headers it sends, a whole cycle, timeouts, lost answers, refused credentials, and the sandbox's gate."""

import json
import time
import urllib.request
from urllib.parse import unquote

import pytest

from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg import client as client_module
from motcua.integrations.dvcqg.client import PortalClient, urllib_transport
from motcua.integrations.dvcqg.errors import PortalUnavailable
from motcua.integrations.dvcqg.models import PortalDossier, PortalUpdate

from .conftest import TOKEN, online, portal_settings, submission, sync

pytestmark = pytest.mark.django_db(transaction=True)


class Recording:
    def __init__(self, inner):
        self.inner, self.sent, self.answers = inner, [], []

    def __call__(self, request):
        self.sent.append(request)
        answer = self.inner(request)
        self.answers.append(answer)
        return answer


@pytest.fixture
def over_http(live_server, settings, monkeypatch):
    """The ``http`` backend pointed at the sandbox of the live server, every request recorded."""
    settings.MOTCUA_DVCQG = portal_settings(
        backend="http", url=f"{live_server.url}/sandbox/dvcqg/", timeout=5
    )
    recording = Recording(urllib_transport)
    monkeypatch.setitem(client_module._transport_override, "value", recording)
    return recording


def control(live_server, command):
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{live_server.url}/sandbox/dvcqg/_dieu-khien", data=json.dumps(command).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - the local test server
        return json.loads(answer.read())


def test_a_whole_cycle_over_http(people, version, clock, over_http, live_server, portal):
    online(people, version, clock)
    (message_id,) = control(live_server, {"lenh": "submit", "noi_dung": submission()})["ma_thong_diep"]
    summary = sync()
    assert (summary.pull.accepted, summary.push.delivered) == (1, 2)
    received = PortalDossier.objects.get(message_id=message_id).dossier
    assert received.status == "awaiting_intake"
    assert portal.state.acks[message_id]["MaHoSo"] == received.code
    assert portal.statuses(received.code) == [1] and len(portal.delivered_keys()) == 2
    push = next(r for r in over_http.sent if r.url.endswith("/trang-thai"))
    assert push.method == "POST" and push.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (
        unquote(push.headers["X-Road-Client"]) == "VN/GOV/H56/MOTCUA" and len(push.headers["X-Road-Id"]) == 32
    )
    assert push.headers["Idempotency-Key"] in portal.delivered_keys()
    assert json.loads(push.body)["MaHoSo"] == push.headers["Idempotency-Key"].split(":")[0]
    url = f"{live_server.url}/sandbox/dvcqg/_dieu-khien"
    state = json.loads(urllib.request.urlopen(url, timeout=5).read())  # noqa: S310 - the local test server
    assert state["cap_nhat"] == 2 and state["cho_nhan"] == []


def test_no_answer_in_time_is_retried_and_the_lost_answer_is_a_duplicate(
    people, version, clock, over_http, settings, portal
):
    settings.MOTCUA_DVCQG_SANDBOX_DELAY = 1.0
    settings.MOTCUA_DVCQG = {**settings.MOTCUA_DVCQG, "timeout": 0.3}
    d = online(people, version, clock)
    portal.plan("trang-thai", "lost_answer")
    started = time.monotonic()
    summary = sync(pull=False)
    assert summary.push.retrying == 1 and time.monotonic() - started < 0.9  # gave up at the client's timeout
    row = PortalUpdate.objects.get(dossier=d)
    assert (row.state, row.last_error_code) == ("pending", "dvcqg_timeout")
    time.sleep(max(0.0, started + 1.3 - time.monotonic()))  # let the sandbox finish its wait within this test
    clock.shift(seconds=30)
    assert sync(pull=False).push.duplicates == 1
    row.refresh_from_db()
    assert row.state == "delivered" and row.duplicate and portal.delivered_keys() == [row.idempotency_key]


@pytest.mark.parametrize(("behaviour", "state", "code"), [
    ("server_error", "pending", "dvcqg_unavailable"),
    ("reject", "failed", "dvcqg_rejected_invalid_update"),
    ("malformed", "pending", "dvcqg_malformed_answer"),
])  # fmt: skip
def test_failures_over_http(people, version, clock, over_http, portal, behaviour, state, code):
    d = online(people, version, clock)
    portal.plan("trang-thai", behaviour)
    sync(pull=False)
    row = PortalUpdate.objects.get(dossier=d)
    assert (row.state, row.last_error_code) == (state, code)


def test_a_refused_credential_is_retried_not_given_up(
    people, version, clock, over_http, settings, live_server
):
    d = online(people, version, clock)
    client = PortalClient(url=f"{live_server.url}/sandbox/dvcqg", token="wrong", client_id="x", timeout=5,
                          transport=urllib_transport)  # fmt: skip
    with pytest.raises(PortalUnavailable) as info:
        client.push(key=f"{d.code}:1", body={})
    assert info.value.code == "dvcqg_unauthorised" and info.value.transient


def test_nobody_listening_is_unavailable():
    client = PortalClient(url="http://127.0.0.1:9/dvcqg", token="t", client_id="x", timeout=1,
                          transport=urllib_transport)  # fmt: skip
    with pytest.raises(PortalUnavailable) as info:
        client.pull(limit=1)
    assert info.value.code == "dvcqg_unreachable"


def test_the_sandbox_wants_credentials_and_is_off_in_production(client, settings):
    settings.MOTCUA_DVCQG = portal_settings()
    assert client.get("/sandbox/dvcqg/ho-so-moi").status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Road-Client": "x", "X-Road-Id": "1"}
    assert (
        client.get(
            "/sandbox/dvcqg/ho-so-moi", headers={**headers, "Authorization": "Bearer other"}
        ).status_code
        == 401
    )
    assert (
        client.get(
            "/sandbox/dvcqg/ho-so-moi", headers={k: v for k, v in headers.items() if k != "X-Road-Id"}
        ).status_code
        == 400
    )
    assert client.get("/sandbox/dvcqg/ho-so-moi", headers=headers).json() == {"ThongDiep": []}
    settings.DEBUG = False
    settings.MOTCUA_DEMO = False
    assert client.get("/sandbox/dvcqg/ho-so-moi", headers=headers).status_code == 404
    settings.MOTCUA_DVCQG_SANDBOX = True
    assert client.get("/sandbox/dvcqg/ho-so-moi", headers=headers).status_code == 200
    assert Dossier.objects.count() == 0
