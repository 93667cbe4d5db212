"""The restore drill: back up the live system, restore it into a scratch database and folder, prove the copy.

The restore runs as ``motcua restore`` in a child process whose database is the scratch one
(``DATABASE_URL``) — exactly what an operator does after losing the server, so the drill exercises the real
path, and the domain's verifications (which read the default database) run against the restored copy and
nothing else. Scratch database: ``motcua_drill_<pid>`` on the same PostgreSQL server (the role needs
CREATEDB), or a temporary SQLite file; scratch files: a temporary folder. Both are removed at the end,
whatever happened.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.core.files.storage import Storage
from django.db.backends.base.base import BaseDatabaseWrapper

from . import BackupError, database
from .create import BackupResult, backup_create

MAINTENANCE_DB = "postgres"


@dataclass
class DrillResult:
    backup: BackupResult
    report: dict[str, Any]
    backup_seconds: float
    restore_wall_seconds: float
    scratch: str
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and bool(self.report.get("ok"))


def postgres_url(settings_dict: dict[str, Any], name: str) -> str:
    """A ``DATABASE_URL`` (config/settings/env.py) for database ``name`` with ``settings_dict``'s connection."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(settings_dict.get("HOST") or "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    options = {k: str(v) for k, v in (settings_dict.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{auth}{host}{port}/{quote(name, safe='')}{query}"


def _admin(settings_dict: dict[str, Any], sql: str) -> None:
    """Run ``sql`` on the server's maintenance database (CREATE/DROP DATABASE cannot run inside the
    application's own database or a transaction)."""
    with (
        database.temporary_connection(
            settings_dict, alias="motcua_drill_admin", NAME=MAINTENANCE_DB
        ) as admin,
        admin.cursor() as cursor,
    ):
        cursor.execute(sql)


def create_scratch_database(settings_dict: dict[str, Any], name: str) -> None:
    drop_scratch_database(settings_dict, name)
    # template0: nothing a DBA added to template1 gets in the way of the restore
    _admin(settings_dict, f'CREATE DATABASE "{name}" TEMPLATE template0')


def drop_scratch_database(settings_dict: dict[str, Any], name: str) -> None:
    _admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_drill(
    *,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    include_files: bool = True,
    keep: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> DrillResult:
    """Back up, restore into scratch, verify; ``keep``: leave the backup in this folder."""
    say = progress or (lambda _text: None)
    engine = database.engine_of(connection)
    work = Path(tempfile.mkdtemp(prefix="motcua-drill-"))
    scratch_name = f"motcua_drill_{os.getpid()}"
    created = False
    try:
        mark = time.perf_counter()
        say("backup…")
        backup = backup_create(
            output=keep or work, connection=connection, storage=storage, include_files=include_files,
            progress=lambda text: say(f"backup: {text}"),
        )  # fmt: skip
        backup_seconds = time.perf_counter() - mark

        if engine == database.POSTGRESQL:
            create_scratch_database(connection.settings_dict, scratch_name)
            created = True
            url, scratch = postgres_url(connection.settings_dict, scratch_name), scratch_name
        else:
            path = work / "restored.sqlite3"
            url, scratch = f"sqlite:///{path}", str(path)  # an absolute path: four slashes
        report_file = work / "report.json"
        command = [
            sys.executable, "-m", "motcua.cli", "restore", str(backup.path),
            "--media-root", str(work / "media"), "--report", str(report_file),
        ]  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url, "MOTCUA_S3_BUCKET": ""}
        say(f"restore into {scratch}…")
        mark = time.perf_counter()
        child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        restore_wall = time.perf_counter() - mark
        report: dict[str, Any] = {}
        if report_file.is_file():
            report = json.loads(report_file.read_text(encoding="utf-8"))
        output = (child.stdout + child.stderr).strip()
        if not report and child.returncode != 0:
            raise BackupError(f"The restore failed before its checks (exit {child.returncode}):\n{output}")
        return DrillResult(
            backup=backup, report=report, backup_seconds=backup_seconds, restore_wall_seconds=restore_wall,
            scratch=scratch, returncode=child.returncode, output=output,
        )  # fmt: skip
    finally:
        if created:
            drop_scratch_database(connection.settings_dict, scratch_name)
        shutil.rmtree(work, ignore_errors=True)
