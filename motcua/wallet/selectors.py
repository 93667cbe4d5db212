"""Read-side questions about the data store, for the portal, the back office and the API.

Every read names its owner (``Owner``: personal ID or tax code); nothing here lists documents across
owners. Offers are what a dossier may reuse: for each component whose document type is reusable, the
applicant's documents of that type that are not removed, have a file, and are still valid today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.dossiers.models import ComponentOrigin, Dossier, DossierComponent

from .models import DocumentUse, StoredDocument
from .owners import Owner, owner_of_dossier, reusable_type

#: A document expiring within this many days is shown as "sắp hết hạn".
EXPIRES_SOON_DAYS = 30


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def wallet_documents(*, owner: Owner) -> QuerySet[StoredDocument]:
    """The owner's documents still in the store (removed ones are not listed), by type then newest."""
    return StoredDocument.objects.filter(
        owner_kind=owner.kind, owner_key=owner.key, removed_at__isnull=True
    ).order_by("document_type", "-created_at", "-pk")


def wallet_document_get(*, owner: Owner, pk: int) -> StoredDocument | None:
    """One of the owner's documents (None for a removed one, or for anybody else's)."""
    return wallet_documents(owner=owner).filter(pk=pk).first()


def _valid_q(on: dt.date) -> Q:
    return Q(removed_at__isnull=True, withdrawn_at__isnull=True) & (
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )


def wallet_offers(
    *, owner: Owner, document_types: Iterable[str], on: dt.date | None = None
) -> dict[str, list[StoredDocument]]:
    """The owner's valid documents with a file, of each reusable type asked for (type → documents)."""
    types = {t for t in document_types if reusable_type(t)}
    if not types or not owner.key:
        return {}
    found: dict[str, list[StoredDocument]] = defaultdict(list)
    documents = (
        StoredDocument.objects.filter(
            _valid_q(_today(on)), owner_kind=owner.kind, owner_key=owner.key, document_type__in=types
        )
        .exclude(file="")
        .order_by("document_type", "-issued_on", "-created_at", "-pk")
    )
    for document in documents:
        found[document.document_type].append(document)
    return dict(found)


def wallet_offers_for_dossier(
    *, dossier: Dossier, on: dt.date | None = None
) -> dict[int, list[StoredDocument]]:
    """Component id → the applicant's documents it may reuse (only components that have offers)."""
    owner = owner_of_dossier(dossier)
    if owner is None:
        return {}
    components = list(dossier.components.all())
    by_type = wallet_offers(owner=owner, document_types={c.document_type for c in components}, on=on)
    return {c.pk: by_type[c.document_type] for c in components if by_type.get(c.document_type)}


def wallet_offers_for_positions(
    *, owner: Owner, document_types: dict[int, str], on: dt.date | None = None
) -> dict[int, list[StoredDocument]]:
    """For a dossier not created yet (counter intake): component position → offers."""
    by_type = wallet_offers(owner=owner, document_types=document_types.values(), on=on)
    return {pos: by_type[t] for pos, t in document_types.items() if by_type.get(t)}


@dataclass(frozen=True)
class DocumentUseRow:
    dossier_id: int
    code: str
    procedure: str
    used_at: dt.datetime | None
    kind: str  # "source" (the dossier it was taken from) or "reused"


def wallet_uses(documents: Iterable[StoredDocument]) -> dict[int, list[DocumentUseRow]]:
    """Document id → the dossiers it came from or was reused in (reuses still in place), oldest first."""
    docs = list(documents)
    rows: dict[int, list[DocumentUseRow]] = defaultdict(list)
    if not docs:
        return {}
    sources = {d.source_dossier_id for d in docs if d.source_dossier_id}
    dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=sources).select_related("procedure_version")}
    for d in docs:
        source = dossiers.get(d.source_dossier_id) if d.source_dossier_id else None
        if source is not None:
            rows[d.pk].append(
                DocumentUseRow(
                    source.pk, source.code or "", source.procedure_version.name, d.created_at, "source"
                )
            )
    uses = (
        DocumentUse.objects.filter(document__in=docs, component__origin=ComponentOrigin.REUSED)
        .select_related("dossier__procedure_version", "component", "document")
        .order_by("used_at", "pk")
    )
    for use in uses:
        if use.component.sha256 != use.document.sha256:  # the component's file was replaced since
            continue
        rows[use.document_id].append(
            DocumentUseRow(
                use.dossier_id,
                use.dossier.code or "",
                use.dossier.procedure_version.name,
                use.used_at,
                "reused",
            )
        )
    return dict(rows)


def validity(document: StoredDocument, *, on: dt.date | None = None) -> str:
    """``valid``, ``expiring`` (within ``EXPIRES_SOON_DAYS``), ``expired`` or ``withdrawn`` (an issued
    result revoked or superseded)."""
    if document.withdrawn_at is not None:
        return "withdrawn"
    today = _today(on)
    if document.expires_on is None:
        return "valid"
    if document.expires_on < today:
        return "expired"
    if document.expires_on <= today + dt.timedelta(days=EXPIRES_SOON_DAYS):
        return "expiring"
    return "valid"


def wallet_reused_component(component: DossierComponent) -> StoredDocument | None:
    """The stored document a reused component came from."""
    if component.origin != ComponentOrigin.REUSED:
        return None
    use = DocumentUse.objects.filter(component=component).select_related("document").first()
    return use.document if use is not None else None
