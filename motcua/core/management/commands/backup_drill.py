"""motcua backup_drill [--keep DIR] [--no-files] [--json]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from motcua.core.backup import BackupError
from motcua.core.backup.drill import run_drill
from motcua.core.backup.report import checks_text, megabytes, tables_text


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # nothing here depends on them; a restore should not wait
    help = (
        "Restore drill: back up this database and its files, restore them into a scratch database "
        "(motcua_drill_<pid> on PostgreSQL, a temporary file on SQLite) and folder with `motcua restore`, "
        "compare row counts, checksums and file hashes, verify the audit chain, the dossier histories and the "
        "fact tables, print the timings (the recovery time for this data size), and drop the scratch copy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", type=Path, help="keep the backup in this folder (default: removed)")
        parser.add_argument("--no-files", action="store_true", help="the database only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = run_drill(
                connection=connection, storage=default_storage, include_files=not options["no_files"],
                keep=options["keep"], progress=lambda text: self.stderr.write(f"… {text}"),
            )  # fmt: skip
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        m, report = result.backup.manifest, result.report
        timings = report.get("timings", {})
        summary = {
            "ok": result.ok,
            "engine": m["database"]["engine"],
            "created_at": m["created_at"],
            "tables": m["totals"]["tables"],
            "rows": m["totals"]["rows"],
            "database_bytes": m["database"]["live_bytes"],
            "dump_bytes": m["database"]["size"],
            "files": m["files"]["count"],
            "file_bytes": m["files"]["bytes"],
            "backup_seconds": round(result.backup_seconds, 3),
            "restore_seconds": timings.get("restore_seconds"),
            "checks_seconds": timings.get("checks_seconds"),
            "restore_process_seconds": round(result.restore_wall_seconds, 3),
            "checks": report.get("checks", []),
            "tables_detail": report.get("tables", []),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=1, ensure_ascii=False))
        else:
            self._print(summary, result.scratch, options["verbosity"] >= 2)
        if not result.ok:
            if result.output:
                self.stderr.write(result.output[-4000:])
            raise CommandError("Restore drill FAILED: the restored copy is not identical to the original.")

    def _print(self, s: dict[str, Any], scratch: str, verbose: bool) -> None:
        w = self.stdout.write
        w(f"Restore drill ({s['engine']}), snapshot {s['created_at']}, restored into {scratch}")
        for line in tables_text(s["tables_detail"], all_tables=verbose):
            w(line)
        w("")
        for line in checks_text(s["checks"]):
            w(line)
        w("")
        w(
            f"data: {s['tables']} tables, {s['rows']:,} rows, database {megabytes(s['database_bytes'])} "
            f"(dump {megabytes(s['dump_bytes'])}), {s['files']:,} files {megabytes(s['file_bytes'])}"
        )
        w(f"backup:  {s['backup_seconds']:.1f} s  (recovery point: the snapshot above)")
        w(
            f"restore: {s['restore_seconds']:.1f} s, checks {s['checks_seconds']:.1f} s; "
            f"with process start {s['restore_process_seconds']:.1f} s  (recovery time for this data size)"
        )
        if s["ok"]:
            w(self.style.SUCCESS("Restore drill passed: the restored copy is identical and verified."))
