"""Ask the sender for more information (once; due within 5 working days of the receipt). The answer's
clock stops until the sender replies (``feedback_provide_info``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..errors import FeedbackActionNotAllowed
from ..models import Feedback, FeedbackStatus
from .common import clean_text, now
from .feedback_handle import lock_for, record

S = FeedbackStatus


def feedback_request_info(*, feedback: Feedback, officer: User, request: str) -> Feedback:
    text = clean_text(
        request, field="request", max_length=2000, required=True, label=_("nội dung cần bổ sung")
    )
    with transaction.atomic():
        f = lock_for(
            feedback, officer=officer, sources={S.RECEIVED, S.ROUTED}, action_label=_("Yêu cầu bổ sung")
        )
        if f.info_requested_at is not None:
            raise FeedbackActionNotAllowed(_("Chỉ được yêu cầu bổ sung thông tin một lần."), code="info_once")
        f.status, f.info_requested_at, f.info_request = S.INFO_REQUESTED, now(), text
        return record(
            f,
            officer=officer,
            action="request_info",
            fields=["status", "info_requested_at", "info_request"],
            on_time=f.info_requested_at <= f.info_due_at,
        )
