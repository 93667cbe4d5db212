"""Counter intake with the data store: the applicant's stored documents offered per component, and the paper
dossier received in one go with its scans and the documents reused from the store.

Called by the back office's counter intake page and by the API (``POST /api/v1/counter/dossiers``), so both
apply the same rules:

- ``counter_intake_offers``: once the applicant's personal ID (or a business's tax code) is typed in, their
  valid stored documents for each component position of the procedure; the officer must be able to receive
  at ``point`` (a one-stop point of theirs), and with ``log`` the display is written to the person's access
  ledger ("Ai đã xem dữ liệu của tôi") with its purpose.
- ``counter_intake_receive``: every scan is checked (content, size, kind, page count against the paper
  original) *before* anything is created or stored, then in one transaction the dossier is received
  (``dossier_receive_at_counter``), the chosen stored documents attached (``wallet_reuse``) and the scans
  attached (``dossier_component_attach``). A refused scan or document leaves no dossier and no file behind. Both
work only at one of the officer's one-stop points (``counter_points_for``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.routing import can_receive_at
from motcua.catalogue.spec import ProcedureSpec
from motcua.core.validators import validate_cccd, validate_mst
from motcua.dossiers.errors import ActionNotAllowed, InvalidDossierInput
from motcua.dossiers.models import ApplicantKind, Channel, Dossier
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.selectors import counter_points_for
from motcua.dossiers.services import dossier_component_attach, dossier_receive_at_counter
from motcua.dossiers.services.components import dossier_uploads_check
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit

from ..errors import WalletError
from ..models import AccessKind, StoredDocument
from ..owners import Owner, owner_of
from ..selectors import wallet_offers_for_positions
from .ledger import ledger_record
from .reuse import wallet_reuse


def counter_applicant_owner(*, kind: str, personal_id: str = "", tax_code: str = "") -> Owner | None:
    """The applicant typed in at the counter as a data-store owner (a valid personal ID, or a valid tax code
    for a business), or None while the number is missing or invalid."""
    business = kind == ApplicantKind.BUSINESS
    key = ((tax_code if business else personal_id) or "").strip()
    try:
        (validate_mst if business else validate_cccd)(key)
    except ValidationError:
        return None
    return owner_of(kind or ApplicantKind.CITIZEN, key)


def _require_point(user: User, point: OrgUnit) -> None:
    """Only at one of the user's one-stop points (``counter_points_for``)."""
    if not counter_points_for(user=user).filter(pk=point.pk).exists():
        raise ActionNotAllowed(_("Bạn không tiếp nhận hồ sơ tại %(point)s."), point=point.name)


def counter_intake_offers(
    *, actor: User, owner: Owner | None, spec: ProcedureSpec, point: OrgUnit, log: bool
) -> dict[int, list[StoredDocument]]:
    """Component position (1-based) of ``spec`` → the owner's valid stored documents of its type.

    Refused (``ActionNotAllowed``, nothing read) when ``actor`` does not receive at ``point``. With ``log``
    the look-up is written to the owner's access ledger (only when there is an owner to look up)."""
    _require_point(actor, point)
    if owner is None:
        return {}
    types = {i: c.document_type for i, c in enumerate(spec.components, start=1)}
    offers = wallet_offers_for_positions(owner=owner, document_types=types)
    if log:
        ledger_record(
            subject_kind=owner.kind,
            subject_key=owner.key,
            kind=AccessKind.STORE_READ,
            actor=actor,
            purpose=_g("Tiếp nhận hồ sơ thủ tục “%(name)s”: đề xuất dùng lại giấy tờ đã có")
            % {"name": spec.name},
            unit=point,
            source="kho-du-lieu",
        )
    return offers


def _positions(spec: ProcedureSpec, *groups: Iterable[int]) -> None:
    known = set(range(1, len(spec.components) + 1))
    unknown = sorted({int(p) for group in groups for p in group} - known)
    if unknown:
        raise InvalidDossierInput(
            _("Thủ tục không có thành phần hồ sơ số %(positions)s."),
            code="component_unknown",
            positions=", ".join(str(p) for p in unknown),
        )


def counter_intake_receive(
    *,
    officer: User,
    receiving_point: OrgUnit,
    procedure_version: ProcedureVersion,
    applicant: CounterApplicant,
    provided_positions: Iterable[int],
    channel: str = Channel.COUNTER,
    note: str = "",
    scans: Mapping[int, Any] | None = None,
    scan_pages: Mapping[int, int] | None = None,
    reuses: Mapping[int, int] | None = None,
) -> Dossier:
    """Receive a paper dossier at the counter with its scans and reused stored documents.

    ``provided_positions``: the component positions handed in on paper; ``scans``: position → the upload
    of its scan, ``scan_pages``: position → the page count of its paper original; ``reuses``: position →
    the id of the applicant's stored document to use instead of a copy (a reused component counts as
    provided). Raises the dossier services' ``DossierError`` (``InvalidDossierInput`` for a bad scan,
    position or document); nothing is created or stored then.
    """
    scans, scan_pages, reuses = dict(scans or {}), dict(scan_pages or {}), dict(reuses or {})
    _require_point(officer, receiving_point)
    spec = procedure_spec(procedure_version)
    provided = [int(p) for p in provided_positions]
    _positions(spec, provided, scans, scan_pages, reuses)
    both = sorted(set(scans) & set(reuses))
    if both:
        raise InvalidDossierInput(
            _("Thành phần số %(positions)s đã chọn giấy tờ trong kho dữ liệu: không cần đính kèm bản quét."),
            code="scan_and_reuse",
            positions=", ".join(str(p) for p in both),
        )
    if not can_receive_at(receiving_point, listed=spec.receiving_points):
        raise InvalidDossierInput(
            _("Thủ tục này không tiếp nhận tại %(point)s."),
            code="receiving_point_not_allowed",
            point=receiving_point.name,
        )
    unpaged = sorted(p for p in scans if not scan_pages.get(p))
    if unpaged:
        raise InvalidDossierInput(
            _("Nhập số trang bản giấy của bản quét thành phần số %(positions)s."),
            code="scan_pages_required",
            positions=", ".join(str(p) for p in unpaged),
        )
    if scans:  # every scan checked before anything is created: a bad one leaves nothing behind
        dossier_uploads_check(actor=officer, files=scans, pages=scan_pages)
    with transaction.atomic():
        dossier = dossier_receive_at_counter(
            officer=officer,
            receiving_point=receiving_point,
            procedure_version=procedure_version,
            applicant=applicant,
            provided_positions=[*provided, *reuses],
            channel=channel,
            note=note,
        )
        by_position = {c.position: c.pk for c in dossier.components.all()}
        for position, document_id in reuses.items():
            try:
                wallet_reuse(
                    dossier=dossier,
                    actor=officer,
                    component_id=by_position[position],
                    document_id=document_id,
                )
            except WalletError as exc:
                raise InvalidDossierInput(exc.message, code=exc.code) from exc
        for position, upload in scans.items():
            dossier_component_attach(
                dossier=dossier,
                actor=officer,
                component_id=by_position[position],
                upload=upload,
                declared_pages=scan_pages.get(position),
            )
    return dossier
