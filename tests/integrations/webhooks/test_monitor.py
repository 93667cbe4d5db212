"""The monitoring page /can-bo/webhook/: endpoints with what waits and what failed, the last deliveries;
for the province administrator (who may send a delivery again) and auditors; 403 for other staff."""

import pytest
from django.urls import reverse

from motcua.integrations.webhooks.models import WebhookDelivery
from tests.integrations.conftest import login

from .conftest import endpoint, received

pytestmark = pytest.mark.django_db

URL = "/can-bo/webhook/"


@pytest.fixture
def story(people, version, clock, worker, receiver):
    ep, receiver.secret = endpoint(name="Phần mềm một cửa của Sở NN&MT")
    endpoint(name="Ứng dụng di động (đã ngừng)", url="https://app.example.vn/h", active=False)
    d = received(people, version, clock)
    receiver.plan(400)
    worker.run()
    return ep, d


def test_the_province_administrator_sees_endpoints_and_deliveries_and_can_retry(client, people, story):
    ep, d = story
    login(client, people["admin"])
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phần mềm một cửa của Sở NN&amp;MT" in html and "Ứng dụng di động (đã ngừng)" in html
    assert d.code in html and "HTTP 400" in html and "Gửi lại ngay" in html
    rows = {r.endpoint.pk: r for r in page.context["endpoints"]}
    assert (rows[ep.pk].gave_up, rows[ep.pk].delivered, rows[ep.pk].pending) == (1, 1, 0)
    failed = WebhookDelivery.objects.get(status="gave_up")
    response = client.post(reverse("backoffice:webhooks_delivery_retry", args=[failed.pk]), follow=True)
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "pending"
    only_failed = client.get(URL, {"trang_thai": "gave_up"})
    assert [row["d"].status for row in only_failed.context["deliveries"]] == []


def test_an_auditor_sees_it_read_only_and_other_staff_get_403(client, people, story):
    login(client, people["auditor"])
    page = client.get(URL)
    assert page.status_code == 200 and "Gửi lại ngay" not in page.content.decode()
    failed = WebhookDelivery.objects.get(status="gave_up")
    assert client.post(reverse("backoffice:webhooks_delivery_retry", args=[failed.pk])).status_code == 403
    client.logout()
    login(client, people["leader"])
    assert client.get(URL).status_code == 403
