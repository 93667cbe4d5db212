"""``motcua simulate --dossiers N --start DATE --end DATE --seed S``: a simulated history of dossiers.

motcua simulate --dossiers 20000 --start 2025-11-01 --end 2026-10-31 --seed 7
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.calendar.errors import CalendarError
from motcua.dossiers.models import Channel
from motcua.dossiers.status import DossierStatus
from motcua.reporting.facts import facts_rebuild
from motcua.reporting.simulate.config import SimulationConfig, SimulationError, SimulationResult
from motcua.reporting.simulate.run import simulate


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Ngày không hợp lệ (cần dạng YYYY-MM-DD): “%(value)s”.") % {"value": value}
        ) from None


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Create a simulated history of dossiers in bulk (same fields, steps, pauses and hash-chained events "
        "as the dossier services write), then rebuild the scorecard facts. Refuses a range that already has "
        "simulated dossiers unless --append."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, metavar="N", help="how many dossiers")
        parser.add_argument("--start", required=True, metavar="DATE", help="first arrival day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, metavar="DATE", help="last day simulated, YYYY-MM-DD")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed gives the same data"
        )
        parser.add_argument("--batch", type=int, default=2000, help="dossiers per transaction (default 2000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="worker processes on PostgreSQL (same data as one worker; default 1)",
        )
        parser.add_argument(
            "--append", action="store_true", help="add to a range that already has simulated dossiers"
        )
        parser.add_argument("--no-facts", action="store_true", help="do not rebuild the scorecard facts")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        if options["dossiers"] < 0 or options["batch"] < 1 or options["workers"] < 1:
            raise CommandError(_("Số hồ sơ không được âm; cỡ lô và số tiến trình phải từ 1 trở lên."))
        config = SimulationConfig(
            dossiers=options["dossiers"], start=start, end=end, seed=options["seed"], batch=options["batch"]
        )
        verbose = options["verbosity"] >= 1

        def progress(result: SimulationResult) -> None:
            if verbose:
                self.stdout.write(
                    _("… %(done)s/%(total)s hồ sơ, %(rate)s hồ sơ/giây")
                    % {
                        "done": _number(result.dossiers),
                        "total": _number(config.dossiers),
                        "rate": _number(round(result.rate)),
                    }
                )

        try:
            result = simulate(config, append=options["append"], workers=options["workers"], progress=progress)
        except (SimulationError, CalendarError) as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            self._summary(result)
        if not options["no_facts"]:
            self._facts(verbose)

    def _summary(self, result: SimulationResult) -> None:
        self.stdout.write(
            _(
                "Đã tạo %(dossiers)s hồ sơ mô phỏng (%(events)s sự kiện) trong %(seconds).1f giây: %(rate)s hồ sơ/giây."
            )
            % {
                "dossiers": _number(result.dossiers),
                "events": _number(result.events),
                "seconds": result.seconds,
                "rate": _number(round(result.rate)),
            }
        )
        total = max(1, result.dossiers)
        for title, counts, labels in (
            (_("Trạng thái"), result.by_status, dict(DossierStatus.choices)),
            (_("Kênh nộp"), result.by_channel, dict(Channel.choices)),
        ):
            parts = ", ".join(
                f"{labels.get(key, key)} {_number(n)} ({n / total:.1%})" for key, n in counts.most_common()
            )
            self.stdout.write(f"{title}: {parts}")
        self.stdout.write(
            _("Đã quyết định: %(decided)s, quá hạn %(late)s.")
            % {"decided": _number(sum(result.by_outcome.values())), "late": f"{result.late_share:.1%}"}
        )

    def _facts(self, verbose: bool) -> None:
        started = time.perf_counter()
        rebuilt = facts_rebuild()
        if verbose:
            self.stdout.write(
                _("Đã tính lại bảng số liệu tổng hợp: %(summary)s (%(seconds).1f giây).")
                % {"summary": _facts_summary(rebuilt), "seconds": time.perf_counter() - started}
            )


def _facts_summary(rebuilt: object) -> str:
    parts = []
    for name, label in (("dossiers", "hồ sơ"), ("events", "sự kiện"), ("rows", "dòng")):
        value = getattr(rebuilt, name, None)
        if isinstance(value, int | dict | list):
            parts.append(f"{_number(value if isinstance(value, int) else len(value))} {label}")
    return ", ".join(parts) or str(rebuilt)
