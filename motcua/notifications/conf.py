"""The notification settings, read in one place with their defaults.

Every value can be set in ``config/settings`` (and from the environment there); the defaults below make
the app work offline (SMS written to files under ``var/sms``), as domain rule 7 asks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MOTCUA_SMS_BACKEND": "motcua.notifications.channels.sms.FileSmsBackend",
    "MOTCUA_SMS_FILE_DIR": "var/sms",
    "MOTCUA_SMS_HTTP_URL": "",
    "MOTCUA_SMS_HTTP_TOKEN": "",
    "MOTCUA_SMS_HTTP_TIMEOUT": 10,
    "MOTCUA_SMS_BRANDNAME": "MOTCUA",
    "MOTCUA_SMS_MAX_LENGTH": 160,
    "MOTCUA_NOTIFY_MAX_ATTEMPTS": 6,
    "MOTCUA_NOTIFY_RETRY_BASE_SECONDS": 60,
    "MOTCUA_NOTIFY_RETRY_MAX_SECONDS": 6 * 3600,
    "MOTCUA_NOTIFY_LEASE_SECONDS": 300,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def max_attempts() -> int:
    return max(1, int(setting("MOTCUA_NOTIFY_MAX_ATTEMPTS")))


def lease() -> dt.timedelta:
    """How long a claimed delivery is hidden from other workers while it is being sent."""
    return dt.timedelta(seconds=int(setting("MOTCUA_NOTIFY_LEASE_SECONDS")))


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: base × 2^(attempts−1), capped.

    With the defaults: 1, 2, 4, 8, 16 minutes … never more than 6 hours.
    """
    base = int(setting("MOTCUA_NOTIFY_RETRY_BASE_SECONDS"))
    cap = int(setting("MOTCUA_NOTIFY_RETRY_MAX_SECONDS"))
    exponent = min(max(attempts - 1, 0), 30)
    return dt.timedelta(seconds=min(base * (2**exponent), cap))
