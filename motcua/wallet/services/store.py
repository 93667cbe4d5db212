"""Put a document into a person's or business's data store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from motcua.core.audit import audit_record
from motcua.core.blobs import Blob
from motcua.dossiers.models import Dossier

from ..models import DocumentOrigin, OwnerKind, StoredDocument


def document_store(
    *,
    owner_kind: str,
    owner_key: str,
    owner_name: str,
    document_type: str,
    title: str,
    blob: Blob,
    original_name: str,
    content_type: str,
    page_count: int,
    origin: str,
    number: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    source_dossier: Dossier | None = None,
    result_code: str = "",
    actor: Any = None,
) -> StoredDocument:
    """Store one document (the file is already a blob). Storing the same file of the same type for the
    same owner again returns the document already there (it is not duplicated)."""
    if owner_kind not in OwnerKind.values or origin not in DocumentOrigin.values:
        raise ValueError(f"unknown owner kind {owner_kind!r} or origin {origin!r}")
    if not owner_key or not document_type:
        raise ValueError("a stored document needs an owner and a document type")
    with transaction.atomic():
        existing = StoredDocument.objects.filter(
            owner_kind=owner_kind,
            owner_key=owner_key,
            document_type=document_type,
            sha256=blob.sha256,
            removed_at__isnull=True,
        ).first()
        if existing is not None:
            return existing
        document = StoredDocument.objects.create(
            owner_kind=owner_kind,
            owner_key=owner_key,
            owner_name=owner_name[:255],
            document_type=document_type,
            title=title[:500],
            number=number[:100],
            issuer=issuer[:255],
            issued_on=issued_on,
            expires_on=expires_on,
            file=blob.name,
            sha256=blob.sha256,
            size=blob.size,
            content_type=content_type,
            original_name=original_name[:255],
            page_count=page_count,
            origin=origin,
            source_dossier=source_dossier,
            result_code=result_code,
            added_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="wallet.document_stored",
            actor=actor,
            obj=document,
            data={"type": document_type, "origin": origin, "sha256": blob.sha256, "result": result_code},
        )
    return document
