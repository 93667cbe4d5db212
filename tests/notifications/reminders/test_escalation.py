"""Dossier reminders and escalation through ``scan_deadlines`` with a controlled clock: the assignee first
(working time, a holiday inside the window), then the division head, then the agency leader — each once."""

import datetime as dt

import pytest
from django.core.management import call_command

from motcua.calendar.services import calendar_holiday_add
from motcua.dossiers import services as s
from motcua.dossiers.models import DossierStep
from motcua.notifications.models import Notification, Reminder
from motcua.notifications.reminders import scan_deadlines

from .conftest import processing_dossier, reminders, staff_user, told, vn

pytestmark = pytest.mark.django_db


def sent(now, name=None):
    results = scan_deadlines(now=now, only=[name] if name else None)
    assert all(not r.error for r in results), results
    return {r.name: r.sent for r in results}


def holiday_tuesday(clock):
    clock(vn(2026, 3, 2, 8, 0))
    calendar_holiday_add(
        actor=None, day=dt.date(2026, 3, 3), name="Nghỉ thử nghiệm", legal_reference="QĐ thử"
    )


def test_the_window_counts_working_time_and_skips_a_holiday(people, version, clock):
    holiday_tuesday(clock)
    # The step is due Wednesday 10:00; Tuesday is a holiday: on Monday at 15:00, 2 h (Mon) + 3 h (Wed) are
    # left — more than 4 working hours; at 16:00 exactly 4.
    d = processing_dossier(people, version, clock, step_due=vn(2026, 3, 4, 10, 0))
    clock(vn(2026, 3, 2, 15, 0))
    assert sent(vn(2026, 3, 2, 15, 0))["dossiers.step_due"] == 0
    clock(vn(2026, 3, 2, 16, 0))
    assert sent(vn(2026, 3, 2, 16, 0)) == {
        "dossiers.step_due": 1, "dossiers.step_overdue": 0, "dossiers.apology_needed": 0, "feedback.deadlines": 0,
    }  # fmt: skip
    assert told("reminder.step_due", d) == ["chuyenvien.tnmt"]  # nobody assigned: the unit's specialists
    n = Notification.objects.get(topic="reminder.step_due")
    assert "Thẩm định hồ sơ" in n.subject and d.code in n.subject
    assert "10:00 ngày 04/03/2026" in n.body
    assert n.url.endswith(f"/can-bo/ho-so/{d.pk}/")


def test_without_the_holiday_the_same_moment_is_not_yet_due(people, version, clock):
    processing_dossier(people, version, clock, step_due=vn(2026, 3, 4, 10, 0))
    clock(vn(2026, 3, 2, 16, 0))  # 1 h Monday + 8 h Tuesday + 3 h Wednesday = 12 working hours left
    assert sent(vn(2026, 3, 2, 16, 0))["dossiers.step_due"] == 0
    assert not Notification.objects.filter(topic__startswith="reminder.").exists()


def test_window_is_configurable(people, version, clock, settings):
    settings.MOTCUA_REMIND_BEFORE_WORKING_HOURS = 12
    processing_dossier(people, version, clock, step_due=vn(2026, 3, 4, 10, 0))
    assert sent(vn(2026, 3, 2, 16, 0))["dossiers.step_due"] == 1


def test_escalation_order_and_each_level_once(people, version, clock):
    holiday_tuesday(clock)
    d = processing_dossier(people, version, clock, step_due=vn(2026, 3, 4, 10, 0))
    assert d.due_at == vn(2026, 3, 10, 17, 0)  # 5 working days, Tuesday off
    clock(vn(2026, 3, 2, 16, 30))
    assert sum(sent(clock.moment).values()) == 1
    # Wednesday 10:30: the step is overdue — the head, then the leader (no apology yet, still possible).
    clock(vn(2026, 3, 4, 10, 30))
    assert sent(clock.moment) == {
        "dossiers.step_due": 0, "dossiers.step_overdue": 1, "dossiers.apology_needed": 1, "feedback.deadlines": 0,
    }  # fmt: skip
    assert [r.kind for r in reminders()] == [
        "dossier.step_due",
        "dossier.step_overdue",
        "dossier.apology_needed",
    ]
    assert told("reminder.step_due", d) == ["chuyenvien.tnmt"]
    assert told("reminder.step_overdue", d) == ["truongphong.tnmt"]
    assert told("reminder.apology_needed", d) == ["lanhdao.tnmt"]
    leader_note = Notification.objects.get(topic="reminder.apology_needed")
    assert (
        "17:00 ngày 10/03/2026" in leader_note.body and "09/03/2026" in leader_note.body
    )  # apology by the 9th
    # Scanning again, later, sends nothing twice.
    before = Notification.objects.count()
    clock(vn(2026, 3, 4, 15, 0))
    assert sum(sent(clock.moment).values()) == 0
    assert sum(sent(clock.moment).values()) == 0
    assert Notification.objects.count() == before


def test_first_scan_after_the_due_moment_still_warns_the_assignee_first(people, version, clock):
    d = processing_dossier(people, version, clock)
    clock(vn(2026, 3, 5, 9, 0))  # the step was due Wednesday 17:00; the scanner was not running until now
    sent(clock.moment)
    assert [r.kind for r in reminders()][:2] == ["dossier.step_due", "dossier.step_overdue"]
    note = Notification.objects.get(topic="reminder.step_due", related_id=str(d.pk))
    assert "đã qua" in note.body


