"""The authorization matrix's fixtures: the world built once per module inside one transaction (rolled back
at the end), the settings it needs for the whole module (a media folder and certificates of its own), and
the clock frozen at ``World.now`` while the checks run."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase, override_settings

from .world import World, build_world


@pytest.fixture(autouse=True)
def folders():
    """Replaces tests/security's per-test empty media folder: the matrix's files live for the module."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    import time_machine

    media = tmp_path_factory.mktemp("authz-media")
    certs = tmp_path_factory.mktemp("authz-certs")
    with (
        override_settings(
            MEDIA_ROOT=str(media),
            MOTCUA_CERTS_DIR=str(certs),
            MOTCUA_SIGNERS={},
            MOTCUA_TRUST_ROOTS=[],
        ),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built: World = build_world(capture=TestCase.captureOnCommitCallbacks)
            with time_machine.travel(built.now, tick=False):
                yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
