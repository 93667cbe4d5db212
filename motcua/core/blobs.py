"""Content-addressed file storage: every stored file is named by the SHA-256 of its bytes.

All files (dossier components, stored documents of the data store, issued results) go through Django's
storage API (``default_storage``): the local file system by default, an S3-compatible bucket when
``MOTCUA_S3_BUCKET`` is set (``config/settings/base.py``). A file is stored once whatever the number of
dossiers or documents that refer to it (``blobs/ab/cd/abcd….pdf``), and never served from its storage URL:
downloads go through a view that checks permission first and then calls ``blob_response``.

``put_blob`` writes nothing when the same bytes are already stored. Blobs are never deleted by the
services that share them (a citizen removing a document from their data store removes the row; the bytes
stay as long as a dossier may refer to them); ``blob_delete_unreferenced`` is for the caller that knows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

_NAME = re.compile(r"^blobs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,5}$")


@dataclass(frozen=True)
class Blob:
    """A stored file: its storage name, SHA-256 (hex) and size in bytes."""

    name: str
    sha256: str
    size: int


def blob_name(sha256: str, extension: str) -> str:
    ext = extension.lower().lstrip(".") or "bin"
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}.{ext}"


def is_blob_name(name: str) -> bool:
    return bool(_NAME.match(name or ""))


def _bytes_of(content: bytes | IO[bytes] | Any) -> bytes:
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    if hasattr(content, "seek"):
        content.seek(0)
    data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
    if hasattr(content, "seek"):
        content.seek(0)
    return bytes(data)


def put_blob(content: bytes | IO[bytes] | Any, *, extension: str) -> Blob:
    """Store ``content`` (bytes, a Django ``File``/upload or a binary file object) under its hash.

    Check uploads (``motcua.core.uploads.check_upload``) before calling this: the store trusts its input.
    Storing the same bytes twice stores them once and returns the same ``Blob``.
    """
    data = _bytes_of(content)
    digest = hashlib.sha256(data).hexdigest()
    name = blob_name(digest, extension)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer stored the same bytes first: keep theirs
            default_storage.delete(saved)
    return Blob(name=name, sha256=digest, size=len(data))


def read_blob(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read())


def blob_exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def blob_response(name: str, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """The file as a download (``Content-Disposition: attachment``) with its real type and ``nosniff``.

    The caller has checked that the requester may read it. ``inline`` is for PDFs shown in the browser's
    viewer (still never HTML: only checked kinds are ever stored).
    """
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def blob_delete_unreferenced(name: str) -> None:
    """Delete a blob the caller knows nothing refers to any more."""
    if is_blob_name(name):
        default_storage.delete(name)
