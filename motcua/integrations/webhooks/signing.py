"""The signature on every webhook request, Stripe-style: ``X-Motcua-Signature: t=<unix>,v1=<hex>``.

``v1`` is the lowercase hex HMAC-SHA256, keyed with the endpoint's secret, of ``"<t>.<body>"`` — the
timestamp, a dot and the raw request body, as bytes. The timestamp is the moment of the attempt, so a
receiver that refuses signatures older than five minutes (``tolerance``) refuses a captured request
replayed later; the body is signed as sent, so nothing needs re-serialising to check it. During a secret
rotation the header carries one ``v1`` per valid secret (new first); any one matching is enough.

``verify`` is what a receiver runs (docs/api/webhooks.md has the same code to copy); the tests' fake
receiver uses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Iterable

SCHEME = "v1"
TOLERANCE = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex signature of one request body at ``timestamp`` (Unix seconds)."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    parts = [f"t={int(timestamp)}"]
    parts += [f"{SCHEME}={sign(secret, timestamp, body)}" for secret in secrets if secret]
    return ",".join(parts)


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and the ``v1`` signatures of a header (None: no valid timestamp)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value.strip().lower())
    return timestamp, signatures


def _unix(now: dt.datetime | float | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, dt.datetime):
        return now.timestamp()
    return float(now)


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: dt.datetime | float | None = None,
    tolerance: int = TOLERANCE,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a moment within ``tolerance`` seconds of
    ``now`` (a datetime or Unix seconds; default: the clock). Constant-time; an empty secret never
    verifies anything."""
    timestamp, signatures = parse_header(header)
    if not secret or timestamp is None or not signatures:
        return False
    if abs(_unix(now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
