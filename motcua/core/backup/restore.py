"""Restoring a backup into an empty database and storage, then proving the copy is the original.

Nothing is written before everything is checked: the manifest against its hash, the dump against the
manifest, every file against its SHA-256, the engine, and the emptiness of the target. Then the database,
then the files, then the checks: every table's row count and checksum against the manifest, every restored
file read back and hashed, every file a row refers to present, the migration state, and the domain's own
verifications run by command name — the audit chain (``verify_audit``), the dossier histories
(``verify_dossier_history``) and the fact tables (``facts --verify``).
"""

from __future__ import annotations

import contextlib
import io
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

from . import BackupError, database
from .files import FileEntry, copy_in, entries_from_manifest, first_file, verify_copies, verify_stored
from .manifest import FILES_DIR, read_manifest, sha256_path

OK, FAILED, WARNING, SKIPPED = "ok", "failed", "warning", "skipped"
# The domain's verifications, by command name (core imports no domain app): (check, command, options).
DOMAIN_CHECKS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("audit chain (verify_audit)", "verify_audit", {}),
    ("dossier histories (verify_dossier_history)", "verify_dossier_history", {}),
    ("fact tables (facts --verify)", "facts", {"verify": True}),
)


@dataclass
class Check:
    name: str
    status: str
    detail: str
    seconds: float = 0.0


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    manifest_sha256: str
    tables: list[dict[str, Any]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != FAILED for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "manifest_sha256": self.manifest_sha256,
            "created_at": self.manifest.get("created_at"),
            "tables": self.tables,
            "checks": [asdict(c) for c in self.checks],
            "timings": self.timings,
        }


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """The backup folder of ``path``: the folder itself, or a ``.tar`` unpacked beside it for the restore."""
    if path.is_dir():
        yield path
        return
    if not path.is_file() or not tarfile.is_tarfile(path):
        raise BackupError(f"{path}: neither a backup folder nor a backup .tar.")
    with tempfile.TemporaryDirectory(prefix=".motcua-restore-", dir=path.parent) as scratch:
        with tarfile.open(path) as archive:
            archive.extractall(scratch, filter="data")  # no absolute paths, links out or devices
        folders = [p for p in Path(scratch).iterdir() if p.is_dir()]
        if len(folders) != 1:
            raise BackupError(f"{path}: expected one backup folder inside, found {len(folders)}.")
        yield folders[0]


def preflight(
    folder: Path, *, expect_sha256: str | None = None
) -> tuple[dict[str, Any], str, list[FileEntry]]:
    """Check the manifest, the dump and every file; raise ``BackupError`` naming the first problems."""
    manifest, digest = read_manifest(folder, expect_sha256=expect_sha256)
    db = manifest["database"]
    dump_file = folder / str(db.get("file", ""))
    if not dump_file.is_file() or dump_file.parent != folder:
        raise BackupError(f"{dump_file}: the database dump is missing.")
    size, dump_sha = sha256_path(dump_file)
    if (size, dump_sha) != (db.get("size"), db.get("sha256")):
        raise BackupError(
            f"{dump_file}: {size} bytes, SHA-256 {dump_sha}; the manifest says {db.get('size')} bytes, "
            f"{db.get('sha256')}. The dump is damaged; nothing was restored."
        )
    entries = entries_from_manifest(manifest["files"]) if manifest["files"].get("included") else []
    problems = verify_copies(folder / FILES_DIR, entries)
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        raise BackupError(
            f"{len(problems)} file(s) of the backup do not match the manifest: {shown}. Nothing was restored."
        )
    return manifest, digest, entries


def check_target(
    manifest: dict[str, Any], *, connection: BaseDatabaseWrapper, storage: Storage, force: bool
) -> None:
    engine = database.engine_of(connection)
    if manifest["database"].get("engine") != engine:
        raise BackupError(
            f"The backup is of a {manifest['database'].get('engine')} database and the target is {engine}; "
            "restore into the same engine (moving between engines is `export_history`/`import_history`)."
        )
    if force:
        return
    tables = database.non_empty_tables(connection)
    if tables:
        shown = ", ".join(tables[:8]) + (" …" if len(tables) > 8 else "")
        raise BackupError(
            f"The target database is not empty ({len(tables)} tables hold rows: {shown}). Restore into a new "
            "database (do not run `migrate` on it first), or pass --force to replace its contents."
        )
    if manifest["files"].get("included"):
        found = first_file(storage)
        if found is not None:
            raise BackupError(
                f"The target storage is not empty (it holds {found}, for one). Restore into an empty folder or "
                "bucket, or pass --force."
            )


