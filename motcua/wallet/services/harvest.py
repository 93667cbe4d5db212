"""Keep what a dossier brought: store its reusable components in the applicant's data store.

``wallet_on_event`` is registered as a dossier event hook (``WalletConfig.ready``): on the receipt — and on
the route to the resolving unit, for the scans a counter officer attached after the receipt — every
component with a reusable document type and a file goes to the applicant's store (origin "submitted" for an
online upload, "counter" for a counter scan). Storing the same file again is a no-op (``document_store``
deduplicates by hash); reused or registry components are not stored again. A hook only writes to the
database, in the transaction of the event.
"""

from __future__ import annotations

import mimetypes

from motcua.core.blobs import Blob
from motcua.dossiers.models import ComponentOrigin, Dossier, DossierEvent
from motcua.dossiers.status import DossierAction

from ..models import DocumentOrigin, StoredDocument
from ..owners import owner_of_dossier, reusable_type
from .store import document_store

#: Component origin → the stored document's origin (other origins are not harvested).
HARVESTED = {
    ComponentOrigin.UPLOAD: DocumentOrigin.SUBMITTED,
    ComponentOrigin.COUNTER_SCAN: DocumentOrigin.COUNTER,
}
#: The events after which the components are harvested.
HARVEST_ACTIONS = frozenset({DossierAction.RECEIVE, DossierAction.ROUTE})


def wallet_harvest(*, dossier: Dossier, actor: object = None) -> list[StoredDocument]:
    """Store the dossier's reusable components in the applicant's store; returns the documents."""
    owner = owner_of_dossier(dossier)
    if owner is None:
        return []
    stored: list[StoredDocument] = []
    for component in dossier.components.all():
        origin = HARVESTED.get(component.origin)  # type: ignore[call-overload]
        name = component.file.name if component.file else ""
        if origin is None or not name or not component.sha256 or not reusable_type(component.document_type):
            continue
        content_type = component.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored.append(
            document_store(
                owner_kind=owner.kind,
                owner_key=owner.key,
                owner_name=dossier.applicant_name,
                document_type=component.document_type,
                title=component.name,
                blob=Blob(name=name, sha256=component.sha256, size=component.size),
                original_name=component.original_name,
                content_type=content_type,
                page_count=component.page_count,
                origin=origin,
                source_dossier=dossier,
                actor=actor,
            )
        )
    return stored


def wallet_on_event(dossier: Dossier, event: DossierEvent) -> set[str]:
    """The dossier event hook: harvest on the receipt and the route; changes no field of the dossier."""
    if event.action in HARVEST_ACTIONS:
        wallet_harvest(dossier=dossier, actor=event.actor)
    return set()
