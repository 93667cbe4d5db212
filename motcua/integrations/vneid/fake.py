"""The fake VNeID provider (dev, demo and tests only): OpenID Connect, authorization code flow with PKCE.

One ``FakeProvider`` holds the codes and tokens it issued, in memory. The server side reaches it in process
(the ``fake`` backend, through ``FakeTransport``) and the browser over HTTP (``/sandbox/vneid/``, sandbox.py);
both use the module's ``SANDBOX`` instance, so codes minted on the authorize page are redeemed by the same
fake. One process only (``make run``'s runserver): with several worker processes a code minted in one is
unknown to the others.

Endpoints, relative to the issuer ``MOTCUA_PUBLIC_URL + /sandbox/vneid``:

* ``/.well-known/openid-configuration`` — discovery (OIDC Discovery 1.0);
* ``/authorize`` — a page where the tester picks a demo person or types one, or cancels
  (``error=access_denied``). It checks the request first: an unknown ``client_id`` or a ``redirect_uri``
  that is not the registered one gets an error page, never a redirect (RFC 6749 §4.1.2.1); a wrong
  ``response_type``, a scope without ``openid`` or a missing PKCE S256 challenge go back to the client with
  ``error=``. The answer carries ``iss`` (RFC 9207);
* ``/token`` — client authentication ``client_secret_basic`` or ``client_secret_post`` (``invalid_client``,
  401); the code is single-use, bound to the client, the ``redirect_uri`` and the PKCE verifier, and lives
  ``CODE_SECONDS`` (else ``invalid_grant``; a replayed code also revokes the tokens issued with it, RFC 6749
  §4.1.2); answers an RS256 ID token (``kid`` = the key's RFC 7638 thumbprint, ``at_hash``, ``nonce``) and
  a Bearer access token;
* ``/jwks`` — the public keys; ``/userinfo`` — the claims the granted scopes release (Bearer token).

The registered client is this instance's own: ``conf.client_id()`` / ``conf.client_secret()`` and
``conf.redirect_uri()``. The signing key is an RSA key kept in ``conf.fake_key_file()`` (var/vneid/ by
default), made on first use: the JWKS a client cached stays valid across restarts, and a generated key is
plainly the fake's own (deriving one from SECRET_KEY would tie a secret to a published key).

Misbehaviour on demand — ``plan(*behaviours)`` queues what the next token requests answer, one each:
``ok``, ``server_error`` (503), ``malformed`` (200, not JSON), or an ID token that is ``other_key`` (signed by
another key under the same ``kid``), ``unknown_kid``, ``wrong_audience``, ``wrong_issuer``, ``wrong_nonce``,
``expired`` or ``no_nonce``. ``rotate_key()`` starts signing with a new key (both published). Over HTTP the
same controls are ``POST /sandbox/vneid/_dieu-khien`` with ``{"lenh": "plan" | "rotate_key" | "reset", …}``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from ..http import HttpAnswer, HttpRequest
from . import conf
from .client import DISCOVERY_PATH, b64url, pkce_challenge, token_hash

CODE_SECONDS = 60
TOKEN_SECONDS = 300
BEHAVIOURS = (
    "ok", "server_error", "malformed", "other_key", "unknown_kid", "wrong_audience", "wrong_issuer",
    "wrong_nonce", "expired", "no_nonce",
)  # fmt: skip
SCOPES = ("openid", "profile", "phone", "personal_id")


@dataclass(frozen=True)
class FakePerson:
    personal_id: str
    name: str
    birthdate: str  # YYYY-MM-DD
    phone: str  # national form, as people write it
    gender: str  # "male" | "female" (OIDC)

    @property
    def family_name(self) -> str:
        return self.name.split()[0]

    @property
    def given_name(self) -> str:
        return self.name.split()[-1]


#: Realistic people born in Thanh Hóa (birth-registration code 038); the first one is the demo citizen.
DEMO_PERSONS: tuple[FakePerson, ...] = (
    FakePerson("038195001234", "Lê Thị Hoa", "1995-03-14", "0912345678", "female"),
    FakePerson("038090012345", "Nguyễn Văn An", "1990-07-21", "0915222333", "male"),
    FakePerson("038301004567", "Trịnh Thị Thu Hà", "2001-09-05", "0376555888", "female"),
    FakePerson("038072003456", "Hoàng Đức Thắng", "1972-02-11", "0983111222", "male"),
)


def _now() -> int:
    return int(timezone.now().timestamp())


@dataclass
class FakeAnswer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> FakeAnswer:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> FakeAnswer:
    """RFC 6749 §5.2: ``{"error", "error_description"}``, never cached."""
    return FakeAnswer.json(
        status,
        {"error": error, "error_description": description},
        {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})},
    )


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def of(cls, private: rsa.RSAPrivateKey) -> SigningKey:
        return cls(kid=thumbprint(public_jwk(private, kid="")), private=private)

    def jwk(self) -> dict[str, Any]:
        return public_jwk(self.private, kid=self.kid)


def public_jwk(private: rsa.RSAPrivateKey, *, kid: str) -> dict[str, Any]:
    numbers = private.public_key().public_numbers()

    def enc(n: int) -> str:
        return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    jwk: dict[str, Any] = {"kty": "RSA", "n": enc(numbers.n), "e": enc(numbers.e)}
    if kid:
        jwk |= {"kid": kid, "use": "sig", "alg": "RS256"}
    return jwk


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, base64url."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    """The key in ``path``, made (mode 0600) if there is none; two processes racing keep the first one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = new_rsa_key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        try:
            os.chmod(temporary, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(pem)
            with contextlib.suppress(FileExistsError):  # another process got there first: keep theirs
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return key


@dataclass(frozen=True)
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    nonce: str
    code_challenge: str


@dataclass(frozen=True)
class AuthorizeCheck:
    """``request`` when the page may be shown; else ``redirect`` (an error for the client) or ``problem``
    (an error page: the client or its redirect URI cannot be trusted with a redirect)."""

    request: AuthorizeRequest | None = None
    redirect: str = ""
    problem: str = ""


@dataclass
class Grant:
    code: str
    request: AuthorizeRequest
    person: FakePerson
    expires_at: int
    used: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass
class Access:
    client_id: str
    person: FakePerson
    scopes: tuple[str, ...]
    expires_at: int


@dataclass
class FakeState:
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Access] = field(default_factory=dict)
    plans: deque[str] = field(default_factory=deque)
    extra_keys: list[SigningKey] = field(default_factory=list)  # rotated-in keys, newest last
    requests: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, detail) in order
    token_auth_seen: list[str] = field(default_factory=list)


