"""What the results services share: the holder of a dossier, the document type, scheduling the issue."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalogue.choices import DocumentType
from motcua.core.blobs import Blob
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.dossiers.procedure import procedure_spec

from ..codes import new_code
from ..models import HolderKind, IssuedResult

GENERIC_TYPE = DocumentType.KET_QUA_TTHC.value


def holder_of(dossier: Dossier) -> tuple[str, str, str]:
    """(kind, key, name) of the person or business the result is issued to."""
    if dossier.applicant_kind == ApplicantKind.BUSINESS and dossier.applicant_tax_code:
        return HolderKind.BUSINESS, dossier.applicant_tax_code, dossier.applicant_name
    if dossier.applicant_personal_id:
        return HolderKind.PERSON, dossier.applicant_personal_id, dossier.applicant_name
    if dossier.applicant_tax_code:
        return HolderKind.BUSINESS, dossier.applicant_tax_code, dossier.applicant_name
    kind = HolderKind.BUSINESS if dossier.applicant_kind == ApplicantKind.BUSINESS else HolderKind.PERSON
    return kind, "", dossier.applicant_name


def result_document_type(dossier: Dossier) -> str:
    spec = procedure_spec(dossier.procedure_version)
    value = getattr(spec, "result_document_type", "") or ""
    return value if value in DocumentType.values and value else GENERIC_TYPE


def new_result(dossier: Dossier, *, kind: str, issued_by: Any, **fields: Any) -> IssuedResult:
    """An unsaved ``IssuedResult`` of ``dossier`` with what every result takes from it: a new code, the
    holder, the document type, the procedure's result name, the decision note and the signing unit."""
    spec = procedure_spec(dossier.procedure_version)
    holder_kind, holder_key, holder_name = holder_of(dossier)
    return IssuedResult(
        code=new_code(),
        dossier=dossier,
        holder_kind=holder_kind,
        holder_key=holder_key,
        holder_name=holder_name,
        document_type=result_document_type(dossier),
        title=spec.result_name or spec.name,
        kind=kind,
        decision_note=dossier.decision_note,
        signer_unit=dossier.resolving_unit or dossier.receiving_point,
        issued_by=issued_by,
        **fields,
    )


def schedule_issue(result_id: int) -> None:
    """Issue the result in the background once the current transaction commits."""

    def enqueue() -> None:
        from ..tasks import issue_result

        issue_result.enqueue(result_id)

    transaction.on_commit(enqueue)


def file_in_store(result: IssuedResult, blob: Blob) -> None:
    """Put the signed result into the holder's data store (motcua.wallet)."""
    if not result.holder_key:
        return
    from motcua.wallet.services import document_store

    issued_on = timezone.localdate(result.issued_at) if result.issued_at else None
    document_store(
        owner_kind=result.holder_kind,
        owner_key=result.holder_key,
        owner_name=result.holder_name,
        document_type=result.document_type,
        title=result.title,
        blob=blob,
        original_name=result.filename,
        content_type="application/pdf",
        page_count=result.page_count,
        origin="result",
        number=result.code,
        issuer=result.signer_unit.name,
        issued_on=issued_on,
        expires_on=result.valid_until
        if result.valid_until and issued_on and result.valid_until >= issued_on
        else None,
        source_dossier=result.dossier,
        result_code=result.code,
        actor=result.issued_by,
    )
