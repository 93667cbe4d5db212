"""The access ledger's side in motcua: record staff reads of a dossier's personal data, and read the ledger
back for the person it is about ("Ai đã xem dữ liệu của tôi").

Writes go through ``motcua.wallet.services.ledger_record`` (one ``AccessEntry`` and one audit row in one
transaction); the selectors here only read ``AccessEntry``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, User
from motcua.dossiers.access import current_step, staff_scope
from motcua.dossiers.models import ApplicantKind, Dossier, DossierComponent
from motcua.org.models import OrgUnit
from motcua.wallet.models import AccessEntry, AccessKind, OwnerKind
from motcua.wallet.services import ledger_record


def dossier_subject(dossier: Dossier) -> tuple[str, str] | None:
    """Whose personal data the dossier holds: (subject kind, personal ID or tax code), or None."""
    if dossier.applicant_kind == ApplicantKind.BUSINESS and dossier.applicant_tax_code:
        return OwnerKind.BUSINESS, dossier.applicant_tax_code
    if dossier.applicant_personal_id:
        return OwnerKind.PERSON, dossier.applicant_personal_id
    if dossier.applicant_tax_code:
        return OwnerKind.BUSINESS, dossier.applicant_tax_code
    return None


def officer_unit_for(user: User, dossier: Dossier) -> OrgUnit | None:
    """The unit the officer works this dossier in: the open step's unit, else the resolving unit, else the
    receiving point — the first one the officer holds a role in; else any unit of theirs (e.g. an auditor)."""
    scope = staff_scope(user)
    step = current_step(dossier)
    candidates: list[OrgUnit] = []
    if step is not None:
        candidates.append(step.unit)
    candidates += [dossier.resolving_unit, dossier.receiving_point]
    for unit in candidates:
        if unit is not None and scope.roles_at(unit.pk):
            return unit
    if scope.roles_by_unit:
        return OrgUnit.objects.filter(pk__in=list(scope.roles_by_unit)).order_by("pk").first()
    return None


def officer_home_unit(user: User) -> OrgUnit | None:
    """The first unit the officer holds a role in (for a look-up not tied to a dossier)."""
    units = list(staff_scope(user).roles_by_unit)
    return OrgUnit.objects.filter(pk__in=units).order_by("pk").first() if units else None


def dossier_read_record(
    *, user: Any, dossier: Dossier, component: DossierComponent | None = None, via: str = ""
) -> AccessEntry | None:
    """Log that a staff user read the dossier (or one of its component files). Applicants reading their own
    dossier are not logged (they are the subject); a dossier without a personal ID / tax code neither."""
    if user is None or not getattr(user, "is_authenticated", False) or user.kind != AccountKind.STAFF:
        return None
    subject = dossier_subject(dossier)
    if subject is None:
        return None
    code = dossier.code or ""
    return ledger_record(
        subject_kind=subject[0],
        subject_key=subject[1],
        kind=AccessKind.DOCUMENT_READ if component is not None else AccessKind.DOSSIER_READ,
        actor=user,
        purpose=f"Giải quyết hồ sơ {code}".strip(),
        unit=officer_unit_for(user, dossier),
        dossier_code=code,
        source=(component.name[:200] if component is not None else via),
    )


# -- reading the ledger back ---------------------------------------------------------------------------


def ledger_subjects(user: Any) -> list[tuple[str, str]]:
    """The subjects a signed-in account may see the ledger of: its own personal ID and tax code, nothing
    else (never a key taken from the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    subjects: list[tuple[str, str]] = []
    if getattr(user, "personal_id", None):
        subjects.append((OwnerKind.PERSON, user.personal_id))
    if getattr(user, "tax_code", None):
        subjects.append((OwnerKind.BUSINESS, user.tax_code))
    return subjects


def ledger_entries_for(user: Any) -> QuerySet[AccessEntry]:
    """Every access entry about the user's own data, newest first."""
    subjects = ledger_subjects(user)
    if not subjects:
        return AccessEntry.objects.none()
    condition = Q()
    for kind, key in subjects:
        condition |= Q(subject_kind=kind, subject_key=key)
    return AccessEntry.objects.filter(condition).select_related("unit").order_by("-at", "-id")


CSV_HEADER = (
    _("Thời điểm"),
    _("Người truy cập"),
    _("Đơn vị"),
    _("Mã hồ sơ"),
    _("Mục đích"),
    _("Loại truy cập"),
    _("Nguồn dữ liệu"),
    _("Kết quả"),
    _("Dữ liệu của"),
    _("Số nhật ký"),
)
OUTCOME_LABELS = {"found": _("Tìm thấy"), "not_found": _("Không tìm thấy"), "error": _("Lỗi")}


def ledger_csv(entries: QuerySet[AccessEntry]) -> bytes:
    """The ledger as CSV for Excel: UTF-8 with a byte-order mark, comma-separated, local time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(label) for label in CSV_HEADER])
    kinds = dict(AccessKind.choices)
    for e in entries.iterator():
        writer.writerow(
            [
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"),
                e.actor_label,
                e.unit_name,
                e.dossier_code,
                e.purpose,
                str(kinds.get(e.kind, e.kind)),
                e.source,
                str(OUTCOME_LABELS.get(e.outcome, e.outcome)),
                e.subject_key,
                e.audit_seq or "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
