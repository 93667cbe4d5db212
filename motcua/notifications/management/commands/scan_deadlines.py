"""``motcua scan_deadlines``: send the reminders and escalations that are due (once each).

Run it from a scheduler (cron, a systemd timer) every few minutes; see docs/operations/reminders.md. It is
idempotent — every reminder has a unique key in the ``Reminder`` table, so running it twice, or two runs at
once, sends nothing twice.

    motcua scan_deadlines                       # now
    motcua scan_deadlines --dry-run             # what would be sent, nothing written
    motcua scan_deadlines --now 2026-03-04T15:00+07:00
    motcua scan_deadlines --only dossiers.steps
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.notifications.reminders import registered_deadline_scanners, scan_deadlines


def _moment(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO 8601 moment: {text!r}") from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # the province's time zone
    return value


class Command(BaseCommand):
    help = "Send the deadline reminders and escalations that are due (idempotent; run every few minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="scan as of this ISO 8601 moment (default: now; naive = local time)"
        )
        parser.add_argument("--dry-run", action="store_true", help="count what would be sent, write nothing")
        parser.add_argument("--only", action="append", default=[], help="run only this scanner (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"]) if options["now"] else None
        known = registered_deadline_scanners()
        unknown = [name for name in options["only"] if name not in known]
        if unknown:
            raise CommandError(f"unknown scanner(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        results = scan_deadlines(now=now, dry_run=options["dry_run"], only=options["only"] or None)
        verb = "would send" if options["dry_run"] else "sent"
        failed = []
        for result in results:
            if result.error:
                failed.append(result.name)
                self.stderr.write(f"{result.name}: FAILED — {result.error}")
            elif options["verbosity"] >= 1:
                self.stdout.write(f"{result.name}: {verb} {result.sent} reminder(s)")
        if options["verbosity"] >= 1:
            self.stdout.write(f"total: {verb} {sum(r.sent for r in results)} reminder(s)")
        if failed:
            raise CommandError(f"scanner(s) failed: {', '.join(failed)}")
