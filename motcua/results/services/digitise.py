"""Digitise a paper result at the counter: the scan, checked, certified and signed as an electronic copy.

Quality checks (Decree 45/2020 and Circular 01/2023 on digitising dossiers and results): every file passes
``check_upload`` (PDF, JPEG or PNG by content); the pages counted equal the number the officer states; an
image is at least ``MIN_IMAGE_SHORT_SIDE_PX`` on its short side and a PDF page at least A5. The scan pages
plus a certification page (with the QR code) are signed by the resolving agency, registered as an
``IssuedResult`` of kind ``digitised_paper``, filed in the holder's data store and counted
(``dossier_result_issued``). A scan of a dossier already digitised replaces (supersedes) the previous one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.choices import ResultType
from motcua.core.audit import audit_record
from motcua.core.blobs import StorageUnavailable, put_blob
from motcua.core.uploads import KIND_PDF, UploadRejected, check_upload, check_upload_count
from motcua.dossiers.models import Decision, Dossier
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.services import dossier_result_issued
from motcua.dossiers.status import DossierStatus
from motcua.wallet.services import wallet_withdraw_result

from ..access import may_digitise_at
from ..errors import ResultError, ResultNotAllowed, ResultStorageUnavailable
from ..models import IssuedResult, ResultKind, ResultStatus
from ..render import (
    A5_LONG_PT,
    A5_SHORT_PT,
    MIN_IMAGE_SHORT_SIDE_PX,
    concat_pdfs,
    images_to_pdf,
    page_count,
    pdf_page_sizes,
    render_certification_page,
)
from ..signing import sign_pdf
from .common import file_in_store, new_result

MAX_SCAN_BYTES = 25 * 1024 * 1024
MAX_SCAN_FILES = 30
MAX_SCAN_PAGES = 100


def _read(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return bytes(data)


def _scan_pdf(files: list[Any]) -> bytes:
    """The checked scan as one PDF; raises ``ResultError`` (with the upload's code) on a bad file."""
    check_upload_count(len(files), MAX_SCAN_FILES)
    if not files:
        raise ResultError(_("Hãy chọn tệp bản quét kết quả."), code="scan_required")
    checked = [check_upload(f, max_bytes=MAX_SCAN_BYTES, max_pages=MAX_SCAN_PAGES) for f in files]
    if any(c.kind == KIND_PDF for c in checked):
        if len(checked) > 1:
            raise ResultError(
                _("Tải lên một tệp PDF, hoặc nhiều tệp ảnh (mỗi ảnh một trang), không trộn lẫn."),
                code="scan_mixed",
            )
        data = _read(files[0])
        for number, (width, height) in enumerate(pdf_page_sizes(data), start=1):
            short, long = sorted((width, height))
            if short < A5_SHORT_PT or long < A5_LONG_PT:
                raise ResultError(
                    _("Trang %(page)s của bản quét nhỏ hơn khổ A5: không đủ rõ để làm bản sao điện tử."),
                    code="scan_page_too_small",
                    page=number,
                )
        return data
    for number, c in enumerate(checked, start=1):
        if min(c.width or 0, c.height or 0) < MIN_IMAGE_SHORT_SIDE_PX:
            raise ResultError(
                _(
                    "Ảnh thứ %(n)s (%(name)s) chỉ %(w)s×%(h)s điểm ảnh: cạnh ngắn cần ít nhất %(min)s điểm ảnh "
                    "để đọc rõ. Hãy quét lại ở độ phân giải cao hơn (khuyến nghị 200–300 dpi)."
                ),
                code="scan_resolution_low",
                n=number,
                name=c.filename,
                w=c.width,
                h=c.height,
                min=MIN_IMAGE_SHORT_SIDE_PX,
            )
    return images_to_pdf([_read(f) for f in files])


def result_digitise_paper(
    *,
    dossier: Dossier,
    officer: User,
    files: list[Any],
    stated_pages: int,
    valid_until: dt.date | None = None,
) -> IssuedResult:
    """Digitise the paper result of ``dossier`` (see the module docstring); returns the valid result."""
    if not may_digitise_at(officer, dossier.receiving_point_id):
        raise ResultNotAllowed(_("Chỉ cán bộ một cửa nơi tiếp nhận hồ sơ được số hóa kết quả."))
    if dossier.status not in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
        raise ResultError(
            _("Chỉ số hóa kết quả của hồ sơ đã có kết quả hoặc đã trả kết quả."), code="dossier_not_decided"
        )
    if dossier.decision != Decision.APPROVED:
        raise ResultError(
            _("Hồ sơ không được giải quyết nên không có kết quả để số hóa."), code="not_approved"
        )
    spec = procedure_spec(dossier.procedure_version)
    if spec.result_type != ResultType.PAPER:
        raise ResultError(
            _("Kết quả của thủ tục này không phải bản giấy: không cần số hóa."), code="result_not_paper"
        )
    if stated_pages is None or stated_pages < 1:
        raise ResultError(_("Hãy nhập số trang của bản giấy."), code="pages_required")
    try:
        scan = _scan_pdf(files)
    except UploadRejected as exc:
        raise ResultError(exc.message, code=exc.code) from exc
    pages = page_count(scan)
    if pages != stated_pages:
        raise ResultError(
            _(
                "Bản quét có %(found)s trang nhưng bản giấy có %(stated)s trang: hãy quét đủ và đúng số trang."
            ),
            code="page_count_mismatch",
            found=pages,
            stated=stated_pages,
        )
    with transaction.atomic():
        previous = (
            IssuedResult.objects.select_for_update()
            .filter(dossier=dossier, kind=ResultKind.DIGITISED_PAPER, status=ResultStatus.VALID)
            .order_by("-created_at")
            .first()
        )
        original = not IssuedResult.objects.filter(
            dossier=dossier, kind=ResultKind.DIGITISED_PAPER, replaces__isnull=True
        ).exists()
        result = new_result(
            dossier,
            kind=ResultKind.DIGITISED_PAPER,
            issued_by=officer,
            issued_at=timezone.now(),
            valid_until=valid_until,
            replaces=None if original else previous or _latest(dossier),
        )
        certification = render_certification_page(result, scan_pages=pages)
        signed, signer = sign_pdf(
            concat_pdfs([scan, certification]),
            unit=result.signer_unit,
            reason=_g("Chứng nhận bản sao điện tử từ bản chính"),
            location=str(result.signer_unit.address or ""),
        )
        try:
            blob = put_blob(signed, extension="pdf")  # the file first: a full disk rolls the rows back
        except StorageUnavailable as exc:
            raise ResultStorageUnavailable(exc.message, code=exc.code) from exc
        result.file, result.sha256, result.size = blob.name, blob.sha256, blob.size
        result.page_count = pages + 1
        result.signer_subject, result.signer_fingerprint = signer.subject[:500], signer.fingerprint
        result.status = ResultStatus.VALID
        result.attempts = 1
        result.save()
        if previous is not None:
            previous.status = ResultStatus.SUPERSEDED
            previous.superseded_by = result
            previous.superseded_at = result.issued_at
            previous.save(update_fields=["status", "superseded_by", "superseded_at"])
            wallet_withdraw_result(result_code=previous.code, reason="superseded", actor=officer)
        audit_record(
            action="result.digitised",
            actor=officer,
            obj=result,
            data={
                "code": result.code,
                "dossier": dossier.code,
                "pages": pages,
                "sha256": blob.sha256,
                "replaces": previous.code if previous else "",
            },
        )
        file_in_store(result, blob)
        if original:
            dossier_result_issued(dossier=dossier, actor=officer, result_code=result.code, kind=result.kind)
    return result


def _latest(dossier: Dossier) -> IssuedResult | None:
    return (
        IssuedResult.objects.filter(dossier=dossier, kind=ResultKind.DIGITISED_PAPER)
        .order_by("-created_at")
        .first()
    )
