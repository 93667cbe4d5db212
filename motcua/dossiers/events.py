"""The per-dossier hash chain of ``DossierEvent`` rows: write one, verify all."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from .models import Dossier, DossierEvent

GENESIS = "0" * 64


def _digest(event: DossierEvent) -> str:
    payload = {
        "dossier": event.dossier_id,
        "seq": event.seq,
        "at": event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "from": [event.from_status, event.from_step],
        "to": [event.to_status, event.to_step],
        "unit": event.unit_code,
        "note": event.note,
        "data": event.data,
        "prev": event.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def dossier_event_record(
    *,
    dossier: Dossier,
    actor: Any,
    action: str,
    from_status: str,
    to_status: str,
    from_step: str = "",
    to_step: str = "",
    unit_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> DossierEvent:
    """Append one event. The caller holds the dossier row lock, so ``seq`` and ``prev_hash`` are stable."""
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").values_list("seq", "hash").first()
    last_seq, last_hash = last if last else (0, GENESIS)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = DossierEvent(
        dossier=dossier,
        seq=last_seq + 1,
        occurred_at=at or timezone.now(),
        actor_id=actor_id,
        actor_label=(actor.get_full_name() or actor.get_username()) if actor_id else "system",
        action=action,
        from_status=from_status,
        to_status=to_status,
        from_step=from_step,
        to_step=to_step,
        unit_code=unit_code,
        note=note,
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
        prev_hash=last_hash,
    )
    event.hash = _digest(event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class HistoryBreak:
    dossier_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"dossier {self.dossier_id} event seq={self.seq}: {self.reason}"


def dossier_history_verify(*, dossier_ids: list[int] | None = None) -> HistoryBreak | None:
    """Walk every dossier's chain in order; return the first break or None."""
    events = DossierEvent.objects.order_by("dossier_id", "seq")
    if dossier_ids is not None:
        events = events.filter(dossier_id__in=dossier_ids)
    current = None
    prev, expected = GENESIS, 1
    for event in events.iterator(chunk_size=2000):
        if event.dossier_id != current:
            current, prev, expected = event.dossier_id, GENESIS, 1
        if event.seq != expected:
            return HistoryBreak(
                event.dossier_id, event.seq, f"expected seq {expected}: an event was deleted or inserted"
            )
        if event.prev_hash != prev:
            return HistoryBreak(event.dossier_id, event.seq, "prev_hash does not match the previous event")
        if _digest(event) != event.hash:
            return HistoryBreak(
                event.dossier_id, event.seq, "hash does not match the event's content: edited"
            )
        prev, expected = event.hash, expected + 1
    return None
