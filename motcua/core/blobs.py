"""Content-addressed file storage: every stored file is named by the SHA-256 of its bytes.

All files (dossier components, stored documents of the data store, issued results) go through Django's
storage API (``default_storage``): the local file system by default, an S3-compatible bucket when
``MOTCUA_S3_BUCKET`` is set (``config/settings/base.py``). A file is stored once whatever the number of
dossiers or documents that refer to it (``blobs/ab/cd/abcd….pdf``), and never served from its storage URL:
downloads go through a view that checks permission first and then calls ``blob_response``.

``put_blob`` writes nothing when the same bytes are already stored (and whole: a stored copy of another
size is a damaged one, written again). Blobs are never deleted by the services that share them (a citizen
removing a document from their data store removes the row; the bytes stay as long as a dossier may refer to
them); ``blob_delete_unreferenced`` is for the caller that knows.

When the storage cannot write (disk full, quota, bucket unreachable) ``put_blob`` removes what it may have
half written and raises ``StorageUnavailable`` (code ``storage_unavailable``, HTTP 503) with a Vietnamese
message; callers store the file *before* writing the row that points at it, in the same transaction, so
the row is rolled back with it. ``file_references`` lists every model field that points at a stored file,
for ``motcua verify_files`` (each row's file exists and has its SHA-256).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from .errors import RuleError

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^blobs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,5}$")


class StorageUnavailable(RuleError):
    """The file store could not write (disk full, quota, bucket unreachable): nothing was stored."""

    code = "storage_unavailable"
    http_status = 503

    def __init__(self) -> None:
        super().__init__(
            _(
                "Hệ thống lưu trữ tạm thời không ghi được tệp, nên tệp của bạn chưa được lưu và hồ sơ chưa "
                "thay đổi. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị hệ thống."
            )
        )


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
    try:
        if _stored_whole(name, len(data)):
            return Blob(name=name, sha256=digest, size=len(data))
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer stored the same bytes first: keep theirs
            default_storage.delete(saved)
    except Exception as exc:  # OSError (ENOSPC, EDQUOT, EIO), a bucket's client errors …
        logger.exception("put_blob: the storage could not write %s (%s bytes)", name, len(data))
        _forget_partial(name, len(data))
        raise StorageUnavailable() from exc
    return Blob(name=name, sha256=digest, size=len(data))


def _stored_whole(name: str, size: int) -> bool:
    """True when ``name`` is stored with ``size`` bytes; a copy of another size (a write cut short by a
    crash before the store was atomic) is removed so that it is written again."""
    if not default_storage.exists(name):
        return False
    if default_storage.size(name) == size:
        return True
    logger.warning("put_blob: %s is stored damaged (wrong size): writing it again", name)
    default_storage.delete(name)
    return False


def _forget_partial(name: str, size: int) -> None:
    """After a failed save, remove what a non-atomic storage may have left under ``name``."""
    with contextlib.suppress(Exception):
        if default_storage.exists(name) and default_storage.size(name) != size:
            default_storage.delete(name)


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


# --- rows that point at stored files ---------------------------------------------------------------------

_HASH_FIELD_NAMES = ("{name}_sha256", "sha256", "file_sha256")


@dataclass(frozen=True)
class FileReference:
    """A model field holding a stored file's name (a ``FileField``, or a ``CharField`` named ``file`` that
    holds a blob name), and the field holding its SHA-256 (hex), if the model keeps one."""

    model: type[models.Model]
    field: str
    hash_field: str | None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


def file_references() -> Iterator[FileReference]:
    """Every field of every installed model that points at a stored file — found by convention, so the
    core knows no domain app: a ``FileField``, or a ``CharField`` named ``file`` next to a ``sha256``;
    the hash is in ``<field>_sha256``, ``sha256`` or ``file_sha256``."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            is_file = isinstance(field, models.FileField)
            is_blob_column = (
                isinstance(field, models.CharField) and field.name == "file" and "sha256" in names
            )
            if not (is_file or is_blob_column):
                continue
            hash_field = next(
                (
                    candidate.format(name=field.name)
                    for candidate in _HASH_FIELD_NAMES
                    if candidate.format(name=field.name) in names
                ),
                None,
            )
            yield FileReference(model=model, field=field.name, hash_field=hash_field)
