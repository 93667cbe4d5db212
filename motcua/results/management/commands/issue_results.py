"""Issue (retry) every pending electronic result: render, sign, register, file in the holder's store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.results.services import results_issue_pending


class Command(BaseCommand):
    help = "Phát hành (thử lại) các kết quả điện tử đang chờ ký số."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = results_issue_pending(limit=options["limit"])
        self.stdout.write(
            f"issued {counts['issued']}, failed {counts['failed']}, skipped {counts['already']}"
        )
