"""PAKN deadline reminders, run by ``motcua scan_deadlines`` (registered in ``apps.py``).

Before each due moment that still matters — within ``MOTCUA_REMIND_FEEDBACK_BEFORE_WORKING_HOURS`` working
hours (default 8, one working day) — the handlers of the PAKN's handling unit (specialists, one-stop
officers and division heads there; the province administrators when no unit has it yet) are warned
(``feedback.due``); once a due moment has passed, the unit's leader (the nearest agency leader up the tree,
else the province administrators) is told (``feedback.overdue``). Each is sent once per due moment.

Which due moments matter, by status:

- *refuse* (2 working days): while the PAKN is still ``received`` (nobody has classified it) — warned and
  escalated;
- *request information* (5): while ``received``/``routed`` and no information was requested — warned only
  (asking for information is optional, so passing this moment is not a failure);
- *answer* (15): while ``received``/``routed`` (the wait for the sender's information stops the clock and
  moves the due moment) — warned and escalated;
- *publish* (2 after the answer): while ``answered`` — warned and escalated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.calendar.selectors import calendar_snapshot, working_horizon, working_time_left
from motcua.notifications.recipients import staff_with_role, staff_with_role_anywhere
from motcua.notifications.reminders import (
    register_deadline_scanner,
    remind_once,
    reminder_key,
    reminders_already_sent,
)

from .models import Feedback, FeedbackStatus

KIND_DUE = "feedback.due"
KIND_OVERDUE = "feedback.overdue"
HANDLER_ROLES = (Role.SPECIALIST, Role.ONE_STOP_OFFICER, Role.DIVISION_HEAD)

S = FeedbackStatus


def remind_window() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "MOTCUA_REMIND_FEEDBACK_BEFORE_WORKING_HOURS", 8)))


def deadline_names() -> dict[str, str]:
    return {
        "refuse": _("từ chối xử lý"),
        "request_info": _("yêu cầu bổ sung thông tin"),
        "answer": _("trả lời"),
        "publish": _("công khai kết quả trả lời"),
    }


#: stage → (model field, statuses in which it matters, escalated when overdue)
STAGES: dict[str, tuple[str, frozenset[str], bool]] = {
    "refuse": ("refuse_due_at", frozenset({S.RECEIVED}), True),
    "request_info": ("info_due_at", frozenset({S.RECEIVED, S.ROUTED}), False),
    "answer": ("answer_due_at", frozenset({S.RECEIVED, S.ROUTED}), True),
    "publish": ("publish_due_at", frozenset({S.ANSWERED}), True),
}


def _due_moments(feedback: Feedback) -> Iterator[tuple[str, dt.datetime, bool]]:
    for stage, (field_name, statuses, escalate) in STAGES.items():
        due = getattr(feedback, field_name)
        if due is None or feedback.status not in statuses:
            continue
        if stage == "request_info" and feedback.info_requested_at is not None:
            continue
        yield stage, due, escalate


def staff_url(feedback: Feedback) -> str:
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "").rstrip("/")
    try:
        return f"{base}{reverse('backoffice:feedback_detail', args=[feedback.pk])}"
    except NoReverseMatch:  # pragma: no cover
        return ""


def handlers(feedback: Feedback) -> list[User]:
    if feedback.handling_unit is None:
        return staff_with_role_anywhere([Role.PROVINCE_ADMIN])
    return staff_with_role(feedback.handling_unit, HANDLER_ROLES)


def leaders(feedback: Feedback) -> list[User]:
    found = (
        staff_with_role(feedback.handling_unit, [Role.AGENCY_LEADER], walk_up=True)
        if feedback.handling_unit is not None
        else []
    )
    return found or staff_with_role_anywhere([Role.PROVINCE_ADMIN])


def _candidates(until: dt.datetime) -> list[Feedback]:
    near = Q()
    for field_name, statuses, _escalate in STAGES.values():
        near |= Q(status__in=statuses, **{f"{field_name}__lte": until})
    return list(
        Feedback.objects.filter(near).select_related("handling_unit", "handling_unit__parent").order_by("pk")
    )


def scan_feedback(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Warn the handlers before each due moment and the leader once it has passed."""
    window = remind_window()
    names = deadline_names()
    items = _candidates(working_horizon(now, window))
    plan: list[tuple[Feedback, str, dt.datetime, str, str]] = []
    for feedback in items:
        for stage, due, escalate in _due_moments(feedback):
            overdue = due <= now
            if (
                overdue
                or working_time_left(calendar_snapshot(org_unit=feedback.handling_unit_id), now, due)
                <= window
            ):
                plan.append(
                    (
                        feedback,
                        stage,
                        due,
                        KIND_DUE,
                        reminder_key(kind=KIND_DUE, obj=feedback, stage=stage, due_at=due),
                    )
                )
            if overdue and escalate:
                plan.append(
                    (
                        feedback,
                        stage,
                        due,
                        KIND_OVERDUE,
                        reminder_key(kind=KIND_OVERDUE, obj=feedback, stage=stage, due_at=due),
                    )
                )
    done = reminders_already_sent(key for *_rest, key in plan)
    sent = 0
    for feedback, stage, due, kind, key in plan:
        if key in done:
            continue
        context: dict[str, Any] = {
            "code": feedback.code,
            "title": feedback.title,
            "deadline_name": names[stage],
            "due_at": due,
            "status_url": staff_url(feedback),
            "unit_name": feedback.handling_unit.name if feedback.handling_unit else "",
        }
        if kind == KIND_DUE:
            topic, recipients = "reminder.feedback_due", handlers(feedback)
            context["overdue"] = due <= now
        else:
            topic, recipients = "reminder.feedback_overdue", leaders(feedback)
        reminder = remind_once(
            key=key,
            topic=topic,
            recipients=recipients,
            context=context,
            related=feedback,
            kind=kind,
            stage=stage,
            due_at=due,
            dry_run=dry_run,
        )
        sent += reminder is not None
    return sent


def register() -> None:
    """Called by ``FeedbackConfig.ready``."""
    register_deadline_scanner("feedback.deadlines", scan_feedback)
