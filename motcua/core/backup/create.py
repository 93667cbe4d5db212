"""Making a backup: the database dump with its counts and checksums, then the files, then the manifest.

Order matters. The database is read first (one snapshot); the storage is listed and copied afterwards. Every
file a row of that snapshot refers to is therefore in the copy, because

- a file is stored before the row that refers to it commits (``put_blob`` runs before the service's
  transaction; plan evidence is saved before its row, and deleted again only if that row fails to commit);
- a stored file is never changed or deleted once a committed row refers to it: blobs are named by the
  SHA-256 of their bytes (``motcua.core.blobs``), so new content is a new name, and no service deletes a
  blob a row may refer to.

Files written after the snapshot are copied too and simply have no row yet (harmless, the next backup has
it). The backup proves the argument each time: it lists the files the snapshot's rows refer to and records
any that the copy lacks (``references.missing``, expected empty).

The folder is written as ``<name>.partial`` and renamed when complete, so an interrupted backup never looks
like a finished one.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage

import motcua

from . import BackupError, database
from .files import FileEntry, copy_out
from .manifest import FILES_DIR, FORMAT, sha256_path, write_manifest


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    manifest_sha256: str

    @property
    def missing_references(self) -> list[str]:
        return list(self.manifest["references"].get("missing") or [])

    @property
    def bytes(self) -> int:
        return int(self.manifest["database"]["size"]) + int(self.manifest["files"]["bytes"])


def backup_create(
    *,
    output: Path,
    connection: Any,
    storage: Storage,
    include_files: bool = True,
    tar: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BackupResult:
    """Write ``output/motcua-backup-<UTC time>[.tar]`` and return it with its manifest."""
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    final = output / f"motcua-backup-{stamp}"
    if final.exists() or final.with_suffix(".tar").exists():
        raise BackupError(f"{final} already exists; wait a second or choose another folder.")
    partial = final.with_name(final.name + ".partial")
    partial.mkdir(parents=True)
    try:
        say("database…")
        dumped = database.dump(connection, partial)
        dump_size, dump_sha = sha256_path(dumped.file)
        database_seconds = time.perf_counter() - started

        entries: list[FileEntry] = []
        if include_files:
            say("files…")
            entries = copy_out(storage, partial / FILES_DIR)
        files_seconds = time.perf_counter() - started - database_seconds
        names = {e.name for e in entries}
        missing = sorted(dumped.references - names) if include_files else None

        manifest = {
            "format": FORMAT,
            "motcua_version": motcua.__version__,
            "created_at": dumped.snapshot_at.astimezone(dt.UTC).isoformat(),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": {
                "engine": dumped.engine,
                "server_version": dumped.server_version,
                "tool": dumped.tool,
                "file": dumped.file.name,
                "size": dump_size,
                "sha256": dump_sha,
                "live_bytes": database.database_bytes(connection),
            },
            "migrations": dumped.migrations,
            "tables": dumped.tables,
            "totals": {
                "tables": len(dumped.tables),
                "rows": sum(int(t["rows"]) for t in dumped.tables.values()),
            },
            "files": {
                "included": include_files,
                "storage": type(getattr(storage, "_wrapped", storage)).__name__,
                "count": len(entries),
                "bytes": sum(e.size for e in entries),
                "entries": [e.as_json() for e in entries],
            },
            "references": {"count": len(dumped.references), "missing": missing},
            "timings": {
                "database_seconds": round(database_seconds, 3),
                "files_seconds": round(files_seconds, 3),
                "total_seconds": round(time.perf_counter() - started, 3),
            },
        }
        digest = write_manifest(partial, manifest)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if not tar:
        return BackupResult(final, manifest, digest)
    say("tar…")
    archive = final.with_suffix(".tar")
    pending = archive.with_name(archive.name + ".partial")
    with tarfile.open(pending, "w") as handle:  # not compressed: the dump is, and PDFs/JPEGs are
        handle.add(final, arcname=final.name)
    pending.rename(archive)
    shutil.rmtree(final)
    return BackupResult(archive, manifest, digest)
