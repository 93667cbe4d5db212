"""motcua import_history FILE [--source NAME] [--dry-run] [--only-valid]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations.history.store import ImportReport, history_import

#: Rejected lines printed in full; the rest are counted (all of them are in the run's report anyway).
SHOWN = 200


class Command(BaseCommand):
    help = (
        "Import dossier history from an earlier system: a JSON Lines file (.jsonl, .jsonl.gz) in the format "
        "of docs/formats/dossier-history.md, or the Excel template (.xlsx). Every line is checked; each "
        "rejected line is reported with its number and reason. All or nothing unless --only-valid. "
        "Re-importing the same source ids changes nothing; a changed line updates its dossier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the history file (.jsonl, .jsonl.gz or .xlsx)")
        parser.add_argument(
            "--source", help="the source system's name for every line (overrides source.system)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument(
            "--only-valid", action="store_true", help="import the valid lines even when others are rejected"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        verbosity = int(options["verbosity"])

        def progress(report: ImportReport) -> None:
            if verbosity >= 1:
                rate = report.lines / report.seconds if report.seconds else 0
                self.stderr.write(
                    f"… {report.lines:,} dòng: {report.imported:,} mới, {report.updated:,} cập nhật, "
                    f"{report.unchanged:,} không đổi, {len(report.rejections):,} bị từ chối "
                    f"({rate:,.0f} dòng/s)",
                    ending="\r",
                )

        report = history_import(
            path,
            source=options["source"],
            dry_run=options["dry_run"],
            only_valid=options["only_valid"],
            by="manage.py import_history",
            progress=progress,
        )
        self.stderr.write("")
        for rejection in report.rejections[:SHOWN]:
            self.stderr.write(f"TỪ CHỐI {rejection}")
        if len(report.rejections) > SHOWN:
            self.stderr.write(f"… và {len(report.rejections) - SHOWN:,} dòng bị từ chối khác.")
        summary = (
            f"{report.lines:,} dòng trong {report.seconds:.1f} s: {report.imported:,} hồ sơ nhập mới, "
            f"{report.updated:,} cập nhật, {report.unchanged:,} không đổi, {len(report.rejections):,} dòng bị "
            f"từ chối (lần nhập #{report.run.pk})."
        )
        if options["dry_run"]:
            self.stdout.write(f"Chạy thử, không ghi gì. {summary}")
        elif not report.written:
            raise CommandError(
                f"Không nhập gì: có dòng bị từ chối (xem ở trên). {summary} Sửa các dòng đó, hoặc dùng "
                "--only-valid để nhập các dòng hợp lệ."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã nhập. {summary}"))
