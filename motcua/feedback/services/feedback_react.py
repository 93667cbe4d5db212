"""Like or dislike a published answer: once per browser, rate-limited per client address."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record

from ..conf import setting
from ..errors import FeedbackActionNotAllowed, FeedbackNotFound, InvalidFeedbackInput, RateLimited
from ..models import Feedback, FeedbackReaction, FeedbackStatus, Vote
from ..ratelimit import hit


def feedback_react(*, feedback: Feedback, voter: str, vote: str, client: str = "") -> Feedback:
    """``voter``: a stable digest of the browser's cookie (never the address itself)."""
    if vote not in Vote.values:
        raise InvalidFeedbackInput(_("Bình chọn không hợp lệ."), code="vote_invalid")
    if feedback.status != FeedbackStatus.PUBLISHED:
        raise FeedbackNotFound(_("Không tìm thấy câu trả lời đã công khai."))
    if not voter:
        raise InvalidFeedbackInput(_("Vui lòng bật cookie để bình chọn."), code="voter_missing")
    if client and hit(
        "react",
        client,
        limit=int(setting("MOTCUA_FEEDBACK_REACT_LIMIT")),
        window=int(setting("MOTCUA_FEEDBACK_REACT_WINDOW")),
    ):
        raise RateLimited(_("Bạn đã bình chọn quá nhiều lần. Vui lòng thử lại sau."))
    try:
        with transaction.atomic():
            FeedbackReaction.objects.create(feedback=feedback, voter=voter[:64], vote=vote)
            counter = "likes" if vote == Vote.LIKE else "dislikes"
            Feedback.objects.filter(pk=feedback.pk).update(**{counter: F(counter) + 1})
            audit_record(action="feedback.react", obj=feedback, data={"code": feedback.code, "vote": vote})
    except IntegrityError as exc:
        raise FeedbackActionNotAllowed(
            _("Bạn đã bình chọn cho câu trả lời này."), code="already_reacted"
        ) from exc
    feedback.refresh_from_db(fields=["likes", "dislikes"])
    return feedback
