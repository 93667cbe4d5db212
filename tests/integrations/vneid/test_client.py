"""The OpenID Connect client against the in-process fake: discovery and its cache, the authorization request
(state, nonce, PKCE S256), client authentication, ID token checks, userinfo, and what broken answers become."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.core.cache import cache

from motcua.integrations.vneid import conf
from motcua.integrations.vneid.client import (
    HttpAnswer,
    OidcClient,
    ProviderMetadata,
    pkce_challenge,
    vneid_client,
)
from motcua.integrations.vneid.errors import (
    VneidNotConfigured,
    VneidProtocolError,
    VneidTokenInvalid,
    VneidTokenRefused,
    VneidUnavailable,
)
from motcua.integrations.vneid.fake import DEMO_PERSONS, FakeTransport

from .helpers import ISSUER, query

pytestmark = pytest.mark.django_db

REDIRECT = "http://testserver/vneid/callback/"


class Tampering:
    """The fake's transport with one endpoint's answer rewritten, and every request kept."""

    def __init__(self, provider, endpoint: str = "", rewrite=None, raises: Exception | None = None) -> None:
        self.inner, self.endpoint, self.rewrite, self.raises = (
            FakeTransport(provider),
            endpoint,
            rewrite,
            raises,
        )
        self.sent = []

    def __call__(self, request):
        self.sent.append(request)
        if self.endpoint and request.url.endswith(self.endpoint):
            if self.raises is not None:
                raise self.raises
            answer = self.inner(request)
            payload = self.rewrite(json.loads(answer.body))
            return HttpAnswer(answer.status, json.dumps(payload).encode(), answer.headers)
        return self.inner(request)


def make_client(transport, **overrides) -> OidcClient:
    options = {
        "issuer": conf.issuer(), "client_id": conf.client_id(), "client_secret": conf.client_secret(),
        "token_auth": "client_secret_basic", "scopes": conf.scopes(), "timeout": 5, "leeway": 60,
        "cache_seconds": 3600, "transport": transport,
    }  # fmt: skip
    return OidcClient(**{**options, **overrides})


def code_for(provider, auth, person=DEMO_PERSONS[1]) -> str:
    """What the tester's click on the authorize page gives: a code for ``auth`` (the page itself: test_fake)."""
    check = provider.authorize_check(query(auth.url))
    assert check.request is not None, check
    return query(provider.grant(check.request, person))["code"]


def test_the_client_follows_the_configured_backend(vneid, settings):
    assert isinstance(vneid_client().transport, FakeTransport) and vneid_client().issuer == ISSUER
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "http", "issuer": ""}
    with pytest.raises(VneidNotConfigured):
        vneid_client()
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "off"}
    with pytest.raises(VneidNotConfigured):
        vneid_client()


def test_the_authorization_request_carries_state_nonce_and_an_s256_challenge(vneid):
    client = vneid_client()
    first, second = (client.authorization_request(redirect_uri=REDIRECT) for _ in range(2))
    parts = urlsplit(first.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{ISSUER}/authorize"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params == {
        "response_type": "code", "client_id": "motcua-h56", "redirect_uri": REDIRECT,
        "scope": "openid profile phone personal_id", "state": first.state, "nonce": first.nonce,
        "code_challenge": pkce_challenge(first.code_verifier), "code_challenge_method": "S256",
    }  # fmt: skip
    assert 43 <= len(first.code_verifier) <= 128 and len(first.state) >= 43 and len(first.nonce) >= 43
    assert len({first.state, second.state, first.nonce, second.nonce, first.code_verifier}) == 5
    assert vneid.count("discovery") == 1  # cached


