"""Intake at the one-stop point: receive (issuing the code and the appointment), or refuse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.engine.deadlines import deemed_receipt
from motcua.catalogue.models import ProcedureVersion
from motcua.core.validators import normalize_phone, validate_cccd, validate_mst
from motcua.org.models import OrgUnit

from ..access import dossier_require
from ..announce import announce
from ..codes import dossier_code_issue
from ..errors import ActionNotAllowed, InvalidDossierInput
from ..models import ApplicantKind, Channel, ComponentOrigin, Dossier, DossierComponent
from ..procedure import calendar_for, deadline_rules, dossier_due, procedure_spec
from ..process import is_receiving_step
from ..status import DossierAction, DossierStatus
from .apply import create_components, fee_status_for, resolve_units
from .common import begin, commit_change, now, open_step, require_text, transition
from .steps import open_new_step


def _check_components(dossier: Dossier, checked_ids: Iterable[int] | None) -> list[DossierComponent]:
    """The officer ticks each component as checked; every required one must be provided and ticked."""
    components = list(dossier.components.all())
    checked = {int(i) for i in (checked_ids or [])}
    unknown = checked - {c.pk for c in components}
    if unknown:
        raise InvalidDossierInput(
            _("Danh sách kiểm tra có giấy tờ không thuộc hồ sơ."), code="component_unknown"
        )
    missing = [c.name for c in components if c.required and (c.pk not in checked or not c.provided)]
    if missing:
        raise InvalidDossierInput(
            _(
                "Chưa đủ giấy tờ bắt buộc để tiếp nhận: %(names)s. Hãy yêu cầu bổ sung hoặc từ chối tiếp nhận."
            ),
            code="components_missing",
            names="; ".join(missing),
        )
    DossierComponent.objects.filter(pk__in=checked).update(checked=True)
    return components


def _start_clock(dossier: Dossier, *, officer: User, at: Any) -> None:
    spec = procedure_spec(dossier.procedure_version)
    cal = calendar_for(dossier.resolving_unit)
    dossier.received_at = at
    dossier.deemed_received_at = deemed_receipt(cal, at, cutoff=deadline_rules(spec).deemed_cutoff)
    dossier.due_at = dossier.original_due_at = dossier_due(
        spec=spec, unit=dossier.resolving_unit, received_at=at, pauses=dossier.pauses()
    )
    if dossier.code is None:
        dossier.code = dossier_code_issue(unit=dossier.receiving_point, at=at)
    first = spec.process.steps[0] if spec.process.steps else None
    if is_receiving_step(first):
        if first is None:
            raise InvalidDossierInput(
                _("Quy trình của thủ tục không có bước này."), code="process_step_missing"
            )
        step = open_new_step(dossier, first, started_at=at)
        step.assignee = officer
        step.save(update_fields=["assignee"])


def _open_step_code(dossier: Dossier) -> str:
    step = open_step(dossier)  # remembered when the receipt opened it
    return step.step_code if step is not None else ""


def component_summary(components: Iterable[DossierComponent]) -> dict[str, int]:
    """How the components stood at intake, recorded in the receive event for the scorecard (766 group 4)."""
    items = list(components)
    return {
        "total": len(items),
        "digitised": sum(c.digitised for c in items),
        "reused": sum(c.origin == ComponentOrigin.REUSED for c in items),
        "from_store": sum(c.origin == ComponentOrigin.REGISTRY for c in items),
    }


@transition
def dossier_receive(
    *, dossier: Dossier, officer: User, checked_component_ids: Iterable[int], note: str = "",
    expected_version: int | None = None,
) -> Dossier:  # fmt: skip
    """Receive an online dossier: check its components, issue the appointment from the calendar."""
    dossier = begin(dossier, actor=officer, action=DossierAction.RECEIVE, expected_version=expected_version)
    components = _check_components(dossier, checked_component_ids)
    moment = now()
    _start_clock(dossier, officer=officer, at=moment)
    commit_change(
        dossier,
        actor=officer,
        action=DossierAction.RECEIVE,
        to_status=DossierStatus.RECEIVED,
        to_step=_open_step_code(dossier),
        unit_code=dossier.receiving_point.code,
        note=note,
        at=moment,
        fields=["received_at", "deemed_received_at", "due_at", "original_due_at", "code"],
        data={
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "components": component_summary(components),
        },
    )
    announce(dossier, "dossier.received", due_at=dossier.due_at, received_at=moment)
    return dossier


@dataclass(frozen=True)
class CounterApplicant:
    """Who applies at the counter (validated here; the officer may look them up first)."""

    kind: str
    name: str
    personal_id: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    account: User | None = None
    commune: OrgUnit | None = None


def _validated(applicant: CounterApplicant) -> dict[str, Any]:
    name = require_text(applicant.name, field="applicant_name", message=_("Cần nhập tên người nộp hồ sơ."))
    try:
        if applicant.kind == ApplicantKind.CITIZEN:
            validate_cccd(applicant.personal_id)
        elif applicant.kind == ApplicantKind.BUSINESS:
            validate_mst(applicant.tax_code)
        else:
            raise InvalidDossierInput(_("Loại người nộp không hợp lệ."), code="applicant_kind_invalid")
        phone = normalize_phone(applicant.phone) if applicant.phone else ""
    except ValidationError as exc:
        raise InvalidDossierInput(exc.messages[0], code=exc.code or "applicant_invalid") from exc
    return {
        "applicant": applicant.account,
        "applicant_kind": applicant.kind,
        "applicant_name": name,
        "applicant_personal_id": applicant.personal_id if applicant.kind == ApplicantKind.CITIZEN else "",
        "applicant_tax_code": applicant.tax_code if applicant.kind == ApplicantKind.BUSINESS else "",
        "applicant_phone": phone,
        "applicant_email": applicant.email,
        "applicant_address": applicant.address,
        "applicant_commune": applicant.commune,
    }


@transition
def dossier_receive_at_counter(
    *,
    officer: User,
    receiving_point: OrgUnit,
    procedure_version: ProcedureVersion,
    applicant: CounterApplicant,
    provided_positions: Iterable[int],
    channel: str = Channel.COUNTER,
    form_data: dict[str, Any] | None = None,
    note: str = "",
) -> Dossier:
    """Receive a paper dossier at any one-stop point: create it, check the components, issue the receipt.

    ``provided_positions`` are the positions (1-based) of the procedure's components the applicant handed
    in; each is recorded as a paper component until its scan is uploaded (``dossier_component_attach``).
    """
    spec = procedure_spec(procedure_version)
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise InvalidDossierInput(
            _("Kênh nộp tại quầy phải là trực tiếp hoặc bưu chính."), code="channel_invalid"
        )
    if applicant.kind not in spec.applicant_types:
        raise InvalidDossierInput(
            _("Thủ tục này không dành cho loại người nộp đã chọn."), code="applicant_type_not_allowed"
        )
    resolving = resolve_units(
        version=procedure_version, receiving_point=receiving_point, applicant_commune=applicant.commune
    )
    dossier = Dossier(
        procedure_version=procedure_version,
        channel=channel,
        receiving_point=receiving_point,
        resolving_unit=resolving,
        form_data=form_data or {},
        fee_status=fee_status_for(procedure_version),
        **_validated(applicant),
    )
    dossier_require(officer, dossier, DossierAction.RECEIVE)
    if dossier.applicant_id is None and not officer.is_authenticated:
        raise ActionNotAllowed(_("Cần đăng nhập."))
    moment = now()
    dossier.submitted_at = moment
    dossier.code = dossier_code_issue(unit=receiving_point, at=moment)
    dossier.status = DossierStatus.DRAFT
    dossier.save()
    create_components(dossier)
    provided = set(provided_positions)
    dossier.components.filter(position__in=provided).update(origin=ComponentOrigin.PAPER)
    ids = list(dossier.components.filter(position__in=provided).values_list("pk", flat=True))
    components = _check_components(dossier, ids)
    _start_clock(dossier, officer=officer, at=moment)
    commit_change(
        dossier,
        actor=officer,
        action=DossierAction.RECEIVE,
        to_status=DossierStatus.RECEIVED,
        to_step=_open_step_code(dossier),
        unit_code=receiving_point.code,
        note=note,
        at=moment,
        fields=["received_at", "deemed_received_at", "due_at", "original_due_at", "code", "submitted_at"],
        data={
            "channel": channel,
            "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
            "components": component_summary(components),
        },
    )
    announce(dossier, "dossier.received", due_at=dossier.due_at, received_at=moment)
    return dossier


@transition
def dossier_refuse(
    *, dossier: Dossier, officer: User, reason: str, expected_version: int | None = None
) -> Dossier:
    """Refuse an online dossier at intake, with the reason (form 03)."""
    dossier = begin(dossier, actor=officer, action=DossierAction.REFUSE, expected_version=expected_version)
    dossier.closing_reason = require_text(
        reason, field="reason", message=_("Cần ghi rõ lý do từ chối tiếp nhận.")
    )
    moment = now()
    dossier.finished_at = moment
    commit_change(
        dossier,
        actor=officer,
        action=DossierAction.REFUSE,
        to_status=DossierStatus.REFUSED,
        unit_code=dossier.receiving_point.code,
        note=dossier.closing_reason,
        at=moment,
        fields=["closing_reason", "finished_at"],
    )
    announce(dossier, "dossier.refused", reason=dossier.closing_reason)
    return dossier