def test_the_assignee_alone_is_warned_when_someone_is_assigned(people, version, clock):
    other = staff_user("chuyenvien2.tnmt", "H56.19", "specialist")
    d = processing_dossier(people, version, clock, step_due=vn(2026, 3, 2, 17, 0))
    clock(vn(2026, 3, 2, 14, 0))
    s.dossier_assign(dossier=d, actor=people["head"], assignee=other)
    sent(vn(2026, 3, 2, 14, 0))
    assert told("reminder.step_due", d) == ["chuyenvien2.tnmt"]


def test_a_moved_due_moment_is_reminded_again(people, version, clock):
    d = processing_dossier(people, version, clock, step_due=vn(2026, 3, 2, 17, 0))
    assert sent(vn(2026, 3, 2, 14, 0))["dossiers.step_due"] == 1
    DossierStep.objects.filter(dossier=d, finished_at__isnull=True).update(due_at=vn(2026, 3, 3, 17, 0))
    assert sent(vn(2026, 3, 3, 14, 0))["dossiers.step_due"] == 1
    assert Reminder.objects.filter(kind="dossier.step_due").count() == 2


def test_paused_dossiers_are_not_chased(people, version, clock):
    d = processing_dossier(people, version, clock, step_due=vn(2026, 3, 2, 17, 0))
    clock(vn(2026, 3, 2, 14, 0))
    s.dossier_request_supplement(dossier=d, actor=people["specialist"], reason="Thiếu", items=["Sơ đồ"])
    assert sum(sent(vn(2026, 3, 3, 9, 0)).values()) == 0


# -- the agency leader: only while an apology is possible and none was sent ------------------------------


def test_no_leader_warning_once_an_apology_was_sent(people, version, clock):
    d = processing_dossier(people, version, clock)
    clock(vn(2026, 3, 4, 9, 0))
    s.dossier_apologise(
        dossier=d, actor=people["leader"], reason="Cần xác minh thực địa", new_due_at=vn(2026, 3, 16, 17, 0)
    )
    clock(vn(2026, 3, 5, 9, 0))  # the step is overdue
    result = sent(clock.moment)
    assert result["dossiers.step_overdue"] == 1 and result["dossiers.apology_needed"] == 0
    assert told("reminder.apology_needed") == []


def test_no_leader_warning_when_it_is_too_late_to_apologise(people, version, clock):
    d = processing_dossier(people, version, clock)
    assert d.due_at == vn(2026, 3, 9, 17, 0)
    clock(vn(2026, 3, 9, 8, 0))  # the due date itself: the apology had to be sent by Sunday 8 March
    assert sent(clock.moment)["dossiers.apology_needed"] == 0


def test_the_leader_warning_still_comes_the_evening_before(people, version, clock):
    processing_dossier(people, version, clock)
    clock(vn(2026, 3, 8, 21, 0))  # Sunday evening: an apology is still possible today
    assert sent(clock.moment)["dossiers.apology_needed"] == 1
    assert told("reminder.apology_needed") == ["lanhdao.tnmt"]


def test_leader_warned_one_working_day_before_even_if_no_step_is_late(people, version, clock):
    d = processing_dossier(people, version, clock)
    DossierStep.objects.filter(dossier=d, finished_at__isnull=True).update(due_at=d.due_at)  # Mon 9 Mar 17:00
    clock(vn(2026, 3, 6, 16, 0))  # Friday: 1 h + 8 h left
    assert sent(clock.moment)["dossiers.apology_needed"] == 0
    clock(vn(2026, 3, 6, 17, 0))  # one working day left
    result = sent(clock.moment)
    assert result["dossiers.apology_needed"] == 1 and result["dossiers.step_overdue"] == 0


def test_leader_warned_when_the_step_ends_after_the_appointment(people, version, clock):
    d = processing_dossier(people, version, clock)
    DossierStep.objects.filter(dossier=d, finished_at__isnull=True).update(due_at=vn(2026, 3, 12, 17, 0))
    assert sent(vn(2026, 3, 3, 9, 0))["dossiers.apology_needed"] == 1


# -- the command -----------------------------------------------------------------------------------------


def test_command_reports_per_scanner_and_dry_run_writes_nothing(people, version, clock, capsys):
    processing_dossier(people, version, clock, step_due=vn(2026, 3, 2, 17, 0))
    call_command("scan_deadlines", "--now", "2026-03-02T14:00:00+07:00", "--dry-run")
    out = capsys.readouterr().out
    assert "dossiers.step_due: would send 1 reminder(s)" in out
    assert (
        not Reminder.objects.exists()
        and not Notification.objects.filter(topic__startswith="reminder.").exists()
    )
    call_command("scan_deadlines", "--now", "2026-03-02T14:00")  # naive: the province's time
    assert "dossiers.step_due: sent 1 reminder(s)" in capsys.readouterr().out
    call_command("scan_deadlines", "--now", "2026-03-02T14:05")
    assert "total: sent 0 reminder(s)" in capsys.readouterr().out


def test_command_refuses_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("scan_deadlines", "--now", "hôm qua")
    with pytest.raises(CommandError, match="unknown scanner"):
        call_command("scan_deadlines", "--only", "nope")
