"""Following the national-portal synchronisation over the API: the queue and its lag, the failures with the
portal's last error, the synchronised share per unit and the portal's messages — for leaders within their
units; sending a failed update again or skipping it for the province administrator, audited."""

import json

import pytest

from motcua.accounts.models import Membership, Role
from motcua.accounts.services_apikeys import apikey_create
from motcua.core.models import AuditEvent
from motcua.integrations.dvcqg.client import portal_client
from motcua.integrations.dvcqg.fake import SANDBOX
from motcua.integrations.dvcqg.inbound import submissions_pull
from motcua.integrations.dvcqg.models import PortalUpdate
from motcua.integrations.dvcqg.outbox import updates_send_due
from motcua.org.models import OrgUnit
from tests.integrations.dvcqg.conftest import online, portal, received, submission

pytestmark = pytest.mark.django_db
BASE = "/api/v1/integrations/dvcqg"

__all__ = ["portal"]


@pytest.fixture
def scene(people, version, clock, portal):
    """Three dossiers of H56.19: one fully synchronised, one rejected by the portal (its second update
    waits behind it), one received from the portal; then 20 minutes pass."""
    synced = online(people, version, clock)
    stuck = received(people, version, clock)
    portal.reject_dossier(stuck.code)
    portal.submit(submission(), tamper="unsigned")
    submissions_pull(client=portal_client())
    updates_send_due(client=portal_client())
    clock.shift(minutes=20)
    return {"synced": synced, "stuck": stuck, "failed": PortalUpdate.objects.get(state="failed")}


def post(client, path, **extra):
    return client.post(f"{BASE}{path}", "{}", content_type="application/json", **extra)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_the_province_administrator_sees_the_queue_the_lag_and_the_failures(client, people, scene):
    client.force_login(people["admin"])
    status = client.get(f"{BASE}/status").json()
    figures = [status[k] for k in ("pending", "failed", "blocked", "delivered_today", "retrying")]
    assert figures == [1, 1, 1, 1, 0], status
    assert status["lag_minutes"] == 20 and status["lag_late"] is True and status["lag_warning_minutes"] == 10
    assert (status["connected"], status["backend"], status["sees_all"], status["can_act"]) == (True, "fake", True,
                                                                                                True)  # fmt: skip
    assert status["messages_today"] == {"refused": 1}
    (failure,) = client.get(f"{BASE}/failures").json()
    assert failure["dossier_code"] == scene["stuck"].code and failure["state"] == "failed"
    assert failure["last_error_code"] == "dvcqg_rejected_dossier_unknown"
    assert (
        failure["last_error"].endswith("Cổng không nhận cập nhật của hồ sơ này.")
        and failure["unit_code"] == "H56.19"
    )
    (message,) = client.get(f"{BASE}/messages").json()
    assert (message["outcome"], message["reason_code"]) == ("refused", "unsigned")
    shares = client.get(f"{BASE}/shares", {"period": "2026-03"}).json()
    assert [(u["unit_code"], u["synced"], u["received"]) for u in shares["units"]] == [("H56.19", 0, 1)]
    assert shares["percent"] == 0.0 and shares["period"]["start"] == "2026-03-01"
    assert_error(client.get(f"{BASE}/shares", {"period": "2026-13"}), 422, "period_invalid")


def test_retry_then_the_dossier_synchronises_and_skip_refuses_what_is_not_failed(client, people, scene):
    client.force_login(people["admin"])
    failed = scene["failed"]
    SANDBOX.state.rejected_dossiers.clear()
    retried = post(client, f"/updates/{failed.pk}/retry")
    assert retried.status_code == 200, retried.content
    assert (retried.json()["state"], retried.json()["attempts"]) == ("pending", 0)
    audit = AuditEvent.objects.get(action="dvcqg.update_retry")
    assert audit.actor == people["admin"]
    updates_send_due(client=portal_client())
    shares = client.get(f"{BASE}/shares", {"period": "2026-03"}).json()
    assert (shares["synced"], shares["received"]) == (1, 1)
    assert client.get(f"{BASE}/status").json()["pending"] == 0
    # Not failed any more: nothing to do, nothing written.
    assert_error(post(client, f"/updates/{failed.pk}/skip"), 409, "update_not_failed")
    assert_error(post(client, f"/updates/{failed.pk}/retry"), 409, "update_not_failed")
    assert_error(post(client, "/updates/987654/retry"), 404, "update_not_found")
    assert AuditEvent.objects.filter(action__startswith="dvcqg.update_").count() == 1


