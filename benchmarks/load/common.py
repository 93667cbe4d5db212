"""What ``seed.py`` and ``run.py`` share: the database URL, the environment the server and the seeding run
with, and a PostgreSQL admin connection (to create and drop the benchmark database)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/motcua_load"
SETTINGS = "benchmarks.load.settings"  # config.settings.prod, adjusted for plain HTTP on loopback
DEFAULT_DOSSIERS = 100_000
VENV_BIN = Path(sys.executable).parent


def loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``): the benchmark never leaves the machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


@dataclass(frozen=True)
class Pg:
    url: str
    name: str
    params: dict[str, Any]

    @classmethod
    def from_url(cls, url: str) -> Pg:
        parsed = urlparse(url)
        if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
            raise SystemExit(f"the load benchmark needs PostgreSQL; the database URL is {url!r}")
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise SystemExit(f"database URL {url!r} names no database")
        host = parsed.hostname or "127.0.0.1"
        if not loopback(host):
            raise SystemExit(f"the load benchmark runs on loopback only; the database host is {host!r}")
        params: dict[str, Any] = {
            "host": host,
            "port": parsed.port or 5432,
            "user": unquote(parsed.username or "") or None,
            "password": unquote(parsed.password or "") or None,
            "dbname": "postgres",
            "connect_timeout": 5,
        }
        return cls(url, name, params)

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(**{k: v for k, v in self.params.items() if v is not None}, autocommit=True)

    def exists(self) -> bool:
        with self.admin() as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
                is not None
            )

    def create(self) -> None:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(self.name)
                )
            )

    def drop(self) -> None:
        from psycopg import sql

        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))

    def version(self) -> str:
        with self.admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"
