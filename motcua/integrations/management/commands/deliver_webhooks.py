"""``motcua deliver_webhooks``: send the due webhook deliveries to the client systems' endpoints.

    motcua deliver_webhooks              # one pass (the same as --once): for cron or a systemd timer
    motcua deliver_webhooks --loop       # a long-running worker: a pass every MOTCUA_WEBHOOKS["poll_seconds"]
    motcua deliver_webhooks --batch 200  # at most 200 attempts per pass
    motcua deliver_webhooks --prune-days 90   # also delete settled deliveries older than 90 days

Safe to run twice at once (each delivery is claimed under a row lock; SKIP LOCKED on PostgreSQL) and to
stop at any moment (SIGTERM/Ctrl-C finishes the current attempt; a delivery claimed by a killed worker is
sent again, under the same delivery id, when its lease ends). docs/api/webhooks.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.webhooks import conf
from motcua.integrations.webhooks.outbox import deliveries_prune, deliveries_send_due
from motcua.integrations.worker_loop import add_loop_arguments, run_passes

logger = logging.getLogger("motcua.integrations.webhooks")


class Command(BaseCommand):
    help = "Send the due webhook deliveries (dossier events) to the registered endpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        add_loop_arguments(parser)
        parser.add_argument("--batch", type=int, default=100, help="at most this many attempts per pass")
        parser.add_argument(
            "--prune-days", type=int, default=None,
            help="also delete delivered and given-up deliveries older than this many days",
        )  # fmt: skip

    def _pass(self, options: dict[str, Any]) -> None:
        summary = deliveries_send_due(batch=max(1, options["batch"]))
        if options["verbosity"] >= 1:
            self.stdout.write(summary.line())
        if options["prune_days"] is not None:
            pruned = deliveries_prune(older_than=dt.timedelta(days=max(1, options["prune_days"])))
            if options["verbosity"] >= 1 and pruned:
                self.stdout.write(f"webhooks: {pruned} settled deliveries pruned")

    def handle(self, *args: Any, **options: Any) -> None:
        run_passes(
            lambda: self._pass(options), options=options, name="deliver_webhooks", logger=logger,
            default_interval=float(conf.setting("poll_seconds")),
        )  # fmt: skip
