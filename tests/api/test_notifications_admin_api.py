"""Administering the notifications over the API: the province administrator edits the templates (checked
before saving, audited), reads the delivery log with masked contacts, and sets another account's channels;
everyone else is refused, and a refusal changes nothing."""

import json

import pytest

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.core.models import AuditEvent
from motcua.notifications.models import ChannelPreference, NotificationTemplate
from motcua.notifications.preferences import preference_get
from motcua.notifications.services import notify
from motcua.org.models import OrgUnit
from tests.notifications.conftest import PHONE, make_user, received_context

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notifications/admin"
EMAIL_VI = "/templates/dossier.received/email/vi"


@pytest.fixture
def who(demo):
    get = User.objects.get
    return {
        "citizen": User.objects.filter(kind=AccountKind.CITIZEN).order_by("pk").first(),
        "officer": get(username="motcua.tinh"),
        "leader": get(username="lanhdao.tnmt"),
        "auditor": get(username="thanhtra"),
        "admin": get(username="quantri.tinh"),
    }


def send(client, method, path, body=None, **extra):
    return client.generic(
        method, f"{BASE}{path}", json.dumps(body or {}), content_type="application/json", **extra
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_templates_are_checked_saved_previewed_and_reset(client, who):
    client.force_login(who["admin"])
    listing = client.get(f"{BASE}/templates").json()
    received = next(t for t in listing if t["topic"] == "dossier.received")
    assert {(c["channel"], c["language"]) for c in received["templates"]} >= {("email", "vi"), ("sms", "en")}
    assert not any(c["customised"] for c in received["templates"])
    built_in = client.get(f"{BASE}{EMAIL_VI}").json()
    assert built_in["customised"] is False and "procedure_name" in built_in["placeholders"]
    assert built_in["builtin"][0]["field"] == "subject" and built_in["builtin"][1]["source"]
    assert built_in["preview"]["subject"] and built_in["preview_error"] == ""

    bad = {"subject": "HS {{ code }}", "body": "{{ ho_ten_day_du }}"}
    refused = assert_error(send(client, "PUT", EMAIL_VI, bad), 422, "template_unknown_placeholder")
    assert "{{ ho_ten_day_du }}" in refused["message"]
    assert_error(
        send(client, "POST", f"{EMAIL_VI}/preview", {"body": "{% if code %}"}), 422, "template_syntax"
    )
    assert not NotificationTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action="notification_template.save").exists()

    preview = send(
        client, "POST", f"{EMAIL_VI}/preview", {"subject": "HS {{ code }}", "body": "Hẹn {{ due_at_text }}"}
    )
    assert preview.status_code == 200, preview.content
    assert preview.json()["subject"].startswith("HS H56.") and preview.json()["body"].startswith("Hẹn ")
    assert not NotificationTemplate.objects.exists()  # a preview saves nothing

    good = {"subject": "Đã nhận hồ sơ {{ code }}", "body": "Hồ sơ {{ code }} hẹn trả {{ due_at_text }}."}
    saved = send(client, "PUT", EMAIL_VI, good)
    assert saved.status_code == 200, saved.content
    assert saved.json()["customised"] is True and saved.json()["updated_by"]
    assert saved.json()["preview"]["subject"].startswith("Đã nhận hồ sơ H56.")
    assert AuditEvent.objects.filter(action="notification_template.save", actor=who["admin"]).count() == 1
    # New notifications use it.
    citizen = make_user("an", email="an@example.vn")
    n = notify(topic="dossier.received", recipient=citizen, context=received_context())
    assert n.subject == "Đã nhận hồ sơ H56-260313-0001"

    assert send(client, "DELETE", EMAIL_VI).status_code == 204
    assert not NotificationTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="notification_template.delete").count() == 1
    assert send(client, "DELETE", EMAIL_VI).status_code == 204  # nothing left to reset: nothing written
    assert AuditEvent.objects.filter(action="notification_template.delete").count() == 1
    assert_error(client.get(f"{BASE}/templates/khong.co/email/vi"), 404, "template_not_found")
    assert_error(client.get(f"{BASE}/templates/dossier.received/fax/vi"), 404, "template_not_found")
    assert_error(send(client, "PUT", "/templates/dossier.received/email/fr", good), 404, "template_not_found")


