"""The citizen's data store (kho dữ liệu) over HTTP, like ``/kho-du-lieu/`` and ``/ai-da-xem-du-lieu/``.

``router`` (mounted at ``/api/v1/wallet``): the signed-in citizen's (personal ID) or business's (tax code)
own documents — list, one, the file (streamed), add (multipart), remove — and the access ledger (who read
their data, when, why). Nothing in a URL chooses whose store: another person's document is a 404.

``reuse_router`` (mounted at ``/api/v1/dossiers``): the applicant's stored documents a dossier's components
may reuse, and reusing one (no upload; the applicant on their draft or requested supplement, or the
one-stop officer at intake — the attach rules of the dossier services decide). Staff see the offers only at
intake, and each look is written in the applicant's access ledger.

Reading uses ``dossiers:read``; changing ``dossiers:apply`` (the store serves applications).
Errors are ``{code, message}``: 403 not removable / not allowed now, 404 not found or not visible, 422 bad
input or file (the upload check's codes: ``upload_*``), 409 wrong dossier state.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.catalogue.choices import DocumentType
from motcua.core.blobs import blob_exists, blob_response
from motcua.dossiers.errors import DossierError
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.integrations.access import OUTCOME_LABELS, ledger_entries_for
from motcua.wallet.errors import WalletError
from motcua.wallet.models import AccessEntry, AccessKind, DocumentOrigin, StoredDocument
from motcua.wallet.owners import owner_of_user
from motcua.wallet.selectors import validity, wallet_document_get, wallet_documents, wallet_uses
from motcua.wallet.services import wallet_offers_show, wallet_remove, wallet_reuse, wallet_upload

from .auth import api_auth, key_dossier_check
from .conventions import ApiIn, ErrorOut, PageHook, error, file_response, rule_error, user_of
from .dossiers import ComponentOut, _component
from .schemas import Id, PageNumberPagination

router = Router()
reuse_router = Router()

READ = api_auth("dossiers:read")
WRITE = api_auth("dossiers:apply")


def _validity_label(state: str) -> str:
    labels = {
        "valid": _("Còn hiệu lực"),
        "expiring": _("Sắp hết hạn"),
        "expired": _("Đã hết hạn"),
        "withdrawn": _("Đã bị thu hồi hoặc thay thế"),
    }
    return labels[state]


# -- output --------------------------------------------------------------------------------------------


class UseOut(Schema):
    dossier_code: str
    procedure_name: str
    used_at: dt.datetime | None
    kind: str = Field(description="source (hồ sơ lấy ra giấy tờ này) hoặc reused (hồ sơ đã dùng lại)")


class DocumentOut(Schema):
    id: int
    document_type: str
    document_type_label: str
    title: str
    number: str
    issuer: str
    issued_on: dt.date | None
    expires_on: dt.date | None = Field(description="Có giá trị đến; null: không thời hạn")
    validity: str = Field(description="valid, expiring (trong 30 ngày), expired hoặc withdrawn")
    validity_label: str
    origin: DocumentOrigin
    origin_label: str
    removable: bool = Field(description="Người dùng tự gỡ được (kết quả, dữ liệu CSDL quốc gia thì không)")
    has_file: bool
    content_type: str
    size: int = Field(description="Byte")
    page_count: int
    result_code: str = Field(description="Mã kết quả đã cấp, khi giấy tờ là kết quả giải quyết TTHC")
    created_at: dt.datetime
    uses: list[UseOut] = Field(description="Hồ sơ nguồn và các hồ sơ đã dùng lại giấy tờ này")


class OfferOut(Schema):
    component_id: int
    component_name: str
    documents: list[DocumentOut]


class AccessEntryOut(Schema):
    at: dt.datetime
    actor: str
    unit_name: str
    dossier_code: str
    purpose: str
    kind: str
    kind_label: str
    source: str
    outcome: str
    outcome_label: str
    audit_seq: int | None = Field(description="Số thứ tự trong nhật ký kiểm toán (chuỗi băm)")


class RemovedOut(Schema):
    id: int
    removed_at: dt.datetime


# -- input ---------------------------------------------------------------------------------------------


class DocumentFilter(Schema):
    document_type: str | None = Field(None, max_length=40, description="Chỉ giấy tờ loại này")
    validity: str | None = Field(None, pattern="^(valid|expiring|expired|withdrawn)$", description="Hiệu lực")


class UploadIn(ApiIn):
    document_type: str = Field(max_length=40, description="Loại giấy tờ trong danh mục (không nhận TO_KHAI)")
    title: str = Field("", max_length=500, description="Để trống: dùng tên loại giấy tờ")
    number: str = Field("", max_length=100)
    issuer: str = Field("", max_length=255)
    issued_on: dt.date | None = None
    expires_on: dt.date | None = Field(None, description="Để trống nếu giấy tờ không có thời hạn")


class ReuseIn(ApiIn):
    document_id: Id = Field(description="Giấy tờ trong kho dữ liệu của người nộp hồ sơ")


# -- helpers -------------------------------------------------------------------------------------------


def _documents(documents: Sequence[StoredDocument]) -> list[dict[str, Any]]:
    """The rows of ``DocumentOut``, their uses read for all of them at once."""
    uses = wallet_uses(documents)
    today = timezone.localdate()
    types = dict(DocumentType.choices)
    out = []
    for d in documents:
        state = validity(d, on=today)
        out.append(
            {
                "id": d.pk,
                "document_type": d.document_type,
                "document_type_label": str(types.get(d.document_type, d.document_type)),
                "title": d.title,
                "number": d.number,
                "issuer": d.issuer,
                "issued_on": d.issued_on,
                "expires_on": d.expires_on,
                "validity": state,
                "validity_label": _validity_label(state),
                "origin": d.origin,
                "origin_label": str(DocumentOrigin(d.origin).label),
                "removable": d.removable,
                "has_file": bool(d.file),
                "content_type": d.content_type,
                "size": d.size,
                "page_count": d.page_count,
                "result_code": d.result_code,
                "created_at": d.created_at,
                "uses": [
                    {
                        "dossier_code": u.code,
                        "procedure_name": u.procedure,
                        "used_at": u.used_at,
                        "kind": u.kind,
                    }
                    for u in uses.get(d.pk, [])
                ],
            }
        )
    return out


def _not_found() -> Status[object]:
    return error(404, "wallet_document_not_found", _("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))


def _own(user: User, pk: int) -> StoredDocument | None:
    owner = owner_of_user(user)
    return wallet_document_get(owner=owner, pk=pk) if owner is not None else None


def _entry(e: AccessEntry) -> dict[str, Any]:
    return {
        "at": e.at,
        "actor": e.actor_label,
        "unit_name": e.unit_name,
        "dossier_code": e.dossier_code,
        "purpose": e.purpose,
        "kind": e.kind,
        "kind_label": str(AccessKind(e.kind).label) if e.kind in AccessKind.values else e.kind,
        "source": e.source,
        "outcome": e.outcome,
        "outcome_label": str(OUTCOME_LABELS.get(e.outcome, e.outcome)),
        "audit_seq": e.audit_seq,
    }


# -- the holder's store --------------------------------------------------------------------------------


@router.get("/documents", response=list[DocumentOut], auth=READ, summary="My data store: my documents")
@paginate(PageNumberPagination, page_size=50)
def wallet_list_api(request: HttpRequest, filters: Query[DocumentFilter]) -> Any:
    """By document type, newest first, each with its validity and the dossiers that used it. Staff and
    accounts without a personal ID or tax code have an empty store."""
    owner = owner_of_user(user_of(request))
    if owner is None:
        return []
    rows = wallet_documents(owner=owner)
    if filters.document_type:
        rows = rows.filter(document_type=filters.document_type)
    if filters.validity:
        # Validity is computed, not stored: filter after the read (a store holds tens of documents).
        return [row for row in _documents(list(rows)) if row["validity"] == filters.validity]
    return PageHook(rows, _documents)


@router.post(
    "/documents",
    response={201: DocumentOut, 422: ErrorOut},
    auth=WRITE,
    summary="Add a document to my data store (multipart: the fields and `file`)",
)
def wallet_upload_api(
    request: HttpRequest, payload: Form[UploadIn], file: File[UploadedFile]
) -> Status[object]:
    """PDF, JPEG or PNG, checked by content; refused files leave nothing behind (422 ``upload_*``)."""
    try:
        document = wallet_upload(
            actor=user_of(request),
            document_type=payload.document_type,
            title=payload.title,
            file=file,
            number=payload.number,
            issuer=payload.issuer,
            issued_on=payload.issued_on,
            expires_on=payload.expires_on,
        )
    except WalletError as exc:
        return rule_error(exc)
    return Status(201, _documents([document])[0])


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, 404: ErrorOut},
    auth=READ,
    summary="One document of my data store",
)
def wallet_get_api(request: HttpRequest, document_id: Id) -> Status[object]:
    document = _own(user_of(request), document_id)
    return Status(200, _documents([document])[0]) if document is not None else _not_found()


@router.get(
    "/documents/{document_id}/file",
    response={404: ErrorOut},
    auth=READ,
    summary="Download one of my documents (streamed, as an attachment)",
    openapi_extra=file_response(),
)
def wallet_file_api(request: HttpRequest, document_id: Id) -> Any:
    document = _own(user_of(request), document_id)
    if document is None or not document.file or not blob_exists(document.file):
        return _not_found()
    extension = document.file.rsplit(".", 1)[-1]
    name = document.original_name or f"{document.title}.{extension}"
    return blob_response(
        document.file, filename=name, content_type=document.content_type or "application/octet-stream"
    )


@router.delete(
    "/documents/{document_id}",
    response={200: RemovedOut, 403: ErrorOut, 404: ErrorOut},
    auth=WRITE,
    summary="Remove a document from my data store",
)
def wallet_remove_api(request: HttpRequest, document_id: Id) -> Status[object]:
    """Own uploads and submitted copies only: issued results, national registry data and counter scans
    stay (403 ``wallet_document_not_removable``). The file stays for the dossiers that used it."""
    try:
        document = wallet_remove(actor=user_of(request), document_id=document_id)
    except WalletError as exc:
        return rule_error(exc)
    return Status(200, {"id": document.pk, "removed_at": document.removed_at})


@router.get(
    "/access-log", response=list[AccessEntryOut], auth=READ, summary="Who read my data (access ledger)"
)
@paginate(PageNumberPagination, page_size=25)
def wallet_access_log_api(request: HttpRequest) -> Any:
    """Every read of the caller's own data — staff opening their dossiers and files, their data store,
    national registry look-ups — newest first, with who, which unit, which dossier and why."""
    return PageHook(ledger_entries_for(user_of(request)), lambda page: [_entry(e) for e in page])


# -- reuse in a dossier --------------------------------------------------------------------------------


@reuse_router.get(
    "/{ref}/reuse-offers",
    response={200: list[OfferOut], 404: ErrorOut},
    auth=READ,
    summary="Documents of the applicant's data store each component may reuse",
)
def reuse_offers_api(request: HttpRequest, ref: str) -> Status[object]:
    """Valid documents of the component's type, with a file. Only components that have offers are listed;
    nothing for a staff member outside intake. A staff member's look is written in the applicant's ledger."""
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
    except DossierError as exc:
        return rule_error(exc)
    offers = wallet_offers_show(dossier=dossier, viewer=user) or {}
    names = dict(dossier.components.values_list("pk", "name"))
    return Status(
        200,
        [
            {"component_id": pk, "component_name": names.get(pk, ""), "documents": _documents(documents)}
            for pk, documents in sorted(offers.items())
        ],
    )


@reuse_router.post(
    "/{ref}/components/{component_id}/reuse",
    response={200: ComponentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=WRITE,
    summary="Provide a component with a document of the applicant's data store (no upload)",
)
def reuse_api(request: HttpRequest, ref: str, component_id: Id, payload: ReuseIn) -> Status[object]:
    """The document must be the applicant's, of the component's type, valid today and have a file
    (422 ``wallet_document_wrong_type`` / ``wallet_document_expired`` / ``wallet_document_no_file``)."""
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        component = wallet_reuse(
            dossier=dossier, actor=user, component_id=component_id, document_id=payload.document_id
        )
    except (WalletError, DossierError) as exc:
        return rule_error(exc)
    return Status(200, _component(component))
