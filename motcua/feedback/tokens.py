"""Signed evaluation links (email/SMS links and the counter kiosk): no login, one dossier, one use.

A token carries the dossier, the channel and a random nonce, signed with the site's secret
(``django.core.signing``) and valid for ``MOTCUA_EVALUATION_LINK_DAYS``. It is spent by the evaluation it
gives: the evaluation keeps the nonce, and a dossier is evaluated once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext_lazy as _

from .conf import link_max_age
from .errors import EvaluationNotAllowed
from .models import EvaluationChannel

SALT = "motcua.feedback.evaluation-link"


@dataclass(frozen=True)
class LinkClaim:
    dossier_id: int
    channel: str
    nonce: str


def make_token(*, dossier_id: int, channel: str) -> str:
    if channel not in (EvaluationChannel.LINK, EvaluationChannel.KIOSK):
        raise ValueError(f"a link is for the link or kiosk channel, not {channel!r}")
    return signing.dumps({"d": dossier_id, "c": channel, "n": secrets.token_hex(8)}, salt=SALT, compress=True)


def read_token(token: str) -> LinkClaim:
    """The claim of a valid token; ``EvaluationNotAllowed`` (``link_invalid`` / ``link_expired``) else."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as exc:
        raise EvaluationNotAllowed(
            _("Đường dẫn đánh giá đã hết hạn. Vui lòng đăng nhập Cổng dịch vụ công để đánh giá hồ sơ."),
            code="link_expired",
        ) from exc
    except signing.BadSignature as exc:
        raise EvaluationNotAllowed(_("Đường dẫn đánh giá không hợp lệ."), code="link_invalid") from exc
    try:
        return LinkClaim(dossier_id=int(data["d"]), channel=str(data["c"]), nonce=str(data["n"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise EvaluationNotAllowed(_("Đường dẫn đánh giá không hợp lệ."), code="link_invalid") from exc
