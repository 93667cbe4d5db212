"""The VNeID (OpenID Connect) settings, read in one place with their defaults.

``settings.MOTCUA_VNEID`` is a dict (config/settings/base.py fills it from the environment); a missing key
takes the default below. ``backend`` is

* ``off`` — no VNeID button, the sign-in views answer 404;
* ``fake`` — the local fake provider of ``fake.py`` (dev, demo, tests): the browser goes to
  ``/sandbox/vneid/authorize`` on this site, the server talks to the same fake in process. Honoured only
  when ``DEBUG`` or ``MOTCUA_DEMO`` is on: a provider that lets anyone pick anyone must never sign people in
  on a production instance, so there it reads as ``off`` (and the sandbox answers 404);
* ``http`` — the real provider at ``issuer`` (its discovery document is
  ``<issuer>/.well-known/openid-configuration``), with the client credentials it registered for us.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

logger = logging.getLogger("motcua.vneid")

BACKENDS = ("off", "fake", "http")
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
#: Where the fake is mounted (motcua.portal.urls_vneid_sandbox); its issuer is the public URL + this.
SANDBOX_PATH = "/sandbox/vneid"
#: The fake's client secret when none is configured (the fake only ever runs in dev, demo and tests).
FAKE_CLIENT_SECRET = "vneid-sandbox-secret-not-for-production"  # noqa: S105 - a fake's dev credential

DEFAULTS: dict[str, Any] = {
    "backend": "off",
    # http: the provider's issuer identifier, exactly as its discovery document and ID tokens state it.
    "issuer": "",
    "client_id": "motcua-h56",
    "client_secret": "",
    # How the client authenticates at the token endpoint (RFC 6749 §2.3.1; OIDC Core §9).
    "token_auth": "client_secret_basic",
    # The callback path on this site, appended to MOTCUA_PUBLIC_URL; empty: the route's own path.
    "redirect_path": "",
    # Scopes asked for: ``personal_id`` releases the 12-digit personal ID (see claims.py).
    "scopes": "openid profile phone personal_id",
    "timeout": 10,
    # Clock skew allowed on exp / iat / nbf of ID tokens.
    "leeway_seconds": 60,
    # How long the discovery document and the provider's keys (JWKS) are kept in the cache.
    "cache_seconds": 3600,
    # Provider claim names per field, when they differ from the defaults of claims.py (e.g. {"personal_id": "cccd"}).
    "claims": {},
    # fake: where the fake provider keeps its RSA signing key (generated on first use).
    "fake_key_file": "",
    # Serve the fake at /sandbox/vneid/ although the backend is not "fake" (to test the http backend
    # against it); still only with DEBUG or MOTCUA_DEMO.
    "sandbox": False,
}


def setting(name: str) -> Any:
    configured = getattr(settings, "MOTCUA_VNEID", None) or {}
    value = configured.get(name)
    if value is None or (value == "" and DEFAULTS[name] != ""):
        return DEFAULTS[name]
    return value


_warned: list[bool] = []  # the misconfiguration is logged once per process, not on every page


def _fakes_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "MOTCUA_DEMO", False))


def backend() -> str:
    name = str(setting("backend") or "off").strip().lower()
    if name not in BACKENDS:
        return "off"
    if name == "fake" and not _fakes_allowed():
        if not _warned:
            _warned.append(True)
            logger.error("MOTCUA_VNEID backend 'fake' ignored: it runs only with DEBUG or MOTCUA_DEMO")
        return "off"
    return name


def enabled() -> bool:
    return backend() != "off"


def sandbox_enabled() -> bool:
    """Whether /sandbox/vneid/ answers: the fake backend (or the explicit flag), in dev/demo/tests only."""
    return _fakes_allowed() and (backend() == "fake" or bool(setting("sandbox")))


def public_url() -> str:
    return str(getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")


def fake_issuer() -> str:
    return public_url() + SANDBOX_PATH


def issuer() -> str:
    if backend() == "fake":
        return fake_issuer()
    return str(setting("issuer") or "").rstrip("/")


def client_id() -> str:
    return str(setting("client_id"))


def client_secret() -> str:
    secret = str(setting("client_secret") or "")
    if not secret and (backend() == "fake" or bool(setting("sandbox"))):
        return FAKE_CLIENT_SECRET
    return secret


def token_auth() -> str:
    method = str(setting("token_auth") or "").strip()
    return method if method in TOKEN_AUTH_METHODS else DEFAULTS["token_auth"]


def redirect_uri() -> str:
    """The callback URL registered with the provider: the public URL + the callback path."""
    path = str(setting("redirect_path") or "") or reverse("vneid_callback")
    return public_url() + (path if path.startswith("/") else f"/{path}")


def scopes() -> list[str]:
    raw = setting("scopes")
    names = raw.split() if isinstance(raw, str) else [str(s) for s in raw]
    return names if "openid" in names else ["openid", *names]


def timeout() -> float:
    return float(setting("timeout"))


def leeway() -> int:
    return max(0, int(setting("leeway_seconds")))


def cache_seconds() -> int:
    return max(1, int(setting("cache_seconds")))


def claim_names() -> dict[str, Any]:
    """Per-field claim names: a dict, or its JSON text (``MOTCUA_VNEID_CLAIMS='{"personal_id": "cccd"}'``)."""
    configured = setting("claims")
    if isinstance(configured, str) and configured.strip():
        try:
            configured = json.loads(configured)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "MOTCUA_VNEID_CLAIMS must be a JSON object of field → claim name"
            ) from exc
    if configured and not isinstance(configured, dict):
        raise ImproperlyConfigured("MOTCUA_VNEID_CLAIMS must be a JSON object of field → claim name")
    return dict(configured or {})


def fake_key_file() -> Path:
    configured = str(setting("fake_key_file") or "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "vneid" / "fake-provider-key.pem"
