"""``remind_once``: one row per key, notifications in the same transaction, nothing twice — also with two
scans at once on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from motcua.notifications.models import Notification, Reminder
from motcua.notifications.reminders import (
    register_deadline_scanner,
    registered_deadline_scanners,
    remind_once,
    reminder_key,
    scan_deadlines,
)
from motcua.notifications.services import Recipient
from tests.notifications.conftest import DUE, make_user

from .conftest import processing_dossier, vn

CONTEXT = {"code": "H56-1", "procedure_name": "Thủ tục", "step_name": "Thẩm định", "due_at": DUE}


@pytest.mark.django_db
def test_sent_once_per_key_to_each_recipient_once():
    a, b = make_user("a", email="a@example.vn"), make_user("b")
    key = reminder_key(kind="test", obj=a, stage="due", due_at=DUE)
    assert key == f"test|accounts.user:{a.pk}|due|20260320T010000Z"
    first = remind_once(
        key=key, topic="reminder.step_due", recipients=[a, b, a], context=CONTEXT, kind="test"
    )
    assert first is not None and [r["user"] for r in first.recipients] == [a.pk, b.pk]
    assert remind_once(key=key, topic="reminder.step_due", recipients=[a, b], context=CONTEXT) is None
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(topic="reminder.step_due").count() == 2


@pytest.mark.django_db
def test_nobody_to_tell_records_nothing_and_dry_run_writes_nothing():
    a = make_user("a")
    assert remind_once(key="k1", topic="reminder.step_due", recipients=[], context=CONTEXT) is None
    dry = remind_once(key="k1", topic="reminder.step_due", recipients=[a], context=CONTEXT, dry_run=True)
    assert dry is not None and dry.pk is None
    assert not Reminder.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_a_failing_notification_rolls_the_reminder_back():
    a = make_user("a")
    from motcua.notifications.errors import MissingContext

    with pytest.raises(MissingContext):
        remind_once(key="k2", topic="reminder.step_due", recipients=[a], context={"code": "X"})
    assert not Reminder.objects.exists()
    # Contacts without an account are fine (no in-app, email only).
    assert remind_once(
        key="k2",
        topic="reminder.step_due",
        recipients=[Recipient(name="X", email="x@example.vn")],
        context=CONTEXT,
    )


@pytest.mark.django_db
def test_a_failing_scanner_does_not_stop_the_others():
    def broken(*, now, dry_run):
        raise RuntimeError("boom")

    saved = registered_deadline_scanners()
    register_deadline_scanner("test.broken", broken)
    try:
        results = {r.name: r for r in scan_deadlines()}
        assert "boom" in results["test.broken"].error
        assert results["dossiers.step_due"].error == ""
    finally:
        from motcua.notifications import reminders

        reminders._scanners.clear()
        reminders._scanners.update(saved)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database shared by two threads")
def test_two_scans_at_once_send_once(people, version, clock):
    d = processing_dossier(people, version, clock)  # the step was due Wed 4 Mar 17:00
    now = vn(2026, 3, 5, 9, 0)
    barrier = threading.Barrier(4)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(sum(r.sent for r in scan_deadlines(now=now)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(outcomes) == 3  # step due (assignee), overdue (head), apology needed (leader) — once each
    assert Reminder.objects.count() == 3
    related = Notification.objects.filter(related_id=str(d.pk), topic__startswith="reminder.")
    assert related.count() == 3


@pytest.mark.django_db
def test_the_unique_key_is_the_last_word_when_a_concurrent_scan_won():
    """The insert itself refuses a key another scan wrote after this one's check: nothing is sent."""
    from unittest import mock

    a = make_user("a")
    assert remind_once(key="k3", topic="reminder.step_due", recipients=[a], context=CONTEXT)
    with mock.patch("django.db.models.query.QuerySet.exists", return_value=False):
        assert remind_once(key="k3", topic="reminder.step_due", recipients=[a], context=CONTEXT) is None
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 1
