"""Issued results over HTTP (issue 7): public verification, the holder's own results, the staff registry.

- ``GET /verify/{code}`` and ``POST /verify`` (a PDF, multipart): public, no login, like ``/verify/`` on the
  portal — the verdict with its reasons and only what is printed on the document (never the holder's ID or
  contact). Every verification is logged and counted; limited per client (the portal's budget, shared).
- ``/mine``: the signed-in citizen's or business's results (``results:read``) and their files, streamed.
- ``/registry``: staff — the results of the dossiers they see, one result with its verifications, the file
  (logged in the holder's access ledger), revoke and re-issue (leaders of the signing unit, the province
  administrator; ``dossiers:process``).

Errors are ``{code, message}``: 403 not allowed, 404 unknown or not visible, 409 wrong status, 422 bad input
or file, 429 too many verifications.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.core.blobs import blob_exists, blob_response
from motcua.core.uploads import KIND_PDF, UploadRejected, check_upload
from motcua.dossiers.access import dossier_visible_queryset
from motcua.results.access import (
    may_manage_result,
    results_manager,
    results_of_holder,
    results_visible_to_staff,
)
from motcua.results.codes import normalise_code
from motcua.results.errors import ResultError
from motcua.results.models import IssuedResult, ResultKind, ResultStatus, RevokeReason, VerificationOutcome
from motcua.results.services import (
    Verdict,
    client_fingerprint,
    result_file_read_record,
    result_revoke,
    result_supersede,
    result_verify_code,
    result_verify_upload,
    verification_allowed,
)

from .auth import api_auth, key_dossiers, key_unit_ids
from .conventions import (
    PDF_RESPONSE,
    ApiIn,
    ErrorOut,
    PageHook,
    client_ip,
    error,
    rule_error,
    staff_only,
    user_of,
)
from .schemas import PageNumberPagination

router = Router()

READ = api_auth("results:read")
MANAGE = api_auth("dossiers:process")

#: Largest file verified by upload (the portal's limit).
MAX_VERIFY_BYTES = 25 * 1024 * 1024
#: An altered file may no longer parse: it is still verified (and fails with "signature broken").
_VERIFY_ANYWAY = frozenset({"upload_pdf_corrupt", "upload_polyglot"})


# -- output --------------------------------------------------------------------------------------------


class SignerUnitOut(Schema):
    code: str
    name: str


class ResultPublicOut(Schema):
    """What is printed on the document — the public may see it; never the holder's ID or contact."""

    code: str = Field(description="Mã kết quả in trên văn bản, ví dụ KQ7H3K9M2P4X6Q")
    title: str
    holder_name: str
    signer_unit: SignerUnitOut
    issued_at: dt.datetime | None
    valid_until: dt.date | None = Field(description="Có giá trị đến; null: không thời hạn")
    kind: ResultKind
    kind_label: str
    status: ResultStatus
    status_label: str
    revoked_at: dt.datetime | None
    revoke_reason: str = Field(description="Nhóm lý do thu hồi công khai (ghi chú nội bộ không hiển thị)")
    revoke_reason_label: str
    superseded_by: str | None = Field(description="Mã kết quả thay thế")
    superseded_at: dt.datetime | None


class SignatureOut(Schema):
    ok: bool
    problem: str = Field(description="Rỗng khi hợp lệ; no_signature, signature_broken, untrusted, modified")
    signed_at: dt.datetime | None
    signer_fingerprint: str


class VerdictOut(Schema):
    outcome: VerificationOutcome
    outcome_label: str
    authentic: bool = Field(description="Chữ ký hợp lệ, mã băm đúng sổ và kết quả còn hiệu lực")
    reasons: list[str] = Field(description="Vì sao không xác thực (theo ngôn ngữ của yêu cầu)")
    sha256: str = Field(description="Mã băm SHA-256 của tệp đã kiểm tra")
    sha256_registered: bool = Field(description="Mã băm trùng với sổ kết quả đã cấp")
    result: ResultPublicOut | None
    signature: SignatureOut | None


