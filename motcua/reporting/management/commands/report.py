"""motcua report b06|b06a|b07a --period 2026-Q1 [--cutoff] [--unit H56] [--by unit|sector] --format xlsx|pdf|json|table [-o FILE]

``b06``: the unit's total with one row per direct child unit; ``b06a`` (or ``b06 --by unit``): one row
per unit that resolved dossiers itself, by level; ``b07a`` (or ``b06 --by sector``): one row per sector,
by level. See docs/architecture/reports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents.pdf import PdfUnavailable
from motcua.reporting.b06 import BY, FORMS, KEYS, B06Report, UnknownForm, b06_report, form_for
from motcua.reporting.exports import report_json, write_pdf, write_xlsx
from motcua.reporting.periods import InvalidPeriod, parse_period


class Command(BaseCommand):
    help = "Biểu 06/VPCP/KSTT (06, 06a by unit, 07a by sector and level) for a period, from the fact table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "form", choices=FORMS, help="b06 (rows per child unit), b06a (per unit), b07a (per sector)"
        )
        parser.add_argument(
            "--period", required=True, help="2026-03, 2026-Q1, 2026 or 2026-01-05..2026-02-10"
        )
        parser.add_argument("--cutoff", action="store_true", help="Decree 09/2019 cut-off (15th–14th)")
        parser.add_argument("--unit", help="unit code (default: the province, the root of the org tree)")
        parser.add_argument("--by", choices=sorted(BY), help="unit = the 06a layout, sector = the 07a layout")
        parser.add_argument("--format", choices=["xlsx", "pdf", "json", "table"], default="table")
        parser.add_argument(
            "-o", "--output", help="file to write (required for xlsx and pdf; default stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        output = options["output"]
        if fmt in ("xlsx", "pdf") and not output:
            raise CommandError(f"--format {fmt} writes a file: give it with -o FILE.")
        try:
            form = form_for(options["form"], options["by"])
            period = parse_period(options["period"], cutoff=options["cutoff"])
            report = b06_report(form, period, unit=options["unit"], cutoff=options["cutoff"])
        except (InvalidPeriod, UnknownForm, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "table":
            self._write(output, self._table(report))
        elif fmt == "json":
            self._write(output, report_json(report) + "\n")
        else:
            try:
                data = write_xlsx(report) if fmt == "xlsx" else write_pdf(report)
            except PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
            Path(output).write_bytes(data)
            self.stderr.write(f"{output}: {report.form_label}, {report.period.label}, {report.unit_name}")

    def _write(self, output: str | None, text: str) -> None:
        if output and output != "-":
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _table(self, report: B06Report) -> str:
        lines = [
            f"{report.form_label} — {report.form_name}",
            f"{report.unit_code} {report.unit_name} — {report.period_line}",
            f"{'STT':>4} {'':<40}" + "".join(f"{'(' + str(i) + ')':>8}" for i in range(3, 14)),
        ]
        for row in [*report.rows, report.total]:
            label = row.label if len(row.label) <= 40 else row.label[:39] + "…"
            lines.append(f"{row.stt:>4} {label:<40}" + "".join(f"{row.values[k]:>8,}" for k in KEYS))
        return "\n".join(lines) + "\n"