def test_pkce_challenge_matches_rfc_7636_appendix_b():
    assert (
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_a_whole_exchange_gives_the_typed_person(vneid):
    client = vneid_client()
    auth = client.authorization_request(redirect_uri=REDIRECT)
    result = client.complete(code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier=auth.code_verifier,
                             nonce=auth.nonce)  # fmt: skip
    assert result.identity.personal_id == "038090012345" and result.identity.full_name == "Nguyễn Văn An"
    assert result.claims["iss"] == ISSUER and result.claims["aud"] == "motcua-h56"
    assert vneid.state.token_auth_seen == ["client_secret_basic"]
    assert [e for e, _d in vneid.state.requests if e != "authorize"] == [
        "discovery",
        "token",
        "jwks",
        "userinfo",
    ]


def test_basic_credentials_are_form_encoded_before_base64(vneid, settings):
    settings.MOTCUA_VNEID = {
        **settings.MOTCUA_VNEID,
        "client_id": "motcua:h56",
        "client_secret": "bí mật:%/+",
    }
    transport = Tampering(vneid)
    client = make_client(transport)
    auth = client.authorization_request(redirect_uri=REDIRECT)
    client.exchange_code(code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier=auth.code_verifier)
    header = next(r for r in transport.sent if r.url.endswith("/token")).headers["Authorization"]
    assert base64.b64decode(header[6:]).decode() == "motcua%3Ah56:b%C3%AD%20m%E1%BA%ADt%3A%25%2F%2B"


def test_a_wrong_secret_is_invalid_client(vneid, settings):
    client = make_client(FakeTransport(vneid), client_secret="khong-dung")
    auth = client.authorization_request(redirect_uri=REDIRECT)
    with pytest.raises(VneidTokenRefused) as refused:
        client.exchange_code(
            code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier=auth.code_verifier
        )
    assert refused.value.code == "vneid_invalid_client"


def test_a_wrong_verifier_is_invalid_grant(vneid):
    client = vneid_client()
    auth = client.authorization_request(redirect_uri=REDIRECT)
    with pytest.raises(VneidTokenRefused) as refused:
        client.complete(
            code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier="x" * 64, nonce=auth.nonce
        )
    assert refused.value.code == "vneid_invalid_grant"


def test_a_discovery_document_of_another_issuer_is_refused(vneid):
    transport = Tampering(
        vneid, "/openid-configuration", lambda d: {**d, "issuer": "https://vneid.example.invalid"}
    )
    with pytest.raises(VneidProtocolError) as refused:
        make_client(transport).authorization_request(redirect_uri=REDIRECT)
    assert refused.value.code == "vneid_discovery_issuer_mismatch"
    with pytest.raises(VneidProtocolError):  # a refused document is not cached
        make_client(transport).metadata()
    assert vneid.count("discovery") == 2


def test_a_discovery_document_without_rs256_is_refused():
    document = {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/a", "token_endpoint": f"{ISSUER}/t",
                "jwks_uri": f"{ISSUER}/k", "userinfo_endpoint": f"{ISSUER}/u",
                "id_token_signing_alg_values_supported": ["HS256"]}  # fmt: skip
    with pytest.raises(VneidProtocolError):
        ProviderMetadata.from_document(document, expected_issuer=ISSUER)
    with pytest.raises(VneidProtocolError):
        ProviderMetadata.from_document({**document, "id_token_signing_alg_values_supported": ["RS256"],
                                        "token_endpoint": "javascript:alert(1)"}, expected_issuer=ISSUER)  # fmt: skip


def test_the_discovery_document_is_fetched_again_after_the_cache_time(vneid, settings):
    client = make_client(FakeTransport(vneid), cache_seconds=1)
    client.metadata()
    cache.clear()  # what the cache does after cache_seconds
    client.metadata()
    assert vneid.count("discovery") == 2


@pytest.mark.parametrize(
    ("error", "expected", "code"),
    [
        (TimeoutError("slow"), VneidUnavailable, "vneid_timeout"),
        (ConnectionRefusedError("down"), VneidUnavailable, "vneid_unreachable"),
    ],
)
def test_no_answer_is_unavailable(vneid, error, expected, code):
    with pytest.raises(expected) as refused:
        make_client(Tampering(vneid, "/openid-configuration", raises=error)).metadata()
    assert refused.value.code == code


def test_a_token_answer_that_is_not_json_is_a_protocol_error(vneid):
    vneid.plan("malformed")
    client = vneid_client()
    auth = client.authorization_request(redirect_uri=REDIRECT)
    with pytest.raises(VneidProtocolError) as refused:
        client.exchange_code(
            code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier=auth.code_verifier
        )
    assert refused.value.code == "vneid_token_malformed"


def _flow_with(vneid, endpoint, rewrite):
    client = make_client(Tampering(vneid, endpoint, rewrite))
    auth = client.authorization_request(redirect_uri=REDIRECT)
    return lambda: client.complete(code=code_for(vneid, auth), redirect_uri=REDIRECT,
                                   code_verifier=auth.code_verifier, nonce=auth.nonce)  # fmt: skip


def test_userinfo_about_someone_else_is_refused(vneid):
    complete = _flow_with(
        vneid, "/userinfo", lambda c: {**c, "sub": "nguoi-khac", "personal_id": "038090099999"}
    )
    with pytest.raises(VneidProtocolError) as refused:
        complete()
    assert refused.value.code == "vneid_userinfo_subject_mismatch"


def test_an_access_token_swapped_under_the_id_token_is_refused(vneid):
    complete = _flow_with(vneid, "/token", lambda t: {**t, "access_token": "token-cua-nguoi-khac"})
    with pytest.raises(VneidTokenInvalid) as refused:
        complete()
    assert refused.value.code == "vneid_id_token_at_hash"


def test_a_symmetric_or_unsigned_id_token_is_refused(vneid):
    def forged(algorithm):
        def rewrite(tokens):
            claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
            key = conf.client_secret() if algorithm == "HS256" else None
            return {**tokens, "id_token": jwt.encode(claims, key, algorithm=algorithm)}

        return rewrite

    for algorithm in ("HS256", "none"):
        with pytest.raises(VneidTokenInvalid) as refused:
            _flow_with(vneid, "/token", forged(algorithm))()
        assert refused.value.code == "vneid_id_token_algorithm"


def test_an_id_token_for_several_audiences_needs_our_azp(vneid):
    key = vneid.current_key()

    def several(tokens):
        claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        claims["aud"] = [claims["aud"], "ung-dung-khac"]
        return {
            **tokens,
            "id_token": jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid}),
        }

    with pytest.raises(VneidTokenInvalid) as refused:
        _flow_with(vneid, "/token", several)()
    assert refused.value.code == "vneid_id_token_audience"


def test_a_small_clock_skew_is_tolerated_a_large_one_is_not(vneid):
    key = vneid.current_key()

    def issued_in(seconds):
        def rewrite(tokens):
            claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
            claims["iat"] += seconds
            return {
                **tokens,
                "id_token": jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid}),
            }

        return rewrite

    assert _flow_with(vneid, "/token", issued_in(30))().identity.personal_id == "038090012345"
    with pytest.raises(VneidTokenInvalid) as refused:
        _flow_with(vneid, "/token", issued_in(600))()
    assert refused.value.code == "vneid_id_token_not_yet_valid"


def test_an_unknown_kid_costs_one_more_jwks_fetch_only(vneid):
    client = vneid_client()
    client.signing_keys()
    vneid.plan("unknown_kid")
    auth = client.authorization_request(redirect_uri=REDIRECT)
    with pytest.raises(VneidTokenInvalid) as refused:
        client.complete(code=code_for(vneid, auth), redirect_uri=REDIRECT, code_verifier=auth.code_verifier,
                        nonce=auth.nonce)  # fmt: skip
    assert refused.value.code == "vneid_id_token_unknown_key" and vneid.count("jwks") == 2
