"""Attach a file to a component: an online upload, a scan at the counter, or a supplement.

The file is checked by content (``motcua.core.uploads.check_upload``) before anything is stored; a
rejected file leaves nothing behind, and a failed transaction deletes the file it had stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, User
from motcua.core.uploads import UploadRejected, check_upload

from ..access import dossier_can
from ..errors import ActionNotAllowed, InvalidDossierInput
from ..models import ComponentOrigin, Dossier, DossierComponent
from ..status import DossierAction, DossierStatus
from .common import lock_dossier

MAX_BYTES = getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def _may_attach(actor: User, dossier: Dossier) -> bool:
    if dossier.status == DossierStatus.DRAFT:
        return dossier.applicant_id == actor.pk
    if dossier.status == DossierStatus.AWAITING_SUPPLEMENT:
        return dossier_can(actor, dossier, DossierAction.SUPPLEMENT)
    if actor.kind == AccountKind.STAFF and dossier.status in (
        DossierStatus.RECEIVED,
        DossierStatus.AWAITING_INTAKE,
    ):
        return dossier_can(actor, dossier, DossierAction.ROUTE) or dossier_can(
            actor, dossier, DossierAction.RECEIVE
        )
    return False


def dossier_component_attach(
    *,
    dossier: Dossier,
    actor: User,
    component_id: int,
    upload: UploadedFile,  # any Django upload (or file object)
) -> DossierComponent:
    """Store ``upload`` as the file of one component (replacing an earlier file of a draft)."""
    try:
        checked = check_upload(upload, max_bytes=MAX_BYTES)
    except UploadRejected as exc:
        raise InvalidDossierInput(exc.message, code=exc.code) from exc
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        if not _may_attach(actor, dossier):
            raise ActionNotAllowed(_("Không thể thêm tệp vào hồ sơ ở trạng thái này."))
        component = DossierComponent.objects.filter(dossier=dossier, pk=component_id).first()
        if component is None:
            raise InvalidDossierInput(_("Giấy tờ không thuộc hồ sơ này."), code="component_unknown")
        old_name = component.file.name if component.file else ""
        by_staff = actor.kind == AccountKind.STAFF
        component.file.save(f"{checked.sha256[:16]}.{checked.kind}", upload, save=False)
        stored = component.file.name or ""
        if dossier.status == DossierStatus.DRAFT:  # a draft's earlier upload is nobody's record yet
            transaction.on_commit(lambda: _delete(old_name) if old_name and old_name != stored else None)
        component.original_name = checked.filename
        component.sha256 = checked.sha256
        component.size = checked.size
        component.page_count = checked.page_count or 1
        component.digitised = True
        component.origin = ComponentOrigin.COUNTER_SCAN if by_staff else ComponentOrigin.UPLOAD
        try:
            component.save()
        except Exception:
            _delete(stored)
            raise
    return component


def _delete(name: str) -> None:
    from django.core.files.storage import default_storage

    if name:
        default_storage.delete(name)
