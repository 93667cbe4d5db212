"""The national-portal synchronisation settings, read in one place with their defaults.

``settings.MOTCUA_DVCQG`` is a dict (config/settings/base.py fills it from the environment); a missing key
takes the default below. ``backend`` is ``off`` (nothing is sent or pulled; dossier events still queue in
the outbox, so connecting later delivers the backlog in order), ``fake`` (the in-process fake portal of
``fake.py``: dev and tests only) or ``http`` (the portal, or its LGSP gateway, at ``url``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

BACKENDS = ("off", "fake", "http")

DEFAULTS: dict[str, Any] = {
    "backend": "off",
    "url": "",
    # The bearer token motcua presents to the portal (issued with the province's connection).
    "token": "",
    # The shared secret the portal signs each submitted dossier with (HMAC-SHA256).
    "secret": "",
    "client_id": "VN/GOV/H56/MOTCUA",
    "timeout": 10,
    # Outbox: attempts before a row is given up, exponential back-off, and the lease a worker holds on a row
    # while it sends it (another worker skips the row until the lease ends).
    "max_attempts": 10,
    "retry_base_seconds": 30,
    "retry_max_seconds": 3600,
    "lease_seconds": 120,
    # Inbound: how far a signed message's timestamp may be from our clock (older ones are replays).
    "max_skew_seconds": 300,
    # Largest file of a submitted dossier we accept (decoded), and how many messages one pull asks for.
    "max_file_bytes": 20 * 1024 * 1024,
    "pull_batch": 50,
    # ``sync_dvcqg --loop``: seconds between passes.
    "poll_seconds": 30,
    # Lag (oldest pending update) above which the monitoring page warns: e-liên thông flows target 10 minutes.
    "lag_warning_minutes": 10,
}


def setting(name: str) -> Any:
    configured = getattr(settings, "MOTCUA_DVCQG", None) or {}
    value = configured.get(name)
    if value is None or (value == "" and DEFAULTS[name] != ""):
        return DEFAULTS[name]
    return value


def backend() -> str:
    name = str(setting("backend") or "off").strip().lower()
    return name if name in BACKENDS else "off"


def enabled() -> bool:
    """Whether the province is connected (a fake or a real portal): only then does indicator 1.4 count."""
    return backend() != "off"


def max_attempts() -> int:
    return max(1, int(setting("max_attempts")))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(setting("lease_seconds"))))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after ``attempts`` failed attempts: base × 2^(attempts−1), capped (30 s, 1, 2, 4 … min, ≤ 1 h)."""
    base = max(1, int(setting("retry_base_seconds")))
    cap = max(base, int(setting("retry_max_seconds")))
    exponent = min(max(attempts - 1, 0), 30)
    return dt.timedelta(seconds=min(base * (2**exponent), cap))


def max_skew() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(setting("max_skew_seconds"))))


def secret() -> str:
    return str(setting("secret") or "")


def province_code() -> str:
    return str(getattr(settings, "MOTCUA_PROVINCE_CODE", "H56"))
