"""An officer marks a PAKN as repeating an earlier one ("trùng"): linked to the original."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..access import feedback_can_see
from ..errors import InvalidFeedbackInput
from ..models import FEEDBACK_OPEN, Feedback
from .feedback_handle import lock_for, record


def feedback_mark_duplicate(*, feedback: Feedback, officer: User, original_code: str) -> Feedback:
    code = (original_code or "").strip().upper()
    original = Feedback.objects.filter(code=code).first()
    if original is None or not feedback_can_see(officer, original):
        raise InvalidFeedbackInput(_("Không tìm thấy phản ánh gốc có mã “%(value)s”."), code="original_not_found",
                                   value=code[:20])  # fmt: skip
    root = original.duplicate_of or original
    if root.pk == feedback.pk or original.pk == feedback.pk:
        raise InvalidFeedbackInput(_("Phản ánh không thể trùng với chính nó."), code="original_self")
    with transaction.atomic():
        f = lock_for(feedback, officer=officer, sources=FEEDBACK_OPEN, action_label=_("Đánh dấu trùng"))
        f.duplicate_of, f.duplicate_by_officer = root, True
        return record(
            f, officer=officer, action="mark_duplicate", fields=["duplicate_of", "duplicate_by_officer"],
            original=root.code,
        )  # fmt: skip
