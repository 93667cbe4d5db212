"""Two workers at once (PostgreSQL: SKIP LOCKED): a locked delivery is skipped, not waited for, and every
delivery goes out once, each dossier's events in order. Skipped on SQLite, which serialises writers."""

import threading

import pytest
from django.db import connection, transaction

from motcua.integrations.webhooks.models import WebhookDelivery
from motcua.integrations.webhooks.outbox import claim, deliveries_send_due

from .conftest import endpoint, journey, received

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_locked_delivery_is_skipped_not_waited_for(people, version, clock):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers instead")
    endpoint()
    received(people, version, clock)
    row = WebhookDelivery.objects.get(event_seq=1)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(10)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert claim(row.pk, clock.moment) is None  # at once, not after the other worker's commit
    finally:
        release.set()
        thread.join(10)
    assert claim(row.pk, clock.moment) is not None


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_workers_at_once_deliver_each_event_once_in_order(people, version, clock, receiver):
    if connection.vendor != "postgresql":
        pytest.skip("two workers at once need PostgreSQL's row locks (SQLite serialises writers)")
    _ep, receiver.secret = endpoint()
    dossiers = [journey(people, version, clock) for _ in range(3)]
    now = clock.moment
    errors = []
    start = threading.Barrier(2)

    def worker():
        from django.db import connection as thread_connection

        try:
            start.wait(10)
            deliveries_send_due(transport=receiver, now=now)
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
    deliveries_send_due(transport=receiver, now=now)  # whatever one worker skipped while the other held it
    total = WebhookDelivery.objects.count()
    # 8 events per journey (9 when the signed result's on-commit work runs here: result_issued).
    assert total >= 24 and WebhookDelivery.objects.filter(status="delivered").count() == total
    assert len(receiver.requests) == total  # none sent twice
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}
    for d in dossiers:
        queued = (
            WebhookDelivery.objects.filter(dossier=d)
            .order_by("event_seq")
            .values_list("event_seq", flat=True)
        )
        assert receiver.sequences(d.code) == list(queued)
