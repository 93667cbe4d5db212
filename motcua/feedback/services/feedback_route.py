"""Classify a PAKN and route it to the unit that handles it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.org.models import OrgUnit

from ..errors import InvalidFeedbackInput
from ..models import Feedback, FeedbackCategory, FeedbackStatus
from .common import now
from .feedback_handle import lock_for, record

S = FeedbackStatus


def feedback_route(
    *, feedback: Feedback, officer: User, category: str, unit: OrgUnit | None = None
) -> Feedback:
    """Set the category (766 item 5.1) and, with ``unit``, hand it to another unit. The due moments stay:
    they run from the receipt."""
    if category not in FeedbackCategory.values:
        raise InvalidFeedbackInput(_("Vui lòng chọn loại phản ánh, kiến nghị."), code="category_invalid")
    with transaction.atomic():
        f = lock_for(feedback, officer=officer, sources={S.RECEIVED, S.ROUTED}, action_label=_("Phân loại"))
        before = f.handling_unit.code if f.handling_unit else ""
        f.category = category
        if unit is not None:
            f.handling_unit = unit
        f.status = S.ROUTED
        f.routed_at = now()
        return record(
            f,
            officer=officer,
            action="route",
            fields=["category", "handling_unit", "status", "routed_at"],
            category=category,
            from_unit=before,
            to_unit=f.handling_unit.code if f.handling_unit else "",
        )
