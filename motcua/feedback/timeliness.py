"""Whether a PAKN was (or is being) handled on time: one function, shared by the criteria and the figures."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from .models import Feedback

Timeliness = Literal["on_time", "late", "pending"]


def feedback_timeliness(feedback: Feedback, *, as_of: dt.datetime) -> Timeliness:
    """``on_time``: every stage it went through met its due moment; ``late``: one missed it (or one is
    overdue at ``as_of``); ``pending``: still being handled within time (or waiting for the sender).

    Stages: refusal (2 working days), request for information (5), answer (15, moved by the sender's
    wait), publication (2 after the answer).
    """
    f = feedback

    def seen(moment: dt.datetime | None) -> dt.datetime | None:
        """What had happened by ``as_of`` (a past period is judged as it stood at its end)."""
        return moment if moment is not None and moment <= as_of else None

    refused_at, info_requested_at = seen(f.refused_at), seen(f.info_requested_at)
    answered_at, published_at = seen(f.answered_at), seen(f.published_at)
    if refused_at is not None:
        return "on_time" if refused_at <= f.refuse_due_at else "late"
    if info_requested_at is not None and info_requested_at > f.info_due_at:
        return "late"
    if answered_at is None:
        if info_requested_at is not None and seen(f.info_provided_at) is None:
            return "pending"  # the answer's clock stops while the sender is asked for information
        return "late" if as_of > f.answer_due_at else "pending"
    if answered_at > f.answer_due_at:
        return "late"
    if published_at is not None:
        return "on_time" if f.publish_due_at is None or published_at <= f.publish_due_at else "late"
    if f.publish_due_at is not None and as_of > f.publish_due_at:
        return "late"
    return "pending"
