"""The monitoring pages (national-portal sync, webhooks, API keys) seen from the back office: the dashboard links
each to those who may open it, and every refusal, whichever check refused, is recorded in the audit trail."""

import pytest
from django.urls import reverse

from motcua.core.audit import AuditEvent

MONITORS = ("backoffice:dvcqg_monitor", "backoffice:webhooks_monitor", "backoffice:apikey_list")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", set(MONITORS)),
        ("leader", {"backoffice:dvcqg_monitor"}),  # leaders follow their units' synchronisation
        ("officer", set()),
    ],
)
def test_the_dashboard_links_the_monitoring_pages_to_those_who_may_open_them(who, expected, login, people):
    client = login(people[who])
    html = client.get(reverse("backoffice:dashboard")).content.decode()
    linked = {name for name in MONITORS if f'href="{reverse(name)}"' in html}
    assert linked == expected
    for name in MONITORS:
        assert client.get(reverse(name)).status_code == (200 if name in linked else 403)


@pytest.mark.parametrize("name", MONITORS)
def test_a_refused_monitoring_page_is_recorded(name, login, people):
    path = reverse(name)
    assert login(people["officer"]).get(path).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", data__path=path).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [("backoffice:dvcqg_update_action", {"action": "retry"}), ("backoffice:webhooks_delivery_retry", {})],
)
def test_only_the_province_administrator_may_act_and_a_refusal_is_recorded(name, data, login, people):
    # The auditor may see both pages but not act; the check comes before anything is looked up.
    path = reverse(name, args=[1])
    assert login(people["auditor"]).post(path, data).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", data__path=path).count() == 1
