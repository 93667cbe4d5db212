"""motcua export_history [--from DATE] [--to DATE] [--unit CODE] -o FILE"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations.history.export import dossiers_to_export, history_export
from motcua.org.codes import normalize_org_code
from motcua.org.models import OrgUnit


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày “{value}” không hợp lệ: cần dạng YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Export dossiers (imported and made here) in the dossier history format of "
        "docs/formats/dossier-history.md, one JSON line per dossier (.gz: gzipped)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day of receipt (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="last day of receipt (YYYY-MM-DD)")
        parser.add_argument("--unit", help="only dossiers resolved by this unit or a unit under it")
        parser.add_argument("-o", "--output", required=True, help="the file to write (.jsonl or .jsonl.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["start"]) if options["start"] else None
        end = _day(options["end"]) if options["end"] else None
        if start and end and end < start:
            raise CommandError("--to phải sau hoặc bằng --from.")
        unit = None
        if options["unit"]:
            try:
                unit = OrgUnit.objects.filter(code=normalize_org_code(options["unit"])).first()
            except ValidationError:
                unit = None
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        path = Path(options["output"])
        rows = dossiers_to_export(start=start, end=end, unit=unit)
        total = rows.count()
        written = 0
        handle: IO[bytes] = gzip.open(path, "wb") if path.suffix == ".gz" else path.open("wb")  # type: ignore[assignment]  # noqa: SIM115
        with handle:
            for line in history_export(rows):
                handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                written += 1
                if written % 10000 == 0:
                    self.stderr.write(f"… {written:,}/{total:,} hồ sơ", ending="\r")
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {written:,} hồ sơ vào {path}."))