class MyResultOut(ResultPublicOut):
    dossier_code: str | None
    document_type: str
    has_file: bool
    size: int = Field(description="Byte")
    page_count: int
    verification_count: int = Field(description="Số lượt xác thực công khai")


class VerificationOut(Schema):
    at: dt.datetime
    method: str
    outcome: str
    reason: str


class StaffResultOut(MyResultOut):
    """The registry entry for staff: also the holder's key (personal data) and the internal notes."""

    holder_kind: str
    holder_key: str
    decision_note: str
    revoke_note: str
    replaces: str | None
    attempts: int
    last_error: str
    created_at: dt.datetime
    can_manage: bool = Field(description="Người gọi được thu hồi, cấp lại kết quả này")


class StaffResultDetailOut(StaffResultOut):
    verifications: list[VerificationOut] = Field(description="20 lượt xác thực gần nhất")
    replacements: list[str]


# -- input ---------------------------------------------------------------------------------------------


class MineFilter(Schema):
    status: ResultStatus | None = Field(None, description="Chỉ kết quả ở tình trạng này")


class RegistryFilter(Schema):
    q: str = Field("", max_length=60, description="Mã kết quả hoặc mã hồ sơ")
    status: ResultStatus | None = Field(None, description="Chỉ kết quả ở tình trạng này")


class RevokeIn(ApiIn):
    reason: RevokeReason
    note: str = Field("", max_length=2000, description="Nội bộ; bắt buộc với lý do other")


class SupersedeIn(ApiIn):
    decision_note: str = Field(max_length=5000, description="Nội dung đã đính chính")
    title: str = Field("", max_length=500)
    valid_until: dt.date | None = None


# -- helpers -------------------------------------------------------------------------------------------


def _public(r: IssuedResult) -> dict[str, Any]:
    return {
        "code": r.code,
        "title": r.title,
        "holder_name": r.holder_name,
        "signer_unit": {"code": r.signer_unit.code, "name": r.signer_unit.name},
        "issued_at": r.issued_at,
        "valid_until": r.valid_until,
        "kind": r.kind,
        "kind_label": str(ResultKind(r.kind).label),
        "status": r.status,
        "status_label": str(ResultStatus(r.status).label),
        "revoked_at": r.revoked_at,
        "revoke_reason": r.revoke_reason,
        "revoke_reason_label": str(RevokeReason(r.revoke_reason).label) if r.revoke_reason else "",
        "superseded_by": r.superseded_by.code if r.superseded_by_id and r.superseded_by else None,
        "superseded_at": r.superseded_at,
    }


def _mine(r: IssuedResult) -> dict[str, Any]:
    return {
        **_public(r),
        "dossier_code": r.dossier.code,
        "document_type": r.document_type,
        "has_file": bool(r.file),
        "size": r.size,
        "page_count": r.page_count,
        "verification_count": r.verification_count,
    }


def _staff(r: IssuedResult, *, can_manage: bool) -> dict[str, Any]:
    return {
        **_mine(r),
        "holder_kind": r.holder_kind,
        "holder_key": r.holder_key,
        "decision_note": r.decision_note,
        "revoke_note": r.revoke_note,
        "replaces": r.replaces.code if r.replaces_id and r.replaces else None,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "created_at": r.created_at,
        "can_manage": can_manage,
    }


def _verdict(verdict: Verdict) -> dict[str, Any]:
    r, sig = verdict.result, verdict.signature
    return {
        "outcome": verdict.outcome,
        "outcome_label": verdict.label,
        "authentic": verdict.authentic,
        "reasons": [str(reason) for reason in verdict.reasons],
        "sha256": verdict.sha256,
        "sha256_registered": bool(r is not None and verdict.sha256 and verdict.sha256 == r.sha256),
        "result": _public(r) if r is not None else None,
        "signature": None
        if sig is None
        else {
            "ok": sig.ok,
            "problem": sig.problem,
            "signed_at": sig.signed_at,
            "signer_fingerprint": sig.signer_fingerprint,
        },
    }


