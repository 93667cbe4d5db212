"""``motcua deliver_notifications``: send every notification delivery that is due (new or to be retried).

Run it from a scheduler (cron, a systemd timer) every minute or so. It is idempotent: each delivery is
claimed under a row lock before it is sent, so two runs at once, or a run alongside the task workers,
never send one delivery twice; sent and given-up deliveries are never touched again.

    motcua deliver_notifications            # up to 500 due deliveries
    motcua deliver_notifications --limit 50
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.notifications.services import deliveries_send_due


class Command(BaseCommand):
    help = "Send the notification deliveries that are due (pending or failed and waiting for a retry)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="at most this many deliveries per run")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = deliveries_send_due(limit=max(1, options["limit"]))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"sent {summary.sent}, failed {summary.failed}, gave up {summary.gave_up}, "
                f"skipped {summary.skipped}"
            )