def test_the_delivery_log_masks_contacts_and_filters(client, who):
    citizen = make_user("binh", email="binh@example.vn", phone=PHONE)
    notify(topic="dossier.received", recipient=citizen, context=received_context())
    client.force_login(who["admin"])
    log = client.get(f"{BASE}/deliveries").json()
    assert log["count"] == 3
    contacts = {d["channel"]: d["contact"] for d in log["items"]}
    assert contacts["sms"].endswith("678") and "0912345678" not in contacts["sms"]
    assert contacts["email"].startswith("b") and contacts["email"] != "binh@example.vn"
    assert "binh@example.vn" not in json.dumps(log) and PHONE not in json.dumps(log)
    only_sms = client.get(f"{BASE}/deliveries", {"channel": "sms"}).json()
    assert [d["channel"] for d in only_sms["items"]] == ["sms"]
    assert client.get(f"{BASE}/deliveries", {"topic": "dossier.returned"}).json()["count"] == 0
    assert_error(client.get(f"{BASE}/deliveries", {"status": "lost"}), 422, "request_invalid")


def test_another_accounts_channels(client, who):
    citizen = make_user("chi", email="chi@example.vn")
    client.force_login(who["admin"])
    found = client.get(f"{BASE}/users", {"q": "chi"}).json()
    assert [u["id"] for u in found] == [citizen.pk]
    url = f"/users/{citizen.pk}/preferences"
    current = client.get(f"{BASE}{url}").json()
    assert current["user"]["username"] == "chi" and current["language"] == "vi"
    changed = send(
        client, "PUT", url, {"language": "en", "accepted": {"dossier": ["email"], "evaluation": []}}
    )
    assert changed.status_code == 200, changed.content
    view = preference_get(user=citizen)
    assert (
        view.language == "en" and view.accepted["dossier"] == ["email"] and view.accepted["evaluation"] == []
    )
    audit = AuditEvent.objects.get(action="notification_preference.set")
    assert audit.actor == who["admin"] and audit.data["user"] == citizen.pk

    before = list(ChannelPreference.objects.values("accepted", "language"))
    assert_error(send(client, "PUT", url, {"accepted": {"khong_co": ["email"]}}), 422, "preference_invalid")
    assert_error(send(client, "PUT", url, {"accepted": {"dossier": ["fax"]}}), 422, "preference_invalid")
    assert_error(send(client, "PUT", "/users/987654/preferences", {"accepted": {}}), 404, "user_not_found")
    assert list(ChannelPreference.objects.values("accepted", "language")) == before
    assert AuditEvent.objects.filter(action="notification_preference.set").count() == 1


def test_only_the_province_administrator(client, who):
    citizen = make_user("dung", email="dung@example.vn")
    good = {"subject": "HS {{ code }}", "body": "Hồ sơ {{ code }}."}
    assert_error(client.get(f"{BASE}/templates"), 401, "not_authenticated")
    client.force_login(who["citizen"])
    assert_error(client.get(f"{BASE}/deliveries"), 403, "staff_only")
    for role in ("officer", "leader", "auditor"):
        client.force_login(who[role])
        assert_error(client.get(f"{BASE}/templates"), 403, "notifications_not_allowed")
        assert_error(client.get(f"{BASE}/deliveries"), 403, "notifications_not_allowed")
        assert_error(send(client, "PUT", EMAIL_VI, good), 403, "notifications_not_allowed")
        assert_error(send(client, "PUT", f"/users/{citizen.pk}/preferences", {"accepted": {"dossier": []}}), 403,
                     "notifications_not_allowed")  # fmt: skip
    assert not NotificationTemplate.objects.exists() and not ChannelPreference.objects.exists()

    admin = who["admin"]
    _key, limited = apikey_create(owner=admin, name="Một đơn vị", operations=["notifications:manage"],
                                  units=[OrgUnit.objects.get(code="H56.19")], by=admin)  # fmt: skip
    _key, other = apikey_create(owner=admin, name="Khác", operations=["dossiers:read"], by=admin)
    _key, full = apikey_create(owner=admin, name="Toàn tỉnh", operations=["notifications:manage"], by=admin)
    assert_error(
        client.get(f"{BASE}/templates", HTTP_AUTHORIZATION=f"Bearer {limited}"), 403, "api_key_scope"
    )
    assert_error(client.get(f"{BASE}/templates", HTTP_AUTHORIZATION=f"Bearer {other}"), 403, "api_key_scope")
    client.logout()
    assert client.get(f"{BASE}/templates", HTTP_AUTHORIZATION=f"Bearer {full}").status_code == 200
