"""motcua facts --rebuild [--verify]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reporting.rebuild import facts_compute, facts_verify, facts_write


class Command(BaseCommand):
    help = (
        "Recompute the scorecard's fact table from the dossier events. --verify compares the incremental "
        "table with the recomputation without writing, and exits non-zero naming the first difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="recompute from the events")
        parser.add_argument("--verify", action="store_true", help="compare, do not write")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"] and not options["verify"]:
            raise CommandError("Give --rebuild (write the recomputation) and/or --verify (compare only).")
        started = time.perf_counter()
        rebuilt = facts_compute(progress=lambda n: self.stderr.write(f"… {n:,} hồ sơ"))
        self.stdout.write(
            f"Tính lại từ {rebuilt.events:,} sự kiện của {rebuilt.dossiers:,} hồ sơ: "
            f"{len(rebuilt.rows):,} dòng số liệu ({time.perf_counter() - started:.1f} s)."
        )
        if options["verify"]:
            result = facts_verify(rebuilt)
            if result.differences:
                for difference in result.differences:
                    self.stderr.write(f"KHÁC: {difference.text}")
                raise CommandError(
                    f"Bảng số liệu không khớp với tính lại từ sự kiện; khác biệt đầu tiên: "
                    f"{result.differences[0].text} ({len(result.differences)} khác biệt đầu tiên ở trên). "
                    "Chạy `motcua facts --rebuild` để ghi lại từ sự kiện."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Khớp: {result.rows_compared:,} dòng số liệu và {result.dossiers_compared:,} hồ sơ "
                    "giống hệt khi tính lại từ sự kiện."
                )
            )
            return
        facts_write(rebuilt)
        self.stdout.write(self.style.SUCCESS("Đã ghi lại bảng số liệu từ sự kiện."))
