"""Production settings as the chaos run serves them: ``benchmarks.load.settings`` (``config.settings.prod`` with
only what plain HTTP on loopback needs), with the outboxes' clocks compressed from minutes to seconds.

In production a row claimed by a worker that dies is hidden for its lease (2–5 minutes) and a failed attempt
waits 30 s – 1 min before the next one; the scheduled ``deliver_notifications`` runs every 5 minutes. The run
lasts a few minutes, so every lease is ``MOTCUA_CHAOS_LEASE_SECONDS`` (10 s) and the back-offs start at 2 s:
the same code paths, on a shorter clock. The number of attempts is raised so that a PostgreSQL restart cannot
exhaust them within the run (a given-up row would be a finding of its own, not what the run looks for).
Webhooks go to the fake receiver on 127.0.0.1 over plain HTTP (``allow_http_loopback``); e-mail goes to
Django's file backend (``EMAIL_BACKEND`` from the environment) in ``MOTCUA_CHAOS_MAIL_DIR``, one file per
message, which the checks count.
"""

import os

from benchmarks.load.settings import *  # noqa: F403
from config.settings.base import MOTCUA_DVCQG
from config.settings.env import BASE_DIR

EMAIL_FILE_PATH = os.environ.get("MOTCUA_CHAOS_MAIL_DIR") or str(BASE_DIR / "var" / "chaos" / "mail")
_LEASE = int(os.environ.get("MOTCUA_CHAOS_LEASE_SECONDS", "10"))

MOTCUA_NOTIFY_LEASE_SECONDS = _LEASE
MOTCUA_NOTIFY_RETRY_BASE_SECONDS = 2
MOTCUA_NOTIFY_RETRY_MAX_SECONDS = 20
MOTCUA_NOTIFY_MAX_ATTEMPTS = 30

MOTCUA_DVCQG = {
    **MOTCUA_DVCQG,
    "lease_seconds": _LEASE,
    "retry_base_seconds": 2,
    "retry_max_seconds": 20,
    "max_attempts": 30,
    "poll_seconds": 2,
}

MOTCUA_WEBHOOKS = {
    "lease_seconds": _LEASE,
    "retry_schedule_seconds": [2, 4, 8, 15, 20, 20, 20, 20, 20, 20],
    "retry_jitter": 0.1,
    "poll_seconds": 2,
    "allow_http_loopback": True,
}
