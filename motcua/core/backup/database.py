"""The database half: a consistent dump, per-table row counts and checksums of the same moment, restore.

PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot (``pg_export_snapshot()``);
``pg_dump -Fc --snapshot=…`` dumps exactly that snapshot while the same transaction reads every table for the
counts and checksums — so the dump and the manifest describe one moment however busy the database is, and
the two run side by side. SQLite: the online backup API copies a consistent image in one step (writers keep
going: WAL), and the counts and checksums are then read from that copy.

A table's checksum is a SHA-256 over its column names and its rows in primary-key order (text keys in
``COLLATE "C"`` on PostgreSQL, so the order does not depend on the server's locale), each value in a typed,
length-prefixed canonical form. Rows are streamed through a server-side cursor (``chunked_cursor``) and
hashed in Python: one pass over every table, the same code on both engines, memory bounded by a chunk. The
checksums compare a database with its own restored copy on the same engine — SQLite and PostgreSQL store
booleans, dates and decimals differently, so their checksums of the same data differ.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils.connection import ConnectionDoesNotExist

from . import BackupError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DUMP_FILES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.dump"}
CHUNK_ROWS = 2000
# Tables `migrate` fills by itself: rows there do not make a database "not empty".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# libpq environment variables for the OPTIONS of a Django PostgreSQL entry (pg_dump/pg_restore read them).
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


@dataclass
class Dump:
    """What ``dump`` wrote and read: the dump file and the manifest's database part, of one moment."""

    file: Path
    engine: str
    snapshot_at: dt.datetime
    server_version: str
    tool: str
    tables: dict[str, dict[str, Any]]
    migrations: dict[str, str]
    references: set[str] = field(default_factory=set)


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "sqlite":
        return SQLITE
    if connection.vendor == "postgresql":
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


@contextlib.contextmanager
def temporary_connection(
    settings_dict: dict[str, Any], *, alias: str, **changes: Any
) -> Iterator[BaseDatabaseWrapper]:
    """A separate connection with the settings of an existing one, ``changes`` applied, closed afterwards.

    It is reachable as ``connections[alias]`` in this thread while in use (Django's backends look their own
    alias up, e.g. SQLite's feature probes) but is not added to ``connections.settings``: it stays out of
    ``close_all()`` and of every other thread.
    """
    settings = copy.deepcopy(dict(settings_dict))
    settings.update(changes)
    with contextlib.suppress(ConnectionDoesNotExist):
        connections[alias]
        raise BackupError(f"The database alias {alias!r} is already in use.")
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
    connections[alias] = wrapper
    try:
        yield wrapper
    finally:
        try:
            wrapper.close()
        finally:
            del connections[alias]


def is_memory_sqlite(settings_dict: dict[str, Any]) -> bool:
    name = str(settings_dict["NAME"])
    return name == ":memory:" or "mode=memory" in name


def libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the connection of a Django entry (the password never on a
    command line, where ``ps`` shows it)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    for key, var in _LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            env[var] = str(settings_dict["OPTIONS"][key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools of the server's major version "
            "(Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str], *, env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def tool_version(name: str) -> str:
    return _run([tool(name), "--version"], env=dict(os.environ), what=f"{name} --version").strip()


# --- checksums -------------------------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    """A value as typed text: the same value always gives the same text, different types never collide."""
    if value is None:
        return "n"
    kind = type(value)
    if kind is str:
        return f"s{value}"
    if kind is bool:
        return "b1" if value else "b0"
    if kind is int:
        return "i" + str(value)
    if kind is float:
        return "f" + repr(value)
    if kind is decimal.Decimal:
        return "d" + str(value)
    if kind is dt.datetime:
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return f"t{value.isoformat()}"
    if kind in (dt.date, dt.time):
        return f"t{value.isoformat()}"
    if kind in (bytes, bytearray, memoryview):
        return "x" + bytes(value).hex()
    if kind is uuid.UUID:
        return "u" + str(value)
    if kind is dt.timedelta:
        return f"D{value.days},{value.seconds},{value.microseconds}"
    if kind in (dict, list):
        return "j" + json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "r" + repr(value)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    parts = []
    for value in row:
        text = _canonical(value)
        parts.append(f"{len(text)}:{text}")
    return ("".join(parts) + "\n").encode("utf-8", "surrogatepass")


def _table_plan(connection: BaseDatabaseWrapper, cursor: Any, table: str) -> tuple[str, list[str]]:
    """The SELECT that reads ``table`` in a deterministic order, and its column names."""
    introspection, quote_name = connection.introspection, connection.ops.quote_name
    description = introspection.get_table_description(cursor, table)
    columns = sorted(info.name for info in description)
    kinds = {info.name: introspection.get_field_type(info.type_code, info) for info in description}
    keys = introspection.get_primary_key_columns(cursor, table) or columns
    order = []
    for column in keys:
        term = quote_name(column)
        if connection.vendor == "postgresql" and kinds.get(column) in ("CharField", "TextField"):
            term += ' COLLATE "C"'
        order.append(term)
    select = ", ".join(quote_name(c) for c in columns)
    return f"SELECT {select} FROM {quote_name(table)} ORDER BY {', '.join(order)}", columns  # noqa: S608


def table_digests(connection: BaseDatabaseWrapper) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` for every table of the database, read in one pass each.

    Cost: every row of every table crosses the wire once and is hashed in Python — roughly a second per few
    hundred thousand rows (docs/operations/backup.md has the measurements).
    """
    with connection.cursor() as cursor:
        plans = {table: _table_plan(connection, cursor, table) for table in _tables(connection, cursor)}
    digests: dict[str, dict[str, Any]] = {}
    for table, (sql, columns) in plans.items():
        digest = hashlib.sha256(("\x1f".join(columns) + "\n").encode("utf-8"))
        rows = 0
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql)
            while batch := cursor.fetchmany(CHUNK_ROWS):
                digest.update(b"".join(_row_bytes(row) for row in batch))
                rows += len(batch)
        finally:
            cursor.close()
        digests[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def _tables(connection: BaseDatabaseWrapper, cursor: Any) -> list[str]:
    return [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]


def migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The last applied migration of each app (``{}`` when the database was never migrated)."""
    with connection.cursor() as cursor:
        if "django_migrations" not in _tables(connection, cursor):
            return {}
        cursor.execute("SELECT app, name FROM django_migrations")
        state: dict[str, str] = {}
        for app, name in cursor.fetchall():
            state[app] = max(state.get(app, ""), name)
    return dict(sorted(state.items()))


def file_columns() -> list[tuple[str, str]]:
    """``(table, column)`` of every column naming a stored file: ``FileField``s, and the ``file``
    ``CharField``s that hold a content-addressed blob name (``motcua.core.blobs``)."""
    found = []
    for model in apps.get_models():
        for f in model._meta.local_concrete_fields:
            if isinstance(f, models.FileField) or (isinstance(f, models.CharField) and f.name == "file"):
                found.append((model._meta.db_table, str(f.column)))
    return sorted(set(found))


def referenced_files(connection: BaseDatabaseWrapper) -> set[str]:
    """Every storage name a row refers to."""
    quote_name = connection.ops.quote_name
    with connection.cursor() as cursor:
        present = set(_tables(connection, cursor))
        names: set[str] = set()
        for table, column in file_columns():
            if table not in present:
                continue
            q = quote_name(column)
            cursor.execute(f"SELECT DISTINCT {q} FROM {quote_name(table)} WHERE {q} <> ''")  # noqa: S608
            names.update(row[0] for row in cursor.fetchall() if row[0])
    return names


def non_empty_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables holding rows, apart from the ones `migrate` fills by itself."""
    quote_name = connection.ops.quote_name
    with connection.cursor() as cursor:
        found = []
        for table in _tables(connection, cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                found.append(table)
    return found


def database_bytes(connection: BaseDatabaseWrapper) -> int:
    if engine_of(connection) == POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        return pages * int(cursor.fetchone()[0])


# --- dump ------------------------------------------------------------------------------------------------


def dump(connection: BaseDatabaseWrapper, folder: Path) -> Dump:
    """Dump the database of ``connection`` into ``folder`` with the counts and checksums of the same moment."""
    engine = engine_of(connection)
    target = folder / DUMP_FILES[engine]
    if engine == POSTGRESQL:
        return _dump_postgresql(connection.settings_dict, target)
    return _dump_sqlite(connection, target)


def _dump_postgresql(settings_dict: dict[str, Any], target: Path) -> Dump:
    pg_dump = tool("pg_dump")
    version = tool_version("pg_dump")
    with temporary_connection(settings_dict, alias="motcua_backup_snapshot") as snapshot:
        snapshot.ensure_connection()
        snapshot.set_autocommit(False)
        with snapshot.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), now(), current_setting('server_version')")
            snapshot_id, snapshot_at, server_version = cursor.fetchone()
        command = [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(  # noqa: S603
                command, env=libpq_env(settings_dict), stdout=subprocess.DEVNULL, stderr=errors
            )
            try:
                tables = table_digests(snapshot)
                migrations = migration_state(snapshot)
                references = referenced_files(snapshot)
            except BaseException:
                process.kill()
                process.wait()
                raise
            code = process.wait()
            if code != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()[-2000:]
                raise BackupError(f"pg_dump failed (exit {code}): {message}")
        snapshot.rollback()
    return Dump(
        file=target, engine=POSTGRESQL, snapshot_at=snapshot_at, server_version=str(server_version),
        tool=version, tables=tables, migrations=migrations, references=references,
    )  # fmt: skip


def _sqlite_source(connection: BaseDatabaseWrapper) -> tuple[sqlite3.Connection, bool]:
    """A connection to read the live database from (``True``: ours, to close)."""
    if is_memory_sqlite(connection.settings_dict):  # the test database: only reachable through Django's
        connection.ensure_connection()
        return connection.connection, False
    return sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=60), True


def readonly_sqlite(path: Path, *, alias: str, settings_dict: dict[str, Any]) -> Any:
    """A Django connection reading a SQLite file without changing it (no WAL switch, no -wal/-shm)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return temporary_connection(settings_dict, alias=alias, NAME=uri, OPTIONS={})


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> Dump:
    source, ours = _sqlite_source(connection)
    destination = sqlite3.connect(str(target))
    try:
        snapshot_at = dt.datetime.now(dt.UTC)
        source.backup(destination)  # all pages in one step: one consistent image
        destination.execute("PRAGMA journal_mode=DELETE")  # a plain file: no -wal beside the copy
    finally:
        destination.close()
        if ours:
            source.close()
    with readonly_sqlite(target, alias="motcua_backup_copy", settings_dict=connection.settings_dict) as copy:
        tables = table_digests(copy)
        migrations = migration_state(copy)
        references = referenced_files(copy)
    return Dump(
        file=target, engine=SQLITE, snapshot_at=snapshot_at, server_version=sqlite3.sqlite_version,
        tool=f"sqlite3 online backup API (SQLite {sqlite3.sqlite_version})", tables=tables,
        migrations=migrations, references=references,
    )  # fmt: skip


# --- restore ---------------------------------------------------------------------------------------------


def restore(dump_file: Path, connection: BaseDatabaseWrapper) -> None:
    """Load ``dump_file`` into the database of ``connection`` (checked empty, or ``--force``)."""
    engine = engine_of(connection)
    connection.close()
    if engine == POSTGRESQL:
        # --clean --if-exists: a database someone ran `migrate` on still restores (its tables are replaced);
        # --single-transaction + --exit-on-error: all or nothing.
        command = [
            tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", "--clean",
            "--if-exists", f"--dbname={connection.settings_dict['NAME']}", str(dump_file),
        ]  # fmt: skip
        _run(command, env=libpq_env(connection.settings_dict), what="pg_restore")
        return
    source = sqlite3.connect(f"file:{quote(str(dump_file.resolve()))}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)  # page by page into the live file, WAL and all
    finally:
        source.close()
        connection.close()
