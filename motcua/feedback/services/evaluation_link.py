"""Issue a signed evaluation link for a returned dossier (email/SMS link, or the counter's tablet)."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier

from ..models import Evaluation, EvaluationChannel
from ..tokens import make_token
from .evaluation_give import already_given, check_returned


def evaluation_link_issue(
    *, dossier: Dossier, channel: str = EvaluationChannel.LINK, actor: User | None = None
) -> str:
    """A token for ``/danh-gia/lien-ket/<token>/``; the dossier must be returned and not yet evaluated.

    The caller has checked that ``actor`` may see the dossier (the kiosk page does, through the dossier
    access rules)."""
    check_returned(dossier)
    if Evaluation.objects.filter(dossier=dossier).exists():
        raise already_given()
    token = make_token(dossier_id=dossier.pk, channel=channel)
    audit_record(action="evaluation.link_issue", actor=actor, obj=dossier, data={"channel": channel})
    return token
