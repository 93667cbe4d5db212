"""``motcua task_worker``: run the queued background tasks (``django-tasks-db``'s ``db_worker``) and survive a
database outage.

    motcua task_worker                 # until SIGTERM/Ctrl-C: the production worker (one systemd unit or more)
    motcua task_worker --batch         # what is queued now, then exit

The same options as ``motcua db_worker``, which it runs. The difference: ``db_worker`` ends at the first
database error outside a task — a PostgreSQL restart or failover, even of a second, stops every worker until
something restarts it — whereas this one logs the error, drops the broken connection, waits and carries on, as
``sync_dvcqg --loop`` and ``deliver_webhooks --loop`` do. A task the error interrupted keeps its row in the
queue as running; what it was doing is retried by its own scheduled job (``deliver_notifications``,
``issue_results``), as after a killed worker. ``--reload`` (development) is ignored.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("motcua.tasks")

#: The longest wait between two attempts while the database stays unreachable.
MAX_PAUSE_SECONDS = 10.0


def wait(seconds: float) -> None:
    time.sleep(seconds)


class ResilientWorker(Worker):
    """``db_worker``'s loop, entered again after a database error instead of ending the process."""

    def run(self) -> None:
        first_pause = pause = max(self.interval, 0.5)
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # stopped by a signal, --batch done or --max-tasks reached
            except (OperationalError, InterfaceError):
                if time.monotonic() - started > MAX_PAUSE_SECONDS:
                    pause = first_pause  # it had been working since the last error: a new outage
                logger.exception(
                    "task worker %s: the database is unreachable; trying again in %.1f s",
                    self.worker_id,
                    pause,
                )
                close_old_connections()  # a broken connection is dropped; the next query opens a new one
                wait(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)


class Command(DbWorkerCommand):
    help = "Run the queued background tasks; a database outage pauses the worker instead of ending it."

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
