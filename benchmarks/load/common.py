"""What ``seed.py`` and ``run.py`` share: the database URL, the environment the server and the seeding run
with; the benchmark database itself is ``benchmarks/pgdb.Pg``."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # benchmarks/, for the shared PostgreSQL helper
from pgdb import Pg, loopback  # noqa: E402

__all__ = ["Pg", "loopback"]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_load"
SETTINGS = "benchmarks.load.settings"  # config.settings.prod, adjusted for plain HTTP on loopback
DEFAULT_DOSSIERS = 100_000
VENV_BIN = Path(sys.executable).parent


def server_env(database_url: str, *, static_root: Path, media_root: Path) -> dict[str, str]:
    """The environment of everything that loads Django here: production settings, both second factors off.

    ``MOTCUA_STAFF_TOTP_REQUIRED=0`` and ``MOTCUA_CITIZEN_OTP=0`` let the simulated users sign in with the
    password form alone (staff would enrol an authenticator app, citizens would wait for an SMS code).
    """
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        # A throwaway key for this run (prod.py wants ≥ 50 random characters); sessions do not outlive it.
        "SECRET_KEY": os.environ.get("MOTCUA_LOAD_SECRET_KEY") or secrets.token_urlsafe(64),
        # prod.py refuses to start without a personal-data key. The seeded database outlives a run (it is
        # reused), so its key must too: derived from the scratch database's URL, for scratch data only.
        "MOTCUA_PERSONAL_DATA_KEYS": os.environ.get("MOTCUA_LOAD_PERSONAL_DATA_KEYS")
        or "1:" + base64.b64encode(hashlib.sha256(f"motcua-load:{database_url}".encode()).digest()).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MOTCUA_STAFF_TOTP_REQUIRED": "0",
        "MOTCUA_CITIZEN_OTP": "0",
        "MOTCUA_LOAD_STATIC_ROOT": str(static_root),
        "MOTCUA_MEDIA_ROOT": str(media_root),
        "MOTCUA_SMS_FILE_DIR": str(media_root.parent / "sms"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
