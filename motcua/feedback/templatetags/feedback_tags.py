"""``{% evaluation_invite dossier %}``: the "Đánh giá" invitation on the applicant's dossier page."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.dossiers.status import DossierStatus

from ..selectors import evaluation_can_edit, evaluation_for_dossier

register = template.Library()


@register.inclusion_tag("feedback/_invite.html")
def evaluation_invite(dossier: Dossier) -> dict[str, Any]:
    if dossier.status != DossierStatus.RETURNED:
        return {"show": False}
    evaluation = evaluation_for_dossier(dossier)
    return {
        "show": True,
        "dossier": dossier,
        "evaluation": evaluation,
        "can_edit": evaluation_can_edit(evaluation),
    }
