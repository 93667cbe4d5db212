"""The sender provides the information asked for (proved by the tracking code and their contact)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record

from ..deadlines import answer_due_after_wait
from ..errors import FeedbackActionNotAllowed, FeedbackNotFound
from ..models import Feedback, FeedbackStatus
from .common import clean_text, contact_matches, now


def feedback_provide_info(*, code: str, contact: str, reply: str) -> Feedback:
    text = clean_text(reply, field="reply", max_length=5000, required=True, label=_("thông tin bổ sung"))
    with transaction.atomic():
        f = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("handling_unit")
            .filter(code=code)
            .first()
        )
        if f is None or not contact_matches(phone=f.sender_phone, email=f.sender_email, given=contact):
            raise FeedbackNotFound(_("Không tìm thấy phản ánh với mã và thông tin liên hệ đã nhập."))
        if f.status != FeedbackStatus.INFO_REQUESTED or f.info_requested_at is None:
            raise FeedbackActionNotAllowed(
                _("Phản ánh này không chờ bổ sung thông tin."), code="no_info_requested"
            )
        moment = now()
        f.answer_due_at = answer_due_after_wait(
            f.answer_due_at, waited_from=f.info_requested_at, waited_to=moment, unit=f.handling_unit
        )
        f.status, f.info_provided_at, f.info_reply = FeedbackStatus.ROUTED, moment, text
        f.save(update_fields=["status", "info_provided_at", "info_reply", "answer_due_at", "search_text"])
        audit_record(
            action="feedback.provide_info",
            obj=f,
            data={"code": f.code, "answer_due_at": f.answer_due_at.isoformat()},
        )
    return f