def test_skip_by_the_administrator(client, people, scene):
    client.force_login(people["admin"])
    skipped = post(client, f"/updates/{scene['failed'].pk}/skip")
    assert skipped.status_code == 200, skipped.content
    assert skipped.json()["state"] == "skipped"
    assert AuditEvent.objects.filter(action="dvcqg.update_skip", actor=people["admin"]).count() == 1


def test_leaders_see_their_units_without_acting_and_others_are_refused(client, people, scene):
    failed = scene["failed"]
    client.force_login(people["leader"])  # agency leader of H56.19
    status = client.get(f"{BASE}/status").json()
    assert (status["failed"], status["sees_all"], status["can_act"], status["messages_today"]) == (1, False,
                                                                                                   False, {})  # fmt: skip
    assert client.get(f"{BASE}/messages").json() == []
    assert_error(post(client, f"/updates/{failed.pk}/skip"), 403, "dvcqg_not_allowed")
    client.force_login(people["auditor"])
    assert client.get(f"{BASE}/failures").json()[0]["id"] == failed.pk
    assert_error(post(client, f"/updates/{failed.pk}/retry"), 403, "dvcqg_not_allowed")
    for who in ("officer", "specialist", "tax"):
        client.force_login(people[who])
        assert_error(client.get(f"{BASE}/status"), 403, "dvcqg_not_allowed")
        assert_error(post(client, f"/updates/{failed.pk}/retry"), 403, "dvcqg_not_allowed")
    client.force_login(people["citizen"])
    assert_error(client.get(f"{BASE}/failures"), 403, "staff_only")
    client.logout()
    assert_error(client.get(f"{BASE}/status"), 401, "not_authenticated")
    assert PortalUpdate.objects.get(pk=failed.pk).state == "failed"
    assert not AuditEvent.objects.filter(action__startswith="dvcqg.update_").exists()


def test_a_leader_of_another_unit_sees_none_of_it(client, people, scene):
    commune = people["commune_officer"]
    Membership.objects.create(user=commune, org_unit=OrgUnit.objects.get(code="H56.101"), role=Role.AGENCY_LEADER,
                              valid_from="2025-07-01")  # fmt: skip
    client.force_login(commune)
    status = client.get(f"{BASE}/status").json()
    assert (status["pending"], status["failed"], status["delivered_today"]) == (0, 0, 0)
    assert client.get(f"{BASE}/failures").json() == []
    assert client.get(f"{BASE}/shares", {"period": "2026-03"}).json()["units"] == []


def test_a_key_acts_within_its_units_with_its_owners_roles_there(client, people, scene):
    admin, leader, failed = people["admin"], people["leader"], scene["failed"]
    _key, leader_key = apikey_create(owner=leader, name="Sở NN&MT", operations=["integrations:read"],
                                     units=[OrgUnit.objects.get(code="H56.19")], by=admin)  # fmt: skip
    _key, other_unit = apikey_create(owner=admin, name="Phường", operations=["integrations:read"],
                                     units=[OrgUnit.objects.get(code="H56.101")], by=admin)  # fmt: skip
    _key, province = apikey_create(owner=admin, name="Tỉnh", operations=["integrations:read"], by=admin)
    _key, no_scope = apikey_create(owner=admin, name="Đọc", operations=["dossiers:read"], by=admin)

    def key(raw):
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    assert_error(client.get(f"{BASE}/status", **key(no_scope)), 403, "api_key_scope")
    assert client.get(f"{BASE}/failures", **key(leader_key)).json()[0]["id"] == failed.pk
    assert_error(post(client, f"/updates/{failed.pk}/skip", **key(leader_key)), 403, "dvcqg_not_allowed")
    # The administrator's roles are the province's, outside a key limited to a ward: it leads nothing there.
    assert_error(client.get(f"{BASE}/status", **key(other_unit)), 403, "dvcqg_not_allowed")
    assert PortalUpdate.objects.get(pk=failed.pk).state == "failed"
    skipped = post(client, f"/updates/{failed.pk}/skip", **key(province))
    assert skipped.status_code == 200, skipped.content
    assert json.loads(skipped.content)["state"] == "skipped"
