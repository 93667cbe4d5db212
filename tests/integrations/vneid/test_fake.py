"""The fake VNeID provider over HTTP (/sandbox/vneid/): discovery and keys, the authorize page's checks and
answers, the token endpoint's rules (RFC 6749 errors; codes single-use, short-lived, bound to the client,
the redirect URI and the PKCE verifier), userinfo, the control endpoint, and the gate."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from motcua.integrations.vneid import conf
from motcua.integrations.vneid.client import pkce_challenge
from motcua.integrations.vneid.fake import DEMO_PERSONS, FakeProvider, load_or_create_key, thumbprint

from .helpers import ISSUER, cancel, local, query

pytestmark = pytest.mark.django_db

REDIRECT = "http://testserver/vneid/callback/"
BASE = "/sandbox/vneid"


def basic(client_id="motcua-h56", secret=conf.FAKE_CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def authorize_url(**overrides) -> tuple[str, str]:
    """An authorization request as the client would make it, and its PKCE verifier."""
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code", "client_id": "motcua-h56", "redirect_uri": REDIRECT,
        "scope": "openid profile phone personal_id", "state": "trang-thai-1", "nonce": "so-dung-1-lan",
        "code_challenge": pkce_challenge(verifier), "code_challenge_method": "S256", **overrides,
    }  # fmt: skip
    return f"{BASE}/authorize?{urlencode({k: v for k, v in params.items() if v is not None})}", verifier


def get_code(client, person="1", **overrides) -> tuple[str, str]:
    url, verifier = authorize_url(**overrides)
    answer = client.post(url, {"action": "person", "person": person})
    assert answer.status_code == 302, answer.content[:300]
    return query(answer["Location"])["code"], verifier


def redeem(client, code, verifier, headers=None, **form):
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
            **form}  # fmt: skip
    return client.post(f"{BASE}/token", urlencode({k: v for k, v in body.items() if v is not None}),
                       content_type="application/x-www-form-urlencoded",
                       headers=basic() if headers is None else headers)  # fmt: skip


def error_of(answer) -> str:
    return json.loads(answer.content)["error"]


def test_discovery_and_keys(client, vneid):
    document = client.get(f"{BASE}/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert (
        document["authorization_endpoint"] == f"{ISSUER}/authorize"
        and document["jwks_uri"] == f"{ISSUER}/jwks"
    )
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    (key,) = client.get(f"{BASE}/jwks").json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" and "d" not in key
    assert key["kid"] == thumbprint(key)


def test_the_signing_key_is_kept_in_its_file(vneid, settings, tmp_path):
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "fake_key_file": str(tmp_path / "k" / "fake.pem")}
    first = FakeProvider().current_key().kid
    assert (tmp_path / "k" / "fake.pem").stat().st_mode & 0o777 == 0o600
    assert FakeProvider().current_key().kid == first  # a restart signs with the same key
    assert load_or_create_key(tmp_path / "k" / "fake.pem").private_numbers() == \
        FakeProvider().current_key().private.private_numbers()  # fmt: skip


def test_the_page_lists_demo_people_and_asks_for_the_scopes(client, vneid):
    page = client.get(authorize_url()[0])
    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    for name in ("Lê Thị Hoa", "Nguyễn Văn An", "Trịnh Thị Thu Hà", "Hoàng Đức Thắng", "038195001234"):
        assert name in text
    assert "Số định danh cá nhân" in text and "Đây không phải VNeID thật" in text


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"client_id": "ung-dung-la"}, "client_id"),
        ({"redirect_uri": "https://lua-dao.example/cb"}, "redirect_uri"),
    ],
)
def test_an_untrusted_client_or_redirect_gets_a_page_not_a_redirect(client, vneid, overrides, problem):
    url, _verifier = authorize_url(**overrides)
    for answer in (client.get(url), client.post(url, {"action": "person", "person": "0"})):
        assert answer.status_code == 400 and problem in answer.content.decode()
    assert vneid.state.grants == {}


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile phone"}, "invalid_scope"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_a_bad_request_goes_back_to_the_client_with_an_error(client, vneid, overrides, error):
    answer = client.get(authorize_url(**overrides)[0])
    assert answer.status_code == 302 and answer["Location"].startswith(REDIRECT)
    assert query(answer["Location"]) | {"error_description": ""} == {
        "error": error, "error_description": "", "state": "trang-thai-1", "iss": ISSUER,
    }  # fmt: skip


def test_cancelling_answers_access_denied_with_the_state(client, vneid):
    location = cancel(client, authorize_url()[0])
    params = query(location)
    assert (params["error"], params["state"], params["iss"]) == ("access_denied", "trang-thai-1", ISSUER)
    assert "code" not in params and vneid.state.grants == {}


def test_a_typed_person_is_validated_then_vouched_for(client, vneid):
    url, verifier = authorize_url()
    bad = client.post(url, {"action": "typed", "personal_id": "999195001234", "name": "Người Thử"})
    assert bad.status_code == 400 and "mã nơi đăng ký khai sinh" in bad.content.decode()
    mismatch = client.post(url, {"action": "typed", "personal_id": "038195001234", "name": "Người Thử",
                                 "birthdate": "1996-01-01"})  # fmt: skip
    assert mismatch.status_code == 400 and "không khớp ngày sinh" in mismatch.content.decode()
    answer = client.post(url, {"action": "typed", "personal_id": "038200001111", "name": "  Lò   Văn  Mạnh ",
                               "birthdate": "2000-05-06", "phone": "0912 345 999"})  # fmt: skip
    assert answer.status_code == 302
    tokens = redeem(client, query(answer["Location"])["code"], verifier).json()
    claims = client.get(
        f"{BASE}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert (claims["personal_id"], claims["name"], claims["birthdate"], claims["phone_number"]) == (
        "038200001111", "Lò Văn Mạnh", "2000-05-06", "+84912345999",
    )  # fmt: skip


def test_a_code_gives_tokens_once(client, vneid):
    code, verifier = get_code(client)
    answer = redeem(client, code, verifier)
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 300
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get(f"{BASE}/userinfo", headers=bearer).status_code == 200
    again = redeem(client, code, verifier)
    assert again.status_code == 400 and error_of(again) == "invalid_grant"
    revoked = client.get(f"{BASE}/userinfo", headers=bearer)  # a replayed code revokes what it gave
    assert revoked.status_code == 401 and "invalid_token" in revoked["WWW-Authenticate"]


def test_a_code_expires_after_a_minute(client, vneid):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code, verifier = get_code(client)
        traveller.shift(dt.timedelta(seconds=61))
        answer = redeem(client, code, verifier)
    assert answer.status_code == 400 and error_of(answer) == "invalid_grant"


def test_a_code_is_bound_to_the_verifier_and_spent_by_a_wrong_one(client, vneid):
    code, verifier = get_code(client)
    for attempt in (None, "x" * 50, verifier):  # missing, wrong, then right: too late
        answer = redeem(client, code, attempt)
        assert answer.status_code == 400 and error_of(answer) == "invalid_grant"


def test_a_code_is_bound_to_the_redirect_uri(client, vneid):
    code, verifier = get_code(client)
    answer = redeem(client, code, verifier, redirect_uri="http://testserver/khac/")
    assert answer.status_code == 400 and error_of(answer) == "invalid_grant"


def test_a_code_is_bound_to_the_client_it_was_issued_to(client, vneid, settings):
    code, verifier = get_code(client)
    settings.MOTCUA_VNEID = {
        **settings.MOTCUA_VNEID,
        "client_id": "ung-dung-khac",
        "client_secret": "bi-mat-khac",
    }
    answer = redeem(client, code, verifier, headers=basic("ung-dung-khac", "bi-mat-khac"))
    assert answer.status_code == 400 and error_of(answer) == "invalid_grant"


@pytest.mark.parametrize(
    ("headers", "form", "status", "error"),
    [
        ({}, {}, 401, "invalid_client"),
        (basic(secret="sai"), {}, 401, "invalid_client"),
        (basic("khach-la"), {}, 401, "invalid_client"),
        ({"Authorization": "Basic khong-phai-base64!"}, {}, 401, "invalid_client"),
        (
            basic(),
            {"client_id": "motcua-h56", "client_secret": conf.FAKE_CLIENT_SECRET},
            400,
            "invalid_request",
        ),
        (basic(), {"grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
def test_client_authentication_and_grant_type(client, vneid, headers, form, status, error):
    code, verifier = get_code(client)
    answer = redeem(client, code, verifier, headers=headers, **form)
    assert answer.status_code == status and error_of(answer) == error
    if status == 401:
        assert answer["WWW-Authenticate"].startswith("Basic")
    assert vneid.state.tokens == {}


def test_client_secret_post_is_accepted(client, vneid):
    code, verifier = get_code(client)
    answer = redeem(
        client, code, verifier, headers={}, client_id="motcua-h56", client_secret=conf.FAKE_CLIENT_SECRET
    )
    assert answer.status_code == 200 and vneid.state.token_auth_seen == ["client_secret_post"]


def test_userinfo_releases_what_the_scopes_allow(client, vneid):
    code, verifier = get_code(client, scope="openid personal_id")
    token = redeem(client, code, verifier).json()["access_token"]
    claims = client.get(f"{BASE}/userinfo", headers={"Authorization": f"Bearer {token}"}).json()
    assert set(claims) == {"sub", "personal_id"}
    assert client.get(f"{BASE}/userinfo").status_code == 401


def test_the_subject_is_pairwise(vneid):
    provider, person = FakeProvider(), DEMO_PERSONS[0]
    ours, theirs = provider.subject("motcua-h56", person), provider.subject("ung-dung-khac", person)
    assert (
        ours != theirs and person.personal_id not in ours and ours == provider.subject("motcua-h56", person)
    )


def test_the_control_endpoint_plans_misbehaviour(client, vneid):
    control = f"{BASE}/_dieu-khien"
    assert client.post(
        control, {"lenh": "plan", "hanh_vi": ["server_error"]}, content_type="application/json"
    ).json() == {"ok": True}
    code, verifier = get_code(client)
    assert redeem(client, code, verifier).status_code == 503
    assert (
        client.post(
            control, {"lenh": "plan", "hanh_vi": ["bay"]}, content_type="application/json"
        ).status_code
        == 400
    )
    kid = client.post(control, {"lenh": "rotate_key"}, content_type="application/json").json()["kid"]
    assert [k["kid"] for k in client.get(f"{BASE}/jwks").json()["keys"]][-1] == kid
    assert client.get(control).json()["khoa"][-1] == kid


def test_the_sandbox_answers_only_with_the_fake_backend(client, vneid, settings):
    url = authorize_url()[0]
    assert client.get(url).status_code == 200
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "http", "issuer": "https://vneid.example"}
    assert client.get(url).status_code == 404 and client.get(f"{BASE}/jwks").status_code == 404
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "sandbox": True}  # explicitly asked for (tests of http)
    assert client.get(f"{BASE}/jwks").status_code == 200
    settings.MOTCUA_DEMO, settings.DEBUG = False, False  # never on a production instance
    assert client.get(f"{BASE}/jwks").status_code == 404 and client.get(url).status_code == 404
    assert local(f"{ISSUER}/jwks") == f"{BASE}/jwks"
