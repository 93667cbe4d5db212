"""The files half: every object of a storage copied out and back, streamed, each with its SHA-256.

Works through Django's storage API, so the same code copies a local ``MEDIA_ROOT`` and an S3-compatible
bucket. Files are read and written 1 MiB at a time (never whole in memory): a scanned dossier can be tens of
megabytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage

from ..storage import TEMP_PREFIX
from . import BackupError
from .manifest import CHUNK, sha256_path, sha256_stream


@dataclass(frozen=True)
class FileEntry:
    name: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


def safe_name(name: str) -> str:
    """``name`` if it is a plain relative storage name; a backup can never write outside its target."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise BackupError(f"Refusing the unsafe file name {name!r} in the backup.")
    return name


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage``, in a stable order; not the ``.part-…`` leftovers of interrupted writes
    (``motcua.core.storage``), which no row refers to."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for name in sorted(files):
        if not name.startswith(TEMP_PREFIX):
            yield prefix + name
    for sub in sorted(folders):
        yield from storage_names(storage, prefix + sub)


def first_file(storage: Storage) -> str | None:
    return next(storage_names(storage), None)


def copy_out(storage: Storage, root: Path) -> list[FileEntry]:
    """Copy every file of ``storage`` under ``root``, hashing while copying."""
    entries = []
    for name in storage_names(storage):
        target = root / safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as sink:
            entries.append(FileEntry(name, *_copy_hashing(source, sink)))
    return entries


def _copy_hashing(source: IO[bytes], sink: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        sink.write(chunk)
    return size, digest.hexdigest()


def verify_copies(root: Path, entries: list[FileEntry]) -> list[str]:
    """Problems with the copies under ``root`` (missing, other size, other SHA-256): empty when all match."""
    problems = []
    for entry in entries:
        path = root / safe_name(entry.name)
        if not path.is_file():
            problems.append(f"{entry.name}: missing from the backup")
            continue
        size, digest = sha256_path(path)
        if (size, digest) != (entry.size, entry.sha256):
            problems.append(
                f"{entry.name}: {size} bytes, SHA-256 {digest}; the manifest says {entry.size} bytes, "
                f"{entry.sha256}"
            )
    return problems


def verify_stored(storage: Storage, entries: list[FileEntry]) -> list[str]:
    """The same check, reading each file back through ``storage`` (after a restore)."""
    problems = []
    for entry in entries:
        if not storage.exists(entry.name):
            problems.append(f"{entry.name}: not in the storage")
            continue
        with storage.open(entry.name, "rb") as handle:
            size, digest = sha256_stream(handle)
        if (size, digest) != (entry.size, entry.sha256):
            problems.append(f"{entry.name}: stored {size} bytes, SHA-256 {digest}; expected {entry.sha256}")
    return problems


def copy_in(root: Path, entries: list[FileEntry], storage: Storage, *, force: bool) -> None:
    """Copy the backup's files into ``storage`` under their own names."""
    for entry in entries:
        name = safe_name(entry.name)
        if storage.exists(name):
            if not force:
                raise BackupError(f"{name} is already in the target storage (use --force to replace it).")
            with storage.open(name, "rb") as handle:
                if sha256_stream(handle) == (entry.size, entry.sha256):
                    continue
            storage.delete(name)
        with (root / name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}: the storage renamed it; restore stopped.")


def entries_from_manifest(files: dict[str, object]) -> list[FileEntry]:
    raw = files.get("entries") or []
    if not isinstance(raw, list):
        raise BackupError("The manifest's file list is not a list.")
    try:
        return [FileEntry(safe_name(str(e["name"])), int(e["size"]), str(e["sha256"])) for e in raw]
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"The manifest's file list is malformed ({exc}).") from exc
