"""``motcua sync_dvcqg``: synchronise with the national portal (Cổng DVCQG) — receive the dossiers filed
there, send every due status update and result.

    motcua sync_dvcqg            # one pass (the same as --once): for cron or a systemd timer
    motcua sync_dvcqg --loop     # a long-running worker: a pass every MOTCUA_DVCQG["poll_seconds"]
    motcua sync_dvcqg --no-pull  # only send; --no-push: only receive

Safe to run twice at once (each update is claimed under a row lock; SKIP LOCKED on PostgreSQL) and to stop
at any moment (SIGTERM/Ctrl-C finishes the current update; what is left is sent by the next run).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from motcua.integrations.dvcqg import conf
from motcua.integrations.dvcqg.errors import PortalNotConfigured
from motcua.integrations.dvcqg.worker import sync_once

logger = logging.getLogger("motcua.integrations.dvcqg")


class Command(BaseCommand):
    help = "Receive dossiers filed on the national portal and send it every due status update."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="one pass, then exit (the default)")
        mode.add_argument("--loop", action="store_true", help="run until stopped, a pass every --interval")
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes (--loop)")
        parser.add_argument("--no-pull", action="store_true", help="do not receive new submissions")
        parser.add_argument("--no-push", action="store_true", help="do not send status updates")
        parser.add_argument("--limit", type=int, default=500, help="at most this many updates per pass")

    def _pass(self, options: dict[str, Any]) -> None:
        summary = sync_once(
            pull=not options["no_pull"], push=not options["no_push"], limit=max(1, options["limit"])
        )
        if options["verbosity"] >= 1:
            for line in summary.lines():
                self.stdout.write(line)

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.enabled():
            raise CommandError(
                "The national portal is not connected (MOTCUA_DVCQG_BACKEND=off): set it to 'http' with "
                "MOTCUA_DVCQG_URL, _TOKEN and _SECRET, or to 'fake' for a local test."
            )
        if not options["loop"]:
            try:
                self._pass(options)
            except PortalNotConfigured as exc:
                raise CommandError(str(exc)) from exc
            return
        interval = (
            options["interval"] if options["interval"] is not None else float(conf.setting("poll_seconds"))
        )
        stop = threading.Event()

        def request_stop(signum: int, _frame: Any) -> None:
            logger.info("sync_dvcqg: signal %s, stopping after this pass", signum)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while not stop.is_set():
            close_old_connections()
            try:
                self._pass(options)
            except PortalNotConfigured as exc:
                raise CommandError(str(exc)) from exc
            except Exception:  # a pass that fails (database down…) must not end the worker
                logger.exception("sync_dvcqg: the pass failed; trying again in %s s", interval)
            stop.wait(max(0.1, interval))
