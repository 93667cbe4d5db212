"""The Django admin: registering an endpoint shows its secret once (stored sealed), the URL and event types
are checked, the test event and the secret rotation, and "send again now" on the delivery log."""

import pytest
from django.urls import reverse

from motcua.accounts.models import User
from motcua.core.models import AuditEvent
from motcua.integrations.webhooks import sealing
from motcua.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from motcua.integrations.webhooks.transport import _transport_override
from motcua.org.models import OrgUnit

from .conftest import URL, endpoint, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    user = User.objects.create_superuser(username="webhook-admin", password="x-Strong-Pass-123", email="")
    client.force_login(user)
    return client


@pytest.fixture
def via_receiver(receiver):
    _transport_override["value"] = receiver
    yield receiver
    _transport_override["value"] = None


def add(client, **data):
    form = {"name": "Hệ thống một cửa của Sở", "url": URL, "event_types": ["dossier.received"], "active": "on",
            "disabled_reason": "", **data}  # fmt: skip
    return client.post(reverse("admin:integrations_webhookendpoint_add"), form)


def test_creating_an_endpoint_shows_the_secret_once_and_stores_it_sealed(admin_client):
    form = admin_client.get(reverse("admin:integrations_webhookendpoint_add")).content.decode()
    assert 'value="dossier.returned"' in form and "whsec_" not in form
    unit = OrgUnit.objects.get(code="H56.19")
    response = add(admin_client, units=[unit.pk])
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    ep = WebhookEndpoint.objects.get()
    start = page.index("whsec_")
    secret = page[start : page.index("<", start)]
    assert sealing.unseal(ep.secret_sealed) == secret and secret not in ep.secret_sealed
    assert ep.event_types == ["dossier.received"] and list(ep.units.all()) == [unit]
    assert ep.created_by.username == "webhook-admin"
    change = admin_client.get(
        reverse("admin:integrations_webhookendpoint_change", args=[ep.pk])
    ).content.decode()
    assert secret not in change and "whsec_" not in change  # never shown again
    audit = AuditEvent.objects.get(action="webhooks.endpoint_create")
    assert "whsec_" not in str(audit.data) and audit.data["units"] == ["H56.19"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://client.example.vn/hook", True),
        ("http://client.example.vn/hook", False),
        ("http://127.0.0.1:9000/hook", True),  # loopback, in dev and test only
        ("http://localhost:9000/hook", True),
        ("https://user:pass@client.example.vn/hook", False),
        ("ftp://client.example.vn/hook", False),
    ],
)
def test_the_url_must_be_https_except_loopback_in_dev(admin_client, url, allowed):
    response = add(admin_client, url=url)
    assert WebhookEndpoint.objects.exists() is allowed, response.content.decode()[:500]


def test_plain_http_to_loopback_is_refused_in_production(admin_client, settings):
    settings.MOTCUA_WEBHOOKS = {"allow_http_loopback": False}
    add(admin_client, url="http://127.0.0.1:9000/hook")
    assert not WebhookEndpoint.objects.exists()


def test_event_types_are_checked(admin_client):
    add(admin_client, event_types=["dossier.exploded"])
    add(admin_client, event_types=[])
    assert not WebhookEndpoint.objects.exists()
    add(admin_client, event_types=["*", "dossier.received"])
    assert WebhookEndpoint.objects.get().event_types == ["*"]


def test_send_test_event_reports_the_answer(admin_client, via_receiver):
    ep, secret = endpoint()
    via_receiver.secret = secret
    changelist = reverse("admin:integrations_webhookendpoint_changelist")
    response = admin_client.post(
        changelist, {"action": "send_test_event", "_selected_action": [ep.pk]}, follow=True
    )
    assert "HTTP 200" in response.content.decode()
    assert via_receiver.events[0]["type"] == "ping"
    via_receiver.plan(500)
    response = admin_client.post(
        changelist, {"action": "send_test_event", "_selected_action": [ep.pk]}, follow=True
    )
    assert "HTTP 500" in response.content.decode()
    assert list(WebhookDelivery.objects.order_by("id").values_list("status", flat=True)) == [
        "delivered",
        "gave_up",
    ]


def test_rotate_secret_shows_the_new_one_once(admin_client):
    ep, old = endpoint()
    changelist = reverse("admin:integrations_webhookendpoint_changelist")
    response = admin_client.post(changelist, {"action": "rotate_secret", "_selected_action": [ep.pk]})
    page = response.content.decode()
    start = page.index("whsec_")
    new = page[start : page.index("<", start)]
    ep.refresh_from_db()
    assert new != old and sealing.unseal(ep.secret_sealed) == new
    assert sealing.unseal(ep.previous_secret_sealed) == old and ep.previous_secret_until is not None
    assert AuditEvent.objects.filter(action="webhooks.secret_rotate").count() == 1


def test_the_delivery_log_is_read_only_with_retry_now(admin_client, people, version, clock, worker, receiver):
    _ep, secret = endpoint()
    receiver.secret = secret
    received(people, version, clock)
    receiver.plan(400)
    worker.run()
    failed = WebhookDelivery.objects.get(status="gave_up")
    changelist = reverse("admin:integrations_webhookdelivery_changelist")
    listing = admin_client.get(changelist, {"status__exact": "gave_up"})
    assert listing.status_code == 200 and str(failed.dossier.code) in listing.content.decode()
    detail = admin_client.get(reverse("admin:integrations_webhookdelivery_change", args=[failed.pk]))
    assert detail.status_code == 200 and "HTTP 400" in detail.content.decode()
    assert admin_client.get(reverse("admin:integrations_webhookdelivery_add")).status_code == 403
    admin_client.post(changelist, {"action": "retry_now", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="webhooks.delivery_retry").count() == 1


def test_an_endpoint_with_deliveries_cannot_be_deleted(admin_client, people, version, clock):
    ep, _ = endpoint()
    received(people, version, clock)
    response = admin_client.get(reverse("admin:integrations_webhookendpoint_delete", args=[ep.pk]))
    assert response.status_code == 403
