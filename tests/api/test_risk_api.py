"""Early warning and bottlenecks over the API (leaders): the queue, its counts and the bottleneck report are
the back office's pages' for the same scope; others are refused; an API key sees only its units' dossiers;
a bad period is a clear error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.accounts.models import Membership, Role
from motcua.accounts.services_apikeys import apikey_create
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import staff_user
from tests.reporting.test_bottlenecks import busy
from tests.reporting.test_risk import clock, demo, journey, people, slow_history, version, vn, waiting

__all__ = ["busy", "clock", "demo", "journey", "people", "slow_history", "version", "vn", "waiting"]

pytestmark = pytest.mark.django_db

API = "/api/v1/reporting"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body


def bearer(owner, by, units):
    _key, raw = apikey_create(
        owner=owner,
        name="Hệ thống giám sát",
        operations=["reporting:read"],
        units=[OrgUnit.objects.get(code=c) for c in units],
        by=by,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_queue_and_its_counts_are_the_page(client, waiting, people):
    client.force_login(people["leader"])
    page = client.get(reverse("backoffice:risk_queue")).context
    response = client.get(f"{API}/early-warning")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == page["page"].paginator.count == 5
    assert [r["dossier"]["code"] for r in body["items"]] == [row["dossier"].code for row in page["rows"]]
    first = body["items"][0]
    assert first["dossier"]["code"] == waiting["td_early"].code
    assert first["level"] == "high" and first["percent"] == page["rows"][0]["risk"].percent
    assert any("thường mất 6,0 ngày làm việc" in reason for reason in first["reasons"])
    assert first["steps"][0]["is_open"] and first["steps"][0]["code"] == "TD"
    assert first["resolving_unit_name"] == waiting["td_early"].resolving_unit.name
    high = client.get(f"{API}/early-warning", {"level": "high"}).json()
    page_high = client.get(reverse("backoffice:risk_queue"), {"level": "high"}).context
    assert [r["dossier"]["code"] for r in high["items"]] == [row["dossier"].code for row in page_high["rows"]]
    assert waiting["ky"].code not in {r["dossier"]["code"] for r in high["items"]}
    summary = client.get(f"{API}/early-warning/summary").json()
    assert summary["total"] == page["total"] and summary["counts"] == page["counts"]
    assert [(f["level"], f["count"]) for f in summary["filters"]] == [
        (f["key"], f["count"]) for f in page["filters"]
    ]
    assert summary["units"] == [{"code": "H56.19", "name": waiting["td_early"].resolving_unit.name}]
    assert (summary["high_percent"], summary["watch_percent"]) == (70, 30)
    other_unit = client.get(f"{API}/early-warning", {"unit": "H56.101"}).json()
    assert other_unit["count"] == 0
    # A leader of the agency and of the ward: a key limited to the ward sees none of the agency's dossiers,
    # one limited to the agency sees them all, as its owner does.
    both = staff_user("lanhdao.haicap", "H56.19", Role.AGENCY_LEADER)
    Membership.objects.create(user=both, org_unit=OrgUnit.objects.get(code="H56.101"), role=Role.AGENCY_LEADER,
                              valid_from=dt.date(2025, 7, 1))  # fmt: skip
    client.force_login(both)
    assert client.get(f"{API}/early-warning").json()["count"] == 5
    ward = bearer(both, people["admin"], ["H56.101"])
    assert client.get(f"{API}/early-warning", **ward).json()["count"] == 0
    assert client.get(f"{API}/early-warning/summary", **ward).json()["total"] == 0
    agency = bearer(both, people["admin"], ["H56.19"])
    assert client.get(f"{API}/early-warning", **agency).json()["count"] == 5
    # The administrator's key limited to the ward holds no role there: not a leader's view any more.
    assert_error(client.get(f"{API}/early-warning", **bearer(people["admin"], people["admin"], ["H56.101"])),
                 403, "leaders_only")  # fmt: skip


def test_the_bottleneck_report_is_the_page(client, busy, people):
    client.force_login(people["leader"])
    response = client.get(f"{API}/bottlenecks", {"period": "2026-03"})
    assert response.status_code == 200, response.content
    body = response.json()
    page = client.get(reverse("backoffice:bottlenecks"), {"period": "2026-03"}).context["report"]
    assert body["period"] == {"label": page.period.label, "start": "2026-03-01", "end": "2026-03-31"}
    assert body["rows_total"] == len(page.rows) and body["passes"] == page.passes
    assert [(r["step_code"], r["unit"], r["passes"]) for r in body["rows"]] == [
        (r.key[1], r.unit, r.passes) for r in page.rows
    ]
    top = body["top"]
    assert (top["step_code"], top["step_name"], top["passes"], top["late"]) == (
        "TD",
        "Thẩm định hồ sơ",
        11,
        8,
    )
    assert top["median_hours"] == pytest.approx(48.0) and top["budget_hours"] == pytest.approx(22.5)
    assert top["is_bottleneck"] and "thường mất 6,0 ngày làm việc" in top["summary"]
    names = {o["name"] for o in body["officers"]}
    assert names == {o.name for o in page.officers} and people["specialist"].full_name in names
    assert body["officers_total"] == len(page.officers) and body["evaluation"] is None
    one = client.get(f"{API}/bottlenecks", {"period": "2026-03", "limit": 1}).json()
    assert len(one["rows"]) == 1 and one["rows_total"] == body["rows_total"]
    # Without a period: the last 90 days, as on the page.
    default = client.get(f"{API}/bottlenecks").json()
    assert default["period"]["end"] == "2026-03-18" and default["period"]["start"] == "2025-12-19"
    # A key limited to the ward, of a leader of both: no step of the agency's dossiers.
    both = staff_user("lanhdao.haicap", "H56.19", Role.AGENCY_LEADER)
    Membership.objects.create(user=both, org_unit=OrgUnit.objects.get(code="H56.101"), role=Role.AGENCY_LEADER,
                              valid_from=dt.date(2025, 7, 1))  # fmt: skip
    assert (
        client.get(
            f"{API}/bottlenecks", {"period": "2026-03"}, **bearer(both, people["admin"], ["H56.19"])
        ).json()["rows_total"]
        == body["rows_total"]
    )
    ward = bearer(both, people["admin"], ["H56.101"])
    assert client.get(f"{API}/bottlenecks", {"period": "2026-03"}, **ward).json()["rows_total"] == 0


def test_refusals_and_bad_input(client, people):
    for path in ("early-warning", "early-warning/summary", "bottlenecks"):
        assert_error(client.get(f"{API}/{path}"), 401, "not_authenticated")
        client.force_login(people["specialist"])  # staff, but no leader
        assert_error(client.get(f"{API}/{path}"), 403, "leaders_only")
        client.force_login(people["citizen"])
        assert_error(client.get(f"{API}/{path}"), 403, "staff_only")
        client.logout()
    client.force_login(people["leader"])
    assert_error(client.get(f"{API}/bottlenecks", {"period": "2026-13"}), 422, "period_invalid")
    assert_error(client.get(f"{API}/bottlenecks", {"limit": 0}), 422, "request_invalid")
    assert_error(client.get(f"{API}/early-warning", {"level": "low"}), 422, "request_invalid")
    client.force_login(people["auditor"])  # sees every unit: the leaders' views are for them too
    assert client.get(f"{API}/early-warning").status_code == 200
