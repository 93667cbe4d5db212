"""The worker: signed POSTs, retries with back-off, exactly-once as the receiver sees it, order per dossier,
a worker killed mid-attempt, and what 410 and 400 do. The clock moves only when a test moves it."""

import datetime as dt
import json
import random

import pytest
from django.core.management import call_command

from motcua.integrations.webhooks import conf
from motcua.integrations.webhooks.models import (
    AttemptOutcome,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from motcua.integrations.webhooks.outbox import claim, delivery_send
from motcua.integrations.webhooks.services import delivery_retry, endpoint_rotate_secret, endpoint_send_ping
from motcua.integrations.webhooks.signing import verify
from motcua.integrations.webhooks.transport import _transport_override

from .conftest import endpoint, journey, minutes, received

pytestmark = pytest.mark.django_db


def register(receiver, **kwargs):
    ep, secret = endpoint(**kwargs)
    receiver.secret = secret
    return ep


def test_each_delivery_is_a_signed_json_post(people, version, clock, worker, receiver):
    ep = register(receiver)
    d = received(people, version, clock)
    summary = worker.run()
    assert (summary.delivered, summary.retrying, summary.gave_up) == (2, 0, 0)
    first = receiver.requests[0]
    assert first.url == ep.url and first.verdict == "processed"
    headers = first.headers
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"] == "motcua-webhooks/1"
    assert headers["X-Motcua-Event"] == "dossier.submitted"
    row = WebhookDelivery.objects.get(endpoint=ep, event_seq=1)
    assert headers["X-Motcua-Delivery"] == str(row.uid)
    t = int(headers["X-Motcua-Signature"].split(",")[0].removeprefix("t="))
    assert t == int(worker.now.timestamp())
    assert verify(receiver.secret, headers["X-Motcua-Signature"], first.body, worker.now)
    assert json.loads(first.body) == row.payload
    assert receiver.sequences(d.code) == [1, 2]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code, row.delivered_at) == (
        "delivered",
        1,
        200,
        worker.now,
    )
    assert row.next_attempt_at is None and row.last_duration_ms is not None
    (attempt,) = row.attempt_log.all()
    assert (attempt.number, attempt.outcome, attempt.status_code) == (1, "delivered", 200)
    assert worker.run().delivered == 0  # a second pass sends nothing


def test_retries_with_back_off_on_500_and_timeout_then_delivered_exactly_once(
    people, version, clock, worker, receiver
):
    register(receiver)
    received(people, version, clock)
    WebhookDelivery.objects.filter(event_seq=2).delete()  # one delivery keeps the story short
    receiver.plan(500, "timeout", 503)
    row = WebhookDelivery.objects.get()
    waits = []
    for expected_minutes in (1, 5, 30):
        before = worker.now
        assert worker.run().retrying == 1
        row.refresh_from_db()
        assert row.status == "failed" and row.attempts == len(waits) + 1
        wait = minutes(row.next_attempt_at - before)
        assert expected_minutes * 0.9 <= wait <= expected_minutes * 1.1  # the schedule, with jitter
        waits.append(wait)
        worker.advance(seconds=1)
        assert worker.run().retrying == 0  # not due yet: nothing is sent before its time
        assert worker.advance_to_next()
    assert worker.run().delivered == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 4, 200, "")
    log = list(row.attempt_log.order_by("number").values_list("outcome", "status_code", "error"))
    assert log[0] == ("retry", 500, 'HTTP 500: {"error": "planned"}')
    assert log[1] == ("retry", None, "timeout after 10 s")
    assert log[2][:2] == ("retry", 503) and log[3] == ("delivered", 200, "")
    assert [e["dossier"]["sequence"] for e in receiver.events] == [1]  # processed once
    assert len(receiver.requests) == 4


def test_the_back_off_schedule_and_its_jitter():
    rng = random.Random(7)
    expected = [60, 300, 1800, 7200, 21600, 86400, 86400]
    for attempts, seconds in enumerate(expected, start=1):
        wait = conf.backoff(attempts, rng=rng).total_seconds()
        assert seconds * 0.9 <= wait <= seconds * 1.1
    spread = {conf.backoff(1, rng=rng).total_seconds() for _ in range(20)}
    assert len(spread) > 1  # jitter: retries after an outage do not all land in the same second
    assert conf.max_attempts() == 7


