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
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations.dvcqg import conf
from motcua.integrations.dvcqg.errors import PortalNotConfigured
from motcua.integrations.dvcqg.worker import sync_once
from motcua.integrations.worker_loop import add_loop_arguments, run_passes

logger = logging.getLogger("motcua.integrations.dvcqg")


class Command(BaseCommand):
    help = "Receive dossiers filed on the national portal and send it every due status update."

    def add_arguments(self, parser: CommandParser) -> None:
        add_loop_arguments(parser)
        parser.add_argument("--no-pull", action="store_true", help="do not receive new submissions")
        parser.add_argument("--no-push", action="store_true", help="do not send status updates")
        parser.add_argument("--limit", type=int, default=500, help="at most this many updates per pass")

    def _pass(self, options: dict[str, Any]) -> None:
        try:
            summary = sync_once(
                pull=not options["no_pull"], push=not options["no_push"], limit=max(1, options["limit"])
            )
        except PortalNotConfigured as exc:  # ends the worker too: another pass would not help
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            for line in summary.lines():
                self.stdout.write(line)

    def handle(self, *args: Any, **options: Any) -> None:
        if not conf.enabled():
            raise CommandError(
                "The national portal is not connected (MOTCUA_DVCQG_BACKEND=off): set it to 'http' with "
                "MOTCUA_DVCQG_URL, _TOKEN and _SECRET, or to 'fake' for a local test."
            )
        run_passes(
            lambda: self._pass(options), options=options, name="sync_dvcqg", logger=logger,
            default_interval=float(conf.setting("poll_seconds")),
        )  # fmt: skip
