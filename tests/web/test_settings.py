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


PERSONAL_DATA_KEYS = "1:" + "A" * 43 + "="  # 32 bytes in base64: enough to start


def _import_prod(env):
    clean = {
        k: v for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "MOTCUA_PERSONAL_DATA_KEYS", "MOTCUA_PERSONAL_DATA_KEY_ID")
    }  # fmt: skip
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
    started = _import_prod({"SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "motcua.example.vn",
                            "MOTCUA_PERSONAL_DATA_KEYS": PERSONAL_DATA_KEYS})  # fmt: skip
    assert started.returncode == 0, started.stderr


def test_production_refuses_to_start_without_personal_data_keys_or_with_bad_ones():
    env = {"SECRET_KEY": "x" * 64, "ALLOWED_HOSTS": "motcua.example.vn"}
    result = _import_prod(env)
    assert result.returncode != 0 and "MOTCUA_PERSONAL_DATA_KEYS must be set" in result.stderr
    result = _import_prod({**env, "MOTCUA_PERSONAL_DATA_KEYS": "1:c2hvcnQ="})
    assert result.returncode != 0 and "must be 32 random bytes" in result.stderr
    result = _import_prod({**env, "MOTCUA_PERSONAL_DATA_KEYS": PERSONAL_DATA_KEYS,
                           "MOTCUA_PERSONAL_DATA_KEY_ID": "2"})  # fmt: skip
    assert result.returncode != 0 and "MOTCUA_PERSONAL_DATA_KEY_ID" in result.stderr


def _cache_in_subprocess(env):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev'; django.setup();"
        "from django.core.cache import cache; from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND']);"
        "cache.set('motcua-settings-test', 7, 5); print(cache.incr('motcua-settings-test'))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_without_redis_the_counters_stay_in_the_process():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.dev';"
         "django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_shares_the_counters_between_processes():
    """With REDIS_URL every web process counts rate limits in Redis (the local server on CI machines)."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering on 127.0.0.1:6379", pytrace=False)
        pytest.skip("no Redis on 127.0.0.1:6379")
    result = _cache_in_subprocess({"REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert result.returncode == 0, result.stderr
    backend, value = result.stdout.split()
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert value == "8"
