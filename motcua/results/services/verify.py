"""Public verification of an issued result, by its code (the QR code's URL) or by an uploaded file.

A document is authentic when (1) its one signature is intact, valid, trusted and covers the whole file,
(2) the file's SHA-256 is the one in the registry, and (3) the result is still valid. Anything else is
answered with the reason (signature broken, hash unknown, revoked with the date and reason category,
superseded with the new code). Every verification is logged (``VerificationLog``) and counted on the result;
the client's address is kept only as a keyed hash. ``verification_allowed`` is the per-client rate limit.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext as _

from motcua.core.blobs import read_blob
from motcua.core.ratelimit import count_attempt

from ..codes import normalise_code
from ..models import IssuedResult, ResultStatus, VerificationLog, VerificationMethod
from ..models import VerificationOutcome as O
from ..signing import SignatureCheck, check_signature

#: Verifications per client and per window (seconds).
RATE_LIMIT = 30
RATE_WINDOW = 60

_SIGNATURE_OUTCOMES = {
    "signature_broken": O.SIGNATURE_BROKEN,
    "no_signature": O.NO_SIGNATURE,
    "untrusted": O.UNTRUSTED,
    "modified": O.MODIFIED,
}


@dataclass
class Verdict:
    outcome: str
    reasons: list[str] = field(default_factory=list)
    result: IssuedResult | None = None
    signature: SignatureCheck | None = None
    sha256: str = ""

    @property
    def authentic(self) -> bool:
        return self.outcome == O.VALID

    @property
    def label(self) -> str:
        return str(O(self.outcome).label)


def client_fingerprint(address: str) -> str:
    """A keyed hash of the client's address (never the address itself)."""
    key = hashlib.sha256(("motcua.results.verify:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()[:32]


def verification_allowed(client: str) -> bool:
    """Count one request of ``client`` (a fingerprint); False once it made ``RATE_LIMIT`` in the window."""
    return count_attempt(f"results:verify:{client}", window=RATE_WINDOW) <= RATE_LIMIT


def _signature_reason(check: SignatureCheck) -> str:
    return {
        "signature_broken": _(
            "Chữ ký số không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký hoặc chữ ký bị làm giả."
        ),
        "no_signature": _("Tệp không có chữ ký số của cơ quan nhà nước."),
        "untrusted": _(
            "Chữ ký số không do cơ quan có thẩm quyền của tỉnh cấp (chứng thư số không được tin cậy)."
        ),
        "modified": _("Tệp đã bị thêm nội dung sau khi ký: chữ ký số không còn bao trùm toàn bộ tệp."),
    }.get(check.problem, _("Chữ ký số không hợp lệ."))


def _status_verdict(result: IssuedResult, verdict: Verdict) -> Verdict:
    if result.status == ResultStatus.REVOKED:
        verdict.outcome = O.REVOKED
        verdict.reasons.append(_("Kết quả đã bị cơ quan cấp thu hồi."))
    elif result.status == ResultStatus.SUPERSEDED:
        verdict.outcome = O.SUPERSEDED
        verdict.reasons.append(_("Kết quả đã được thay thế bằng một kết quả cấp lại."))
    elif result.status == ResultStatus.PENDING:
        verdict.outcome = O.PENDING
        verdict.reasons.append(_("Kết quả đang được phát hành, chưa có bản ký số."))
    else:
        verdict.outcome = O.VALID
    return verdict


def _log(verdict: Verdict, *, method: str, code: str, client: str) -> Verdict:
    VerificationLog.objects.create(
        result=verdict.result,
        code_tried=code[:40],
        sha256_tried=verdict.sha256,
        method=method,
        outcome=verdict.outcome,
        reason=" ".join(verdict.reasons)[:300],
        client_hash=client[:32],
    )
    if verdict.result is not None:
        IssuedResult.objects.filter(pk=verdict.result.pk).update(
            verification_count=F("verification_count") + 1
        )
        verdict.result.verification_count += 1
    return verdict


def _lookup() -> object:
    return IssuedResult.objects.select_related("signer_unit", "superseded_by")


def result_verify_code(*, code: str, client: str = "") -> Verdict:
    """Verify the registered file of the result ``code`` (the page the QR code opens)."""
    wanted = normalise_code(code)
    result = _lookup().filter(code=wanted).first() if wanted else None  # type: ignore[attr-defined]
    if result is None:
        verdict = Verdict(O.UNKNOWN, [_("Không có kết quả nào mang mã này trong sổ kết quả đã cấp.")])
        return _log(verdict, method=VerificationMethod.URL, code=wanted, client=client)
    verdict = Verdict(O.VALID, result=result)
    if result.status == ResultStatus.PENDING or not result.file:
        return _log(
            _status_verdict(result, verdict), method=VerificationMethod.URL, code=wanted, client=client
        )
    try:
        data = read_blob(result.file)
    except OSError:
        data = b""
    verdict.sha256 = hashlib.sha256(data).hexdigest()
    verdict.signature = check_signature(data)
    if verdict.sha256 != result.sha256:
        verdict.outcome = O.HASH_UNKNOWN
        verdict.reasons.append(_("Tệp lưu trữ không khớp mã băm đã đăng ký khi ký."))
    elif not verdict.signature.ok:
        verdict.outcome = _SIGNATURE_OUTCOMES.get(verdict.signature.problem, O.SIGNATURE_BROKEN)
        verdict.reasons.append(_signature_reason(verdict.signature))
    else:
        _status_verdict(result, verdict)
    return _log(verdict, method=VerificationMethod.URL, code=wanted, client=client)


def result_verify_upload(*, data: bytes, client: str = "") -> Verdict:
    """Verify a file someone holds: its signature, then its hash in the registry, then the result's status."""
    digest = hashlib.sha256(data).hexdigest()
    check = check_signature(data)
    result = _lookup().filter(sha256=digest).first()  # type: ignore[attr-defined]
    verdict = Verdict(O.VALID, result=result, signature=check, sha256=digest)
    if not check.ok:
        verdict.outcome = _SIGNATURE_OUTCOMES.get(check.problem, O.SIGNATURE_BROKEN)
        verdict.reasons.append(_signature_reason(check))
    if result is None:
        if check.ok:
            verdict.outcome = O.HASH_UNKNOWN
        verdict.reasons.append(
            _("Tệp không trùng với bất kỳ kết quả nào trong sổ kết quả đã cấp (mã băm không có trong sổ).")
        )
    elif check.ok:
        _status_verdict(result, verdict)
    code = result.code if result is not None else ""
    return _log(verdict, method=VerificationMethod.UPLOAD, code=code, client=client)
