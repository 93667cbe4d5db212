"""Issue a signed evaluation link for a returned dossier (email/SMS link, or the counter's tablet)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier

from ..access import evaluation_link_can_issue
from ..errors import FeedbackActionNotAllowed
from ..models import Evaluation, EvaluationChannel
from ..tokens import make_token
from .evaluation_give import already_given, check_returned


def evaluation_link_issue(
    *, dossier: Dossier, channel: str = EvaluationChannel.LINK, actor: User | None = None
) -> str:
    """A token for ``/danh-gia/lien-ket/<token>/``; the dossier must be returned and not yet evaluated.

    The caller has found the dossier through the dossier access rules (so a dossier ``actor`` may not see is
    "not found" already); an ``actor`` must also be allowed to act (``evaluation_link_can_issue``: not the
    read-only auditor). Without ``actor`` the system issues it (the invitation sent on return)."""
    if actor is not None and not evaluation_link_can_issue(actor, dossier):
        raise FeedbackActionNotAllowed(
            _("Bạn không có quyền tạo liên kết đánh giá cho hồ sơ này."), code="evaluation_link_not_allowed"
        )
    check_returned(dossier)
    if Evaluation.objects.filter(dossier=dossier).exists():
        raise already_given()
    token = make_token(dossier_id=dossier.pk, channel=channel)
    audit_record(action="evaluation.link_issue", actor=actor, obj=dossier, data={"channel": channel})
    return token
