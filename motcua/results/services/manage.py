"""Revoke an issued result, or re-issue a corrected one that supersedes it (leaders and the province
administrator)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.wallet.services import wallet_withdraw_result

from ..access import may_manage_result
from ..codes import new_code
from ..errors import ResultError, ResultNotAllowed
from ..models import IssuedResult, ResultKind, ResultStatus, RevokeReason
from .common import schedule_issue


def _lock(result: IssuedResult) -> IssuedResult:
    return IssuedResult.objects.select_for_update().select_related("signer_unit").get(pk=result.pk)


def result_revoke(*, result: IssuedResult, actor: User, reason: str, note: str = "") -> IssuedResult:
    """Revoke a valid result: verification answers "revoked" with the date and the reason's category."""
    if reason not in RevokeReason.values:
        raise ResultError(_("Hãy chọn lý do thu hồi."), code="revoke_reason_invalid")
    if reason == RevokeReason.OTHER and not note.strip():
        raise ResultError(_("Với “Lý do khác”, hãy ghi rõ lý do thu hồi."), code="revoke_note_required")
    with transaction.atomic():
        locked = _lock(result)
        if not may_manage_result(actor, locked):
            raise ResultNotAllowed(
                _("Chỉ lãnh đạo cơ quan đã ký hoặc quản trị cấp tỉnh được thu hồi kết quả.")
            )
        if locked.status != ResultStatus.VALID:
            raise ResultError(
                _("Chỉ thu hồi được kết quả còn hiệu lực (kết quả này: %(status)s)."),
                code="result_not_valid",
                status=str(ResultStatus(locked.status).label),
            )
        locked.status = ResultStatus.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoke_reason = reason
        locked.revoke_note = note.strip()[:2000]
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "revoke_note"])
        audit_record(
            action="result.revoked", actor=actor, obj=locked, data={"code": locked.code, "reason": reason}
        )
        wallet_withdraw_result(result_code=locked.code, reason="revoked", actor=actor)
    return locked


def result_supersede(
    *,
    result: IssuedResult,
    actor: User,
    decision_note: str,
    title: str = "",
    valid_until: dt.date | None = None,
) -> IssuedResult:
    """Re-issue a corrected electronic result under a new code. The new one is signed in the background;
    once it is valid the old one is superseded and verification points to the new code."""
    note = (decision_note or "").strip()
    if not note:
        raise ResultError(_("Hãy ghi nội dung đã đính chính của kết quả mới."), code="note_required")
    with transaction.atomic():
        locked = _lock(result)
        if not may_manage_result(actor, locked):
            raise ResultNotAllowed(
                _("Chỉ lãnh đạo cơ quan đã ký hoặc quản trị cấp tỉnh được cấp lại kết quả.")
            )
        if locked.status != ResultStatus.VALID or locked.kind != ResultKind.ELECTRONIC:
            raise ResultError(
                _("Chỉ cấp lại được kết quả điện tử còn hiệu lực."), code="result_not_reissuable"
            )
        if locked.replacements.filter(status=ResultStatus.PENDING).exists():
            raise ResultError(_("Kết quả này đang được cấp lại."), code="reissue_pending")
        new = IssuedResult.objects.create(
            code=new_code(),
            dossier=locked.dossier,
            holder_kind=locked.holder_kind,
            holder_key=locked.holder_key,
            holder_name=locked.holder_name,
            document_type=locked.document_type,
            title=(title or locked.title).strip()[:500],
            kind=ResultKind.ELECTRONIC,
            decision_note=note[:5000],
            valid_until=valid_until if valid_until is not None else locked.valid_until,
            status=ResultStatus.PENDING,
            replaces=locked,
            signer_unit=locked.signer_unit,
            issued_by=actor,
        )
        audit_record(
            action="result.reissued", actor=actor, obj=new, data={"code": new.code, "replaces": locked.code}
        )
        schedule_issue(new.pk)
    return new