def test_given_up_after_the_last_attempt(people, version, clock, worker, receiver):
    register(receiver)
    received(people, version, clock)
    WebhookDelivery.objects.filter(event_seq=2).delete()
    receiver.down(500)
    passes = worker.drain()
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("gave_up", 7, None)
    assert passes == 7 and len(receiver.requests) == 7
    assert dt.timedelta(hours=30) < worker.now - row.created_at < dt.timedelta(hours=37)


def test_receiver_down_for_several_attempts_then_up_every_event_once_in_order(
    people, version, clock, worker, receiver
):
    register(receiver)
    receiver.down("unreachable")
    first = journey(people, version, clock)
    second = received(people, version, clock, at=clock.moment + dt.timedelta(minutes=5))
    total = WebhookDelivery.objects.count()
    assert total == 10
    for _ in range(4):  # several passes while it is down: one request per pass, not one per event
        summary = worker.run()
        assert summary.retrying == 1 and len(summary.endpoints_down) == 1
        worker.advance_to_next()
    assert len(receiver.requests) == 4
    receiver.up()
    worker.drain()
    assert WebhookDelivery.objects.filter(status="delivered").count() == total
    assert receiver.sequences(first.code) == list(range(1, 9))
    assert receiver.sequences(second.code) == [1, 2]
    ids = [e["id"] for e in receiver.events]
    assert len(ids) == len(set(ids)) == total  # each event processed exactly once


def test_a_later_event_waits_for_an_earlier_one_of_the_same_dossier(people, version, clock, worker, receiver):
    register(receiver)
    d = received(people, version, clock)
    receiver.plan(500)  # the first event fails once
    worker.run()
    assert receiver.sequences(d.code) == []
    second = WebhookDelivery.objects.get(event_seq=2)
    assert second.status == "pending" and second.attempts == 0  # held back, not sent out of order
    worker.advance_to_next()
    worker.run()
    assert receiver.sequences(d.code) == [1, 2]


def test_a_worker_killed_before_recording_is_redelivered_under_the_same_id(
    people, version, clock, worker, receiver
):
    register(receiver)
    received(people, version, clock)
    WebhookDelivery.objects.filter(event_seq=2).delete()
    row = WebhookDelivery.objects.get()
    claimed = claim(row.pk, worker.now)  # a worker claims it, sends it …
    assert claimed is not None
    from motcua.integrations.webhooks.outbox import build_request

    receiver(build_request(claimed.delivery, worker.now))  # … the receiver processes it, and the worker dies
    assert worker.run().delivered == 0  # within the lease nobody else takes it
    worker.advance(seconds=121)  # the lease ends
    assert worker.run().delivered == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)
    assert receiver.delivery_ids() == [str(row.uid), str(row.uid)]
    assert [r.verdict for r in receiver.requests] == ["processed", "duplicate"]
    assert len(receiver.events) == 1
    outcomes = list(row.attempt_log.order_by("number").values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.IN_FLIGHT, AttemptOutcome.DELIVERED]  # the dead attempt shows


def test_a_lost_answer_is_sent_again_and_processed_once(people, version, clock, worker, receiver):
    register(receiver)
    d = received(people, version, clock)
    receiver.plan("lost_answer")
    worker.run()
    worker.drain()
    assert receiver.sequences(d.code) == [1, 2]
    assert [r.verdict for r in receiver.requests] == ["processed", "duplicate", "processed"]


