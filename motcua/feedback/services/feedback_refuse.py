"""Refuse to handle a PAKN, with the reason (due within 2 working days of the receipt)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..models import Feedback, FeedbackStatus
from .common import clean_text, now
from .feedback_handle import lock_for, record

S = FeedbackStatus


def feedback_refuse(*, feedback: Feedback, officer: User, reason: str) -> Feedback:
    reason = clean_text(reason, field="reason", max_length=2000, required=True, label=_("lý do từ chối"))
    with transaction.atomic():
        f = lock_for(
            feedback,
            officer=officer,
            sources={S.RECEIVED, S.ROUTED, S.INFO_REQUESTED},
            action_label=_("Từ chối"),
        )
        f.status, f.refused_at, f.refusal_reason = S.REFUSED, now(), reason
        on_time = f.refused_at <= f.refuse_due_at
        return record(
            f,
            officer=officer,
            action="refuse",
            fields=["status", "refused_at", "refusal_reason"],
            on_time=on_time,
        )
