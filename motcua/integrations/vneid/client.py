"""The OpenID Connect client (authorization code flow with PKCE) for VNeID, and the choice of backend.

One sign-in, as the portal's views drive it:

1. ``authorization_request`` — fresh ``state``, ``nonce`` and PKCE verifier (S256, RFC 7636); the browser is
   sent to the provider's ``authorization_endpoint`` (from the discovery document, cached).
2. The provider sends the browser back with ``code`` and ``state`` (the views check ``state``).
3. ``complete`` — the code is exchanged at the ``token_endpoint`` (``client_secret_basic`` or
   ``client_secret_post``, with the verifier), the ID token is verified (below), the ``userinfo_endpoint`` is
   called with the access token (its ``sub`` must be the ID token's), and the merged claims become an
   ``IdentityClaims`` (claims.py).

ID token checks (OIDC Core §3.1.3.7): RS256 only (the algorithm is fixed here, never taken from the token);
the signature against the provider's JWKS — cached, fetched again once when the token names a key id the
cache does not hold (key rotation), refused if it is still unknown; ``iss`` = the configured issuer, ``aud``
contains our client id (and ``azp`` is ours when present or when there are several audiences), ``exp`` and
``iat`` with ``leeway_seconds`` of clock skew, ``nonce`` = the one of this sign-in, ``at_hash`` when present.

The transport is a function (``..http``), so tests can send through the Django test client, a live server,
or straight to the in-process fake (``fake.FakeTransport``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import jwt
from django.core.cache import cache

from ..http import HttpAnswer, HttpRequest, Transport, urllib_transport
from . import conf
from .claims import IdentityClaims, identity_from_claims
from .errors import (
    VneidNotConfigured,
    VneidProtocolError,
    VneidTokenInvalid,
    VneidTokenRefused,
    VneidUnavailable,
)

ALGORITHM = "RS256"
DISCOVERY_PATH = "/.well-known/openid-configuration"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 §4.2, method S256: BASE64URL(SHA256(ASCII(code_verifier)))."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def token_hash(value: str) -> str:
    """``at_hash`` for RS256 (OIDC Core §3.1.3.6): the left half of SHA-256, base64url."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str

    @classmethod
    def from_document(cls, document: Any, *, expected_issuer: str) -> ProviderMetadata:
        """The endpoints of a discovery document whose ``issuer`` is the configured one (Discovery §4.3)."""
        if not isinstance(document, dict):
            raise VneidProtocolError(code="vneid_discovery_malformed")
        if str(document.get("issuer", "")).rstrip("/") != expected_issuer:
            raise VneidProtocolError(code="vneid_discovery_issuer_mismatch")
        fields = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint"):
            value = document.get(name)
            if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                raise VneidProtocolError(code="vneid_discovery_malformed")
            fields[name] = value
        algorithms = document.get("id_token_signing_alg_values_supported")
        if isinstance(algorithms, list) and ALGORITHM not in algorithms:
            raise VneidProtocolError(code="vneid_discovery_no_rs256")
        return cls(issuer=expected_issuer, **fields)


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the session keeps until the callback (never sent elsewhere)."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


@dataclass(frozen=True)
class SignIn:
    identity: IdentityClaims
    claims: dict[str, Any]  # the verified ID token's claims merged with userinfo


_JWT_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "vneid_id_token_expired"),
    (jwt.InvalidAudienceError, "vneid_id_token_audience"),
    (jwt.InvalidIssuerError, "vneid_id_token_issuer"),
    (jwt.InvalidSignatureError, "vneid_id_token_signature"),
    (jwt.ImmatureSignatureError, "vneid_id_token_not_yet_valid"),
    (jwt.InvalidIssuedAtError, "vneid_id_token_not_yet_valid"),
    (jwt.MissingRequiredClaimError, "vneid_id_token_claim_missing"),
    (jwt.InvalidAlgorithmError, "vneid_id_token_algorithm"),
)


def _cache_key(kind: str, url: str) -> str:
    return f"vneid:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


