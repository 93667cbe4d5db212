"""Record a read of a person's (or business's) data: one ledger row and one audit row, one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.core.personal_data import keyed_ref
from motcua.org.models import OrgUnit

from ..models import AccessEntry, AccessKind, OwnerKind


def ledger_record(
    *,
    subject_kind: str,
    subject_key: str,
    kind: str,
    actor: Any,
    purpose: str,
    unit: OrgUnit | None = None,
    dossier_code: str = "",
    source: str = "",
    outcome: str = "",
) -> AccessEntry | None:
    """Log that ``actor`` (a user, or None for the system) read ``subject_key``'s data.

    Returns None (and logs nothing) when there is no subject to show it to (no personal ID / tax code).
    ``purpose`` is required: like X-Road's issue header, a read without a stated reason is not allowed.
    """
    if not subject_key:
        return None
    if subject_kind not in OwnerKind.values or kind not in AccessKind.values:
        raise ValueError(f"unknown subject kind {subject_kind!r} or access kind {kind!r}")
    if not purpose.strip():
        raise ValueError("a read of personal data needs a purpose")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    label = (getattr(actor, "full_name", "") or actor.get_username()) if authenticated else "system"
    with transaction.atomic():
        event = audit_record(
            action=f"personal_data.{kind}",
            actor=actor if authenticated else None,
            object_type=f"subject.{subject_kind}",
            # The audit chain names the subject by a short keyed hash, not the personal ID itself (a plain
            # hash of a 12-digit number is reversed by trying them all).
            object_id=keyed_ref(subject_key),
            data={"dossier": dossier_code, "purpose": purpose, "source": source, "outcome": outcome},
        )
        return AccessEntry.objects.create(
            subject_kind=subject_kind,
            subject_key=subject_key,
            kind=kind,
            at=event.occurred_at if event.occurred_at else timezone.now(),
            actor=actor if authenticated else None,
            actor_label=label[:200],
            unit=unit,
            unit_name=unit.name[:300] if unit is not None else "",
            dossier_code=dossier_code,
            purpose=purpose[:300],
            source=source[:200],
            outcome=outcome[:20],
            audit_seq=event.seq,
        )
