"""Online application: create a draft, edit it, submit it to the receiving point's intake queue."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, User
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.routing import RoutingError, choose_resolving_unit
from motcua.org.models import OrgUnit

from ..codes import dossier_code_issue
from ..errors import ActionNotAllowed, InvalidDossierInput
from ..models import ApplicantKind, Channel, Dossier, DossierComponent, FeeStatus
from ..procedure import procedure_spec
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, transition


def _agency(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first() if code and code != "commune" else None


def resolve_units(
    *, version: ProcedureVersion, receiving_point: OrgUnit, applicant_commune: OrgUnit | None
) -> OrgUnit:
    spec = procedure_spec(version)
    if not receiving_point.has_one_stop:
        raise InvalidDossierInput(
            _("“%(unit)s” không phải là điểm tiếp nhận một cửa."),
            code="not_a_one_stop_point",
            unit=receiving_point.name,
        )
    try:
        return choose_resolving_unit(
            rule=spec.resolving_unit,
            agency=_agency(spec.agency),
            applicant_commune=applicant_commune,
            receiving_point=receiving_point,
        )
    except RoutingError as exc:
        raise InvalidDossierInput(exc.message, code=exc.code) from exc


def create_components(dossier: Dossier) -> None:
    spec = procedure_spec(dossier.procedure_version)
    DossierComponent.objects.bulk_create(
        DossierComponent(
            dossier=dossier,
            position=i,
            name=c.name,
            required=c.required,
            document_type=c.document_type,
            originals=c.originals,
            copies=c.copies,
        )
        for i, c in enumerate(spec.components, start=1)
    )


def fee_status_for(version: ProcedureVersion) -> str:
    return FeeStatus.UNPAID if any(f.amount > 0 for f in procedure_spec(version).fees) else FeeStatus.NONE


@transition
def dossier_create_draft(
    *,
    applicant: User,
    procedure_version: ProcedureVersion,
    receiving_point: OrgUnit,
    applicant_commune: OrgUnit | None = None,
    form_data: dict[str, Any] | None = None,
    address: str = "",
    representative_name: str = "",
    representative_personal_id: str = "",
) -> Dossier:
    """A citizen or business starts an online application (nothing is sent to the agency yet)."""
    if applicant.kind == AccountKind.STAFF:
        raise ActionNotAllowed(
            _("Cán bộ tiếp nhận hồ sơ tại quầy, không nộp trực tuyến bằng tài khoản cán bộ.")
        )
    spec = procedure_spec(procedure_version)
    if spec.online_level == "none":
        raise InvalidDossierInput(
            _("Thủ tục “%(name)s” chưa cung cấp dịch vụ nộp hồ sơ trực tuyến."),
            code="not_online",
            name=spec.name,
        )
    kind = ApplicantKind.BUSINESS if applicant.kind == AccountKind.BUSINESS else ApplicantKind.CITIZEN
    if kind not in spec.applicant_types:
        raise InvalidDossierInput(
            _("Thủ tục này không dành cho %(kind)s."),
            code="applicant_type_not_allowed",
            kind=str(kind.label).lower(),
        )
    resolving = resolve_units(
        version=procedure_version, receiving_point=receiving_point, applicant_commune=applicant_commune
    )
    dossier = Dossier.objects.create(
        procedure_version=procedure_version,
        channel=Channel.ONLINE,
        applicant=applicant,
        applicant_kind=kind,
        applicant_name=applicant.full_name,
        applicant_personal_id=applicant.personal_id or "",
        applicant_tax_code=applicant.tax_code or "",
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=address,
        applicant_commune=applicant_commune,
        representative_name=representative_name,
        representative_personal_id=representative_personal_id,
        receiving_point=receiving_point,
        resolving_unit=resolving,
        form_data=form_data or {},
        fee_status=fee_status_for(procedure_version),
    )
    create_components(dossier)
    return dossier


@transition
def dossier_update_draft(
    *, dossier: Dossier, applicant: User, form_data: dict[str, Any], address: str | None = None
) -> Dossier:
    if dossier.applicant_id != applicant.pk or dossier.status != DossierStatus.DRAFT:
        raise ActionNotAllowed(_("Chỉ sửa được hồ sơ nháp của chính bạn."))
    dossier.form_data = form_data
    if address is not None:
        dossier.applicant_address = address
    dossier.save(update_fields=["form_data", "applicant_address", "search_text"])
    return dossier


@transition
def dossier_submit(*, dossier: Dossier, applicant: User, expected_version: int | None = None) -> Dossier:
    """Send the draft to the receiving point: it gets its code and lands in the intake queue."""
    dossier = begin(dossier, actor=applicant, action=DossierAction.SUBMIT, expected_version=expected_version)
    missing = [c.name for c in dossier.components.all() if c.required and not c.provided]
    if missing:
        raise InvalidDossierInput(
            _("Còn thiếu giấy tờ bắt buộc: %(names)s."), code="components_missing", names="; ".join(missing)
        )
    moment = now()
    dossier.submitted_at = moment
    dossier.code = dossier_code_issue(unit=dossier.receiving_point, at=moment)
    commit_change(
        dossier,
        actor=applicant,
        action=DossierAction.SUBMIT,
        to_status=DossierStatus.AWAITING_INTAKE,
        unit_code=dossier.receiving_point.code,
        at=moment,
        fields=["submitted_at", "code"],
    )
    return dossier
