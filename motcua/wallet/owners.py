"""Whose data store: a person by personal ID, a business by tax code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.accounts.models import AccountKind
from motcua.catalogue.choices import DocumentType
from motcua.dossiers.models import ApplicantKind, Dossier

from .models import OwnerKind

#: Document types never offered nor stored from a dossier (a form is filled in for each dossier).
NOT_REUSABLE = frozenset({DocumentType.NONE, DocumentType.TO_KHAI})


@dataclass(frozen=True)
class Owner:
    kind: str
    key: str
    name: str = ""


def reusable_type(document_type: str) -> bool:
    return bool(document_type) and document_type not in NOT_REUSABLE and document_type in DocumentType.values


def owner_of_user(user: Any) -> Owner | None:
    """The store a signed-in citizen or business account owns (None for staff or an account without ID)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.kind == AccountKind.CITIZEN and user.personal_id:
        return Owner(OwnerKind.PERSON, user.personal_id, user.full_name or "")
    if user.kind == AccountKind.BUSINESS and user.tax_code:
        return Owner(OwnerKind.BUSINESS, user.tax_code, user.full_name or "")
    return None


def owner_of_dossier(dossier: Dossier) -> Owner | None:
    """The applicant's store (personal ID of a citizen, tax code of a business), None when not known."""
    if dossier.applicant_kind == ApplicantKind.BUSINESS:
        key = dossier.applicant_tax_code
        kind = OwnerKind.BUSINESS
    else:
        key = dossier.applicant_personal_id
        kind = OwnerKind.PERSON
    return Owner(kind, key, dossier.applicant_name) if key else None


def owner_of(kind: str, key: str) -> Owner | None:
    """An applicant typed in at the counter: ``kind`` is the applicant kind (citizen / business)."""
    key = (key or "").strip()
    if not key:
        return None
    return Owner(OwnerKind.BUSINESS if kind == ApplicantKind.BUSINESS else OwnerKind.PERSON, key)
