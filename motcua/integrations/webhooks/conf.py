"""The webhook settings, read in one place with their defaults.

``settings.MOTCUA_WEBHOOKS`` is an optional dict; a missing key takes the default below. Nothing needs
configuring to use webhooks: endpoints are registered by an administrator (Django admin), each with its own
secret.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Waits after the 1st, 2nd … failed attempt; after the last one the delivery is given up. With the
    # defaults: 1 min, 5 min, 30 min, 2 h, 6 h, 24 h — seven attempts over about 33 hours.
    "retry_schedule_seconds": [60, 300, 1800, 7200, 21600, 86400],
    # Each wait is stretched or shrunk by up to this fraction at random, so receivers coming back after an
    # outage are not hit by every sender's retries in the same second.
    "retry_jitter": 0.1,
    # How long a worker holds a claimed delivery while it sends it (another worker skips it meanwhile; a
    # worker that dies leaves it due again once the lease ends).
    "lease_seconds": 120,
    "timeout_seconds": 10,
    # ``deliver_webhooks --loop``: seconds between passes.
    "poll_seconds": 15,
    # After a rotation the old secret still signs (a second ``v1=``) for this long, so receivers can switch.
    "rotation_overlap_hours": 24,
    # Plain http to a loopback address (127.0.0.1, ::1, localhost) is accepted only in dev and test
    # (``DEBUG`` or ``MOTCUA_DEMO``); everything else must be https.
    "allow_http_loopback": None,
}


def setting(name: str) -> Any:
    configured = getattr(settings, "MOTCUA_WEBHOOKS", None) or {}
    value = configured.get(name)
    return DEFAULTS[name] if value is None else value


def schedule() -> list[int]:
    return [max(1, int(s)) for s in setting("retry_schedule_seconds")]


def max_attempts() -> int:
    """Attempts before a delivery is given up: the first, then one after each wait of the schedule."""
    return len(schedule()) + 1


def backoff(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after ``attempts`` failed attempts (1-based), with jitter (the last wait repeats beyond
    the schedule)."""
    steps = schedule()
    base = steps[min(max(attempts, 1), len(steps)) - 1]
    spread = max(0.0, min(float(setting("retry_jitter")), 0.5))
    factor = 1.0 + (rng or random).uniform(-spread, spread)
    return dt.timedelta(seconds=max(1.0, base * factor))


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, int(setting("lease_seconds"))))


def timeout() -> float:
    return float(setting("timeout_seconds"))


def rotation_overlap() -> dt.timedelta:
    return dt.timedelta(hours=max(0.0, float(setting("rotation_overlap_hours"))))


def allow_http_loopback() -> bool:
    explicit = setting("allow_http_loopback")
    if explicit is not None:
        return bool(explicit)
    return bool(getattr(settings, "DEBUG", False) or getattr(settings, "MOTCUA_DEMO", False))
