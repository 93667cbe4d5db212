"""The local file storage, made atomic: a file appears under its name complete or not at all.

Django's ``FileSystemStorage`` writes straight into the final name, so a full disk (``ENOSPC``), a quota, or
a worker killed in the middle leaves a partial file there — and the content-addressed store
(``motcua.core.blobs``) would then take that name for the stored bytes. ``AtomicFileSystemStorage`` writes
into a hidden temporary file in the same folder (``.part-…``), flushes it to disk, then *links* it under
the final name (atomic, and it never replaces an existing file: a name already taken gets Django's usual
alternative name) and removes the temporary name. On any error the temporary file is removed; a process
killed outright leaves at most a ``.part-…`` file, which ``motcua verify_files --orphans`` lists.

It is the default storage (``config/settings/base.py``); an S3-compatible bucket is atomic by itself (an
object is stored whole or not at all).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name

TEMP_PREFIX = ".part-"

# File systems without hard links (some network mounts): fall back to a rename that checks first.
_NO_LINK = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK})


class AtomicFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` whose saves are all or nothing (see the module docstring)."""

    def _save(self, name: str, content: Any) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            # Django's helper applies the mode to every new folder (os.makedirs only to the last one).
            from django.utils import _os as django_os

            makedirs: Any = getattr(django_os, "safe_makedirs", os.makedirs)
            makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, temp_path = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    with contextlib.suppress(AttributeError, OSError, ValueError):
                        content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            mode = self.file_permissions_mode
            os.chmod(temp_path, mode if mode is not None else 0o644)
            while True:
                try:
                    self._publish(temp_path, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    validate_file_name(name, allow_relative_path=True)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_path)
        name = os.path.relpath(full_path, self.location)
        ensure_group: Any = getattr(self, "_ensure_location_group_id", None)  # Django ≥ 5.1
        if ensure_group is not None:
            ensure_group(full_path)
        return str(name).replace("\\", "/")

    @staticmethod
    def _publish(temp_path: str, full_path: str) -> None:
        try:
            os.link(temp_path, full_path)  # raises FileExistsError rather than replace a file
        except OSError as exc:
            if isinstance(exc, FileExistsError) or exc.errno not in _NO_LINK:
                raise
            if os.path.exists(full_path):
                raise FileExistsError(errno.EEXIST, "File exists", full_path) from exc
            os.replace(temp_path, full_path)
