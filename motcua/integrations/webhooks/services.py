"""What an administrator does with webhooks (the Django admin and the monitoring page call these), each
audited: register an endpoint (its secret is returned once, never stored in clear), rotate its secret,
send it a test event, send a given-up delivery again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.org.models import OrgUnit

from . import conf
from .events import PING, ping_payload, validate_event_types
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .sealing import new_secret, seal


def endpoint_summary(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """What the audit trail keeps of an endpoint (never its secret)."""
    return {
        "name": endpoint.name,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "active": endpoint.active,
        "units": sorted(endpoint.units.values_list("code", flat=True)) if endpoint.pk else [],
    }


def assign_new_secret(endpoint: WebhookEndpoint) -> str:
    """Give an endpoint not yet saved its first secret; returns it (to show once)."""
    secret = new_secret()
    endpoint.secret_sealed = seal(secret)
    return secret


def endpoint_create(
    *,
    actor: Any,
    name: str,
    url: str,
    event_types: list[str],
    units: Iterable[OrgUnit] = (),
    active: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret (the only time the secret is readable)."""
    endpoint = WebhookEndpoint(
        name=name, url=url, event_types=validate_event_types(event_types), active=active, created_by=actor
    )
    secret = assign_new_secret(endpoint)
    endpoint.full_clean()
    with transaction.atomic():
        endpoint.save()
        endpoint.units.set(list(units))
        audit_record(
            action="webhooks.endpoint_create", actor=actor, obj=endpoint, data=endpoint_summary(endpoint)
        )
    return endpoint, secret


def endpoint_rotate_secret(*, actor: Any, endpoint_id: int, now: dt.datetime | None = None) -> str:
    """A new secret for an endpoint; the old one keeps signing (a second ``v1``) for
    ``rotation_overlap_hours``, so the receiver can switch without losing events. Returns the new one."""
    moment = now or timezone.now()
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
        overlap = conf.rotation_overlap()
        endpoint.previous_secret_sealed = endpoint.secret_sealed if overlap else ""
        endpoint.previous_secret_until = moment + overlap if overlap else None
        endpoint.secret_sealed = seal(secret)
        endpoint.secret_rotated_at = moment
        endpoint.save(
            update_fields=[
                "secret_sealed",
                "previous_secret_sealed",
                "previous_secret_until",
                "secret_rotated_at",
            ]
        )
        audit_record(
            action="webhooks.secret_rotate", actor=actor, obj=endpoint,
            data={"name": endpoint.name, "old_valid_until": endpoint.previous_secret_until},
        )  # fmt: skip
    return secret


def endpoint_send_ping(*, actor: Any, endpoint_id: int, now: dt.datetime | None = None) -> WebhookDelivery:
    """Queue a ``ping`` for an endpoint (active or not: checking a receiver before enabling it is the
    point), due now. It is tried once; the caller may send it at once with ``outbox.delivery_send``."""
    moment = now or timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        event_id = str(uuid.uuid4())
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type=PING,
            payload=ping_payload(event_id=event_id, at=moment, endpoint_name=endpoint.name),
            next_attempt_at=moment,
            created_at=moment,
        )
        audit_record(action="webhooks.ping", actor=actor, obj=endpoint, data={"delivery": str(delivery.uid)})
    return delivery


def delivery_retry(*, actor: Any, delivery_id: int, now: dt.datetime | None = None) -> bool:
    """Send a failed or given-up delivery again: due now, with the whole retry schedule ahead of it (the
    earlier attempts stay in its log). Same delivery id, so a receiver that had it ignores the copy."""
    moment = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .filter(pk=delivery_id, status__in=(DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP))
            .first()
        )
        if delivery is None:
            return False
        previous = (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error)
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = moment
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(
            action="webhooks.delivery_retry", actor=actor, obj=delivery,
            data={"delivery": str(delivery.uid), "status": previous[0], "attempts": previous[1],
                  "status_code": previous[2], "error": previous[3]},
        )  # fmt: skip
    return True


def endpoint_enable(*, actor: Any, endpoint_id: int) -> bool:
    """Turn an endpoint back on (after a 410, once the receiver is back); its waiting deliveries resume."""
    with transaction.atomic():
        updated = WebhookEndpoint.objects.filter(pk=endpoint_id, active=False).update(
            active=True, disabled_reason=""
        )
        if updated:
            audit_record(action="webhooks.endpoint_enable", actor=actor, object_type="integrations.webhookendpoint",
                         object_id=str(endpoint_id))  # fmt: skip
    return bool(updated)
