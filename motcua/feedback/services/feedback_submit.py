"""Anyone sends feedback or a complaint (PAKN): checked, rate-limited, coded, routed, linked if repeated."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.text import fold
from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit

from ..conf import setting
from ..deadlines import feedback_due
from ..errors import InvalidFeedbackInput, RateLimited
from ..models import Feedback, FeedbackCodeCounter, SubjectKind
from ..ratelimit import hit
from .common import clean_contact, clean_text, now


def _next_code(moment: dt.datetime) -> str:
    day = timezone.localtime(moment).date()
    FeedbackCodeCounter.objects.get_or_create(day=day)
    counter = FeedbackCodeCounter.objects.select_for_update().get(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PA{day:%y%m%d}-{counter.last:04d}"


def _default_unit() -> OrgUnit | None:
    code = str(setting("MOTCUA_FEEDBACK_DEFAULT_UNIT") or "")
    return OrgUnit.objects.filter(code=code).first() if code else None


def _resolve_subject(
    kind: str, reference: str, unit: OrgUnit | None
) -> tuple[Procedure | None, Dossier | None, OrgUnit | None]:
    procedure = dossier = None
    if kind == SubjectKind.PROCEDURE and reference:
        procedure = Procedure.objects.filter(code=reference).select_related("agency").first()
    if kind == SubjectKind.DOSSIER and reference:
        dossier = Dossier.objects.filter(code=reference.upper()).only("pk", "code", "resolving_unit").first()
    # The unit the sender chose is kept whatever the subject: it is the handler when no dossier or
    # procedure names a better one (a choice the sender made is never silently dropped).
    return procedure, dossier, unit


def _handling_unit(
    procedure: Procedure | None, dossier: Dossier | None, unit: OrgUnit | None
) -> OrgUnit | None:
    if dossier is not None:
        return dossier.resolving_unit
    if procedure is not None and procedure.agency_id is not None:
        return procedure.agency
    return unit or _default_unit()


def _repeated_of(
    *, kind: str, reference: str, phone: str, email: str, moment: dt.datetime, subject: dict[str, object]
) -> Feedback | None:
    """The original of an earlier feedback from the same contact about the same subject, if recent."""
    contact = Q()
    if phone:
        contact |= Q(sender_phone=phone)
    if email:
        contact |= Q(sender_email=email)
    since = moment - dt.timedelta(days=int(setting("MOTCUA_FEEDBACK_REPEAT_DAYS")))
    earlier = Feedback.objects.filter(contact, subject_kind=kind, received_at__gte=since)
    linked = {k: v for k, v in subject.items() if v is not None}
    earlier = earlier.filter(**linked) if linked else earlier
    for candidate in earlier.order_by("received_at"):
        if linked or fold(candidate.subject_reference) == fold(reference):
            return candidate.duplicate_of or candidate
    return None


def feedback_submit(
    *,
    subject_kind: str,
    title: str,
    content: str,
    sender_name: str,
    phone: str = "",
    email: str = "",
    consent: bool,
    reference: str = "",
    unit: OrgUnit | None = None,
    account: User | None = None,
    client: str = "",
) -> Feedback:
    """Record a PAKN and give it its tracking code and due moments.

    ``client`` (the sender's address) is rate-limited: ``MOTCUA_FEEDBACK_SUBMIT_LIMIT`` per
    ``MOTCUA_FEEDBACK_SUBMIT_WINDOW`` seconds. Text is stored as typed (HTML included) and always shown
    escaped. Phone and email are personal data: never shown publicly.
    """
    if subject_kind not in SubjectKind.values:
        raise InvalidFeedbackInput(_("Vui lòng chọn đối tượng phản ánh."), code="subject_invalid")
    reference = clean_text(
        reference, field="reference", max_length=200, required=False, label=_("Mã, tên đối tượng")
    )
    title = clean_text(title, field="title", max_length=200, required=True, label=_("tiêu đề"))
    content = clean_text(
        content,
        field="content",
        max_length=int(setting("MOTCUA_FEEDBACK_CONTENT_MAX")),
        required=True,
        label=_("nội dung phản ánh"),
    )
    sender_name = clean_text(
        sender_name, field="sender_name", max_length=150, required=True, label=_("họ tên")
    )
    phone, email = clean_contact(phone=phone, email=email)
    if not consent:
        raise InvalidFeedbackInput(
            _("Vui lòng đồng ý cho cơ quan sử dụng thông tin liên hệ để xử lý và trả lời phản ánh."),
            code="consent_required",
        )
    if subject_kind in (SubjectKind.UNIT, SubjectKind.OFFICER) and unit is None:
        raise InvalidFeedbackInput(_("Vui lòng chọn cơ quan, đơn vị."), code="unit_required")
    if client and hit(
        "submit",
        client,
        limit=int(setting("MOTCUA_FEEDBACK_SUBMIT_LIMIT")),
        window=int(setting("MOTCUA_FEEDBACK_SUBMIT_WINDOW")),
    ):
        raise RateLimited(
            _("Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau %(minutes)s phút."),
            minutes=max(1, int(setting("MOTCUA_FEEDBACK_SUBMIT_WINDOW")) // 60),
        )
    procedure, dossier, subject_unit = _resolve_subject(subject_kind, reference, unit)
    handling = _handling_unit(procedure, dossier, subject_unit)
    moment = now()
    due = feedback_due(moment, unit=handling)
    with transaction.atomic():
        original = _repeated_of(
            kind=subject_kind,
            reference=reference,
            phone=phone,
            email=email,
            moment=moment,
            subject={
                "procedure_id": procedure.pk if procedure else None,
                "dossier_id": dossier.pk if dossier else None,
                "unit_id": subject_unit.pk if subject_unit else None,
            },
        )
        feedback = Feedback.objects.create(
            code=_next_code(moment),
            subject_kind=subject_kind,
            subject_reference=reference,
            procedure=procedure,
            dossier=dossier,
            unit=subject_unit,
            title=title,
            content=content,
            sender_name=sender_name,
            sender_phone=phone,
            sender_email=email,
            sender_account=account if account is not None and account.is_authenticated else None,
            consent=True,
            handling_unit=handling,
            received_at=moment,
            refuse_due_at=due.refuse,
            info_due_at=due.request_info,
            answer_due_at=due.answer,
            duplicate_of=original,
        )
        audit_record(
            action="feedback.submit",
            actor=account,
            obj=feedback,
            data={
                "code": feedback.code,
                "subject_kind": subject_kind,
                "handling_unit": handling.code if handling else "",
                "repeated_of": original.code if original else "",
            },
        )
    return feedback
