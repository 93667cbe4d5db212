"""Retries with exponential backoff, giving up, the scheduler command, and errors kept free of personal data."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from motcua.notifications import conf
from motcua.notifications.models import Channel, Delivery, DeliveryStatus
from motcua.notifications.services import (
    deliveries_due,
    deliveries_send_due,
    delivery_retry,
    delivery_send,
    notify,
)

from .conftest import PHONE, PHONE_E164, received_context, sms_lines


def notify_committed(recipient, capture, **kwargs):
    with capture(execute=True), transaction.atomic():
        return notify(topic="dossier.received", recipient=recipient, context=received_context(), **kwargs)


def notify_not_yet_sent(recipient, capture, **kwargs):
    """Committed, but the after-commit enqueue never ran (e.g. the queue was down)."""
    with capture(execute=False), transaction.atomic():
        return notify(topic="dossier.received", recipient=recipient, context=received_context(), **kwargs)


def test_backoff_doubles_and_is_capped(settings):
    settings.MOTCUA_NOTIFY_RETRY_BASE_SECONDS = 60
    settings.MOTCUA_NOTIFY_RETRY_MAX_SECONDS = 600
    assert [conf.backoff(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_failed_sms_is_retried_with_backoff_then_given_up(
    citizen, failing_sms, django_capture_on_commit_callbacks
):
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    sms = n.deliveries.get(channel=Channel.SMS)
    first_try = n.created_at
    assert (sms.status, sms.attempts) == (DeliveryStatus.FAILED, 1)
    waits = [sms.next_attempt_at - first_try]

    # Not due yet: nothing happens, however often the scheduler runs.
    before_due = sms.next_attempt_at - dt.timedelta(seconds=1)
    assert delivery_send(delivery_id=sms.pk, now=before_due) == "skipped"
    assert deliveries_send_due(now=before_due).total == 0
    assert len(failing_sms) == 1

    outcomes = []
    for _ in range(3):
        sms.refresh_from_db()
        moment = sms.next_attempt_at
        outcomes.append(delivery_send(delivery_id=sms.pk, now=moment))
        sms.refresh_from_db()
        if sms.next_attempt_at:
            waits.append(sms.next_attempt_at - moment)
    assert outcomes == ["failed", "failed", "gave_up"]
    assert [w.total_seconds() for w in waits] == pytest.approx([60, 120, 240], abs=1)
    assert (sms.status, sms.attempts, sms.next_attempt_at) == (DeliveryStatus.GAVE_UP, 4, None)
    assert len(failing_sms) == 4
    assert "quota exceeded" in sms.last_error

    # Given up: the scheduler never touches it again.
    far_future = first_try + dt.timedelta(days=30)
    assert deliveries_due(now=far_future) == []
    assert deliveries_send_due(now=far_future).total == 0
    assert len(failing_sms) == 4
    # The other channels were not affected.
    assert n.deliveries.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT


def test_a_retry_succeeds_once_the_gateway_is_back(
    citizen, failing_sms, settings, tmp_path, django_capture_on_commit_callbacks
):
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    sms = n.deliveries.get(channel=Channel.SMS)
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.FileSmsBackend"
    settings.MOTCUA_SMS_FILE_DIR = str(tmp_path)
    summary = deliveries_send_due(now=sms.next_attempt_at)
    assert (summary.sent, summary.failed) == (1, 0)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error, sms.next_attempt_at) == ("sent", 2, "", None)
    assert [line["phone"] for line in sms_lines(tmp_path)] == [PHONE_E164]


def test_an_unexpected_exception_is_recorded_not_raised(
    citizen, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "tests.notifications.fakes.ExplodingSmsBackend"
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    sms = n.deliveries.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.FAILED
    assert sms.last_error.startswith("RuntimeError: boom while sending to ")
    assert "912345678" not in sms.last_error


def test_email_failure_is_retried_and_the_address_is_masked_in_the_log(
    citizen, settings, sms_dir, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.fakes.FailingEmailBackend"
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    email = n.deliveries.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.FAILED
    assert "ConnectionRefusedError" in email.last_error
    assert "an@example.vn" not in email.last_error
    assert "a***@example.vn" in email.last_error
    assert "an@example.vn" not in caplog.text
    assert n.deliveries.get(channel=Channel.SMS).status == DeliveryStatus.SENT


def test_phone_numbers_never_appear_in_full_in_logs_or_errors(
    citizen, failing_sms, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("DEBUG")
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    sms = n.deliveries.get(channel=Channel.SMS)
    deliveries_send_due(now=sms.next_attempt_at)
    sms.refresh_from_db()
    assert "failed on attempt" in caplog.text  # the failures were logged …
    for spelling in (PHONE, PHONE_E164, "912345678"):
        assert spelling not in caplog.text  # … without the number
        assert spelling not in sms.last_error
    assert "********678" in sms.last_error  # the 11 digits of +84912345678, all but 3 hidden


class TestCommand:
    def test_sends_what_is_due_and_is_idempotent(self, citizen, sms_dir, django_capture_on_commit_callbacks):
        notify_not_yet_sent(citizen, django_capture_on_commit_callbacks)
        assert mail.outbox == []

        out = io.StringIO()
        call_command("deliver_notifications", stdout=out)
        assert out.getvalue().strip() == "sent 2, failed 0, gave up 0, skipped 0"
        assert len(mail.outbox) == 1
        assert len(sms_lines(sms_dir)) == 1

        out = io.StringIO()
        call_command("deliver_notifications", stdout=out)
        assert out.getvalue().strip() == "sent 0, failed 0, gave up 0, skipped 0"
        assert len(mail.outbox) == 1
        assert len(sms_lines(sms_dir)) == 1
        assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}

    def test_a_delivery_being_sent_is_not_picked_up_again(
        self, citizen, sms_dir, django_capture_on_commit_callbacks
    ):
        n = notify_not_yet_sent(citizen, django_capture_on_commit_callbacks)
        sms = n.deliveries.get(channel=Channel.SMS)
        from motcua.notifications.services import _claim

        claimed = _claim(sms.pk, sms.next_attempt_at)  # a worker took it and is talking to the gateway
        assert claimed is not None
        assert delivery_send(delivery_id=sms.pk) == "skipped"
        assert _claim(sms.pk, sms.next_attempt_at) is None
        assert sms.pk not in deliveries_due()
        assert sms_lines(sms_dir) == []
        # The worker died: after the lease the delivery is due again.
        after_lease = claimed.next_attempt_at
        assert delivery_send(delivery_id=sms.pk, now=after_lease) == "sent"
        assert len(sms_lines(sms_dir)) == 1

    def test_limit(self, citizen, sms_dir, django_capture_on_commit_callbacks):
        notify_not_yet_sent(citizen, django_capture_on_commit_callbacks)
        call_command("deliver_notifications", "--limit", "1", stdout=io.StringIO())
        assert Delivery.objects.filter(status="pending").count() == 1


def test_admin_retry_gives_a_given_up_delivery_one_more_attempt(
    citizen, failing_sms, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 1
    n = notify_committed(citizen, django_capture_on_commit_callbacks)
    sms = n.deliveries.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.GAVE_UP
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.FileSmsBackend"
    settings.MOTCUA_SMS_FILE_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_retry(delivery_id=sms.pk) is True
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (DeliveryStatus.SENT, 2)
    assert len(sms_lines(tmp_path)) == 1
    assert delivery_retry(delivery_id=sms.pk) is False  # a sent delivery is never sent again


def test_a_queue_that_is_down_never_fails_the_caller(
    citizen, sms_dir, monkeypatch, django_capture_on_commit_callbacks
):
    class DownQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("task queue unreachable")

    monkeypatch.setattr("motcua.notifications.tasks.deliver", DownQueue())
    n = notify_committed(citizen, django_capture_on_commit_callbacks)  # no exception
    assert set(n.deliveries.exclude(channel=Channel.INAPP).values_list("status", flat=True)) == {"pending"}
    monkeypatch.undo()
    assert deliveries_send_due().sent == 2  # the scheduler catches up
    assert len(mail.outbox) == 1


def test_locmem_backend_for_other_apps_tests(citizen, settings, django_capture_on_commit_callbacks):
    from motcua.notifications.channels import sms

    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.LocmemSmsBackend"
    sms.outbox.clear()
    notify_committed(citizen, django_capture_on_commit_callbacks)
    assert [(m["phone"], m["message"][:28]) for m in sms.outbox] == [
        (PHONE_E164, "Ho so H56-260313-0001 da duo")
    ]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_locked_delivery_is_skipped_not_waited_for(sms_dir):
    import threading

    from django.db import connection

    from motcua.notifications.services import _claim

    from .conftest import make_user

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers instead")
    user = make_user("lock", email="lock@example.vn")
    n = notify(topic="dossier.stopped", recipient=user, context={"code": "A", "procedure_name": "P"})
    email = n.deliveries.get(channel=Channel.EMAIL)
    assert email.status == "sent"  # autocommit: sent at once; make it due again
    moment = email.sent_at
    Delivery.objects.filter(pk=email.pk).update(status="pending", sent_at=None, next_attempt_at=moment)

    locked, release = threading.Event(), threading.Event()

    def other_worker():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                Delivery.objects.select_for_update().get(pk=email.pk)
                locked.set()
                release.wait(10)
        finally:
            thread_connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert _claim(email.pk, moment) is None  # returns at once instead of waiting for the lock
    finally:
        release.set()
        worker.join(10)
    assert _claim(email.pk, moment) is not None
