"""The official forms of a dossier (Circular 03/2025 Appendix I), filled from its data.

Each builder returns a ``motcua.documents.forms`` dataclass; the edges render it as PDF or as a printable
page. ``dossier_forms_available`` says which forms exist for a dossier at its current stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from motcua.calendar.engine.deadlines import Outcome as StepOutcomeKind
from motcua.core.validators import phone_display
from motcua.documents.forms import (
    ApologyForm,
    Applicant,
    ComponentLine,
    ControlSheetForm,
    Handover,
    Issuer,
    LedgerRow,
    OfficialForm,
    Outcome,
    ReceiptForm,
    RefusalForm,
    StopNoticeForm,
    SupplementItem,
    SupplementRequestForm,
    TrackingLedgerForm,
)
from motcua.org.models import OrgUnit

from .announce import status_url
from .models import Channel, Dossier, DossierEvent, DossierPause, PauseKind
from .procedure import legal_limit, procedure_spec, supplement_deadline
from .status import DossierAction, DossierStatus

OUTCOMES: dict[str, Outcome] = {
    StepOutcomeKind.EARLY: Outcome.EARLY,
    StepOutcomeKind.ON_TIME: Outcome.ON_TIME,
    StepOutcomeKind.LATE: Outcome.LATE,
}


class FormNotAvailable(ValueError):
    """The dossier has not reached the stage at which this form exists."""


FORM_TITLES = {
    "receipt": _lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)"),
    "supplement": _lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"),
    "refusal": _lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"),
    "apology": _lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"),
    "stop": _lazy("Thông báo dừng giải quyết hồ sơ (Mẫu 05)"),
    "control": _lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)"),
}


def _issuer(unit: OrgUnit) -> Issuer:
    parent = unit.parent.name.upper() if unit.parent_id and unit.parent else ""
    return Issuer(name=unit.name, parent=parent, place="Thanh Hóa")


def _applicant(d: Dossier) -> Applicant:
    return Applicant(
        name=d.applicant_name,
        address=d.applicant_address,
        phone=phone_display(d.applicant_phone),
        email=d.applicant_email,
        id_number=d.applicant_personal_id or d.applicant_tax_code,
        representative=d.representative_name,
    )


def _request(d: Dossier) -> str:
    return procedure_spec(d.procedure_version).name


def receipt_form(d: Dossier) -> ReceiptForm:
    if not (d.received_at is not None and d.original_due_at is not None and d.code):
        raise FormNotAvailable
    spec = procedure_spec(d.procedure_version)
    fee = sum(f.amount for f in spec.fees) or None
    return ReceiptForm(
        issuer=_issuer(d.receiving_point),
        issued_on=timezone.localdate(d.received_at),
        dossier_code=d.code,
        applicant=_applicant(d),
        request=spec.name,
        received_at=d.received_at,
        due_at=d.original_due_at,  # the appointment given at receipt; an apology issues form 04
        processing_time=str(legal_limit(spec)),
        components=tuple(
            ComponentLine(
                name=c.name,
                quantity=max(1, c.originals + c.copies),
                pages=c.page_count or None,
                note=str(c.get_origin_display()) if c.origin else "",
            )
            for c in d.components.all()
            if c.provided
        ),
        receiving_point=d.receiving_point.name,
        channel=str(Channel(d.channel).label),
        fee_vnd=fee,
        status_url=status_url(d),
    )


def _pause(d: Dossier, kind: str) -> DossierPause | None:
    return d.pause_set.filter(kind=kind).order_by("-started_at").first()


def supplement_form(d: Dossier) -> SupplementRequestForm:
    pause = _pause(d, PauseKind.SUPPLEMENT)
    if not (pause is not None and d.code):
        raise FormNotAvailable
    return SupplementRequestForm(
        issuer=_issuer(d.receiving_point),
        issued_on=timezone.localdate(pause.started_at),
        dossier_code=d.code,
        applicant=_applicant(d),
        request=_request(d),
        items=tuple(SupplementItem(name=str(item)) for item in pause.items),
        received_at=d.received_at or d.submitted_at,
        reason=pause.reason,
        contact_unit=d.receiving_point.name,
        deadline=timezone.localdate(
            supplement_deadline(requested_at=pause.started_at, unit=d.resolving_unit)
        ),
    )


def refusal_form(d: Dossier) -> RefusalForm:
    return RefusalForm(
        issuer=_issuer(d.receiving_point),
        issued_on=timezone.localdate(d.finished_at) if d.finished_at else None,
        applicant=_applicant(d),
        request=_request(d),
        reasons=tuple(line.strip() for line in d.closing_reason.splitlines() if line.strip()),
        dossier_code=d.code or "",
        received_at=d.submitted_at,
        receiving_point=d.receiving_point.name,
    )


def apology_form(d: Dossier) -> ApologyForm:
    event = d.events.filter(action=DossierAction.APOLOGISE).order_by("-seq").first()
    if not (event is not None and d.code and d.received_at and d.original_due_at and d.due_at):
        raise FormNotAvailable
    return ApologyForm(
        issuer=_issuer(d.resolving_unit),
        issued_on=timezone.localdate(event.occurred_at),
        dossier_code=d.code,
        applicant=_applicant(d),
        request=_request(d),
        received_at=d.received_at,
        original_due_at=d.original_due_at,
        new_due_at=d.due_at,
        reason=event.note,
        processing_unit=d.resolving_unit.name,
        recipients=(d.receiving_point.name,),
    )


def stop_form(d: Dossier) -> StopNoticeForm:
    if not (d.code and d.finished_at):
        raise FormNotAvailable
    return StopNoticeForm(
        issuer=_issuer(d.resolving_unit),
        issued_on=timezone.localdate(d.finished_at),
        dossier_code=d.code,
        applicant=_applicant(d),
        request=_request(d),
        received_at=d.received_at or d.submitted_at or d.finished_at,
        requested_at=d.finished_at,
        reason=d.closing_reason or _("Theo đề nghị của tổ chức, cá nhân"),
        processing_unit=d.resolving_unit.name,
        recipients=(d.receiving_point.name,),
    )


def control_sheet(d: Dossier) -> ControlSheetForm:
    """Form 06: one row per hand-over, with giver, receiver, times and early / on time / late."""
    steps = list(d.steps.select_related("unit", "assignee", "handed_over_by", "finished_by").order_by("seq"))
    rows = []
    for previous, step in zip([None, *steps], steps, strict=False):
        if previous is None:  # the first hand-over: from the applicant to the one-stop point
            giver_unit, giver_person, handed_over_at = (
                d.receiving_point.name,
                d.applicant_name,
                step.started_at,
            )
        else:
            giver_unit = previous.unit.name
            giver_person = step.handed_over_by.get_full_name() if step.handed_over_by else ""
            handed_over_at = previous.finished_at or step.started_at
        rows.append(
            Handover(
                giver_unit=giver_unit,
                giver_person=giver_person,
                receiver_unit=step.unit.name,
                receiver_person=step.assignee.get_full_name() if step.assignee else "",
                handed_over_at=handed_over_at,
                received_at=step.started_at,
                outcome=OUTCOMES.get(step.outcome),
                note=step.name + (f" ({step.get_handover_mode_display()})" if step.inter_agency else ""),
            )
        )
    inter = sorted({s.unit.name for s in steps if s.inter_agency})
    return ControlSheetForm(
        issuer=_issuer(d.receiving_point),
        issued_on=timezone.localdate(),
        dossier_code=d.code or "",
        applicant_name=d.applicant_name,
        resolving_unit=d.resolving_unit.name,
        handovers=tuple(rows),
        request=_request(d),
        received_at=d.received_at,
        due_at=d.due_at,
        coordinating_units=tuple(inter),
    )


def ledger_dossiers(
    *, point: OrgUnit, dossiers: QuerySet[Dossier], start: dt.date, end: dt.date
) -> QuerySet[Dossier]:
    """The dossiers of form 07: received at ``point`` in [start, end] (local days), oldest first
    (``dossiers`` already access-checked)."""
    return (
        dossiers.filter(receiving_point=point, received_at__date__gte=start, received_at__date__lte=end)
        .select_related("procedure_version", "resolving_unit")
        .order_by("received_at", "pk")
    )


def ledger_rows(dossiers: Iterable[Dossier]) -> list[LedgerRow]:
    """One ``LedgerRow`` per received dossier (one query for the moments they were transferred)."""
    items = list(dossiers)
    routed: dict[int, dt.datetime] = {}
    for dossier_id, at in (
        DossierEvent.objects.filter(dossier__in=[d.pk for d in items], action=DossierAction.ROUTE)
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "occurred_at")
    ):
        routed.setdefault(dossier_id, at)
    rows = []
    for d in items:
        if d.received_at is None:
            raise FormNotAvailable
        rows.append(
            LedgerRow(
                dossier_code=d.code or "",
                request=_request(d),
                applicant_name=d.applicant_name,
                received_at=d.received_at,
                applicant_address=d.applicant_address,
                applicant_phone=d.applicant_phone,
                resolving_unit=d.resolving_unit.name,
                due_at=d.due_at,
                transferred_at=routed.get(d.pk),
                result_received_at=d.finished_at
                if d.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
                else None,
                returned_at=d.returned_at,
            )
        )
    return rows


def tracking_ledger(
    *, point: OrgUnit, dossiers: QuerySet[Dossier], start: dt.date, end: dt.date
) -> TrackingLedgerForm:
    """Form 07: the dossiers received at ``point`` in [start, end] (``dossiers`` already access-checked)."""
    rows = ledger_rows(ledger_dossiers(point=point, dossiers=dossiers, start=start, end=end))
    return TrackingLedgerForm(
        issuer=_issuer(point), issued_on=timezone.localdate(), receiving_point=point.name,
        period_start=start, period_end=end, rows=tuple(rows),
    )  # fmt: skip


def dossier_form_keys(d: Dossier) -> list[str]:
    """Which forms this dossier has at its stage, without building them (uses the loaded dossier and its
    prefetched pauses; one query at most)."""
    keys = []
    if d.received_at and d.original_due_at and d.code:
        keys += ["receipt", "control"]
    if d.supplement_count and d.code:
        keys.append("supplement")
    if d.status == DossierStatus.REFUSED:
        keys.append("refusal")
    if d.apology_count:
        keys.append("apology")
    if d.status == DossierStatus.STOPPED and d.finished_at and d.code:
        keys.append("stop")
    return keys


BUILDERS = {
    "receipt": receipt_form,
    "supplement": supplement_form,
    "refusal": refusal_form,
    "apology": apology_form,
    "stop": stop_form,
    "control": control_sheet,
}


def dossier_form_build(d: Dossier, key: str) -> OfficialForm | None:
    """The filled form ``key`` if the dossier has it now, else None."""
    return BUILDERS[key](d) if key in BUILDERS and key in dossier_form_keys(d) else None


def dossier_forms_available(d: Dossier) -> dict[str, OfficialForm]:
    """Every form the dossier has now, built."""
    return {key: BUILDERS[key](d) for key in dossier_form_keys(d)}
