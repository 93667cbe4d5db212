"""Publish the answer on the portal (due within 2 working days of the answer). The sender's personal data
is never published: the public page shows the subject, the content and the answer only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..models import Feedback, FeedbackStatus
from .common import now
from .feedback_handle import lock_for, record


def feedback_publish(*, feedback: Feedback, officer: User) -> Feedback:
    with transaction.atomic():
        f = lock_for(
            feedback, officer=officer, sources={FeedbackStatus.ANSWERED}, action_label=_("Công khai")
        )
        f.status, f.published_at = FeedbackStatus.PUBLISHED, now()
        on_time = f.publish_due_at is None or f.published_at <= f.publish_due_at
        return record(
            f, officer=officer, action="publish", fields=["status", "published_at"], on_time=on_time
        )