def test_410_gives_up_and_disables_the_endpoint(people, version, clock, worker, receiver):
    ep = register(receiver)
    received(people, version, clock)
    receiver.plan(410)
    summary = worker.run()
    assert summary.gave_up == 1
    ep.refresh_from_db()
    assert not ep.active and "410" in ep.disabled_reason
    first = WebhookDelivery.objects.get(endpoint=ep, event_seq=1)
    assert (first.status, first.last_status_code) == ("gave_up", 410)
    waiting = WebhookDelivery.objects.get(endpoint=ep, event_seq=2)
    assert waiting.status == "pending" and waiting.attempts == 0  # kept, not sent to a gone endpoint
    worker.advance(hours=1)
    worker.run()
    assert WebhookDelivery.objects.get(pk=waiting.pk).attempts == 0
    clock.shift(minutes=5)
    from motcua.dossiers import services as s

    d2 = received(people, version, clock)
    s.dossier_route(dossier=d2, officer=people["officer"])
    assert not WebhookDelivery.objects.filter(endpoint=ep, dossier=d2).exists()  # nothing new is queued


def test_400_gives_up_at_once_and_does_not_hold_the_dossier_back(people, version, clock, worker, receiver):
    ep = register(receiver)
    d = received(people, version, clock)
    receiver.plan(400)
    summary = worker.run()
    assert (summary.gave_up, summary.delivered) == (1, 1)
    first = WebhookDelivery.objects.get(event_seq=1)
    assert (first.status, first.attempts, first.last_status_code) == ("gave_up", 1, 400)
    assert first.last_error.startswith("HTTP 400")
    ep.refresh_from_db()
    assert ep.active
    assert receiver.sequences(d.code) == [2]


@pytest.mark.parametrize("code", [408, 429, 301])
def test_408_429_and_redirects_are_retried(people, version, clock, worker, receiver, code):
    register(receiver)
    received(people, version, clock)
    receiver.plan(code)
    assert worker.run().retrying == 1
    assert WebhookDelivery.objects.get(event_seq=1).status == "failed"


def test_a_retry_after_is_honoured(people, version, clock, worker, receiver):
    from motcua.integrations.http import HttpAnswer

    register(receiver)
    received(people, version, clock)
    row = WebhookDelivery.objects.get(event_seq=1)
    delivery_send(delivery_id=row.pk, now=worker.now,
                  transport=lambda request: HttpAnswer(429, b"", {"Retry-After": "3600"}))  # fmt: skip
    row.refresh_from_db()
    assert row.next_attempt_at - worker.now == dt.timedelta(hours=1)


def test_retry_now_sends_a_given_up_delivery_again_under_the_same_id(
    people, version, clock, worker, receiver
):
    register(receiver)
    d = received(people, version, clock)
    receiver.plan(400)
    worker.run()
    row = WebhookDelivery.objects.get(event_seq=1)
    assert row.status == "gave_up"
    assert delivery_retry(actor=people["admin"], delivery_id=row.pk)
    assert not delivery_retry(actor=people["admin"], delivery_id=row.pk)  # pending now: nothing to do
    worker.run()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 1)
    assert row.attempt_log.count() == 2
    assert receiver.delivery_ids().count(str(row.uid)) == 2
    assert receiver.sequences(d.code) == [2, 1]  # given up, it did not hold the later one back


def test_a_ping_is_tried_once(people, clock, worker, receiver):
    ep = register(receiver)
    delivery = endpoint_send_ping(actor=people["admin"], endpoint_id=ep.pk, now=worker.now)
    assert delivery_send(delivery_id=delivery.pk, transport=receiver, now=worker.now) == "delivered"
    assert receiver.events[0]["type"] == "ping" and receiver.requests[0].headers["X-Motcua-Event"] == "ping"
    receiver.plan(503)
    again = endpoint_send_ping(actor=people["admin"], endpoint_id=ep.pk, now=worker.now)
    assert delivery_send(delivery_id=again.pk, transport=receiver, now=worker.now) == "gave_up"


def test_a_ping_reaches_an_endpoint_not_yet_switched_on(people, clock, worker, receiver):
    ep = register(receiver, active=False)
    delivery = endpoint_send_ping(actor=people["admin"], endpoint_id=ep.pk, now=worker.now)
    assert worker.run().delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and receiver.events[0]["endpoint"]["name"] == ep.name


