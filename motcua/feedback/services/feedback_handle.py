"""Shared by the officer's PAKN use cases: lock the row, check the handler and the source status, record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from ..access import feedback_can_handle
from ..errors import FeedbackActionNotAllowed, FeedbackNotFound
from ..models import Feedback, FeedbackStatus


def lock_for(feedback: Feedback, *, officer: User, sources: Iterable[str], action_label: Any) -> Feedback:
    """Lock and reload ``feedback``; the officer must handle it and its status must be one of ``sources``."""
    locked = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("handling_unit")
        .filter(pk=feedback.pk)
        .first()
    )
    if locked is None:
        raise FeedbackNotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    if not feedback_can_handle(officer, locked):
        raise FeedbackActionNotAllowed(
            _("Bạn không được giao xử lý phản ánh, kiến nghị này."), code="not_handler"
        )
    if locked.status not in set(sources):
        raise FeedbackActionNotAllowed(
            _("Không thể “%(action)s” khi phản ánh đang ở trạng thái “%(status)s”."),
            code="invalid_status",
            action=str(action_label),
            status=str(FeedbackStatus(locked.status).label),
        )
    return locked


def record(feedback: Feedback, *, officer: User, action: str, fields: list[str], **data: Any) -> Feedback:
    feedback.save(update_fields=sorted({*fields, "search_text"}))
    audit_record(
        action=f"feedback.{action}",
        actor=officer,
        obj=feedback,
        data={"code": feedback.code, "status": feedback.status, **data},
    )
    return feedback
