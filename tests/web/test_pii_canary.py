"""The log canary itself: it recognises personal IDs and mobile numbers and nothing that merely looks long."""

import logging

import pytest

from tests.pii_canary import CanaryHandler, leaks


@pytest.mark.parametrize(
    "text",
    [
        "công dân 038195001234 nộp hồ sơ",
        "gọi 0912345678",
        "sms +84912345678 failed",
        "id=001099012345;",
        "password=motcua-demo-2026",
        "vnp_HashSecret MOTCUADEVSANDBOXSECRETNOTFORPRODUCTION",
    ],
)
def test_personal_values_are_found(text):
    assert leaks(text)


@pytest.mark.parametrize(
    "text",
    [
        "H56.40-260302-0001 received",
        "mã số thuế 2800123456",
        "took 123456789012345 ns",
        "dossier 1234 version 7",
        "2026-11-27 09:28:36,278",
        "000.00.19.H56",
    ],
)
def test_ordinary_values_are_not(text):
    assert leaks(text) == []


def test_the_handler_records_a_leak_with_where_it_came_from():
    handler = CanaryHandler()
    logger = logging.getLogger("motcua.test.canary")
    logger.addHandler(handler)
    logger.propagate = False  # keep it from the suite's own canary, which would fail this test
    try:
        logger.warning("look-up for %s failed", "038195001234")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert len(handler.found) == 1 and "motcua.test.canary" in handler.found[0]
    assert "038195001234" not in handler.found[0]  # the report itself does not repeat the value