def test_after_a_rotation_both_secrets_sign_for_a_day(people, clock, worker, receiver):
    ep = register(receiver)
    old = receiver.secret
    new = endpoint_rotate_secret(actor=people["admin"], endpoint_id=ep.pk, now=worker.now)
    assert new != old
    ping = endpoint_send_ping(actor=None, endpoint_id=ep.pk, now=worker.now)
    assert delivery_send(delivery_id=ping.pk, transport=receiver, now=worker.now) == "delivered"  # old secret
    header = receiver.requests[-1].headers["X-Motcua-Signature"]
    assert verify(new, header, receiver.requests[-1].body, worker.now)
    worker.advance(hours=25)
    ping = endpoint_send_ping(actor=None, endpoint_id=ep.pk, now=worker.now)
    assert (
        delivery_send(delivery_id=ping.pk, transport=receiver, now=worker.now) == "gave_up"
    )  # 401: old only
    receiver.secret = new
    ping = endpoint_send_ping(actor=None, endpoint_id=ep.pk, now=worker.now)
    assert delivery_send(delivery_id=ping.pk, transport=receiver, now=worker.now) == "delivered"
    assert receiver.requests[-1].headers["X-Motcua-Signature"].count("v1=") == 1


def test_an_inactive_endpoint_gets_nothing_until_enabled(people, version, clock, worker, receiver):
    from motcua.integrations.webhooks.services import endpoint_enable

    ep = register(receiver)
    d = received(people, version, clock)
    WebhookEndpoint.objects.filter(pk=ep.pk).update(active=False, disabled_reason="bảo trì")
    worker.run()
    assert receiver.requests == []
    assert endpoint_enable(actor=None, endpoint_id=ep.pk)
    worker.run()
    assert receiver.sequences(d.code) == [1, 2]


def test_the_command(people, version, clock, worker, receiver, capsys):
    register(receiver)
    received(people, version, clock)
    _transport_override["value"] = receiver
    try:
        call_command("deliver_webhooks", "--once", "--batch", "1")
        assert WebhookDelivery.objects.filter(status="delivered").count() == 1
        call_command("deliver_webhooks")
    finally:
        _transport_override["value"] = None
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2
    assert "1 delivered" in capsys.readouterr().out


def test_pruning_keeps_waiting_deliveries(people, version, clock, worker, receiver):
    from motcua.integrations.webhooks.outbox import deliveries_prune

    register(receiver)
    received(people, version, clock)
    receiver.plan(200, 500)
    worker.run()
    assert deliveries_prune(older_than=dt.timedelta(days=90), now=worker.now) == 0
    pruned = deliveries_prune(older_than=dt.timedelta(days=90), now=worker.now + dt.timedelta(days=91))
    assert pruned == 1
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["failed"]
    assert WebhookAttempt.objects.count() == 1


def test_the_loop_runs_passes_until_stopped_and_survives_a_failed_pass(
    people, version, clock, worker, receiver, monkeypatch
):
    import io
    import threading

    from motcua.integrations import worker_loop
    from motcua.integrations.management.commands import deliver_webhooks as command

    register(receiver)
    received(people, version, clock)
    passes = {"n": 0}
    real = command.deliveries_send_due

    def flaky(**kwargs):
        passes["n"] += 1
        if passes["n"] == 1:
            raise RuntimeError("the database went away")  # the loop logs it and carries on
        return real(transport=receiver, **kwargs)

    class TwoPasses(threading.Event):
        def wait(self, timeout=None):
            if passes["n"] >= 2:
                self.set()  # as SIGTERM would
            return self.is_set()

    monkeypatch.setattr(command, "deliveries_send_due", flaky)
    monkeypatch.setattr(worker_loop.threading, "Event", TwoPasses)
    monkeypatch.setattr(worker_loop.signal, "signal", lambda *args: None)
    monkeypatch.setattr(worker_loop, "close_old_connections", lambda: None)  # keep the test's transaction
    out = io.StringIO()
    call_command("deliver_webhooks", "--loop", "--interval", "0", stdout=out)
    assert passes["n"] == 2 and "webhooks: 2 delivered" in out.getvalue()
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2
