"""What operations watches, read from the database in a handful of indexed counts (``GET /metrics``).

Every queue motcua keeps is a table written in the same transaction as the change it follows; these gauges say
how much is waiting in each, how long the oldest has waited, and how much has failed for good. A growing
oldest-pending age is the first sign of a stopped worker or an unreachable partner system. Also: open and
overdue dossiers (the reason the system exists), and the tasks the workers have not run yet.

Gauges only, no personal data, no per-dossier labels: the output is small and safe to scrape every 15 s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Min, Model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.dossiers.models import Dossier
from motcua.dossiers.status import OPEN_STATES, DossierStatus
from motcua.notifications.models import Delivery

from .dvcqg.models import PortalUpdate
from .webhooks.models import WebhookDelivery

#: Open states in which the clock runs (a dossier waiting for the applicant or suspended is not overdue).
CLOCK_RUNNING = OPEN_STATES - {DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.SUSPENDED}


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    samples: Sequence[tuple[dict[str, str], float]]


def _by_status(model: type[Model], field: str, values: list[str]) -> dict[str, int]:
    rows = model._default_manager.filter(**{f"{field}__in": values}).values(field).annotate(n=Count("pk"))
    counts = dict.fromkeys(values, 0)
    counts.update({row[field]: row["n"] for row in rows})
    return counts


def _oldest_age(model: type[Model], field: str, value: str, now: dt.datetime) -> float:
    oldest = model._default_manager.filter(**{field: value}).aggregate(m=Min("created_at"))["m"]
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def metrics_collect(*, now: dt.datetime | None = None) -> list[Gauge]:
    now = now or timezone.now()
    notifications = _by_status(Delivery, "status", ["pending", "failed", "gave_up"])
    portal = _by_status(PortalUpdate, "state", ["pending", "failed"])
    webhooks = _by_status(WebhookDelivery, "status", ["pending", "failed", "gave_up"])
    tasks = _by_status(DBTaskResult, "status", ["READY", "RUNNING", "FAILED"])
    open_count = Dossier.objects.filter(status__in=OPEN_STATES).count()
    overdue = Dossier.objects.filter(status__in=CLOCK_RUNNING, due_at__lt=now).count()
    return [
        Gauge(
            "motcua_outbox_items",
            "Items waiting in or given up by each outbox, by state.",
            [({"queue": "notifications", "state": s}, n) for s, n in notifications.items()]
            + [({"queue": "dvcqg", "state": s}, n) for s, n in portal.items()]
            + [({"queue": "webhooks", "state": s}, n) for s, n in webhooks.items()],
        ),
        Gauge(
            "motcua_outbox_oldest_pending_seconds",
            "Age of the oldest item still waiting in each outbox (0 when empty).",
            [
                ({"queue": "notifications"}, _oldest_age(Delivery, "status", "pending", now)),
                ({"queue": "dvcqg"}, _oldest_age(PortalUpdate, "state", "pending", now)),
                ({"queue": "webhooks"}, _oldest_age(WebhookDelivery, "status", "pending", now)),
            ],
        ),
        Gauge(
            "motcua_tasks",
            "Background tasks by state (READY = queued, not yet picked up by a worker).",
            [({"state": s.lower()}, n) for s, n in tasks.items()],
        ),
        Gauge("motcua_dossiers_open", "Dossiers not yet finished.", [({}, open_count)]),
        Gauge(
            "motcua_dossiers_overdue",
            "Open dossiers past their due moment with the clock running.",
            [({}, overdue)],
        ),
    ]


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return "{" + inner + "}"


def metrics_text(gauges: list[Gauge]) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines: list[str] = []
    for gauge in gauges:
        lines += [f"# HELP {gauge.name} {gauge.help}", f"# TYPE {gauge.name} gauge"]
        lines += [f"{gauge.name}{_labels(labels)} {value:g}" for labels, value in gauge.samples]
    return "\n".join(lines) + "\n"
