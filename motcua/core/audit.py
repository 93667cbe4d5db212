"""The audit chain: one function writes it, one function verifies it.

Each ``AuditEvent`` stores the hash of the previous row, so editing, deleting, inserting or reordering
any row breaks the chain at that row. The head (last seq and hash) is kept in ``AuditHead`` so that
deleting the newest rows is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone

from .bulk import Table
from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


def _canonical(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "at": occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "prev": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    blob = _canonical(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        prev_hash=event.prev_hash,
    )
    return hashlib.sha256(blob).hexdigest()


def _normalise(data: dict[str, Any] | None) -> Any:
    # What goes into the hash must be exactly what the JSON column gives back.
    return json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or a new one).

    ``actor`` is a user (or None for the system); ``obj`` a model instance whose type and pk are recorded.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    actor_label = str(actor.get_username()) if actor_id is not None else "system"
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        if _created:
            head = AuditHead.objects.select_for_update().get(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=_normalise(data),
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row for ``audit_record_many``."""

    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]


@dataclass(slots=True)
class _AuditRow:
    """An ``AuditEvent`` row without a model instance; ``compute_hash`` reads the same attributes."""

    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    data: Any
    prev_hash: str
    hash: str = ""


def audit_record_many(entries: list[AuditEntry], *, actor_label: str = "system") -> None:
    """Append ``entries`` to the chain in one go (a bulk import's rows): the head is locked once, the hashes
    chained in memory and the rows written together (``core.bulk``), inside the caller's transaction. The rows
    are the same as ``audit_record`` would write one by one."""
    if not entries:
        return
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
        )
        if _created:
            head = AuditHead.objects.select_for_update().get(id=1)
        moment = timezone.now()
        rows: list[_AuditRow] = []
        seq, prev = head.seq, head.hash
        for entry in entries:
            seq += 1
            row = _AuditRow(seq, moment, None, actor_label, entry.action, entry.object_type, entry.object_id,
                            _normalise(entry.data), prev)  # fmt: skip
            row.hash = prev = compute_hash(cast(AuditEvent, row))
            rows.append(row)
        Table(AuditEvent, _AuditRow).write(rows)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])


@dataclass(frozen=True)
class ChainBreak:
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row seq={self.seq}" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


def _rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=2000)


def audit_verify() -> ChainBreak | None:
    """Walk the chain in order; return the first break, or None when the chain is intact."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in _rows():
        if event.seq != expected_seq:
            return ChainBreak(event.seq, f"expected seq {expected_seq}: a row was deleted or inserted")
        if event.prev_hash != expected_prev:
            return ChainBreak(
                event.seq, "prev_hash does not match the previous row: rows deleted, inserted or reordered"
            )
        if compute_hash(event) != event.hash:
            return ChainBreak(event.seq, "hash does not match the row's content: the row was edited")
        expected_prev = event.hash
        expected_seq += 1
    head = AuditHead.objects.filter(id=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            return ChainBreak(None, "the chain head is missing")
        return None
    if head.seq != last_seq or head.hash != expected_prev:
        return ChainBreak(
            None, f"head says seq {head.seq}, chain ends at {last_seq}: newest rows deleted or added"
        )
    return None
