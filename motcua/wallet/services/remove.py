"""The holder removes a document from their data store (their own uploads and submitted copies only)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from ..errors import DocumentNotFound, DocumentNotRemovable
from ..models import DocumentOrigin, StoredDocument
from ..owners import owner_of_user


def wallet_remove(*, actor: User, document_id: int) -> StoredDocument:
    """Soft-remove one of ``actor``'s documents (``removed_at``); the file stays for the dossiers that used
    it. Issued results, registry data and counter-digitised documents cannot be removed."""
    owner = owner_of_user(actor)
    with transaction.atomic():
        document = (
            StoredDocument.objects.select_for_update()
            .filter(pk=document_id, owner_kind=owner.kind, owner_key=owner.key, removed_at__isnull=True)
            .first()
            if owner is not None
            else None
        )
        if document is None:
            raise DocumentNotFound(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
        if not document.removable:
            if document.origin == DocumentOrigin.RESULT:
                message = _(
                    "Không thể gỡ “%(title)s”: đây là kết quả giải quyết thủ tục do cơ quan nhà nước cấp, "
                    "được lưu lâu dài trong kho dữ liệu của bạn."
                )
            elif document.origin == DocumentOrigin.REGISTRY:
                message = _("Không thể gỡ “%(title)s”: đây là dữ liệu lấy từ cơ sở dữ liệu quốc gia.")
            else:
                message = _(
                    "Không thể gỡ “%(title)s”: đây là bản số hóa do bộ phận một cửa thực hiện từ bản giấy."
                )
            raise DocumentNotRemovable(message, title=document.title)
        document.removed_at = timezone.now()
        document.save(update_fields=["removed_at"])
        audit_record(
            action="wallet.document_removed",
            actor=actor,
            obj=document,
            data={"type": document.document_type, "origin": document.origin},
        )
    return document
