"""The ``--once`` / ``--loop`` shape the integration workers share (``sync_dvcqg``, ``deliver_webhooks``).

One pass by default (for cron or a systemd timer); with ``--loop``, a pass every ``--interval`` seconds
until SIGTERM or Ctrl-C, which let the current pass finish. A pass that fails (the database went away…) is
logged and the worker carries on; a ``CommandError`` (a configuration problem) ends it. Between passes the
worker drops stale database connections, as a request would.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import close_old_connections


def add_loop_arguments(parser: CommandParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass, then exit (the default)")
    mode.add_argument("--loop", action="store_true", help="run until stopped, a pass every --interval")
    parser.add_argument("--interval", type=float, default=None, help="seconds between passes (--loop)")


def run_passes(
    one_pass: Callable[[], None],
    *,
    options: dict[str, Any],
    default_interval: float,
    name: str,
    logger: logging.Logger,
) -> None:
    """``one_pass()`` once, or (``--loop``) until stopped."""
    if not options["loop"]:
        one_pass()
        return
    interval = options["interval"] if options["interval"] is not None else default_interval
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        logger.info("%s: signal %s, stopping after this pass", name, signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while not stop.is_set():
        close_old_connections()
        try:
            one_pass()
        except CommandError:
            raise
        except Exception:  # a pass that fails (database down…) must not end the worker
            logger.exception("%s: the pass failed; trying again in %s s", name, interval)
        stop.wait(max(0.1, interval))
