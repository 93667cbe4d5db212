"""The monitoring page: who may see it and act on it, and what it shows (queue, lag, failures with their
last error, delivered today, the synchronised share per unit, messages from the portal)."""

import pytest
from django.urls import reverse

from motcua.core.audit import AuditEvent
from motcua.integrations.dvcqg.client import portal_client
from motcua.integrations.dvcqg.inbound import submissions_pull
from motcua.integrations.dvcqg.models import PortalUpdate
from motcua.integrations.dvcqg.outbox import updates_send_due
from tests.integrations.conftest import login

from .conftest import online, received, submission

pytestmark = pytest.mark.django_db

URL = "/can-bo/dong-bo-dvcqg/"


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
    return {"synced": synced, "stuck": stuck}


def test_the_page_shows_the_queue_the_lag_and_the_failures(client, people, scene):
    page = login(client, people["admin"]).get(URL)
    assert page.status_code == 200
    f = page.context["figures"]
    assert (f.pending, f.failed, f.blocked, f.delivered_today, f.retrying) == (1, 1, 1, 1, 0)
    assert f.lag_minutes == 20 and f.lag_late  # the receive update has waited 20 minutes (warning from 10)
    html = page.content.decode()
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in html and "20 phút" in html
    assert scene["stuck"].code in html and "dvcqg_rejected_dossier_unknown" in html
    assert "Cổng không nhận cập nhật của hồ sơ này." in html  # the portal's own words, as last error
    assert "Gửi lại" in html and "Bỏ qua" in html  # the province administrator may act
    assert "Đang kết nối với Cổng giả lập" in html
    # Messages from the portal (for those who see every unit): the unsigned one, refused.
    assert "Thông điệp không có chữ ký" in html and "unsigned" in html


def test_the_synchronised_share_per_unit(client, people, scene, clock):
    page = login(client, people["admin"]).get(URL, {"period": "2026-03"})
    (share,) = page.context["shares"]
    assert (share.unit.code, share.synced, share.received) == (
        "H56.19",
        0,
        1,
    )  # "stuck": received, not synced
    assert page.context["total"]["percent"] == 0.0
    updates_send_due(client=portal_client())  # nothing changes while the failure holds the dossier back
    failed = PortalUpdate.objects.get(state="failed")
    from motcua.integrations.dvcqg.fake import SANDBOX

    SANDBOX.state.rejected_dossiers.clear()
    response = client.post(reverse("backoffice:dvcqg_update_action", args=[failed.pk]), {"action": "retry"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="dvcqg.update_retry").count() == 1
    updates_send_due(client=portal_client())
    page = client.get(URL, {"period": "2026-03"})
    (share,) = page.context["shares"]
    assert (share.synced, share.received) == (1, 1) and page.context["figures"].pending == 0


@pytest.mark.parametrize("who", ["officer", "specialist", "citizen", "tax"])
def test_others_may_not_see_it(client, people, scene, who):
    assert login(client, people[who]).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, scene):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_a_unit_leader_sees_their_units_without_the_actions(client, people, scene):
    page = login(client, people["leader"]).get(URL)  # agency leader of H56.19
    assert page.status_code == 200 and page.context["figures"].failed == 1
    html = page.content.decode()
    assert "Gửi lại" not in html and "Thông điệp không có chữ ký" not in html
    failed = PortalUpdate.objects.get(state="failed")
    assert (
        client.post(
            reverse("backoffice:dvcqg_update_action", args=[failed.pk]), {"action": "skip"}
        ).status_code
        == 403
    )
    assert PortalUpdate.objects.get(pk=failed.pk).state == "failed"


def test_a_leader_of_another_unit_sees_none_of_it(client, people, scene):
    page = login(client, people["commune_officer"]).get(URL)
    assert page.status_code == 403  # a one-stop officer of a commune leads nothing
    from motcua.accounts.models import Membership, Role
    from motcua.org.models import OrgUnit

    Membership.objects.create(user=people["commune_officer"], org_unit=OrgUnit.objects.get(code="H56.101"),
                              role=Role.AGENCY_LEADER, valid_from="2025-07-01")  # fmt: skip
    people["commune_officer"].__dict__.pop("_motcua_staff_scope", None)
    page = login(client, people["commune_officer"]).get(URL)
    assert page.status_code == 200
    f = page.context["figures"]
    assert (f.pending, f.failed, f.delivered_today) == (0, 0, 0) and page.context["shares"] == []


def test_the_auditor_sees_but_cannot_act(client, people, scene):
    page = login(client, people["auditor"]).get(URL)
    assert page.status_code == 200 and "Gửi lại" not in page.content.decode()
    failed = PortalUpdate.objects.get(state="failed")
    assert (
        client.post(
            reverse("backoffice:dvcqg_update_action", args=[failed.pk]), {"action": "skip"}
        ).status_code
        == 403
    )


def test_skip_by_the_administrator(client, people, scene):
    failed = PortalUpdate.objects.get(state="failed")
    login(client, people["admin"]).post(
        reverse("backoffice:dvcqg_update_action", args=[failed.pk]), {"action": "skip"}
    )
    assert PortalUpdate.objects.get(pk=failed.pk).state == "skipped"
    follow = client.post(
        reverse("backoffice:dvcqg_update_action", args=[failed.pk]), {"action": "skip"}, follow=True
    )
    assert "Không thực hiện được" in follow.content.decode()


def test_not_connected(client, people, scene, settings):
    settings.MOTCUA_DVCQG = {"backend": "off"}
    html = login(client, people["admin"]).get(URL).content.decode()
    assert "Chưa bật kết nối Cổng Dịch vụ công quốc gia" in html


def test_a_phone_gets_the_stacked_table(client, people, scene):
    html = login(client, people["admin"]).get(URL).content.decode()
    assert 'class="bo-table"' in html and 'data-label="Lỗi gần nhất"' in html and "table-scroll" in html


def test_an_update_being_retried_shows_its_error_and_next_attempt(client, people, version, clock, portal):
    online(people, version, clock)
    portal.plan("trang-thai", "server_error")
    updates_send_due(client=portal_client())
    page = login(client, people["admin"]).get(URL)
    f = page.context["figures"]
    assert (f.pending, f.retrying, f.failed, f.lag_minutes, f.lag_late) == (1, 1, 0, 0, False)
    html = page.content.decode()
    assert "dvcqg_unavailable" in html and "Gửi lại lúc 09:00 02/03/2026" in html
    assert 'value="retry"' not in html  # nothing to do: it is retried by itself


def test_the_page_reads_its_lists_in_a_fixed_number_of_queries(client, people, scene, version, clock, portal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, people["admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(3):  # three more dossiers the portal refuses: three more rows in the failures list
        portal.reject_dossier(received(people, version, clock).code)
    updates_send_due(client=portal_client())
    assert PortalUpdate.objects.filter(state="failed").count() >= 4
    assert queries() == before
