"""The dossier event hook that fills the webhook outbox (registered by ``IntegrationsConfig.ready``).

It runs inside ``motcua.dossiers.services.common.commit_change``, in the transaction of every dossier
event, like the national-portal hook: the deliveries commit with the event or vanish with it, and nothing
is sent here (``motcua deliver_webhooks`` sends after commit). Cost per event: one query for the active
endpoints (two when any has endpoints), one INSERT for the matching ones; none for the events no webhook
type stands for.

Which endpoints: active, subscribed to the event's type, and — when it names units — in scope: the
dossier's receiving point, its resolving unit or the unit that acted (an agency handling an inter-agency
step) is one of the endpoint's units or below one (codes extend their parent's: ``H56.19`` covers
``H56.19.03``). Drafts (no code yet) and imported history make no events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.status import DossierAction
from motcua.org.models import OrgUnit

from .events import dossier_payload, event_type_for, subscribed
from .models import WebhookDelivery, WebhookEndpoint


def in_scope(scope_codes: Iterable[str], unit_codes: Iterable[str]) -> bool:
    """Whether any of ``unit_codes`` is one of ``scope_codes`` or below one; an empty scope is the whole
    province."""
    scope = [code for code in scope_codes if code]
    if not scope:
        return True
    return any(code == s or code.startswith(s + ".") for code in unit_codes if code for s in scope)


def matching_endpoints(event_type: str, unit_codes: set[str]) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(active=True).prefetch_related(
        Prefetch("units", queryset=OrgUnit.objects.only("id", "code"))
    )
    return [
        endpoint
        for endpoint in endpoints
        if subscribed(endpoint.event_types, event_type)
        and in_scope([unit.code for unit in endpoint.units.all()], unit_codes)
    ]


def webhooks_on_event(dossier: Dossier, event: DossierEvent) -> set[str]:
    if not dossier.code or event.action == DossierAction.IMPORT:
        return set()
    event_type = event_type_for(event.action)
    if event_type is None:
        return set()
    unit_codes = {dossier.receiving_point.code, dossier.resolving_unit.code, event.unit_code} - {""}
    endpoints = matching_endpoints(event_type, unit_codes)
    if not endpoints:
        return set()
    payload = dossier_payload(dossier, event, event_type)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=payload["id"],
                event_type=event_type,
                dossier=dossier,
                event_seq=event.seq,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        ],
        ignore_conflicts=True,  # the same event queued again for an endpoint: a no-op (idempotent enqueue)
    )
    return set()
