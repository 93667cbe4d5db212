"""The dossier event hook that fills the outbox (registered by ``IntegrationsConfig.ready``).

It runs inside ``motcua.dossiers.services.common.commit_change``, in the transaction of every dossier
event: the update row commits with the event or vanishes with it, and nothing is sent here (the worker
``motcua sync_dvcqg`` sends after commit). One INSERT per reported event, no other query.

Which dossiers: every dossier of the province submitted online or received at a counter or by post is
reported to the portal (since 07/2025 the portal is where citizens follow every dossier, and indicator 1.4
counts the share that reached it); dossiers imported from an earlier system (``motcua import_history``,
``Dossier.imported_from``) are not — their history was the earlier system's to report.
Which events: the status changes, the electronic result and a new appointment (``codes.REPORTED_ACTIONS``).
"""

from __future__ import annotations

from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent

from .codes import update_kind
from .models import PortalUpdate
from .protocol import update_body


def idempotency_key(dossier: Dossier, seq: int) -> str:
    """The key the portal keeps each update under: the dossier code and the event's sequence number."""
    return f"{dossier.code}:{seq}"


def portal_on_event(dossier: Dossier, event: DossierEvent) -> set[str]:
    if dossier.imported_from or not dossier.code:
        return set()
    kind = update_kind(event.action, event.to_status)
    if kind is None:
        return set()
    body = update_body(dossier, event, kind)
    # The personal ID waits in its encrypted column, not in the stored body (docs/architecture/personal-data.md).
    personal_id = body["ChuHoSo"]["SoDinhDanh"]
    body["ChuHoSo"] = {**body["ChuHoSo"], "SoDinhDanh": ""}
    PortalUpdate.objects.create(
        dossier=dossier,
        event_seq=event.seq,
        idempotency_key=idempotency_key(dossier, event.seq),
        kind=kind,
        portal_status=body["TrangThaiHoSo"],
        payload=body,
        applicant_personal_id=personal_id,
        occurred_at=event.occurred_at,
        next_attempt_at=timezone.now(),
    )
    return set()
