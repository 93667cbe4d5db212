"""Driving a VNeID sign-in through the Django test client: the portal's start and callback views, the fake
provider's authorize page over HTTP (/sandbox/vneid/), the code exchange in process (the ``fake`` backend)
or through the test client (the ``http`` backend with ``through_test_client``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.integrations.http import HttpAnswer, HttpRequest
from motcua.integrations.vneid.fake import DEMO_PERSONS, SANDBOX

START = "/vneid/dang-nhap/"
CALLBACK = "/vneid/callback/"
LINK = "/vneid/lien-ket/"
LOGIN = "/tai-khoan/dang-nhap/"
SANDBOX_BASE = "/sandbox/vneid"
ISSUER = "http://testserver/sandbox/vneid"
HOA, AN, HA, THANG = (
    DEMO_PERSONS  # Lê Thị Hoa (the demo citizen), Nguyễn Văn An, Trịnh Thị Thu Hà, Hoàng Đức Thắng
)


@pytest.fixture
def vneid(settings):
    """The fake provider on (``fake`` backend), empty, with nothing cached."""
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "fake"}
    SANDBOX.reset()
    cache.clear()
    yield SANDBOX
    SANDBOX.reset()
    cache.clear()


def local(url: str) -> str:
    """An absolute URL on the test server as the path + query the test client takes."""
    parts = urlsplit(url)
    assert parts.netloc in ("", "testserver"), url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def begin(client: Client, url: str = START, **data: str) -> str:
    """Start a flow (GET the sign-in start, or POST the link page): the provider's authorize URL."""
    answer = client.post(url, data) if url == LINK else client.get(url, data)
    assert answer.status_code == 302, answer.content[:500]
    assert answer["Location"].startswith(f"{ISSUER}/authorize?")
    return answer["Location"]


def choose(client: Client, authorize_url: str, person: int = 1) -> str:
    """Pick a demo person on the fake's page: the callback URL it sends the browser to."""
    page = client.get(local(authorize_url))
    assert page.status_code == 200
    answer = client.post(local(authorize_url), {"action": "person", "person": str(person)})
    assert answer.status_code == 302
    assert answer["Location"].startswith("http://testserver/vneid/callback/?")
    return answer["Location"]


def cancel(client: Client, authorize_url: str) -> str:
    answer = client.post(local(authorize_url), {"action": "cancel"})
    assert answer.status_code == 302
    return answer["Location"]


def sign_in(client: Client, person: int = 1, **start: str):
    """The whole round trip; the callback's answer."""
    return client.get(local(choose(client, begin(client, **start), person)))


def through_test_client(request: HttpRequest) -> HttpAnswer:
    """The ``http`` backend's transport through a fresh Django test client (the back channel has no cookies)."""
    parts = urlsplit(request.url)
    assert parts.netloc == "testserver", request.url
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-type"}
    answer = Client().generic(
        request.method, path, data=request.body or b"",
        content_type=request.headers.get("Content-Type", "application/octet-stream"), headers=headers,
    )  # fmt: skip
    return HttpAnswer(answer.status_code, answer.content, dict(answer.headers.items()))