def restore_backup(
    path: Path,
    *,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    force: bool = False,
    expect_sha256: str | None = None,
    domain_checks: bool = True,
    progress: Callable[[str], None] | None = None,
) -> RestoreResult:
    """Restore ``path`` into ``connection``'s database and ``storage``, then check the result.

    ``domain_checks`` runs the verification commands, which read the *default* database: only when
    ``connection`` is the default one (the ``restore`` command).
    """
    say = progress or (lambda _text: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with opened(path) as folder:
        say("checking the backup…")
        manifest, digest, entries = preflight(folder, expect_sha256=expect_sha256)
        check_target(manifest, connection=connection, storage=storage, force=force)
        timings["verify_backup_seconds"] = round(time.perf_counter() - started, 3)

        mark = time.perf_counter()
        say("database…")
        database.restore(folder / manifest["database"]["file"], connection)
        timings["database_seconds"] = round(time.perf_counter() - mark, 3)

        mark = time.perf_counter()
        say(f"files ({len(entries)})…")
        copy_in(folder / FILES_DIR, entries, storage, force=force)
        timings["files_seconds"] = round(time.perf_counter() - mark, 3)

    _forget_cached_rows()
    mark = time.perf_counter()
    say("checks…")
    result = RestoreResult(manifest=manifest, manifest_sha256=digest)
    result.tables, result.checks = verify_restored(
        manifest, connection=connection, storage=storage, entries=entries, domain_checks=domain_checks
    )
    timings["checks_seconds"] = round(time.perf_counter() - mark, 3)
    timings["restore_seconds"] = round(
        timings["verify_backup_seconds"] + timings["database_seconds"] + timings["files_seconds"], 3
    )
    timings["total_seconds"] = round(time.perf_counter() - started, 3)
    result.timings = timings
    return result


def _forget_cached_rows() -> None:
    """Content types are cached per process by id; the restored database is the truth now."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def compare_tables(manifest: dict[str, Any], actual: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per table of the manifest or the target: expected and restored rows, checksum match."""
    expected = manifest["tables"]
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        match = want is not None and got is not None and want == got
        if want is None and got is not None and got["rows"] == 0:
            match = True  # an empty table the code has and the backup had not: nothing lost
        lines.append({
            "table": table,
            "expected_rows": want["rows"] if want else None,
            "rows": got["rows"] if got else None,
            "match": match,
        })  # fmt: skip
    return lines


def verify_restored(
    manifest: dict[str, Any],
    *,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    entries: list[FileEntry],
    domain_checks: bool,
) -> tuple[list[dict[str, Any]], list[Check]]:
    checks: list[Check] = []

    mark = time.perf_counter()
    tables = compare_tables(manifest, database.table_digests(connection))
    wrong = [t["table"] for t in tables if not t["match"]]
    rows = sum(t["rows"] or 0 for t in tables)
    checks.append(Check(
        f"row counts and checksums ({len(tables)} tables)",
        FAILED if wrong else OK,
        f"different: {', '.join(wrong[:10])}" if wrong else f"{rows:,} rows identical to the manifest",
        time.perf_counter() - mark,
    ))  # fmt: skip

    mark = time.perf_counter()
    if manifest["files"].get("included"):
        problems = verify_stored(storage, entries)
        size = sum(e.size for e in entries)
        checks.append(Check(
            f"files ({len(entries)}, SHA-256)", FAILED if problems else OK,
            "; ".join(problems[:5]) if problems else f"{size:,} bytes read back, every SHA-256 matches",
            time.perf_counter() - mark,
        ))  # fmt: skip
    else:
        checks.append(Check("files", SKIPPED, "the backup was made with --no-files"))

    mark = time.perf_counter()
    checks.append(
        _references_check(manifest, connection=connection, storage=storage, entries=entries, mark=mark)
    )

    mark = time.perf_counter()
    checks.append(_migrations_check(connection, mark=mark))

    if domain_checks:
        commands = get_commands()
        for name, command, options in DOMAIN_CHECKS:
            checks.append(
                _run_check(name, command, options)
                if command in commands
                else Check(name, SKIPPED, "not installed")
            )
    return tables, checks


def _references_check(
    manifest: dict[str, Any], *, connection: BaseDatabaseWrapper, storage: Storage, entries: list[FileEntry],
    mark: float,
) -> Check:  # fmt: skip
    references = database.referenced_files(connection)
    restored = {e.name for e in entries}
    missing = sorted(n for n in references - restored if not storage.exists(n))
    known = set(manifest["references"].get("missing") or [])
    name = f"files referenced by rows ({len(references)})"
    seconds = time.perf_counter() - mark
    if not missing:
        return Check(name, OK, "every one is in the storage", seconds)
    new = [n for n in missing if n not in known]
    if new:
        return Check(name, FAILED, f"{len(missing)} missing: {', '.join(missing[:5])}", seconds)
    return Check(name, WARNING, f"{len(missing)} already missing when the backup was made", seconds)


def _migrations_check(connection: BaseDatabaseWrapper, *, mark: float) -> Check:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    known = set(loader.graph.nodes)
    pending, unknown = sorted(known - applied), sorted(applied - known)
    seconds = time.perf_counter() - mark
    if unknown:
        shown = ", ".join(f"{a}.{n}" for a, n in unknown[:5])
        return Check(
            "migrations",
            WARNING,
            f"the backup has migrations this code does not know ({shown}): a newer version made it",
            seconds,
        )
    if pending:
        return Check(
            "migrations",
            WARNING,
            f"{len(pending)} migration(s) of this code not applied: run `motcua migrate`",
            seconds,
        )
    return Check("migrations", OK, f"{len(applied)} applied, the same as this code", seconds)


def _run_check(name: str, command: str, options: dict[str, Any]) -> Check:
    out, err = io.StringIO(), io.StringIO()
    mark = time.perf_counter()
    try:
        call_command(command, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return Check(name, FAILED, str(exc), time.perf_counter() - mark)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    return Check(name, OK, lines[-1] if lines else "ok", time.perf_counter() - mark)