class OidcClient:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        token_auth: str,
        scopes: list[str],
        timeout: float,
        leeway: int,
        cache_seconds: int,
        transport: Transport,
        claim_names: dict[str, Any] | None = None,
    ) -> None:
        if not issuer or not client_id or not client_secret:
            raise VneidNotConfigured()
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_auth = token_auth
        self.scopes = scopes
        self.timeout = timeout
        self.leeway = leeway
        self.cache_seconds = cache_seconds
        self.transport = transport
        self.claim_names = claim_names or {}

    # -- HTTP ----------------------------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> HttpAnswer:
        request = HttpRequest(
            method, url, {"Accept": "application/json", **(headers or {})}, body, self.timeout
        )
        try:
            answer = self.transport(request)
        except TimeoutError as exc:
            raise VneidUnavailable(code="vneid_timeout") from exc
        except OSError as exc:
            raise VneidUnavailable(code="vneid_unreachable") from exc
        if answer.status >= 500:
            raise VneidUnavailable(code="vneid_unavailable")
        return answer

    @staticmethod
    def _json(answer: HttpAnswer, code: str) -> dict[str, Any]:
        try:
            payload = json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise VneidProtocolError(code=code) from exc
        if not isinstance(payload, dict):
            raise VneidProtocolError(code=code)
        return payload

    def _get_json(self, url: str, code: str) -> dict[str, Any]:
        answer = self._send("GET", url)
        if answer.status != 200:
            raise VneidProtocolError(code=code)
        return self._json(answer, code)

    # -- discovery and keys (cached) ----------------------------------------------------------------------

    def metadata(self, *, refresh: bool = False) -> ProviderMetadata:
        key = _cache_key("discovery", self.issuer)
        document = None if refresh else cache.get(key)
        if document is None:
            document = self._get_json(self.issuer + DISCOVERY_PATH, "vneid_discovery_malformed")
            metadata = ProviderMetadata.from_document(document, expected_issuer=self.issuer)
            cache.set(key, document, self.cache_seconds)
            return metadata
        return ProviderMetadata.from_document(document, expected_issuer=self.issuer)

    def signing_keys(self, *, refresh: bool = False) -> list[dict[str, Any]]:
        """The provider's RSA signature keys (JWK dicts) from its ``jwks_uri``."""
        uri = self.metadata().jwks_uri
        key = _cache_key("jwks", uri)
        keys = None if refresh else cache.get(key)
        if keys is None:
            document = self._get_json(uri, "vneid_jwks_malformed")
            found = document.get("keys")
            if not isinstance(found, list):
                raise VneidProtocolError(code="vneid_jwks_malformed")
            keys = [
                k for k in found
                if isinstance(k, dict) and k.get("kty") == "RSA" and k.get("use", "sig") == "sig"
                and k.get("alg", ALGORITHM) == ALGORITHM
            ]  # fmt: skip
            cache.set(key, keys, self.cache_seconds)
        return list(keys)

    def _key_for(self, kid: str | None) -> Any:
        """The public key for ``kid``; one fresh JWKS fetch when it is not among the cached keys."""
        for refresh in (False, True):
            keys = self.signing_keys(refresh=refresh)
            if kid is None:
                chosen = keys[0] if len(keys) == 1 else None
            else:
                chosen = next((k for k in keys if k.get("kid") == kid), None)
            if chosen is not None:
                try:
                    return jwt.PyJWK(chosen, algorithm=ALGORITHM).key
                except jwt.PyJWKError as exc:
                    raise VneidProtocolError(code="vneid_jwks_malformed") from exc
        raise VneidTokenInvalid(code="vneid_id_token_unknown_key")

    # -- the flow -----------------------------------------------------------------------------------------

    def authorization_request(self, *, redirect_uri: str) -> AuthorizationRequest:
        metadata = self.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]: within RFC 7636's 43..128
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(self.scopes),
                "state": state,
                "nonce": nonce,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return AuthorizationRequest(
            url=f"{metadata.authorization_endpoint}{separator}{query}",
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
        )

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        """The token response for ``code`` (RFC 6749 §4.1.3); ``VneidTokenRefused`` with the provider's error."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.token_auth == "client_secret_post":  # noqa: S105 - a method name, not a secret
            form |= {"client_id": self.client_id, "client_secret": self.client_secret}
        else:  # RFC 6749 §2.3.1: both parts form-urlencoded before base64
            pair = f"{quote(self.client_id, safe='')}:{quote(self.client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        answer = self._send(
            "POST", self.metadata().token_endpoint, headers=headers, body=urlencode(form).encode("ascii")
        )
        if answer.status in (400, 401):
            error = str(self._json(answer, "vneid_token_malformed").get("error") or "")
            safe = "".join(ch for ch in error.lower() if ch.isalpha() or ch == "_")[:40]
            raise VneidTokenRefused(code=f"vneid_{safe}" if safe else "vneid_token_refused")
        if answer.status != 200:
            raise VneidProtocolError(code="vneid_token_malformed")
        tokens = self._json(answer, "vneid_token_malformed")
        if not isinstance(tokens.get("id_token"), str):
            raise VneidProtocolError(code="vneid_token_malformed")
        if "access_token" in tokens and str(tokens.get("token_type", "")).lower() != "bearer":
            raise VneidProtocolError(code="vneid_token_malformed")
        return tokens

    def verify_id_token(self, id_token: str, *, nonce: str, access_token: str = "") -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.DecodeError as exc:
            raise VneidTokenInvalid(code="vneid_id_token_malformed") from exc
        if header.get("alg") != ALGORITHM:
            raise VneidTokenInvalid(code="vneid_id_token_algorithm")
        kid = header.get("kid")
        key = self._key_for(str(kid) if kid is not None else None)
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=[ALGORITHM],
                audience=self.client_id,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as exc:
            code = next((c for kind, c in _JWT_ERRORS if isinstance(exc, kind)), "vneid_id_token_malformed")
            raise VneidTokenInvalid(code=code) from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.client_id:
            raise VneidTokenInvalid(code="vneid_id_token_audience")
        if not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()) or not nonce:
            raise VneidTokenInvalid(code="vneid_id_token_nonce")
        at_hash = claims.get("at_hash")
        if (
            at_hash is not None
            and access_token
            and not hmac.compare_digest(str(at_hash), token_hash(access_token))
        ):
            raise VneidTokenInvalid(code="vneid_id_token_at_hash")
        return claims

    def userinfo(self, *, access_token: str, subject: str) -> dict[str, Any]:
        """The userinfo claims (OIDC Core §5.3); their ``sub`` must be the ID token's (§5.3.2)."""
        answer = self._send(
            "GET", self.metadata().userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
        )
        if answer.status != 200:
            raise VneidProtocolError(code="vneid_userinfo_refused")
        claims = self._json(answer, "vneid_userinfo_malformed")
        if not hmac.compare_digest(str(claims.get("sub", "")).encode(), subject.encode()):
            raise VneidProtocolError(code="vneid_userinfo_subject_mismatch")
        return claims

    def complete(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> SignIn:
        """Exchange ``code``, verify the ID token, read userinfo: the person, or a ``VneidError``."""
        tokens = self.exchange_code(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
        access_token = str(tokens.get("access_token") or "")
        claims = self.verify_id_token(tokens["id_token"], nonce=nonce, access_token=access_token)
        merged = dict(claims)
        if access_token:
            merged.update(self.userinfo(access_token=access_token, subject=str(claims["sub"])))
        return SignIn(identity=identity_from_claims(merged, self.claim_names), claims=merged)


#: Tests may replace the http backend's transport (e.g. one that calls the Django test client).
_transport_override: dict[str, Transport | None] = {"value": None}


def vneid_client() -> OidcClient:
    """The client for the configured backend: the in-process fake, or the provider over HTTP."""
    backend = conf.backend()
    if backend == "fake":
        from .fake import SANDBOX, FakeTransport

        transport: Transport = FakeTransport(SANDBOX)
    elif backend == "http":
        transport = _transport_override["value"] or urllib_transport
    else:
        raise VneidNotConfigured()
    return OidcClient(
        issuer=conf.issuer(), client_id=conf.client_id(), client_secret=conf.client_secret(),
        token_auth=conf.token_auth(), scopes=conf.scopes(), timeout=conf.timeout(), leeway=conf.leeway(),
        cache_seconds=conf.cache_seconds(), transport=transport, claim_names=conf.claim_names(),
    )  # fmt: skip
