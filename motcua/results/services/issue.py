"""Issue a pending result: render, sign, store, mark valid, count it and file it in the holder's store.

Idempotent: a result that is no longer pending is left alone (a retry after success does nothing). A failure
(rendering, a signing credential, the dossier) leaves the result pending with the error recorded and the
attempt counted; ``motcua issue_results`` retries every pending result.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.core.blobs import put_blob
from motcua.dossiers.services import dossier_result_issued
from motcua.wallet.services import wallet_withdraw_result

from ..models import IssuedResult, ResultKind, ResultStatus
from ..render import page_count, render_result_pdf
from ..signing import sign_pdf
from .common import file_in_store

logger = logging.getLogger(__name__)

ISSUED = "issued"
ALREADY = "already"
FAILED = "failed"


def _record_failure(result_id: int, exc: BaseException) -> None:
    logger.exception("issuing result %s failed", result_id)
    IssuedResult.objects.filter(pk=result_id, status=ResultStatus.PENDING).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )


def result_issue(*, result_id: int) -> str:
    """Issue one pending electronic result; returns ``issued``, ``already`` or ``failed``."""
    result = (
        IssuedResult.objects.select_related("dossier__procedure_version", "signer_unit__parent", "issued_by")
        .filter(pk=result_id)
        .first()
    )
    if result is None or result.status != ResultStatus.PENDING or result.kind != ResultKind.ELECTRONIC:
        return ALREADY
    try:
        result.issued_at = timezone.now()
        pdf = render_result_pdf(result)
        signed, signer = sign_pdf(
            pdf,
            unit=result.signer_unit,
            reason=f"Ban hành kết quả {result.code} — hồ sơ {result.dossier.code}",
            location=str(result.signer_unit.address or ""),
        )
        blob = put_blob(signed, extension="pdf")
        pages = page_count(signed)
        with transaction.atomic():
            locked = IssuedResult.objects.select_for_update().filter(pk=result_id).first()
            if locked is None or locked.status != ResultStatus.PENDING:
                return ALREADY
            locked.issued_at = result.issued_at
            locked.status = ResultStatus.VALID
            locked.file, locked.sha256, locked.size = blob.name, blob.sha256, blob.size
            locked.page_count = pages
            locked.signer_subject = signer.subject[:500]
            locked.signer_fingerprint = signer.fingerprint
            locked.attempts += 1
            locked.last_error = ""
            locked.save()
            locked.dossier, locked.signer_unit = result.dossier, result.signer_unit
            _supersede_replaced(locked)
            audit_record(
                action="result.issued",
                actor=None,
                obj=locked,
                data={"code": locked.code, "sha256": blob.sha256, "signer": signer.fingerprint},
            )
            file_in_store(locked, blob)
            if locked.replaces_id is None:
                dossier_result_issued(
                    dossier=locked.dossier, actor=locked.issued_by, result_code=locked.code, kind=locked.kind
                )
    except Exception as exc:
        _record_failure(result_id, exc)
        return FAILED
    return ISSUED


def _supersede_replaced(result: IssuedResult) -> None:
    """A corrected re-issue, now signed, supersedes the result it replaces."""
    if result.replaces_id is None:
        return
    old = IssuedResult.objects.select_for_update().get(pk=result.replaces_id)
    if old.status in (ResultStatus.VALID, ResultStatus.PENDING):
        old.status = ResultStatus.SUPERSEDED
        old.superseded_by = result
        old.superseded_at = result.issued_at
        old.save(update_fields=["status", "superseded_by", "superseded_at"])
        audit_record(action="result.superseded", actor=result.issued_by, obj=old, data={"by": result.code})
        wallet_withdraw_result(result_code=old.code, reason="superseded", actor=result.issued_by)


def results_issue_pending(*, limit: int = 500) -> dict[str, int]:
    """Retry every pending electronic result (the ``issue_results`` command)."""
    counts = {ISSUED: 0, ALREADY: 0, FAILED: 0}
    ids = list(
        IssuedResult.objects.filter(status=ResultStatus.PENDING, kind=ResultKind.ELECTRONIC)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        counts[result_issue(result_id=pk)] += 1
    return counts
