"""motcua scorecard --year 2025 [--target T05] --format json|table

The province's reform-plan scorecard (targets T01–T20): each target's value for the year, its status
against the target, where the value came from and the trend over the years of the plan.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from motcua.reporting.plan.errors import PlanError
from motcua.reporting.plan.selectors import plan_scorecard
from motcua.reporting.plan.values import Row, plan_default_year, plan_years

TREND_MARK = {"met": "✓", "on_track": "↗", "not_met": "✗", "no_data": "·", "baseline": "gốc"}
STATUS_MARK = {
    "met": "ĐẠT",
    "on_track": "ĐÚNG TIẾN ĐỘ",
    "not_met": "CHƯA ĐẠT",
    "no_data": "CHƯA CÓ SỐ LIỆU",
    "baseline": "NĂM GỐC",
}


class Command(BaseCommand):
    help = "The reform-plan scorecard (T01–T20) for a year: value, status, source and trend."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="the year (default: 2025, the plan's end, or this year)")
        parser.add_argument("--target", action="append", default=[], help="only these targets (T05, …)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or plan_default_year()
        try:
            rows = plan_scorecard(year, codes=options["target"] or None)
        except PlanError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(
                "Chưa có mục tiêu nào: chạy `motcua seed_demo` (hoặc seed_plan_targets) trước."
                if not options["target"]
                else f"Không có mục tiêu {', '.join(options['target'])}."
            )
        if options["format"] == "json":
            payload = {"year": year, "years": plan_years(), "targets": [r.as_dict() for r in rows]}
            self.stdout.write(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            return
        self._table(year, rows)

    def _table(self, year: int, rows: list[Row]) -> None:
        self.stdout.write(f"Kế hoạch cải cách hành chính tỉnh Thanh Hóa 2021–2025 — năm {year}\n")
        for row in rows:
            c = row.current
            self.stdout.write(f"{row.target.code}  {row.target.title} — mục tiêu: {row.target_text}")
            self.stdout.write(f"     {year}: {c.text} — {STATUS_MARK[c.status]} ({c.origin_label})")
            extra = "; ".join(x for x in (c.detail, c.note) if x)
            if extra:
                self.stdout.write(f"     {extra}")
            for m in c.sources[:1]:
                mark = " [minh họa]" if m.illustrative else ""
                number = f" số {m.source_number}" if m.source_number else ""
                self.stdout.write(
                    f"     nguồn: {m.source_title}{number}, ngày {m.source_date:%d/%m/%Y}{mark}"
                )
            trend = " | ".join(f"{v.year} {_short(v.value)} {TREND_MARK[v.status]}" for v in row.trend)
            self.stdout.write(f"     xu hướng: {trend}\n")


def _short(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f}"
