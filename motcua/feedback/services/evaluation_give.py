"""Give the evaluation of a returned dossier: by its applicant (signed in) or through a signed link."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier
from motcua.dossiers.status import DossierStatus

from .. import criteria
from ..conf import setting
from ..errors import EvaluationNotAllowed, InvalidFeedbackInput
from ..models import Evaluation, EvaluationChannel, EvaluationVote, Satisfaction, Vote
from ..targets import evaluation_targets
from ..tokens import read_token
from .common import clean_text, now


def check_returned(dossier: Dossier) -> None:
    if dossier.status != DossierStatus.RETURNED:
        raise EvaluationNotAllowed(
            _("Chỉ đánh giá được hồ sơ đã trả kết quả (hồ sơ %(dossier)s đang ở trạng thái “%(status)s”)."),
            code="not_returned",
            dossier=dossier.code or "",
            status=str(DossierStatus(dossier.status).label),
        )


def check_applicant(dossier: Dossier, actor: User) -> None:
    if not actor.is_authenticated or dossier.applicant_id is None or dossier.applicant_id != actor.pk:
        raise EvaluationNotAllowed(
            _("Chỉ người nộp hồ sơ mới được đánh giá hồ sơ này."), code="not_applicant"
        )


def clean_evaluation_input(
    dossier: Dossier, *, satisfaction: str, comment: str, votes: Mapping[str, str] | None
) -> tuple[str, str, list[EvaluationVote]]:
    if satisfaction not in Satisfaction.values:
        raise InvalidFeedbackInput(
            _("Vui lòng chọn một mức: Rất hài lòng, Hài lòng hoặc Không hài lòng."),
            code="satisfaction_invalid",
        )
    text = clean_text(
        comment,
        field="comment",
        max_length=int(setting("MOTCUA_EVALUATION_COMMENT_MAX")),
        required=False,
        label=_("Ý kiến"),
    )
    targets = {t.key: t for t in evaluation_targets(dossier)}
    rows: list[EvaluationVote] = []
    for key, vote in (votes or {}).items():
        if not vote:
            continue
        target = targets.get(key)
        if target is None or vote not in Vote.values:
            raise InvalidFeedbackInput(
                _("Bình chọn không hợp lệ: chỉ bình chọn cho cán bộ, đơn vị đã xử lý hồ sơ."),
                code="vote_invalid",
            )
        rows.append(EvaluationVote(unit_id=target.unit_id, officer_id=target.officer_id, vote=vote))
    return satisfaction, text, rows


def _dossier_for(dossier: Dossier | None, token: str | None) -> tuple[Dossier, str, str]:
    """(dossier, channel, nonce) from the token when there is one."""
    if token is None:
        if dossier is None:
            raise EvaluationNotAllowed(_("Không tìm thấy hồ sơ."), code="dossier_missing")
        return dossier, EvaluationChannel.PORTAL, ""
    claim = read_token(token)
    if dossier is not None and dossier.pk != claim.dossier_id:
        raise EvaluationNotAllowed(_("Đường dẫn đánh giá không hợp lệ."), code="link_invalid")
    found = (
        dossier
        or Dossier.objects.select_related("procedure_version", "receiving_point")
        .filter(pk=claim.dossier_id)
        .first()
    )
    if found is None:
        raise EvaluationNotAllowed(_("Đường dẫn đánh giá không hợp lệ."), code="link_invalid")
    return found, claim.channel, claim.nonce


def already_given() -> EvaluationNotAllowed:
    return EvaluationNotAllowed(
        _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."), code="already_given"
    )


def evaluation_give(
    *,
    dossier: Dossier | None = None,
    actor: User | None = None,
    token: str | None = None,
    satisfaction: str,
    comment: str = "",
    votes: Mapping[str, str] | None = None,
) -> Evaluation:
    """The applicant's (``actor``) or the link holder's (``token``) evaluation of a returned dossier.

    Once per dossier. The nine criteria are computed now and kept with it.
    """
    if actor is None and token is None:
        raise EvaluationNotAllowed(_("Vui lòng đăng nhập để đánh giá hồ sơ."), code="login_required")
    dossier, channel, nonce = _dossier_for(dossier, token)
    if token is None:
        assert actor is not None  # noqa: S101 - checked above
        check_applicant(dossier, actor)
    check_returned(dossier)
    if Evaluation.objects.filter(dossier=dossier).exists():
        raise already_given()
    satisfaction, text, rows = clean_evaluation_input(
        dossier, satisfaction=satisfaction, comment=comment, votes=votes
    )
    result = criteria.score(dossier)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                dossier=dossier,
                satisfaction=satisfaction,
                comment=text,
                channel=channel,
                given_by=actor if actor is not None and actor.is_authenticated else None,
                given_at=now(),
                link_nonce=nonce,
                criteria=result.as_dict(),
                criteria_total=result.total,
            )
            for row in rows:
                row.evaluation = evaluation
            EvaluationVote.objects.bulk_create(rows)
            audit_record(
                action="evaluation.give",
                actor=actor,
                obj=evaluation,
                data={
                    "dossier": dossier.code,
                    "satisfaction": satisfaction,
                    "channel": channel,
                    "likes": sum(r.vote == Vote.LIKE for r in rows),
                    "dislikes": sum(r.vote == Vote.DISLIKE for r in rows),
                    "criteria_total": result.total,
                },
            )
    except IntegrityError as exc:  # given meanwhile by another request
        raise already_given() from exc
    return evaluation
