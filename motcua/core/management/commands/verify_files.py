"""motcua verify_files [--no-hash] [--orphans [--delete-orphans] [--older-than HOURS]]

Every row that points at a stored file (``motcua.core.blobs.file_references``: dossier components, data-store
documents, issued results, plan sources and evidence) must find its file, with the SHA-256 the row recorded
(and, for a content-addressed blob, the SHA-256 its name carries). Exit non-zero naming each row that does
not — after a full disk, a lost volume, a partial restore. ``--orphans`` also lists the stored files no row
refers to (what a request that failed after storing left behind, ``.part-`` files of a killed write);
``--delete-orphans`` removes those older than ``--older-than`` hours (24 by default: a file stored by a
request still running is not yet referenced by its row). See docs/operations/uploads.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core.blobs import file_references, is_blob_name

_CHUNK = 1024 * 1024
_MISSING = None


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing" | "damaged"
    where: str  # "app.Model.field #pk"
    name: str
    detail: str = ""


@dataclass
class Report:
    rows: int = 0
    files: int = 0
    problems: list[Problem] | None = None
    referenced: set[str] | None = None


def file_sha256(storage: Storage, name: str) -> str | None:
    """The SHA-256 (hex) of a stored file, or None when it is not there."""
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return _MISSING
    except Exception:  # a bucket's "no such key", a permission error …
        return _MISSING if not storage.exists(name) else "unreadable"
    return digest.hexdigest()


def verify_references(storage: Storage, *, hashes: bool = True) -> Report:
    """Check every file reference of every row (each distinct file read once)."""
    report = Report(problems=[], referenced=set())
    assert report.problems is not None and report.referenced is not None  # noqa: S101 - set above
    seen: dict[str, str | None] = {}
    for ref in file_references():
        columns = ["pk", ref.field] + ([ref.hash_field] if ref.hash_field else [])
        rows = (
            ref.model._base_manager.exclude(**{ref.field: ""})
            .exclude(**{f"{ref.field}__isnull": True})
            .order_by("pk")
            .values_list(*columns)
        )
        for row in rows.iterator(chunk_size=2000):
            pk, name = row[0], str(row[1])
            recorded = str(row[2] or "") if ref.hash_field else ""
            report.rows += 1
            report.referenced.add(name)
            if name not in seen:
                if hashes:
                    seen[name] = file_sha256(storage, name)
                else:
                    seen[name] = "" if storage.exists(name) else _MISSING
            actual = seen[name]
            where = f"{ref.label} #{pk}"
            if actual is _MISSING:
                report.problems.append(Problem("missing", where, name))
                continue
            if not hashes:
                continue
            if recorded and actual != recorded:
                report.problems.append(
                    Problem("damaged", where, name, f"SHA-256 {actual[:16]}… ≠ recorded {recorded[:16]}…")
                )
            elif is_blob_name(name) and name.rsplit("/", 1)[-1].split(".", 1)[0] != actual:
                report.problems.append(Problem("damaged", where, name, "content does not match its name"))
    report.files = len(seen)
    return report


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file in ``storage``, the ``.part-…`` leftovers of killed writes included."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from stored_names(storage, prefix + sub)


def orphans(storage: Storage, referenced: set[str]) -> list[str]:
    """Stored files no row refers to."""
    return [name for name in stored_names(storage) if name not in referenced]


class Command(BaseCommand):
    help = (
        "Check that every row pointing at a stored file finds it with its SHA-256; exit non-zero naming the "
        "rows whose file is missing or damaged. --orphans lists stored files no row refers to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-hash", action="store_true", help="only check that each file exists")
        parser.add_argument("--orphans", action="store_true", help="list stored files no row refers to")
        parser.add_argument(
            "--delete-orphans", action="store_true", help="delete orphans older than --older-than hours"
        )
        parser.add_argument("--older-than", type=float, default=24.0, metavar="HOURS")

    def handle(self, *args: Any, **options: Any) -> None:
        storage = default_storage
        report = verify_references(storage, hashes=not options["no_hash"])
        problems = report.problems or []
        for p in problems:
            label = "MISSING" if p.kind == "missing" else "DAMAGED"
            self.stdout.write(f"{label:8} {p.where}  {p.name}" + (f"  ({p.detail})" if p.detail else ""))
        if options["orphans"] or options["delete_orphans"]:
            self._orphans(storage, report.referenced or set(), options)
        missing = sum(p.kind == "missing" for p in problems)
        damaged = len(problems) - missing
        summary = f"{report.rows:,} rows refer to {report.files:,} stored files: {missing} missing, {damaged} damaged."
        if problems:
            raise CommandError(f"{summary} The rows are listed above.")
        checked = "is there" if options["no_hash"] else "is there with its recorded SHA-256"
        self.stdout.write(self.style.SUCCESS(f"{summary} Every file {checked}."))

    def _orphans(self, storage: Storage, referenced: set[str], options: dict[str, Any]) -> None:
        found = orphans(storage, referenced)
        cutoff = timezone.now() - dt.timedelta(hours=options["older_than"])
        deleted = 0
        for name in found:
            old_enough = storage.get_modified_time(name) < cutoff
            if options["delete_orphans"] and old_enough:
                storage.delete(name)
                deleted += 1
                self.stdout.write(f"DELETED  {name}")
            else:
                self.stdout.write(f"ORPHAN   {name}" + ("" if old_enough else "  (recent: kept)"))
        tail = f", {deleted} deleted." if options["delete_orphans"] else "."
        self.stdout.write(f"{len(found):,} stored files no row refers to{tail}")
