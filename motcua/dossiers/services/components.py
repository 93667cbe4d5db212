"""Give a component its document: an online upload, a scan at the counter, a supplement, or — without any
upload — a document reused from the data store or taken from a national registry.

Every file goes to the content-addressed store (``motcua.core.blobs``): it is checked by content
(``motcua.core.uploads.check_upload``) before anything is stored, stored once whatever the number of
dossiers that refer to it, and never deleted by these services (another dossier or the applicant's data store
may share the bytes). A rejected file leaves nothing behind.

A scan made by an officer (origin ``counter_scan``) is a digitisation of a paper original (TT 01/2023 Art
8(2)): the officer states the number of pages of the paper original, and the scan must have as many pages
and be readable (an image at least ``MIN_SCAN_SHORT_SIDE_PX`` on its short side, PDF pages not smaller than
A6); the officer and the moment are recorded.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, User
from motcua.core.audit import audit_record
from motcua.core.blobs import Blob, StorageUnavailable, put_blob
from motcua.core.uploads import EXTENSIONS, KIND_PDF, CheckedUpload, UploadRejected, check_upload

from ..access import dossier_can_attach
from ..errors import ActionNotAllowed, DossierStorageUnavailable, InvalidDossierInput
from ..models import ComponentOrigin, Dossier, DossierComponent
from .common import lock_dossier

MAX_BYTES = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

#: A scanned image narrower than this on its short side is too small to read (an A4 page at 120 dpi).
MIN_SCAN_SHORT_SIDE_PX = 1000
#: A6 (105 × 148 mm) in PDF points, with 2 % tolerance for scanner margins and rounding.
_A6_POINTS = (105 / 25.4 * 72 * 0.98, 148 / 25.4 * 72 * 0.98)

#: The origins of a component provided without an upload (``dossier_component_provide``).
PROVIDED_ORIGINS = (ComponentOrigin.REUSED, ComponentOrigin.REGISTRY)


def _pdf_small_page(upload: Any) -> tuple[int, float, float] | None:
    """The first page (1-based number, width and height in mm) smaller than A6, or None."""
    from pypdf import PdfReader

    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload if isinstance(upload, bytes) else upload.read()
    if hasattr(upload, "seek"):
        upload.seek(0)
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            for number, page in enumerate(reader.pages, start=1):
                box = page.cropbox
                width, height = abs(float(box.width)), abs(float(box.height))
                short, long = sorted((width, height))
                if short < _A6_POINTS[0] or long < _A6_POINTS[1]:
                    return number, width / 72 * 25.4, height / 72 * 25.4
    finally:
        pypdf_logger.setLevel(level)
    return None


def scan_quality_check(upload: Any, checked: CheckedUpload, *, declared_pages: int | None) -> None:
    """Refuse a counter scan that does not reproduce its paper original in full and legibly.

    ``declared_pages`` is the number of pages the officer counted on the paper original (None: not
    stated, the page count is then not compared). Raises ``InvalidDossierInput`` with codes
    ``scan_page_count_mismatch`` and ``scan_too_small``.
    """
    if declared_pages is not None:
        if declared_pages < 1:
            raise InvalidDossierInput(
                _("Số trang bản giấy phải từ 1 trở lên."), code="scan_declared_pages_invalid"
            )
        if checked.page_count != declared_pages:
            raise InvalidDossierInput(
                _(
                    "Số trang bản quét (%(scan)s) khác số trang bản giấy (%(paper)s). Hãy quét đủ và đúng "
                    "thứ tự từng trang của bản giấy (mỗi trang một ảnh) rồi đính kèm lại."
                ),
                code="scan_page_count_mismatch",
                scan=checked.page_count,
                paper=declared_pages,
            )
    if checked.width is not None and checked.height is not None:
        if min(checked.width, checked.height) < MIN_SCAN_SHORT_SIDE_PX:
            raise InvalidDossierInput(
                _(
                    "Bản quét quá nhỏ để đọc (%(width)s × %(height)s điểm ảnh): cạnh ngắn cần ít nhất "
                    "%(min)s điểm ảnh. Hãy quét lại với độ phân giải 200–300 dpi."
                ),
                code="scan_too_small",
                width=checked.width,
                height=checked.height,
                min=MIN_SCAN_SHORT_SIDE_PX,
            )
    elif checked.kind == KIND_PDF:
        small = _pdf_small_page(upload)
        if small is not None:
            number, width, height = small
            raise InvalidDossierInput(
                _(
                    "Trang %(page)s của bản quét nhỏ hơn khổ A6 (%(width)s × %(height)s mm) nên không đọc "
                    "được. Hãy quét lại đúng khổ giấy của bản gốc."
                ),
                code="scan_too_small",
                page=number,
                width=round(width),
                height=round(height),
            )


def dossier_uploads_check(*, actor: User, files: dict[int, Any], pages: dict[int, int] | None = None) -> None:
    """Check every file of a request that attaches several (component id → upload) before any is stored,
    with the same checks as ``dossier_component_attach``: a bad second file must not leave the first one
    stored with no row pointing at it. Raises ``InvalidDossierInput``."""
    by_staff = actor.kind == AccountKind.STAFF
    for component_id, upload in files.items():
        try:
            checked = check_upload(upload, max_bytes=MAX_BYTES)
        except UploadRejected as exc:
            raise InvalidDossierInput(exc.message, code=exc.code) from exc
        if by_staff:
            scan_quality_check(upload, checked, declared_pages=(pages or {}).get(component_id))


def dossier_component_attach(
    *,
    dossier: Dossier,
    actor: User,
    component_id: int,
    upload: UploadedFile,  # any Django upload (or file object)
    declared_pages: int | None = None,
) -> DossierComponent:
    """Store ``upload`` as the file of one component (replacing an earlier file of a draft).

    By staff the upload is a counter scan: checked for quality (``scan_quality_check`` against
    ``declared_pages``, the pages of the paper original) and recorded with who digitised it and when.
    """
    try:
        checked = check_upload(upload, max_bytes=MAX_BYTES)
    except UploadRejected as exc:
        raise InvalidDossierInput(exc.message, code=exc.code) from exc
    by_staff = actor.kind == AccountKind.STAFF
    if by_staff:
        scan_quality_check(upload, checked, declared_pages=declared_pages)
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        if not dossier_can_attach(actor, dossier):
            raise ActionNotAllowed(_("Không thể thêm tệp vào hồ sơ ở trạng thái này."))
        component = DossierComponent.objects.filter(dossier=dossier, pk=component_id).first()
        if component is None:
            raise InvalidDossierInput(_("Giấy tờ không thuộc hồ sơ này."), code="component_unknown")
        # Content-addressed: the same bytes are stored once; nothing is deleted if this transaction fails
        # (the blob may already be shared with another dossier or the data store). The file is written
        # before the row: a full disk rolls the row back, no row points at a missing file.
        try:
            blob = put_blob(upload, extension=EXTENSIONS[checked.kind])
        except StorageUnavailable as exc:
            raise DossierStorageUnavailable(exc.message, code=exc.code) from exc
        component.file.name = blob.name
        component.original_name = checked.filename
        component.content_type = checked.content_type
        component.sha256 = blob.sha256
        component.size = blob.size
        component.page_count = checked.page_count or 1
        component.digitised = True
        component.origin = ComponentOrigin.COUNTER_SCAN if by_staff else ComponentOrigin.UPLOAD
        component.source_reference = ""
        component.digitised_by = actor if by_staff else None
        component.digitised_at = timezone.now() if by_staff else None
        component.declared_pages = (declared_pages or 0) if by_staff else 0
        component.save()
    return component


def dossier_component_provide(
    *,
    dossier: Dossier,
    actor: User,
    component_id: int,
    origin: str,
    blob: Blob | None = None,
    original_name: str = "",
    content_type: str = "",
    page_count: int = 0,
    reference: str = "",
) -> DossierComponent:
    """Mark one component as provided without an upload: ``origin`` "reused" (a document of the
    applicant's data store, whose ``blob`` is attached as it is) or "registry" (taken from a national
    registry; ``blob`` may be None when only data came back, ``reference`` names the look-up).

    The same permission rules as an upload (the applicant's draft or requested supplement; the one-stop
    officer at intake). The component counts as digitised (it exists electronically: nothing of it is left
    on paper) and carries the origin the scorecard reads (766 items 4.3 and 4.4).
    """
    if origin not in PROVIDED_ORIGINS:
        raise ValueError(f"a component is provided without an upload only from {PROVIDED_ORIGINS}")
    if origin == ComponentOrigin.REUSED and blob is None:
        raise ValueError("a reused document brings its file")
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        if not dossier_can_attach(actor, dossier):
            raise ActionNotAllowed(_("Không thể thêm giấy tờ vào hồ sơ ở trạng thái này."))
        component = DossierComponent.objects.filter(dossier=dossier, pk=component_id).first()
        if component is None:
            raise InvalidDossierInput(_("Giấy tờ không thuộc hồ sơ này."), code="component_unknown")
        component.file.name = blob.name if blob is not None else ""
        component.sha256 = blob.sha256 if blob is not None else ""
        component.size = blob.size if blob is not None else 0
        component.original_name = original_name[:255]
        component.content_type = content_type[:60] if blob is not None else ""
        component.page_count = page_count if blob is not None else 0
        component.digitised = True
        component.origin = origin
        component.source_reference = reference[:200]
        component.digitised_by = None
        component.digitised_at = None
        component.declared_pages = 0
        component.save()
        audit_record(
            action="dossier.component_provided",
            actor=actor,
            obj=dossier,
            data={
                "component": component.pk,
                "origin": origin,
                "sha256": component.sha256,
                "reference": component.source_reference,
            },
        )
    return component