def _verifier(request: HttpRequest) -> str | None:
    """Count one verification of the client (the portal's budget, shared): its fingerprint, or None when it
    is over the limit."""
    client = client_fingerprint(client_ip(request))
    return client if verification_allowed(client) else None


def _limited() -> Status[object]:
    return error(
        429,
        "rate_limited",
        _("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau một phút."),
    )


def _not_found() -> Status[object]:
    return error(404, "result_not_found", _("Không tìm thấy kết quả."))


def _registry(request: HttpRequest, user: Any) -> QuerySet[IssuedResult]:
    """The results of the dossiers the caller sees, within the units of the request's key if limited."""
    rows = results_visible_to_staff(user).select_related("superseded_by", "replaces")
    if key_unit_ids(request) is not None:
        rows = rows.filter(dossier__in=key_dossiers(request, dossier_visible_queryset(user)).values("pk"))
    return rows


def _staff_result(request: HttpRequest, user: Any, code: str) -> IssuedResult | None:
    return _registry(request, user).filter(code=normalise_code(code)).first()


def _staff_answer(request: HttpRequest, user: Any, result: IssuedResult) -> dict[str, Any]:
    """A result a service just changed, read again from the registry (its links as they are now)."""
    fresh = _staff_result(request, user, result.code) or result
    return _staff(fresh, can_manage=may_manage_result(user, fresh))


# -- public verification -------------------------------------------------------------------------------


@router.get(
    "/verify/{code}",
    response={200: VerdictOut, 404: ErrorOut, 429: ErrorOut},
    summary="Verify an issued result by the code printed on it (the QR code)",
)
def result_verify_code_api(request: HttpRequest, code: str) -> Status[object]:
    """The registered file is checked (signature, hash, status) and the verdict answered — also when it is
    not authentic (revoked, superseded, broken): ``authentic`` and ``reasons`` say so. An unknown code is a
    404 ``result_not_found``."""
    if (client := _verifier(request)) is None:
        return _limited()
    verdict = result_verify_code(code=code, client=client)
    if verdict.result is None:
        return error(404, "result_not_found", " ".join(str(r) for r in verdict.reasons))
    return Status(200, _verdict(verdict))


@router.post(
    "/verify",
    response={200: VerdictOut, 422: ErrorOut, 429: ErrorOut},
    summary="Verify a result file one holds (PDF, multipart field `file`)",
)
def result_verify_upload_api(request: HttpRequest, file: File[UploadedFile]) -> Status[object]:
    """The file is checked and forgotten (never stored). A file the registry does not know answers 200 with
    ``outcome`` ``hash_unknown`` and ``result`` null. Not a PDF: 422 with the upload check's code."""
    try:
        check_upload(file, max_bytes=MAX_VERIFY_BYTES, allowed=(KIND_PDF,))
    except UploadRejected as exc:
        if exc.code not in _VERIFY_ANYWAY:
            return error(422, exc.code, exc.message)
    if (client := _verifier(request)) is None:
        return _limited()
    file.seek(0)
    verdict = result_verify_upload(data=bytes(file.read(MAX_VERIFY_BYTES + 1)), client=client)
    return Status(200, _verdict(verdict))


# -- the holder's own results --------------------------------------------------------------------------


@router.get("/mine", response=list[MyResultOut], auth=READ, summary="My issued results")
@paginate(PageNumberPagination, page_size=20)
def my_results_api(request: HttpRequest, filters: Query[MineFilter]) -> Any:
    """The results issued to the caller's personal ID (a citizen) or tax code (a business), newest first.
    Staff and accounts without an ID have none."""
    rows = results_of_holder(user_of(request)).select_related("dossier", "superseded_by")
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    return PageHook(rows.order_by("-issued_at", "-created_at", "-pk"), lambda page: [_mine(r) for r in page])


@router.get(
    "/mine/{code}/file",
    response={404: ErrorOut},
    auth=READ,
    summary="Download one of my results (signed PDF, streamed)",
    openapi_extra=PDF_RESPONSE,
)
def my_result_file_api(request: HttpRequest, code: str) -> Any:
    """Anyone else's result is a 404, like an unknown one."""
    result = results_of_holder(user_of(request)).filter(code=normalise_code(code)).first()
    if result is None or not result.file or not blob_exists(result.file):
        return _not_found()
    return blob_response(result.file, filename=result.filename, content_type="application/pdf")


