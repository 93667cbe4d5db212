"""Attach a stored document to a dossier component without an upload (reuse, 766 item 4.3)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.core.blobs import Blob
from motcua.dossiers.errors import InvalidDossierInput
from motcua.dossiers.models import ComponentOrigin, Dossier, DossierComponent
from motcua.dossiers.services import dossier_component_provide

from ..errors import DocumentNotFound, DocumentNotUsable
from ..models import DocumentUse, StoredDocument
from ..owners import owner_of_dossier, reusable_type


def wallet_reuse(*, dossier: Dossier, actor: User, component_id: int, document_id: int) -> DossierComponent:
    """Attach the applicant's stored document ``document_id`` to the component ``component_id``.

    The document must belong to the dossier's applicant (personal ID, or tax code for a business) — anybody
    else's is "not found" —, be of the component's type, have a file and still be valid today. The
    component becomes provided with origin "reused" (``dossier_component_provide`` checks that ``actor``
    may attach to this dossier now); the use is recorded with an audit row, in one transaction.
    """
    owner = owner_of_dossier(dossier)
    with transaction.atomic():
        document = (
            StoredDocument.objects.filter(pk=document_id, owner_kind=owner.kind, owner_key=owner.key).first()
            if owner is not None
            else None
        )
        if document is None or document.removed_at is not None:
            raise DocumentNotFound(_("Không tìm thấy giấy tờ này trong kho dữ liệu của người nộp hồ sơ."))
        component = DossierComponent.objects.filter(dossier=dossier, pk=component_id).first()
        if component is None:
            raise InvalidDossierInput(_("Giấy tờ không thuộc hồ sơ này."), code="component_unknown")
        if not reusable_type(component.document_type) or component.document_type != document.document_type:
            raise DocumentNotUsable(
                _("“%(title)s” không phải loại giấy tờ mà thành phần “%(name)s” yêu cầu."),
                code="wallet_document_wrong_type",
                title=document.title,
                name=component.name,
            )
        if not document.valid_on(timezone.localdate()):
            raise DocumentNotUsable(
                _("“%(title)s” đã hết hạn sử dụng (đến %(day)s); hãy tải lên giấy tờ còn hiệu lực."),
                code="wallet_document_expired",
                title=document.title,
                day=document.expires_on.strftime("%d/%m/%Y") if document.expires_on else "",
            )
        if not document.file:
            raise DocumentNotUsable(
                _("“%(title)s” không có tệp để đính kèm."),
                code="wallet_document_no_file",
                title=document.title,
            )
        component = dossier_component_provide(
            dossier=dossier,
            actor=actor,
            component_id=component.pk,
            origin=ComponentOrigin.REUSED,
            blob=Blob(name=document.file, sha256=document.sha256, size=document.size),
            original_name=document.original_name or document.title,
            content_type=document.content_type,
            page_count=document.page_count,
            reference=f"kho-du-lieu:{document.pk}",
        )
        DocumentUse.objects.update_or_create(
            component=component,
            defaults={"document": document, "dossier": dossier, "used_by": actor},
        )
        audit_record(
            action="wallet.document_reused",
            actor=actor,
            obj=document,
            data={"dossier": dossier.pk, "component": component.pk, "sha256": document.sha256},
        )
    return component
