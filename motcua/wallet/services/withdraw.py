"""An issued result revoked or superseded: its copy in the holder's data store stops being offered."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.audit import audit_record

from ..models import DocumentOrigin, StoredDocument

WITHDRAW_REASONS = ("revoked", "superseded")


def wallet_withdraw_result(*, result_code: str, reason: str, actor: Any = None) -> int:
    """Mark the stored copies of the result ``result_code`` withdrawn (kept, shown as such, never offered
    for reuse); returns how many were marked. Called by the results app in its own transaction."""
    if reason not in WITHDRAW_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    with transaction.atomic():
        documents = list(
            StoredDocument.objects.select_for_update().filter(
                origin=DocumentOrigin.RESULT, result_code=result_code, withdrawn_at__isnull=True
            )
        )
        now = timezone.now()
        for document in documents:
            document.withdrawn_at, document.withdrawn_reason = now, reason
            document.save(update_fields=["withdrawn_at", "withdrawn_reason"])
            audit_record(
                action="wallet.result_withdrawn",
                actor=actor,
                obj=document,
                data={"result": result_code, "reason": reason},
            )
    return len(documents)
