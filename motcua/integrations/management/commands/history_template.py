"""motcua history_template -o FILE.xlsx"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.history.xlsx import template_workbook


class Command(BaseCommand):
    help = "Write the Excel template of the dossier history format (for manual migrations; import it with import_history)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        path.write_bytes(template_workbook())
        self.stdout.write(self.style.SUCCESS(f"Đã ghi mẫu Excel vào {path}."))
