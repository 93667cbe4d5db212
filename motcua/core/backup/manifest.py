"""The backup's manifest: what the backup holds, at which moment, and how to check it.

``manifest.json`` is written last, once the dump and every file are on disk; its SHA-256 goes into the
sidecar ``manifest.json.sha256`` (``sha256sum`` format, so ``sha256sum -c manifest.json.sha256`` checks it by
hand). The sidecar catches corruption and truncation; against deliberate tampering keep the hash the backup
command prints somewhere else (the backup log, the off-site catalogue) and give it to ``restore
--expect-sha256``: whoever rewrites the manifest cannot rewrite that record.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from . import BackupError

FORMAT = "motcua-backup/1"
MANIFEST = "manifest.json"
SIDECAR = "manifest.json.sha256"
FILES_DIR = "files"
CHUNK = 1024 * 1024

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def sha256_stream(handle: Any) -> tuple[int, str]:
    """Size and SHA-256 of what remains in ``handle`` (a binary file or a storage's ``File``), read 1 MiB
    at a time."""
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def sha256_path(path: Path) -> tuple[int, str]:
    with path.open("rb") as handle:
        return sha256_stream(handle)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> str:
    """Write ``manifest.json`` and its sidecar; return the manifest's SHA-256."""
    data = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
    (folder / MANIFEST).write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    (folder / SIDECAR).write_text(f"{digest}  {MANIFEST}\n", encoding="ascii")
    return digest


def read_manifest(folder: Path, *, expect_sha256: str | None = None) -> tuple[dict[str, Any], str]:
    """The manifest and its SHA-256, after checking it against the sidecar (and ``expect_sha256``)."""
    path, sidecar = folder / MANIFEST, folder / SIDECAR
    if not path.is_file():
        raise BackupError(f"{path}: no manifest; is this a motcua backup folder (or an unfinished one)?")
    if not sidecar.is_file():
        raise BackupError(f"{sidecar}: the manifest's hash is missing; refusing an unverifiable backup.")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    recorded = sidecar.read_text(encoding="ascii", errors="replace").split()[:1]
    if not recorded or not _HEX64.match(recorded[0]):
        raise BackupError(f"{sidecar}: not a SHA-256 line.")
    if recorded[0] != actual:
        raise BackupError(
            f"{path}: SHA-256 {actual} differs from {recorded[0]} in {SIDECAR}: the manifest was changed "
            "or damaged after the backup."
        )
    if expect_sha256 is not None and expect_sha256.lower() != actual:
        raise BackupError(
            f"{path}: SHA-256 {actual} is not the expected {expect_sha256.lower()}: not the backup you named."
        )
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"{path}: not valid JSON ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown format {manifest.get('format')!r}; this version reads {FORMAT}.")
    for key in ("database", "tables", "files", "migrations"):
        if key not in manifest:
            raise BackupError(f"{path}: the manifest has no {key!r}.")
    return manifest, actual
