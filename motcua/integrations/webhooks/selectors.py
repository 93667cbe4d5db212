"""Reads for the monitoring page (``/can-bo/webhook/``): per endpoint, what waits and what failed; the
last deliveries. A handful of queries whatever the number of deliveries (aggregates, one list)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet

from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class EndpointRow:
    endpoint: WebhookEndpoint
    pending: int
    retrying: int
    gave_up: int
    delivered: int
    oldest_waiting_at: object
    last_delivered_at: object


def endpoint_rows() -> list[EndpointRow]:
    waiting = Q(deliveries__status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED))
    endpoints = WebhookEndpoint.objects.annotate(
        n_pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
        n_retrying=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        n_gave_up=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.GAVE_UP)),
        n_delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
        oldest_waiting=Min("deliveries__created_at", filter=waiting),
        last_delivered=Max("deliveries__delivered_at"),
    ).order_by("-active", "name", "id")
    return [
        EndpointRow(
            endpoint=e,
            pending=e.n_pending,
            retrying=e.n_retrying,
            gave_up=e.n_gave_up,
            delivered=e.n_delivered,
            oldest_waiting_at=e.oldest_waiting,
            last_delivered_at=e.last_delivered,
        )
        for e in endpoints
    ]


def recent_deliveries(*, limit: int = 50, status: str = "") -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("endpoint", "dossier").order_by("-created_at", "-id")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    return rows[:limit]
