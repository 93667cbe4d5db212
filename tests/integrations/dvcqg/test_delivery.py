"""Delivery: every update exactly once and in order per dossier, whatever the portal does — down for a
while, answers lost, duplicates, rejections — and whatever the worker does: killed mid-batch, two at once."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from motcua.dossiers import services as s
from motcua.integrations.dvcqg import outbox
from motcua.integrations.dvcqg.client import portal_client
from motcua.integrations.dvcqg.models import PortalUpdate, UpdateState
from motcua.integrations.dvcqg.outbox import claim, update_retry, update_skip, updates_send_due

from .conftest import journey, online, received, sync

pytestmark = pytest.mark.django_db


def push(now=None, limit=500):
    return updates_send_due(client=portal_client(), now=now, limit=limit)


def keys(d):
    return list(
        PortalUpdate.objects.filter(dossier=d).order_by("event_seq").values_list("idempotency_key", flat=True)
    )


def states(d):
    return list(PortalUpdate.objects.filter(dossier=d).order_by("event_seq").values_list("state", flat=True))


def assert_exactly_once_in_order(portal, *dossiers):
    arrived = portal.delivered_keys()
    assert len(arrived) == len(set(arrived))  # each key recorded once
    for d in dossiers:
        assert [k for k in arrived if k.startswith(f"{d.code}:")] == keys(d)
        assert portal.sequence(d.code) == sorted(portal.sequence(d.code))
        assert set(states(d)) == {UpdateState.DELIVERED}
    assert portal.state.out_of_order == []


def test_everything_is_delivered_once_in_order_and_a_second_run_sends_nothing(people, version, clock, portal):
    d = journey(people, version, clock)
    summary = push()
    assert (summary.delivered, summary.failed, summary.retrying) == (5, 0, 0)
    assert portal.statuses(d.code) == [1, 2, 4, 9, 10]
    assert_exactly_once_in_order(portal, d)
    assert push().delivered == 0 and len(portal.delivered_keys()) == 5
    receipt = PortalUpdate.objects.filter(dossier=d).first()
    assert receipt.receipt.startswith("BN-") and receipt.attempts == 1 and not receipt.duplicate


def test_the_portal_down_for_a_while_then_back(people, version, clock, portal):
    d = received(people, version, clock)  # "submit" and "receive" queued
    portal.plan("trang-thai", "server_error", "timeout", "server_error")
    start = clock.moment
    first = push()
    assert first.stopped and (first.delivered, first.retrying) == (0, 1)  # a pass stops at the failure
    head = PortalUpdate.objects.get(dossier=d, event_seq=1)
    assert (head.attempts, head.last_error_code) == (1, "dvcqg_unavailable")
    assert head.next_attempt_at == start + dt.timedelta(seconds=30)
    clock(start + dt.timedelta(seconds=29))
    assert push().delivered == 0  # the back-off holds the first update, and the second waits behind it
    head.refresh_from_db()
    assert head.attempts == 1
    clock(start + dt.timedelta(seconds=30))
    push()  # attempt 2: no answer in time
    head.refresh_from_db()
    assert (head.attempts, head.last_error_code) == (2, "dvcqg_timeout")
    assert head.next_attempt_at == start + dt.timedelta(seconds=30 + 60)  # the wait doubles
    clock(start + dt.timedelta(seconds=90))
    push()  # attempt 3: 503 again
    head.refresh_from_db()
    assert head.next_attempt_at == start + dt.timedelta(seconds=90 + 120)
    clock(start + dt.timedelta(seconds=210))
    summary = push()  # the portal is back
    assert not summary.stopped and summary.delivered == 2
    assert_exactly_once_in_order(portal, d)
    head.refresh_from_db()
    assert (head.attempts, head.last_error, head.state) == (4, "", "delivered")
    assert portal.statuses(d.code) == [1, 2]


def test_a_lost_answer_is_resent_and_the_portal_keeps_it_once(people, version, clock, portal):
    d = online(people, version, clock)
    portal.plan("trang-thai", "lost_answer")
    assert push().retrying == 1
    (key,) = keys(d)
    assert portal.delivered_keys() == [key]  # the portal has it; we do not know yet
    clock.shift(seconds=30)
    assert push().duplicates == 1
    row = PortalUpdate.objects.get(dossier=d)
    assert (row.state, row.duplicate, row.attempts) == ("delivered", True, 2)
    assert portal.state.push_requests[key] == 2 and portal.delivered_keys() == [key]


def test_a_409_duplicate_answer_counts_as_delivered(people, version, clock, portal):
    from motcua.integrations.dvcqg.client import HttpAnswer, PortalClient

    d = online(people, version, clock)
    client = PortalClient(url="http://portal", token="t", client_id="c", timeout=1,
                          transport=lambda request: HttpAnswer(409, b"", {}))  # fmt: skip
    assert updates_send_due(client=client).duplicates == 1
    assert states(d) == ["delivered"]


def test_a_rejection_is_kept_visible_holds_the_dossier_back_and_can_be_retried_or_skipped(
    people, version, clock, portal
):
    d = received(people, version, clock)
    other = online(people, version, clock, applicant="citizen2")
    portal.reject_dossier(d.code)
    summary = push()
    assert summary.failed == 1 and summary.delivered == 1  # the other dossier is not held back
    assert states(d) == ["failed", "pending"]
    failed = PortalUpdate.objects.get(dossier=d, state="failed")
    assert failed.attempts == 1 and failed.next_attempt_at is None  # a 4xx is not retried
    assert failed.last_error_code == "dvcqg_rejected_dossier_unknown" and "422" in failed.last_error
    clock.shift(hours=5)
    assert push().delivered == 0 and states(d) == ["failed", "pending"]  # the later update waits
    assert states(other) == ["delivered"]
    # The administrator sends it again once the portal accepts the dossier.
    portal.state.rejected_dossiers.clear()
    assert update_retry(actor=people["admin"], update_id=failed.pk)
    assert not update_retry(actor=people["admin"], update_id=failed.pk)  # no longer failed
    push()
    assert_exactly_once_in_order(portal, d, other)


def test_skipping_a_failed_update_lets_the_later_ones_go(people, version, clock, portal):
    d = received(people, version, clock)
    portal.plan("trang-thai", "reject")
    push()
    failed = PortalUpdate.objects.get(dossier=d, state="failed")
    assert update_skip(actor=people["admin"], update_id=failed.pk)
    push()
    assert states(d) == ["skipped", "delivered"] and portal.statuses(d.code) == [2]


def test_given_up_after_the_last_attempt(people, version, clock, portal, settings):
    settings.MOTCUA_DVCQG = {**settings.MOTCUA_DVCQG, "max_attempts": 3}
    d = online(people, version, clock)
    portal.plan("trang-thai", *["server_error"] * 3)
    for _ in range(3):
        push()
        clock.shift(hours=1)
    row = PortalUpdate.objects.get(dossier=d)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert push().delivered == 0  # kept visible, not retried


def test_a_later_status_never_overtakes_an_earlier_one(people, version, clock, portal):
    d = received(people, version, clock)
    clock.shift(minutes=5)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    portal.plan("trang-thai", "ok", "server_error")  # submit goes, receive fails, route must wait
    push()
    assert states(d) == ["delivered", "pending", "pending"]
    assert portal.statuses(d.code) == [1]
    assert [u.pk for u in outbox.due(clock.moment + dt.timedelta(hours=1)).filter(dossier=d)] == [
        PortalUpdate.objects.get(dossier=d, event_seq=2).pk
    ]  # only the head of the dossier's line is ever due
    clock.shift(minutes=1)
    push()
    assert_exactly_once_in_order(portal, d)
    assert portal.statuses(d.code) == [1, 2, 4]


def test_a_worker_killed_after_sending_and_restarted(people, version, clock, portal, monkeypatch):
    """The crash is simulated after the portal has the update and before it is marked delivered."""
    d = journey(people, version, clock)
    real = outbox._record_success
    calls = {"n": 0}

    def crash_on_third(update, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")
        return real(update, **kwargs)

    monkeypatch.setattr(outbox, "_record_success", crash_on_third)
    with pytest.raises(SystemExit):
        push()
    monkeypatch.setattr(outbox, "_record_success", real)
    rows = list(PortalUpdate.objects.filter(dossier=d).order_by("event_seq"))
    assert [r.state for r in rows] == ["delivered", "delivered", "pending", "pending", "pending"]
    assert len(portal.delivered_keys()) == 3  # the portal got the third one
    # Restarted at once: the third is still leased to the dead worker, nothing after it may go.
    assert push().delivered == 0
    clock.shift(seconds=121)  # the lease ends
    summary = push()
    assert summary.delivered == 3 and summary.duplicates == 1
    assert_exactly_once_in_order(portal, d)
    assert portal.state.push_requests[rows[2].idempotency_key] == 2


def test_the_command(people, version, clock, portal, settings):
    online(people, version, clock)
    out = io.StringIO()
    call_command("sync_dvcqg", "--once", stdout=out)
    assert "sent: 1 delivered (0 already there), 0 to retry, 0 failed" in out.getvalue()
    assert "received: 0 new" in out.getvalue()
    settings.MOTCUA_DVCQG = {"backend": "off"}
    with pytest.raises(CommandError, match="not connected"):
        call_command("sync_dvcqg")
    settings.MOTCUA_DVCQG = {"backend": "http", "url": ""}
    with pytest.raises(CommandError):
        call_command("sync_dvcqg")


def test_the_loop_ends_when_the_portal_is_not_configured(settings, monkeypatch):
    """A configuration problem is not a failed pass: the worker stops instead of trying again forever."""
    from motcua.integrations import worker_loop

    settings.MOTCUA_DVCQG = {"backend": "http", "url": ""}
    waits = []

    class OnePass(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            self.set()  # as SIGTERM would: a swallowed error fails the test instead of looping forever
            return True

    monkeypatch.setattr(worker_loop.threading, "Event", OnePass)
    monkeypatch.setattr(worker_loop.signal, "signal", lambda *args: None)
    monkeypatch.setattr(worker_loop, "close_old_connections", lambda: None)
    with pytest.raises(CommandError):
        call_command("sync_dvcqg", "--loop", "--interval", "0")
    assert waits == []  # no second pass was waited for


def test_sync_once_pulls_and_pushes(people, version, clock, portal):
    online(people, version, clock)
    summary = sync()
    assert summary.pull is not None and summary.push is not None and summary.push.delivered == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_locked_update_is_skipped_not_waited_for(people, version, clock, portal):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers instead")
    d = online(people, version, clock)
    row = PortalUpdate.objects.get(dossier=d)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                PortalUpdate.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(10)
        finally:
            thread_connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(10)
        assert claim(row.pk, clock.moment) is None  # at once, not after the other worker's commit
    finally:
        release.set()
        worker.join(10)
    assert claim(row.pk, clock.moment) is not None


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_workers_at_once_deliver_each_update_once_in_order(people, version, clock, portal):
    if connection.vendor != "postgresql":
        pytest.skip("two workers at once need PostgreSQL's row locks (SQLite serialises writers)")
    dossiers = [journey(people, version, clock) for _ in range(3)]
    now = clock.moment
    errors = []
    start = threading.Barrier(2)

    def worker():
        from django.db import connection as thread_connection

        try:
            start.wait(10)
            updates_send_due(client=portal_client(), now=now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    push(now=now)  # whatever one worker skipped while the other held it
    assert_exactly_once_in_order(portal, *dossiers)
    # No update was sent twice (with on-commit work running here, the signed result is reported too).
    assert set(portal.state.push_requests.values()) == {1}
    assert len(portal.state.push_requests) == PortalUpdate.objects.count() >= 15
    assert set(PortalUpdate.objects.values_list("attempts", flat=True)) == {1}  # none claimed twice


def test_the_loop_runs_passes_until_stopped_and_survives_a_failed_pass(
    people, version, clock, portal, monkeypatch
):
    from motcua.integrations import worker_loop
    from motcua.integrations.management.commands import sync_dvcqg as command

    online(people, version, clock)
    passes = {"n": 0}
    real_sync_once = command.sync_once

    def flaky_sync_once(**kwargs):
        passes["n"] += 1
        if passes["n"] == 1:
            raise RuntimeError("the database went away")  # the loop logs it and carries on
        return real_sync_once(**kwargs)

    class TwoPasses(threading.Event):
        def wait(self, timeout=None):
            if passes["n"] >= 2:
                self.set()  # as SIGTERM would
            return self.is_set()

    monkeypatch.setattr(command, "sync_once", flaky_sync_once)
    monkeypatch.setattr(worker_loop.threading, "Event", TwoPasses)
    monkeypatch.setattr(worker_loop.signal, "signal", lambda *args: None)
    # Between passes the worker drops stale connections; here the test's own transaction must stay open.
    monkeypatch.setattr(worker_loop, "close_old_connections", lambda: None)
    out = io.StringIO()
    call_command("sync_dvcqg", "--loop", "--interval", "0", stdout=out)
    assert passes["n"] == 2 and "sent: 1 delivered" in out.getvalue()
    assert len(portal.delivered_keys()) == 1
