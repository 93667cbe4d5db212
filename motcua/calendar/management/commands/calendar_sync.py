"""``motcua calendar_sync --year 2026``: seed years of the calendar table from the ``holidays`` package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.calendar.errors import CalendarError
from motcua.calendar.services import calendar_sync_year


class Command(BaseCommand):
    help = (
        "Seed the working calendar of one or more years from the holidays package (Vietnam, Vietnamese names, "
        "make-up Saturdays included). Admin rows are never overwritten. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", action="append", required=True, help="year to seed (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        years: list[int] = []
        for raw in options["year"]:
            try:
                years.append(int(str(raw)))
            except ValueError:
                raise CommandError(_("Năm không hợp lệ: “%(value)s”.") % {"value": raw}) from None
        for year in years:
            try:
                result = calendar_sync_year(year=year)
            except CalendarError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _(
                    "%(year)s: %(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không đổi, "
                    "%(removed)s xóa, %(kept)s giữ nguyên do quản trị nhập"
                )
                % {
                    "year": year,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "removed": result.removed,
                    "kept": result.kept_admin,
                }
            )