# -- staff: the registry -------------------------------------------------------------------------------


@router.get("/registry", response=list[StaffResultOut], auth=READ, summary="Staff: the results registry")
@paginate(PageNumberPagination, page_size=50)
def registry_list_api(request: HttpRequest, filters: Query[RegistryFilter]) -> Any:
    """Results of the dossiers the caller may see, newest first; ``q``: a result code or a dossier code.
    Accounts that are not staff see none."""
    user = user_of(request)
    rows = _registry(request, user).order_by("-created_at", "-id")
    q = filters.q.strip()
    if q:
        rows = rows.filter(Q(code=normalise_code(q)) | Q(dossier__code=q.upper()))
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    may_manage = results_manager(user)
    return PageHook(rows, lambda page: [_staff(r, can_manage=may_manage(r)) for r in page])


@router.get(
    "/registry/{code}",
    response={200: StaffResultDetailOut, 404: ErrorOut},
    auth=READ,
    summary="Staff: one result with its verifications",
)
def registry_get_api(request: HttpRequest, code: str) -> Status[object]:
    user = user_of(request)
    result = _staff_result(request, user, code)
    if result is None:
        return _not_found()
    body = _staff(result, can_manage=may_manage_result(user, result))
    body["verifications"] = [
        {"at": v.at, "method": v.method, "outcome": v.outcome, "reason": v.reason}
        for v in result.verifications.all()[:20]
    ]
    body["replacements"] = list(result.replacements.values_list("code", flat=True))
    return Status(200, body)


@router.get(
    "/registry/{code}/file",
    response={404: ErrorOut},
    auth=READ,
    summary="Staff: download a result (logged in the holder's access ledger)",
    openapi_extra=PDF_RESPONSE,
)
def registry_file_api(request: HttpRequest, code: str) -> Any:
    user = user_of(request)
    result = _staff_result(request, user, code)
    if result is None or not result.file or not blob_exists(result.file):
        return _not_found()
    result_file_read_record(result=result, reader=user)
    return blob_response(result.file, filename=result.filename, content_type="application/pdf")


MANAGE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    503: ErrorOut,
}


@router.post(
    "/registry/{code}/revoke",
    response={200: StaffResultOut, **MANAGE_ERRORS},
    auth=MANAGE,
    summary="Staff: revoke a valid result",
)
def registry_revoke_api(request: HttpRequest, code: str, payload: RevokeIn) -> Status[object]:
    """Verification then answers "revoked" with the date and the reason's category (the note stays
    internal). Leaders of the signing unit or above and the province administrator only."""
    user = user_of(request)
    if (refused := staff_only(user)) is not None:
        return refused
    result = _staff_result(request, user, code)
    if result is None:
        return _not_found()
    try:
        result = result_revoke(result=result, actor=user, reason=payload.reason.value, note=payload.note)
    except ResultError as exc:
        return rule_error(exc)
    return Status(200, _staff_answer(request, user, result))


@router.post(
    "/registry/{code}/supersede",
    response={201: StaffResultOut, **MANAGE_ERRORS},
    auth=MANAGE,
    summary="Staff: re-issue a corrected result under a new code",
)
def registry_supersede_api(request: HttpRequest, code: str, payload: SupersedeIn) -> Status[object]:
    """Answers the new result (pending: it is signed in the background; once valid, the old one is
    superseded and its verification points to the new code)."""
    user = user_of(request)
    if (refused := staff_only(user)) is not None:
        return refused
    result = _staff_result(request, user, code)
    if result is None:
        return _not_found()
    try:
        new = result_supersede(
            result=result,
            actor=user,
            decision_note=payload.decision_note,
            title=payload.title,
            valid_until=payload.valid_until,
        )
    except ResultError as exc:
        return rule_error(exc)
    return Status(201, _staff_answer(request, user, new))
