"""The PAKN due moments (766 item 5.2), computed by the calendar engine in Asia/Ho_Chi_Minh.

Limits are working days (``MOTCUA_FEEDBACK_DAYS``): refuse within 2, request more information within 5,
answer within 15 — all counted from the receipt — and publish the answer within 2 after it was given.
The wait for the sender's information does not count against the answer: the answer's due moment moves by
the working time of that wait (the engine's ``shift_by_pauses``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.calendar.engine import Pause, due_working_days, shift_by_pauses
from motcua.calendar.selectors import calendar_snapshot
from motcua.org.models import OrgUnit

from .conf import feedback_days


@dataclass(frozen=True)
class FeedbackDue:
    refuse: dt.datetime
    request_info: dt.datetime
    answer: dt.datetime


def feedback_due(received_at: dt.datetime, *, unit: OrgUnit | None = None) -> FeedbackDue:
    """The due moments of a feedback received at ``received_at`` (the handling unit's working hours)."""
    cal = calendar_snapshot(org_unit=unit)
    days = feedback_days()
    return FeedbackDue(
        refuse=due_working_days(cal, received_at, days["refuse"]),
        request_info=due_working_days(cal, received_at, days["request_info"]),
        answer=due_working_days(cal, received_at, days["answer"]),
    )


def answer_due_after_wait(
    answer_due: dt.datetime, *, waited_from: dt.datetime, waited_to: dt.datetime, unit: OrgUnit | None = None
) -> dt.datetime:
    """The answer's due moment moved by the working time the sender took to provide information."""
    if waited_to <= waited_from:
        return answer_due
    cal = calendar_snapshot(org_unit=unit)
    return shift_by_pauses(cal, answer_due, [Pause(waited_from, waited_to)])


def publish_due(answered_at: dt.datetime, *, unit: OrgUnit | None = None) -> dt.datetime:
    cal = calendar_snapshot(org_unit=unit)
    return due_working_days(cal, answered_at, feedback_days()["publish"])