class FakeProvider:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.state = FakeState()
        self._file_key: SigningKey | None = None
        self._other: rsa.RSAPrivateKey | None = None

    # -- controls -----------------------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.state = FakeState()

    def plan(self, *behaviours: str) -> None:
        if any(b not in BEHAVIOURS for b in behaviours):
            raise ValueError(f"unknown behaviour: {behaviours}")
        with self._lock:
            self.state.plans.extend(behaviours)

    def rotate_key(self) -> str:
        """Sign from now on with a new key (kept in memory; the old one stays published). Its ``kid``."""
        with self._lock:
            key = SigningKey.of(new_rsa_key())
            self.state.extra_keys.append(key)
            return key.kid

    def count(self, endpoint: str) -> int:
        with self._lock:
            return sum(1 for e, _d in self.state.requests if e == endpoint)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "ma_xac_thuc": len(self.state.grants),
                "da_dung": sum(1 for g in self.state.grants.values() if g.used),
                "token": len(self.state.tokens),
                "yeu_cau": [f"{e} {d}".strip() for e, d in self.state.requests],
                "khoa": [k.kid for k in self.keys()],
            }

    # -- keys ---------------------------------------------------------------------------------------------

    def keys(self) -> list[SigningKey]:
        with self._lock:
            if self._file_key is None:
                self._file_key = SigningKey.of(load_or_create_key(conf.fake_key_file()))
            return [self._file_key, *self.state.extra_keys]

    def current_key(self) -> SigningKey:
        return self.keys()[-1]

    def _other_key(self) -> rsa.RSAPrivateKey:
        if self._other is None:
            self._other = new_rsa_key()
        return self._other

    # -- the registered client --------------------------------------------------------------------------------

    @staticmethod
    def issuer() -> str:
        return conf.fake_issuer()

    @staticmethod
    def subject(client_id: str, person: FakePerson) -> str:
        """A pairwise subject (OIDC Core §8.1): stable per person and client, meaningless elsewhere."""
        return hashlib.sha256(f"vneid-fake:{client_id}:{person.personal_id}".encode()).hexdigest()[:32]

    def discovery(self) -> dict[str, Any]:
        base = self.issuer()
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "userinfo_endpoint": f"{base}/userinfo",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "name", "family_name",
                "given_name", "birthdate", "gender", "phone_number", "phone_number_verified", "personal_id",
            ],
            "authorization_response_iss_parameter_supported": True,
        }  # fmt: skip

    # -- authorize (driven by the sandbox page) -------------------------------------------------------------

    def authorize_check(self, params: dict[str, str]) -> AuthorizeCheck:
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id != conf.client_id():
            return AuthorizeCheck(problem="Ứng dụng (client_id) chưa đăng ký với VNeID.")
        if redirect_uri != conf.redirect_uri():
            return AuthorizeCheck(problem="Địa chỉ chuyển về (redirect_uri) không phải địa chỉ đã đăng ký.")
        state = params.get("state", "")

        def back(error: str, description: str) -> AuthorizeCheck:
            return AuthorizeCheck(redirect=self._redirect(redirect_uri, state, error=error,
                                                          error_description=description))  # fmt: skip

        if params.get("response_type") != "code":
            return back("unsupported_response_type", "Only response_type=code is supported.")
        scopes = tuple(params.get("scope", "").split())
        if "openid" not in scopes:
            return back("invalid_scope", "The openid scope is required.")
        if any(s not in SCOPES for s in scopes):
            return back("invalid_scope", "Unknown scope requested.")
        challenge = params.get("code_challenge", "")
        if params.get("code_challenge_method") != "S256" or not 43 <= len(challenge) <= 128:
            return back("invalid_request", "PKCE with code_challenge_method=S256 is required.")
        return AuthorizeCheck(
            request=AuthorizeRequest(
                client_id=client_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                state=state,
                nonce=params.get("nonce", ""),
                code_challenge=challenge,
            )
        )

    def _redirect(self, redirect_uri: str, state: str, **params: str) -> str:
        query = {**params, **({"state": state} if state else {}), "iss": self.issuer()}
        return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(query)}"

    def grant(self, request: AuthorizeRequest, person: FakePerson) -> str:
        """The tester signed in as ``person`` and agreed: the redirect back with a fresh code."""
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = _now()
            self.state.grants = {k: g for k, g in self.state.grants.items() if g.expires_at > now - 3600}
            self.state.grants[code] = Grant(code, request, person, expires_at=now + CODE_SECONDS)
            self.state.requests.append(("authorize", "granted"))
        return self._redirect(request.redirect_uri, request.state, code=code)

    def deny(self, request: AuthorizeRequest) -> str:
        """The tester cancelled: OIDC Core §3.1.2.6 ``access_denied``."""
        with self._lock:
            self.state.requests.append(("authorize", "denied"))
        return self._redirect(
            request.redirect_uri, request.state, error="access_denied",
            error_description="The user cancelled the sign-in.",
        )  # fmt: skip

    # -- the back channel ---------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> FakeAnswer:
        """Answer one request; ``path`` is relative to the issuer (``/token``, ``/jwks`` …)."""
        route = urlsplit(path).path.rstrip("/") or "/"
        lower = {k.lower(): v for k, v in headers.items()}
        if route == DISCOVERY_PATH and method == "GET":
            self._log("discovery")
            return FakeAnswer.json(200, self.discovery())
        if route == "/jwks" and method == "GET":
            self._log("jwks")
            return FakeAnswer.json(200, {"keys": [k.jwk() for k in self.keys()]})
        if route == "/token":
            if method != "POST":
                return oauth_error(405, "invalid_request", "POST only.")
            return self._token(lower, body or b"")
        if route == "/userinfo" and method in ("GET", "POST"):
            return self._userinfo(lower)
        if route == "/_dieu-khien":
            return self._control_request(method, body)
        return FakeAnswer.json(404, {"error": "not_found"})

    def _log(self, endpoint: str, detail: str = "") -> None:
        with self._lock:
            self.state.requests.append((endpoint, detail))

    def _client(self, headers: dict[str, str], form: dict[str, str]) -> tuple[str, FakeAnswer | None]:
        """Authenticate the client (RFC 6749 §2.3.1): its id, or the ``invalid_client`` answer."""
        authorization = headers.get("authorization", "")
        posted = "client_secret" in form
        challenge = {"WWW-Authenticate": 'Basic realm="vneid"'}
        if authorization.lower().startswith("basic "):
            if posted:
                return "", oauth_error(400, "invalid_request", "Use one client authentication method only.")
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
                raw_id, _sep, raw_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return "", oauth_error(401, "invalid_client", "Malformed Basic credentials.", challenge)
            client_id, secret, method = unquote(raw_id), unquote(raw_secret), "client_secret_basic"
        elif posted:
            client_id, secret, method = (
                form.get("client_id", ""),
                form.get("client_secret", ""),
                "client_secret_post",
            )
        else:
            return "", oauth_error(401, "invalid_client", "Client authentication required.", challenge)
        ok = client_id == conf.client_id() and secrets.compare_digest(
            secret.encode(), conf.client_secret().encode()
        )
        if not ok:
            return "", oauth_error(401, "invalid_client", "Unknown client or wrong secret.", challenge)
        with self._lock:
            self.state.token_auth_seen.append(method)
        return client_id, None

    def _token(self, headers: dict[str, str], body: bytes) -> FakeAnswer:
        with self._lock:
            behaviour = self.state.plans.popleft() if self.state.plans else "ok"
            self.state.requests.append(("token", behaviour))
            if behaviour == "server_error":
                return FakeAnswer.json(503, {"error": "temporarily_unavailable"})
            if behaviour == "malformed":
                return FakeAnswer(200, b"<html>Bao tri he thong</html>", {"Content-Type": "text/html"})
            try:
                form = {k: v[0] for k, v in parse_qs(body.decode("ascii"), strict_parsing=False).items()}
            except UnicodeDecodeError:
                return oauth_error(400, "invalid_request", "The body must be form-urlencoded.")
            client_id, refused = self._client(headers, form)
            if refused is not None:
                return refused
            if form.get("grant_type") != "authorization_code":
                return oauth_error(400, "unsupported_grant_type", "Only authorization_code is supported.")
            grant = self.state.grants.get(form.get("code", ""))
            now = _now()
            if grant is None:
                return oauth_error(400, "invalid_grant", "Unknown authorization code.")
            if grant.used:
                for token in grant.access_tokens:  # a replayed code: revoke what it gave (RFC 6749 §4.1.2)
                    self.state.tokens.pop(token, None)
                return oauth_error(400, "invalid_grant", "The authorization code was already used.")
            grant.used = (
                True  # any attempt spends the code: a wrong verifier does not leave it open to guesses
            )
            if grant.expires_at <= now:
                return oauth_error(400, "invalid_grant", "The authorization code expired.")
            if grant.request.client_id != client_id:
                return oauth_error(400, "invalid_grant", "The code was issued to another client.")
            if form.get("redirect_uri", "") != grant.request.redirect_uri:
                return oauth_error(
                    400, "invalid_grant", "redirect_uri does not match the authorization request."
                )
            verifier = form.get("code_verifier", "")
            if not verifier or not secrets.compare_digest(
                pkce_challenge(verifier), grant.request.code_challenge
            ):
                return oauth_error(400, "invalid_grant", "PKCE verification failed.")
            access_token = secrets.token_urlsafe(32)
            grant.access_tokens.append(access_token)
            self.state.tokens[access_token] = Access(
                client_id, grant.person, grant.request.scopes, expires_at=now + TOKEN_SECONDS
            )
            id_token = self._id_token(grant, access_token, now, behaviour)
        return FakeAnswer.json(
            200,
            {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
             "id_token": id_token, "scope": " ".join(grant.request.scopes)},
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )  # fmt: skip

    def _id_token(self, grant: Grant, access_token: str, now: int, behaviour: str) -> str:
        key = self.current_key()
        signer: Any = key.private
        kid = key.kid
        claims: dict[str, Any] = {
            "iss": self.issuer(),
            "sub": self.subject(grant.request.client_id, grant.person),
            "aud": grant.request.client_id,
            "exp": now + TOKEN_SECONDS,
            "iat": now,
            "auth_time": now,
            "nonce": grant.request.nonce,
            "at_hash": token_hash(access_token),
        }
        if behaviour == "other_key":
            signer = self._other_key()
        elif behaviour == "unknown_kid":
            kid = "khoa-khong-ton-tai-" + secrets.token_hex(4)
        elif behaviour == "wrong_audience":
            claims["aud"] = "ung-dung-khac"
        elif behaviour == "wrong_issuer":
            claims["iss"] = "https://vneid.example.invalid"
        elif behaviour == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif behaviour == "no_nonce":
            claims.pop("nonce")
        elif behaviour == "expired":
            claims |= {"iat": now - 3600, "auth_time": now - 3600, "exp": now - 1800}
        return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})

    def _userinfo(self, headers: dict[str, str]) -> FakeAnswer:
        authorization = headers.get("authorization", "")
        challenge = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        with self._lock:
            self.state.requests.append(("userinfo", ""))
            token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
            access = self.state.tokens.get(token)
            if access is None or access.expires_at <= _now():
                return oauth_error(401, "invalid_token", "Unknown or expired access token.", challenge)
        person, scopes = access.person, access.scopes
        claims: dict[str, Any] = {"sub": self.subject(access.client_id, person)}
        if "profile" in scopes:
            profile = {
                "name": person.name, "family_name": person.family_name, "given_name": person.given_name,
                "birthdate": person.birthdate, "gender": person.gender,
            }  # fmt: skip
            claims |= {k: v for k, v in profile.items() if v}
        if "phone" in scopes and person.phone:
            e164 = person.phone if person.phone.startswith("+") else "+84" + person.phone.lstrip("0")
            claims |= {"phone_number": e164, "phone_number_verified": True}
        if "personal_id" in scopes:
            claims["personal_id"] = person.personal_id
        return FakeAnswer.json(200, claims, {"Cache-Control": "no-store"})

    # -- the control endpoint (sandbox only) ---------------------------------------------------------------

    def _control_request(self, method: str, body: bytes | None) -> FakeAnswer:
        if method == "GET":
            return FakeAnswer.json(200, self.snapshot())
        try:
            command = json.loads((body or b"").decode("utf-8"))
            return FakeAnswer.json(200, self.control(command))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            return FakeAnswer.json(400, {"error": "bad_command", "error_description": str(exc)})

    def control(self, command: dict[str, Any]) -> dict[str, Any]:
        verb = command["lenh"]
        if verb == "reset":
            self.reset()
            return {"ok": True}
        if verb == "plan":
            self.plan(*command["hanh_vi"])
            return {"ok": True}
        if verb == "rotate_key":
            return {"kid": self.rotate_key()}
        raise ValueError(f"unknown command {verb!r}")


class FakeTransport:
    """The in-process backend: hands each request under the fake's issuer to a ``FakeProvider``."""

    def __init__(self, provider: FakeProvider) -> None:
        self.provider = provider

    def __call__(self, request: HttpRequest) -> HttpAnswer:
        base = self.provider.issuer()
        if not request.url.startswith(base):
            raise OSError(f"the fake provider does not serve {request.url}")
        answer = self.provider.handle(request.method, request.url[len(base) :], request.headers, request.body)
        return HttpAnswer(answer.status, answer.body, answer.headers)


def person_from_form(personal_id: str, name: str, birthdate: dt.date | None, phone: str) -> FakePerson:
    """A person the tester typed (already validated by the page)."""
    return FakePerson(
        personal_id, " ".join(name.split()), birthdate.isoformat() if birthdate else "", phone, ""
    )


#: The fake every backend and the sandbox share (one per process).
SANDBOX = FakeProvider()
