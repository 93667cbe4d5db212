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
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from motcua.integrations.webhooks import conf
from motcua.integrations.webhooks.outbox import deliveries_prune, deliveries_send_due

logger = logging.getLogger("motcua.integrations.webhooks")


class Command(BaseCommand):
    help = "Send the due webhook deliveries (dossier events) to the registered endpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="one pass, then exit (the default)")
        mode.add_argument("--loop", action="store_true", help="run until stopped, a pass every --interval")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes (--loop)")
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
        if not options["loop"]:
            self._pass(options)
            return
        interval = (
            options["interval"] if options["interval"] is not None else float(conf.setting("poll_seconds"))
        )
        stop = threading.Event()

        def request_stop(signum: int, _frame: Any) -> None:
            logger.info("deliver_webhooks: signal %s, stopping after this pass", signum)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while not stop.is_set():
            close_old_connections()
            try:
                self._pass(options)
            except Exception:  # a pass that fails (database down…) must not end the worker
                logger.exception("deliver_webhooks: the pass failed; trying again in %s s", interval)
            stop.wait(max(0.1, interval))
