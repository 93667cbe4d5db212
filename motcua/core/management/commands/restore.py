"""motcua restore PATH [--force] [--expect-sha256 HEX] [--media-root DIR] [--report FILE]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from motcua.core.backup import BackupError
from motcua.core.backup.report import checks_text, tables_text
from motcua.core.backup.restore import restore_backup
from motcua.core.storage import AtomicFileSystemStorage


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # nothing here depends on them; a restore should not wait
    help = (
        "Restore a backup (folder or .tar) into this configuration's database and file storage, which must be "
        "empty unless --force. Checks the manifest's and every file's SHA-256 before writing anything, then "
        "compares every table's rows and checksum, reads every file back, and runs verify_audit, "
        "verify_dossier_history and facts --verify on the restored data. Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup folder or .tar")
        parser.add_argument("--force", action="store_true", help="restore over a database/storage with data")
        parser.add_argument(
            "--expect-sha256", help="the manifest's SHA-256 as recorded when the backup was made"
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="restore the files into this folder instead of the default storage",
        )
        parser.add_argument("--report", type=Path, help="also write the result as JSON to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        storage: Storage = default_storage
        if options["media_root"]:
            options["media_root"].mkdir(parents=True, exist_ok=True)
            storage = AtomicFileSystemStorage(location=str(options["media_root"]))
        try:
            result = restore_backup(
                options["path"], connection=connection, storage=storage, force=options["force"],
                expect_sha256=options["expect_sha256"], progress=lambda text: self.stderr.write(f"… {text}"),
            )  # fmt: skip
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        report = result.as_json()
        if options["report"]:
            options["report"].write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        verbose = options["verbosity"] >= 2
        for line in tables_text(report["tables"], all_tables=verbose):
            self.stdout.write(line)
        self.stdout.write("")
        for line in checks_text(report["checks"]):
            self.stdout.write(line)
        t = result.timings
        self.stdout.write(
            f"\nRestored the backup of {report['created_at']} in {t['restore_seconds']:.1f} s "
            f"(backup checked {t['verify_backup_seconds']:.1f} s, database {t['database_seconds']:.1f} s, "
            f"files {t['files_seconds']:.1f} s); checks {t['checks_seconds']:.1f} s."
        )
        if not result.ok:
            failed = [c.name for c in result.checks if c.status == "failed"]
            raise CommandError(f"The restored copy does not match the backup: {', '.join(failed)}.")
        self.stdout.write(self.style.SUCCESS("Restore verified: the copy is identical to the backup."))
