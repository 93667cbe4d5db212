"""GET /metrics: the outbox gauges in Prometheus text, readable only by the scraper."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def value(body: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", body, re.M)
    assert match, f"{series} not in the metrics"
    return float(match.group(1))


def notification(age_minutes: int, status: str) -> Delivery:
    note = Notification.objects.create(topic="t", subject="s", body="b", summary="s")
    return Delivery.objects.create(
        notification=note,
        channel="email",
        status=status,
        created_at=timezone.now() - dt.timedelta(minutes=age_minutes),
        sent_at=timezone.now() if status == "sent" else None,
    )


def test_gauges_count_the_waiting_and_the_oldest_age(client):
    notification(30, "pending")
    notification(5, "pending")
    notification(90, "gave_up")
    notification(200, "sent")  # delivered: not counted

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    body = response.content.decode()
    assert value(body, 'motcua_outbox_items{queue="notifications",state="pending"}') == 2
    assert value(body, 'motcua_outbox_items{queue="notifications",state="gave_up"}') == 1
    assert value(body, 'motcua_outbox_items{queue="webhooks",state="pending"}') == 0
    assert 30 * 60 <= value(body, 'motcua_outbox_oldest_pending_seconds{queue="notifications"}') < 31 * 60
    assert value(body, 'motcua_outbox_oldest_pending_seconds{queue="dvcqg"}') == 0
    assert value(body, "motcua_dossiers_overdue") == 0
    assert "# TYPE motcua_dossiers_open gauge" in body


def test_other_machines_need_the_token(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 404
    settings.MOTCUA_METRICS_TOKEN = "scrape-secret"
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    )  # a token, once set, is required
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def test_query_count_does_not_grow_with_the_queues(client, django_assert_max_num_queries):
    for _ in range(20):
        notification(1, "pending")
    with django_assert_max_num_queries(11):
        client.get("/metrics", REMOTE_ADDR="127.0.0.1")
