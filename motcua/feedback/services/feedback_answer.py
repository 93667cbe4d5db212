"""Answer a PAKN (due within 15 working days of the receipt, the sender's wait excluded)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..deadlines import answer_due_after_wait, publish_due
from ..models import Feedback, FeedbackStatus
from .common import clean_text, now
from .feedback_handle import lock_for, record

S = FeedbackStatus


def feedback_answer(
    *, feedback: Feedback, officer: User, answer: str, substantiated: bool | None = None
) -> Feedback:
    """The official answer. ``substantiated``: whether the complaint was found to have grounds (criterion 7
    of the dossier evaluation). Answering while waiting for the sender ends the wait now."""
    text = clean_text(answer, field="answer", max_length=10000, required=True, label=_("nội dung trả lời"))
    with transaction.atomic():
        f = lock_for(
            feedback,
            officer=officer,
            sources={S.RECEIVED, S.ROUTED, S.INFO_REQUESTED},
            action_label=_("Trả lời"),
        )
        moment = now()
        fields = ["status", "answered_at", "answered_by", "answer", "substantiated", "publish_due_at"]
        if f.status == S.INFO_REQUESTED and f.info_requested_at is not None:
            f.answer_due_at = answer_due_after_wait(
                f.answer_due_at, waited_from=f.info_requested_at, waited_to=moment, unit=f.handling_unit
            )
            fields.append("answer_due_at")
        f.status, f.answered_at, f.answered_by, f.answer = S.ANSWERED, moment, officer, text
        f.substantiated = substantiated
        f.publish_due_at = publish_due(moment, unit=f.handling_unit)
        return record(
            f, officer=officer, action="answer", fields=fields, on_time=moment <= f.answer_due_at,
            substantiated=substantiated,
        )  # fmt: skip
