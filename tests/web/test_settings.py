"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.env import BASE_DIR, database_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_defaults_under_var_with_wal_and_immediate():
    db = database_from_url("sqlite:///var/motcua.sqlite3")
    assert db["NAME"] == BASE_DIR / "var" / "motcua.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert database_from_url("sqlite:////srv/motcua/db.sqlite3")["NAME"] == Path("/srv/motcua/db.sqlite3")


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://motcua:p%40ss@db.local:5433/motcua_prod?sslmode=require")
    assert (db["ENGINE"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql", "motcua", "p@ss", "db.local", "5433", "motcua_prod",
    )  # fmt: skip
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_unknown_database_scheme_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://root@localhost/motcua")


def _import_prod(env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.prod'; django.setup()"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_prod({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_prod({"SECRET_KEY": "x" * 64})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
    assert _import_prod({"SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "motcua.example.vn"}).returncode == 0
