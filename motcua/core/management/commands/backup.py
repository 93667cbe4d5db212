"""motcua backup -o DIR [--no-files] [--tar]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from motcua.core.backup import BackupError
from motcua.core.backup.create import backup_create
from motcua.core.backup.report import megabytes


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # nothing here depends on them; a restore should not wait
    help = (
        "Back up the database (pg_dump -Fc of one snapshot, or SQLite's online backup) and every stored file "
        "into DIR/motcua-backup-<UTC time>, with a manifest of row counts, per-table checksums and file "
        "SHA-256s (docs/operations/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="folder to write the backup in")
        parser.add_argument(
            "--no-files", action="store_true", help="the database only (files copied by other means)"
        )
        parser.add_argument("--tar", action="store_true", help="one .tar instead of a folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(
                output=options["output"], connection=connection, storage=default_storage,
                include_files=not options["no_files"], tar=options["tar"],
                progress=lambda text: self.stderr.write(f"… {text}"),
            )  # fmt: skip
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = result.manifest
        db, files, timings = m["database"], m["files"], m["timings"]
        self.stdout.write(f"Backup: {result.path}")
        self.stdout.write(f"  moment (database snapshot): {m['created_at']}")
        self.stdout.write(
            f"  database: {db['engine']} {db['server_version']}, {m['totals']['tables']} tables, "
            f"{m['totals']['rows']:,} rows; dump {megabytes(db['size'])} (live {megabytes(db['live_bytes'])}), "
            f"{timings['database_seconds']:.1f} s"
        )
        if files["included"]:
            self.stdout.write(
                f"  files: {files['count']:,} ({megabytes(files['bytes'])}), {timings['files_seconds']:.1f} s"
            )
        else:
            self.stdout.write("  files: not included (--no-files)")
        self.stdout.write(f"  manifest SHA-256: {result.manifest_sha256}  (keep it: restore --expect-sha256)")
        if result.missing_references:
            shown = ", ".join(result.missing_references[:5])
            self.stderr.write(
                self.style.WARNING(
                    f"{len(result.missing_references)} file(s) referenced by rows are not in the storage: {shown}"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Backup complete in {timings['total_seconds']:.1f} s."))
