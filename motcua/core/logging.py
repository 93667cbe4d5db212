"""Personal data out of the logs, even where a URL carries it.

Django logs every 4xx/5xx response with its path (``django.request``), and the development server every
request (``django.server``); a partner system's URL may carry a personal ID number (the population registry's
``…/dan-cu/<số định danh>``) or a phone number. ``RedactPersonalData`` rewrites such records before any handler
sees them: a 12-digit personal ID or a Vietnamese mobile number keeps only its last three digits.

``NameTheCaller`` adds who was refused to Django's 4xx lines (``Forbidden (Permission denied): /can-bo/…``
says what, not who): ``[user 17]``, ``[API key mc_live_ab12]`` or ``[anonymous]`` — an account number, never
a name or a personal ID, so that a security review can follow one account's refusals.

``RedactPersonalData`` is attached to those two loggers and to the console handler (``config/settings/base.py``). motcua's own
code never logs personal data in the first place — the test suite's canary (``tests/pii_canary.py``) fails any
test whose code does — so this filter is for messages written by others.
"""

from __future__ import annotations

import logging
import re
from typing import Any

PERSONAL_ID = re.compile(r"(?<!\d)0\d{2}[0-3]\d{8}(?!\d)")
MOBILE = re.compile(r"(?<![\d.])(?:\+?84|0)(?:3|5|7|8|9)\d{8}(?!\d)")


def redact(text: str) -> str:
    for pattern in (PERSONAL_ID, MOBILE):
        text = pattern.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def caller_of(request: Any) -> str:
    """Who sent ``request``, for a log line: an API key's public prefix, an account number, or anonymous."""
    api_key = getattr(request, "api_key", None)
    if api_key is not None:
        return f"API key {getattr(api_key, 'prefix', '?')}"
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user {user.pk}"
    return "anonymous"


class NameTheCaller(logging.Filter):
    """Append ``[who]`` to Django's request log lines about refused requests (4xx)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        status = getattr(record, "status_code", None)
        if request is None or not isinstance(status, int) or not 400 <= status < 500:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as it is
            return True
        record.msg, record.args = f"{message} [{caller_of(request)}]", ()
        return True
