"""Personal data and secrets never reach the logs: every log record written during every test is checked for a
personal ID number (CCCD, 12 digits), a Vietnamese mobile number, the demo password or the payment sandbox's
signing secret, in the message, its arguments and any exception.

The fixtures and the demo data are full of such values (citizens' IDs, phones): they are the canaries. A test
that makes the code log one fails, naming the logger and the line, whatever the test itself asserts. Loaded for
the whole suite from pyproject's ``addopts`` (``-p tests.pii_canary``).
"""

from __future__ import annotations

import logging
import re

import pytest

PERSONAL_ID = re.compile(r"(?<!\d)0\d{2}[0-3]\d{8}(?!\d)")
MOBILE = re.compile(r"(?<![\d.])(?:\+?84|0)(?:3|5|7|8|9)\d{8}(?!\d)")


#: Secrets the tests use everywhere: the demo accounts' password and the payment sandbox's signing secret.
SECRETS = ("motcua-demo-2026", "MOTCUADEVSANDBOXSECRETNOTFORPRODUCTION")


def leaks(text: str) -> list[str]:
    found = [m.group(0) for pattern in (PERSONAL_ID, MOBILE) for m in pattern.finditer(text)]
    return found + [secret for secret in SECRETS if secret in text]


class CanaryHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is not this check's business
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + str(record.exc_info[1])
        found = leaks(text)
        if found:
            for value in found:
                text = text.replace(value, "…" + value[-3:])
            self.found.append(f"{record.name} ({record.pathname}:{record.lineno}): {text[:200]!r}")


@pytest.fixture(autouse=True)
def _no_personal_data_in_logs():
    handler = CanaryHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.found:
        pytest.fail("personal data written to the logs:\n" + "\n".join(handler.found), pytrace=False)
