"""A citizen or business adds a document to their own data store."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.choices import DocumentType
from motcua.core.blobs import StorageUnavailable, put_blob
from motcua.core.uploads import EXTENSIONS, UploadRejected, check_upload

from ..errors import InvalidDocumentInput, WalletStorageUnavailable
from ..models import DocumentOrigin, StoredDocument
from ..owners import owner_of_user, reusable_type
from .store import document_store

MAX_BYTES = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def wallet_upload(
    *,
    actor: User,
    document_type: str,
    title: str,
    file: object,
    number: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> StoredDocument:
    """Check ``file`` by content, store it, and add it to ``actor``'s own store (origin "upload")."""
    owner = owner_of_user(actor)
    if owner is None:
        raise InvalidDocumentInput(
            _("Chỉ tài khoản công dân (có số định danh) hoặc doanh nghiệp (có mã số thuế) có kho dữ liệu."),
            code="wallet_no_owner",
        )
    if not reusable_type(document_type):
        raise InvalidDocumentInput(_("Hãy chọn loại giấy tờ trong danh mục."), code="wallet_type_invalid")
    title = (title or "").strip() or str(DocumentType(document_type).label)
    if issued_on and issued_on > timezone.localdate():
        raise InvalidDocumentInput(_("Ngày cấp không được sau ngày hôm nay."), code="wallet_issued_in_future")
    if issued_on and expires_on and expires_on < issued_on:
        raise InvalidDocumentInput(_("Ngày hết hạn phải sau ngày cấp."), code="wallet_expiry_before_issue")
    if expires_on and expires_on < timezone.localdate():
        raise InvalidDocumentInput(
            _("Giấy tờ đã hết hạn nên không dùng lại được; hãy lưu giấy tờ còn hiệu lực."),
            code="wallet_expired",
        )
    try:
        checked = check_upload(file, max_bytes=MAX_BYTES)
    except UploadRejected as exc:
        raise InvalidDocumentInput(exc.message, code=exc.code) from exc
    try:
        blob = put_blob(file, extension=EXTENSIONS[checked.kind])  # the file first, then the row
    except StorageUnavailable as exc:
        raise WalletStorageUnavailable(exc.message, code=exc.code) from exc
    with transaction.atomic():
        return document_store(
            owner_kind=owner.kind,
            owner_key=owner.key,
            owner_name=owner.name,
            document_type=document_type,
            title=title,
            blob=blob,
            original_name=checked.filename,
            content_type=checked.content_type,
            page_count=checked.page_count,
            origin=DocumentOrigin.OWN_UPLOAD,
            number=(number or "").strip(),
            issuer=(issuer or "").strip(),
            issued_on=issued_on,
            expires_on=expires_on,
            actor=actor,
        )
