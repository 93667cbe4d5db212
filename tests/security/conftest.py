"""Fixtures of the security tests: the demo people and the dossier tests' procedure, a clock, an empty
storage and an empty upload spool folder per test (so "nothing left behind" can be checked by listing
them), and the results tests' dev certificates."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from tests.dossiers.conftest import demo, people, version, vn

__all__ = ["demo", "people", "version", "vn"]


class Clock:
    """``clock(moment)`` travels there (frozen); ``shift(**delta)`` moves on; ``stop()`` back to real time."""

    def __init__(self) -> None:
        self.traveller: Any = None
        self.moment: dt.datetime | None = None

    def __call__(self, moment: dt.datetime) -> dt.datetime:
        self.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()
        self.moment = moment
        return moment

    def shift(self, **delta: Any) -> dt.datetime:
        assert self.moment is not None
        return self(self.moment + dt.timedelta(**delta))

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@pytest.fixture(scope="session")
def certs_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("security-certs")


@dataclass
class Folders:
    media: Path
    spool: Path

    def files(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every file in the storage and in the upload spool folder (relative names)."""
        return _listing(self.media), _listing(self.spool)


def _listing(root: Path) -> frozenset[str]:
    if not root.exists():
        return frozenset()
    return frozenset(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture(autouse=True)
def folders(settings, tmp_path, certs_dir):
    """An empty storage (MEDIA_ROOT) and upload spool folder (FILE_UPLOAD_TEMP_DIR) for each test."""
    media, spool = tmp_path / "media", tmp_path / "spool"
    spool.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    settings.MOTCUA_CERTS_DIR = str(certs_dir)
    settings.MOTCUA_SIGNERS = {}
    settings.MOTCUA_TRUST_ROOTS = []
    cache.clear()
    yield Folders(media, spool)
    cache.clear()


@dataclass
class Env:
    """What the entry points' ``prepare`` functions need."""

    version: Any
    clock: Clock
    capture: Any
    vn: Any = vn

    @staticmethod
    def client_for(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def env(demo, version, clock, django_capture_on_commit_callbacks):
    return Env(version=version, clock=clock, capture=django_capture_on_commit_callbacks)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The corpus' score, when the upload-corpus tests ran in this process (not under xdist workers)."""
    module = sys.modules.get("tests.security.test_upload_corpus")
    SCORE = getattr(module, "SCORE", None)
    if not SCORE:
        return
    write = terminalreporter.write_line
    terminalreporter.section("malicious-upload corpus")
    total = {k: sum(v[k] for v in SCORE.values()) for k in ("refused", "refuse_expected", "neutralised",
                                                            "neutralise_expected")}  # fmt: skip
    for entry in sorted(SCORE):
        v = SCORE[entry]
        write(
            f"{entry:32} refused {v['refused']:>3}/{v['refuse_expected']:<3} "
            f"names neutralised {v['neutralised']:>3}/{v['neutralise_expected']:<3} "
            f"positive control {'accepted' if v['positive'] else 'NOT ACCEPTED'}"
        )
    samples = max(v["refuse_expected"] + v["neutralise_expected"] for v in SCORE.values())
    rate = 100 * total["refused"] / total["refuse_expected"] if total["refuse_expected"] else 0
    write(
        f"{samples} samples × {len(SCORE)} entry points: {total['refused']}/{total['refuse_expected']} hostile "
        f"uploads refused ({rate:.0f} %), {total['neutralised']}/{total['neutralise_expected']} hostile names "
        "neutralised (stored under the content's SHA-256, shown cleaned)"
    )
