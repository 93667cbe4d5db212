"""``motcua deadline``: compute a due moment from the command line, optionally with the reasoning.

motcua deadline --from 2026-02-13T10:00 --working-days 5
2026-02-27T17:00:00+07:00
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.calendar.engine import (
    DEFAULT_CUTOFF,
    Explanation,
    Limit,
    explain_due,
    parse_moment,
    parse_pause,
    parse_time,
)
from motcua.calendar.errors import CalendarError
from motcua.calendar.selectors import calendar_snapshot
from motcua.org.models import OrgUnit


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with the offset, to the second unless the moment has microseconds."""
    return moment.isoformat(timespec="seconds" if moment.microsecond == 0 else "microseconds")


class Command(BaseCommand):
    help = "Compute a due moment with the province working calendar (ISO 8601 with offset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="received",
            required=True,
            metavar="MOMENT",
            help="receipt moment, ISO 8601 (e.g. 2026-02-13T10:00; no offset = Asia/Ho_Chi_Minh)",
        )
        limit = parser.add_mutually_exclusive_group(required=True)
        limit.add_argument("--working-days", metavar="N", help="N working days")
        limit.add_argument("--working-hours", metavar="H", help="H working hours")
        limit.add_argument("--calendar-days", metavar="D", help="D calendar days")
        limit.add_argument("--same-day", action="store_true", help="within the (deemed) receipt day")
        parser.add_argument(
            "--cutoff",
            nargs="?",
            const=DEFAULT_CUTOFF.strftime("%H:%M"),
            default=None,
            metavar="HH:MM",
            help="apply the after-cut-off rule (default 15:00)",
        )
        parser.add_argument(
            "--pause", action="append", default=[], metavar="START/END", help="a clock stop (repeatable)"
        )
        parser.add_argument(
            "--restart", action="store_true", help="count again from the end of the last pause"
        )
        parser.add_argument("--org-unit", metavar="CODE", help="use this org unit's working hours")
        parser.add_argument("--explain", action="store_true", help="show the skipped days and why")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            explanation = self._compute(options)
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(iso(explanation.due))
        if options["explain"]:
            for line in explain_lines(explanation):
                self.stdout.write(line)

    def _compute(self, options: dict[str, Any]) -> Explanation:
        received = parse_moment(options["received"])
        if options["working_days"] is not None:
            limit = Limit.working_days(options["working_days"])
        elif options["working_hours"] is not None:
            limit = Limit.working_hours(options["working_hours"])
        elif options["calendar_days"] is not None:
            limit = Limit.calendar_days(options["calendar_days"])
        else:
            limit = Limit.same_day()
        cutoff = parse_time(options["cutoff"]) if options["cutoff"] else None
        pauses = [parse_pause(text) for text in options["pause"]]
        unit = None
        if options.get("org_unit"):
            unit = OrgUnit.objects.filter(code=options["org_unit"]).first()
            if unit is None:
                raise CommandError(_("Không có đơn vị mã “%(code)s”.") % {"code": options["org_unit"]})
        snapshot = calendar_snapshot(org_unit=unit)
        return explain_due(
            snapshot, received, limit, cutoff=cutoff, pauses=pauses, restart=options["restart"]
        )


def explain_lines(e: Explanation) -> list[str]:
    """The reasoning behind a due moment, one line each (Vietnamese)."""
    lines = [
        _("Tiếp nhận: %(moment)s") % {"moment": iso(e.received)},
        _("Thời hạn: %(limit)s") % {"limit": e.limit},
    ]
    if e.restarted_from is not None:
        lines.append(_("Tính lại từ đầu khi nhận đủ hồ sơ: %(moment)s") % {"moment": iso(e.restarted_from)})
    start = _("Bắt đầu tính: %(moment)s") % {"moment": iso(e.deemed_receipt)}
    if e.deemed_reason:
        start += f" — {e.deemed_reason_text}"
    lines.append(start)
    skipped = [d for d in e.days if not d.counted]
    made_up = [d for d in e.days if d.counted]
    for title, notes in ((_("Ngày không tính:"), skipped), (_("Ngày làm bù được tính:"), made_up)):
        if notes:
            lines.append(title)
            for note in notes:
                ref = f" [{note.legal_reference}]" if note.legal_reference else ""
                lines.append(f"  {note.day.isoformat()} {note.reason}{ref}")
    for effect in e.pauses:
        hours = effect.working_time.total_seconds() / 3600
        state = _("dời hạn") if effect.counted else _("không tính (bắt đầu từ hạn trở đi)")
        lines.append(
            _("Tạm dừng %(pause)s: %(hours)s giờ làm việc — %(state)s")
            % {"pause": effect.pause, "hours": f"{hours:g}", "state": state}
        )
    if e.pauses:
        lines.append(_("Hạn trước khi tạm dừng: %(moment)s") % {"moment": iso(e.base_due)})
    for year in e.unknown_years:
        lines.append(
            _("Cảnh báo: chưa có lịch nghỉ lễ năm %(year)s; chỉ trừ thứ Bảy, Chủ nhật.") % {"year": year}
        )
    lines.append(_("Hạn giải quyết: %(moment)s") % {"moment": iso(e.due)})
    return lines
