"""motcua visits [--flush]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reporting.visits import visit_day, visit_totals, visit_totals_from_db, visits_flush


class Command(BaseCommand):
    help = (
        "The portal's visit counter. With --flush: move the page views counted in the cache to the daily "
        "totals in the database (run it from the scheduler, e.g. every 5 minutes; the portal also does it "
        "itself every few minutes). Then print today, yesterday, this week, this month and all time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--flush", action="store_true", help="move the cached counters to the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["flush"]:
            added = visits_flush()
            self.stdout.write(f"Đã ghi {added} lượt truy cập vào cơ sở dữ liệu.")
        t = visit_totals() or visit_totals_from_db(visit_day())
        self.stdout.write(
            f"Hôm nay {t.today} · Hôm qua {t.yesterday} · Tuần này {t.week} · Tháng này {t.month} · "
            f"Tổng cộng {t.total}"
        )
