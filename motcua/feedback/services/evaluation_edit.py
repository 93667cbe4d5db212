"""Change an evaluation within the edit window (``MOTCUA_EVALUATION_EDIT_HOURS``), by the applicant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier

from ..conf import edit_window, setting
from ..errors import EvaluationNotAllowed
from ..models import Evaluation, EvaluationVote
from .common import now
from .evaluation_give import check_applicant, clean_evaluation_input


def evaluation_editable_until(evaluation: Evaluation) -> dt.datetime:
    return evaluation.given_at + edit_window()


def evaluation_edit(
    *,
    dossier: Dossier,
    actor: User,
    satisfaction: str,
    comment: str = "",
    votes: Mapping[str, str] | None = None,
) -> Evaluation:
    """Replace the satisfaction, the comment and the likes/dislikes of the dossier's evaluation."""
    check_applicant(dossier, actor)
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().filter(dossier=dossier).first()
        if evaluation is None:
            raise EvaluationNotAllowed(_("Hồ sơ này chưa được đánh giá."), code="not_given")
        moment = now()
        if moment > evaluation_editable_until(evaluation):
            raise EvaluationNotAllowed(
                _("Đã hết thời gian sửa đánh giá (%(hours)s giờ sau khi đánh giá)."),
                code="edit_window_closed",
                hours=setting("MOTCUA_EVALUATION_EDIT_HOURS"),
            )
        satisfaction, text, rows = clean_evaluation_input(
            dossier, satisfaction=satisfaction, comment=comment, votes=votes
        )
        before = {"satisfaction": evaluation.satisfaction, "votes": evaluation.votes.count()}
        evaluation.satisfaction, evaluation.comment, evaluation.edited_at = satisfaction, text, moment
        evaluation.save(update_fields=["satisfaction", "comment", "edited_at"])
        evaluation.votes.all().delete()
        for row in rows:
            row.evaluation = evaluation
        EvaluationVote.objects.bulk_create(rows)
        audit_record(
            action="evaluation.edit",
            actor=actor,
            obj=evaluation,
            data={
                "dossier": dossier.code,
                "before": before,
                "satisfaction": satisfaction,
                "votes": len(rows),
            },
        )
    return evaluation
