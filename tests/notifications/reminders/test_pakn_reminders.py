"""PAKN deadlines: the handlers of the handling unit are warned before each due moment that still matters,
the unit's leader once it has passed; each once."""

import datetime as dt

import pytest

from motcua.calendar.services import calendar_holiday_add
from motcua.feedback.services import feedback_answer, feedback_route, feedback_submit
from motcua.notifications.models import Notification, Reminder
from motcua.notifications.reminders import scan_deadlines
from motcua.org.models import OrgUnit

from .conftest import vn

pytestmark = pytest.mark.django_db


def send():
    return feedback_submit(
        subject_kind="unit",
        unit=OrgUnit.objects.get(code="H56.19"),
        title="Chậm trả kết quả",
        content="Hồ sơ của tôi bị chậm.",
        sender_name="Nguyễn Văn An",
        phone="0912 345 678",
        consent=True,
    )


def scan(now):
    return next(r.sent for r in scan_deadlines(now=now, only=["feedback.deadlines"]))


def told(topic):
    return sorted(Notification.objects.filter(topic=topic).values_list("recipient__username", flat=True))


def test_warned_before_refuse_due_then_leader_when_overdue_with_a_holiday(people, clock):
    clock(vn(2026, 3, 8, 12, 0))
    calendar_holiday_add(
        actor=None, day=dt.date(2026, 3, 11), name="Nghỉ thử nghiệm", legal_reference="QĐ thử"
    )
    clock(vn(2026, 3, 9, 9, 0))
    f = send()
    assert f.refuse_due_at == vn(2026, 3, 12, 17, 0)  # Wednesday 11 is a holiday
    # Tuesday 17:00: Wednesday is off, so a full working day (Thursday) is left: warned.
    assert scan(vn(2026, 3, 10, 16, 59)) == 0
    assert scan(vn(2026, 3, 10, 17, 0)) == 1
    assert scan(vn(2026, 3, 10, 17, 30)) == 0
    handlers = told("reminder.feedback_due")
    assert "chuyenvien.tnmt" in handlers and "truongphong.tnmt" in handlers
    assert "lanhdao.tnmt" not in handlers
    note = Notification.objects.filter(topic="reminder.feedback_due").first()
    assert f.code in note.subject and "từ chối xử lý" in note.subject
    assert note.url.endswith(f"/can-bo/phan-anh/{f.pk}/")
    # Friday: nobody classified it in time — the leader is told, once.
    assert scan(vn(2026, 3, 13, 9, 0)) == 1
    assert told("reminder.feedback_overdue") == ["lanhdao.tnmt"]
    assert scan(vn(2026, 3, 13, 10, 0)) == 0


def test_answer_and_publish_deadlines(people, clock):
    clock(vn(2026, 3, 9, 9, 0))
    f = send()
    clock(vn(2026, 3, 9, 10, 0))
    f = feedback_route(feedback=f, officer=people["specialist"], category="behaviour")
    # Routed: the refuse moment no longer matters; the information request is only a warning.
    scan(vn(2026, 3, 16, 10, 0))  # info due Mon 16 Mar 17:00
    stages = set(Reminder.objects.values_list("kind", "stage"))
    assert stages == {("feedback.due", "request_info")}
    assert scan(vn(2026, 3, 17, 9, 0)) == 0  # past, but not escalated
    # The answer is due Mon 30 Mar 17:00.
    assert scan(vn(2026, 3, 27, 17, 0)) == 1
    assert scan(vn(2026, 3, 31, 8, 0)) == 1  # overdue: the leader
    assert ("feedback.overdue", "answer") in set(Reminder.objects.values_list("kind", "stage"))
    clock(vn(2026, 3, 31, 9, 0))
    f = feedback_answer(feedback=f, officer=people["specialist"], answer="Đã xử lý.")
    assert f.publish_due_at == vn(2026, 4, 2, 17, 0)
    assert scan(vn(2026, 4, 1, 17, 0)) == 1  # publish due within one working day
    assert scan(vn(2026, 4, 3, 9, 0)) == 1  # not published in time: the leader
    assert told("reminder.feedback_overdue") == ["lanhdao.tnmt", "lanhdao.tnmt"]
    assert scan(vn(2026, 4, 3, 9, 5)) == 0
