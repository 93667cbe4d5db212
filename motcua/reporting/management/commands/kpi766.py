"""motcua kpi766 --period 2026-Q1 [--unit H56] [--all-units] --format json|table"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from motcua.reporting.figures import Tree
from motcua.reporting.kpi766 import PROFILES, Scorecard, kpi766_all
from motcua.reporting.periods import InvalidPeriod, parse_period


class Command(BaseCommand):
    help = "Decision 766 indicators of a unit (with its subtree) for a period, from the fact table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", required=True, help="2026-03, 2026-Q1, 2026 or 2026-01-05..2026-02-10"
        )
        parser.add_argument("--unit", help="unit code (default: the province, the root of the org tree)")
        parser.add_argument("--all-units", action="store_true", help="every unit, ranked by total")
        parser.add_argument("--cutoff", action="store_true", help="Decree 09/2019 cut-off (15th–14th)")
        parser.add_argument("--profile", choices=sorted(PROFILES), help="weight profile (default: settings)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"], cutoff=options["cutoff"])
        except InvalidPeriod as exc:
            raise CommandError(str(exc)) from exc
        tree = Tree()
        if options["all_units"]:
            units = None
        elif options["unit"]:
            unit = tree.by_code(options["unit"])
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']}.")
            units = [unit]
        else:
            units = tree.roots()
        cards = kpi766_all(period, units=units, profile=options["profile"])
        if options["all_units"]:
            cards.sort(key=lambda c: (-c.total, c.unit_code))
        if options["format"] == "json":
            payload = [c.as_dict() for c in cards]
            self.stdout.write(
                json.dumps(
                    payload if len(payload) != 1 else payload[0],
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for card in cards:
            self._table(card)

    def _table(self, card: Scorecard) -> None:
        self.stdout.write(
            f"{card.unit_code} {card.unit_name} — {card.period.label} ({card.period.start:%d/%m/%Y}–{card.period.end:%d/%m/%Y}), hồ sơ {card.figures['received_total']:,}"
        )
        self.stdout.write(
            f"{'chỉ số':<6} {'tử số':>9} {'mẫu số':>9} {'tỷ lệ':>8} {'mục tiêu':>8} {'điểm':>7} {'tối đa':>6}  tên"
        )
        for group in card.groups():
            self.stdout.write(f"— {group['code']}. {group['name']}: {group['points']}/{group['max_points']}")
            for i in group["indicators"]:
                ratio = f"{i.ratio * 100:.2f}%" if i.ratio is not None else "N/A"
                self.stdout.write(
                    f"{i.code:<6} {i.numerator:>9,} {i.denominator:>9,} {ratio:>8} {i.target * 100:>7.0f}% {i.points:>7} {i.max_points:>6}  {i.name}"
                )
        self.stdout.write(f"TỔNG: {card.total} / {card.max_total}\n")
