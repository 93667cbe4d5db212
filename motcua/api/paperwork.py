"""A dossier's files over HTTP: its components' files and its official forms (Circular 03/2025) as PDF.

Mounted at ``/api/v1/dossiers`` (``dossiers:read``); the dossier is found through the access rules, so one
the caller may not see is a 404.

- ``GET /{ref}/components/{component_id}/file``: the file of one component, streamed as an attachment
  with its real type (never inline). A staff member's read is written in the audit chain and in the
  applicant's access ledger, like the back office's download.
- ``GET /{ref}/forms``: the forms the dossier has at its stage; ``GET /{ref}/forms/{key}``: one of them as
  PDF. The applicant gets their copies (receipt 01, supplement request 02, refusal 03, apology 04, stop
  notice 05); staff also the process control sheet (06). 503 ``pdf_unavailable`` when this server cannot
  make PDFs (WeasyPrint missing).
"""

import mimetypes
from pathlib import PurePosixPath
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.accounts.models import AccountKind, User
from motcua.core.audit import audit_record
from motcua.core.blobs import blob_exists, blob_response
from motcua.documents.forms import render_form_pdf
from motcua.documents.pdf import PdfUnavailable, pdf_bytes_response
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.paperwork import FORM_TITLES, dossier_form_build, dossier_form_keys
from motcua.dossiers.portal_selectors import dossier_component_get, dossier_get_by_ref
from motcua.integrations.access import dossier_read_record

from .auth import api_auth, key_dossier_check
from .conventions import PDF_RESPONSE, ErrorOut, error, file_response, rule_error, user_of
from .schemas import Id

router = Router(auth=api_auth("dossiers:read"))

#: The forms an applicant receives a copy of (the control sheet is internal to the agencies).
APPLICANT_FORMS = ("receipt", "supplement", "refusal", "apology", "stop")


class FormOut(Schema):
    key: str = Field(description="receipt, supplement, refusal, apology, stop hoặc control")
    title: str
    url: str = Field(description="Đường dẫn tải bản PDF")


def _forms_for(user: User, dossier: Dossier) -> list[str]:
    keys = dossier_form_keys(dossier)
    return keys if user.kind == AccountKind.STAFF else [k for k in keys if k in APPLICANT_FORMS]


def _dossier(request: HttpRequest, user: User, ref: str) -> Dossier:
    """A dossier the caller may see (and within the units of the request's API key, if limited)."""
    dossier = dossier_get_by_ref(user=user, ref=ref)
    key_dossier_check(request, dossier)
    return dossier


@router.get(
    "/{ref}/components/{component_id}/file",
    response={404: ErrorOut},
    summary="Download the file of one component of a dossier (streamed)",
    openapi_extra=file_response(),
)
def component_file_api(request: HttpRequest, ref: str, component_id: Id) -> Any:
    user = user_of(request)
    try:
        dossier = _dossier(request, user, ref)
    except DossierError as exc:
        return rule_error(exc)
    component = dossier_component_get(dossier, component_id)
    stored = (component.file.name or "") if component is not None and component.file else ""
    if component is None or not stored or not blob_exists(stored):
        return error(404, "component_file_not_found", _("Giấy tờ này chưa có tệp."))
    if user.kind == AccountKind.STAFF:
        audit_record(
            action="dossier.component_read",
            actor=user,
            obj=dossier,
            data={"component": component.pk, "sha256": component.sha256, "via": "API"},
        )
        dossier_read_record(user=user, dossier=dossier, component=component)
    name = component.original_name or PurePosixPath(stored).name
    content_type = component.content_type or mimetypes.guess_type(stored)[0] or "application/octet-stream"
    response = blob_response(stored, filename=name, content_type=content_type)
    response["Content-Security-Policy"] = "sandbox"
    return response


@router.get(
    "/{ref}/forms",
    response={200: list[FormOut], 404: ErrorOut},
    summary="The official forms a dossier has at its stage",
)
def form_list_api(request: HttpRequest, ref: str) -> Status[object]:
    user = user_of(request)
    try:
        dossier = _dossier(request, user, ref)
    except DossierError as exc:
        return rule_error(exc)
    base = request.path.rstrip("/")
    return Status(
        200,
        [
            {"key": key, "title": str(FORM_TITLES[key]), "url": f"{base}/{key}"}
            for key in _forms_for(user, dossier)
        ],
    )


@router.get(
    "/{ref}/forms/{key}",
    response={404: ErrorOut, 503: ErrorOut},
    summary="One official form of a dossier as PDF",
    openapi_extra=PDF_RESPONSE,
)
def form_pdf_api(request: HttpRequest, ref: str, key: str) -> Any:
    """404 ``form_not_available`` when the dossier has not reached the stage of this form (or the form is
    not one the caller receives)."""
    user = user_of(request)
    try:
        dossier = _dossier(request, user, ref)
    except DossierError as exc:
        return rule_error(exc)
    form = dossier_form_build(dossier, key) if key in _forms_for(user, dossier) else None
    if form is None:
        return error(404, "form_not_available", _("Biểu mẫu này chưa có cho hồ sơ ở giai đoạn hiện tại."))
    try:
        pdf = render_form_pdf(form)
    except PdfUnavailable as exc:
        return error(503, "pdf_unavailable", exc.message)
    return pdf_bytes_response(pdf, filename=form.filename(), inline=False)
