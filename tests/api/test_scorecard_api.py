"""The scorecard over the API (staff): a unit's dashboard, the dossiers behind a figure and the ranking file
give what the back office's pages give for the same unit and period; who may see which unit is the page's
rule, an API key limited to units is held to them, and bad input is a clear error."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.accounts.services_apikeys import apikey_create
from motcua.org.models import OrgUnit
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.periods import parse_period
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, version, vn
from tests.reporting.test_drilldown import small_dataset

__all__ = ["clock", "demo", "people", "pin_tax_unit", "small_dataset", "version", "vn"]

pytestmark = pytest.mark.django_db

API = "/api/v1/reporting/scorecard"


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def key_of(owner, by, units, operations=("reporting:read",)):
    _key, raw = apikey_create(
        owner=owner,
        name="Hệ thống báo cáo",
        operations=list(operations),
        units=[OrgUnit.objects.get(code=c) for c in units],
        by=by,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body


def test_the_dashboard_the_list_and_the_file_are_the_pages(client, small_dataset, people):
    # A leader's unit: the same figures as the page shows.
    signed_in(client, "lanhdao.tnmt")
    page = client.get(reverse("backoffice:scorecard_unit") + "?unit=H56.19&period=2026-Q2").context["data"]
    response = client.get(API, {"unit": "H56.19", "period": "2026-Q2"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"]["code"] == "H56.19" and not body["is_province"]
    assert body["period"] == {
        "key": "2026-Q2",
        "label": page.period.label,
        "start": "2026-04-01",
        "end": "2026-06-30",
    }
    assert [c["code"] for c in body["chain"]] == ["H56"]
    assert {c["figure"]: c["value"] for c in body["counts"]} == {c.figure: c.value for c in page.counts}
    assert body["figures"] == page.figures and body["figures"]["received"] > 0
    assert body["total"] == str(page.scorecard.total) and body["max_total"] == str(page.scorecard.max_total)
    heads = {h["key"]: h for h in body["headlines"]}
    for h in page.headlines:
        assert (heads[h.key]["numerator"], heads[h.key]["denominator"]) == (h.numerator, h.denominator)
        assert heads[h.key]["met"] == h.met and heads[h.key]["target_code"] == h.target.code
    assert [m["received"] for m in body["trend"]] == page.trend.received
    assert [g["points"] for g in body["groups"]] == [str(g.points) for g in page.groups]
    assert [s["figures"] for s in body["sectors"]] == [s.figures for s in page.sectors]
    assert set(body["rankings"]) == set(page.rankings)

    # The province, for the administrator: the page's agencies ranking, in its order.
    signed_in(client, "quantri.tinh")
    page = client.get(reverse("backoffice:scorecard_province") + "?period=2026-Q2").context["data"]
    body = client.get(API, {"period": "2026-Q2"}).json()
    assert body["unit"]["code"] == "H56" and body["is_province"]
    assert [(r["rank"], r["code"], r["total"]) for r in body["rankings"]["agency"]] == [
        (r.rank, r.code, str(r.total)) for r in page.rankings["agency"]
    ]
    assert body["rankings"]["agency"][0]["code"] == "H56.19"

    # The dossiers behind a figure: as many as the figure, 25 a page, newest receipt first.
    signed_in(client, "lanhdao.tnmt")
    figures = rollup(period_figures(parse_period("2026")), Tree(), OrgUnit.objects.get(code="H56.19").pk)
    query = {"figure": "received", "unit": "H56.19", "period": "2026"}
    first = client.get(f"{API}/dossiers", query).json()
    assert first["count"] == figures["received"] and len(first["items"]) == 25
    drill = client.get(reverse("backoffice:scorecard_drilldown"), query).context["page"]
    assert [d["code"] for d in first["items"]] == [d.code for d in drill.object_list]
    second = client.get(f"{API}/dossiers", {**query, "page": 2}).json()
    assert len(second["items"]) == figures["received"] - 25
    late = client.get(f"{API}/dossiers", {**query, "figure": "resolved_late"}).json()
    assert late["count"] == figures["resolved_late"] > 0
    assert {d["outcome"] for d in late["items"]} == {"late"} and all(d["ended_at"] for d in late["items"])
    open_now = client.get(f"{API}/dossiers", {**query, "figure": "in_progress"}).json()
    assert open_now["count"] == figures["in_progress"] and {d["outcome"] for d in open_now["items"]} == {None}

    # A key of the administrator limited to the commune sees neither the agency's dashboard nor its dossiers.
    limited = key_of(people["admin"], people["admin"], ["H56.101"])
    assert_error(client.get(API, {"unit": "H56.19"}, **limited), 403, "unit_not_allowed")
    assert_error(client.get(f"{API}/dossiers", query, **limited), 403, "unit_not_allowed")
    commune = client.get(f"{API}/dossiers", {**query, "unit": "H56.101"}, **limited).json()
    assert commune["count"] == 0  # the commune receives at the counter; H56.19 resolves them all
    assert_error(
        client.get(f"{API}/ranking/download", {"kind": "agency"}, **limited), 403, "ranking_not_allowed"
    )

    # The ranking file: the page's bytes (CSV) and cells (Excel).
    signed_in(client, "quantri.tinh")
    ranking = {"kind": "agency", "period": "2026-Q2"}
    api_csv = client.get(f"{API}/ranking/download", {**ranking, "format": "csv"})
    page_csv = client.get(reverse("backoffice:scorecard_ranking_export"), {**ranking, "format": "csv"})
    assert api_csv.status_code == 200 and api_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert api_csv["Content-Disposition"].startswith("attachment; filename=")
    assert "xep-hang-766-agency-20260401-20260630.csv" in api_csv["Content-Disposition"]
    assert api_csv.content == page_csv.content
    rows = list(csv.reader(io.StringIO(api_csv.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Hạng", "Mã đơn vị", "Tên đơn vị"] and rows[2][1] == "H56.19"
    api_xlsx = client.get(f"{API}/ranking/download", {**ranking, "format": "xlsx"})
    assert api_xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page_xlsx = client.get(reverse("backoffice:scorecard_ranking_export"), {**ranking, "format": "xlsx"})
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(api_xlsx.content)).active.iter_rows()]
    assert cells == [
        [c.value for c in row] for row in load_workbook(io.BytesIO(page_xlsx.content)).active.iter_rows()
    ]


def test_refusals_and_bad_input(client, people):
    assert_error(client.get(API), 401, "not_authenticated")
    client.force_login(people["citizen"])
    assert_error(client.get(API), 403, "staff_only")
    assert_error(client.get(f"{API}/dossiers", {"figure": "received"}), 403, "staff_only")
    unassigned = User.objects.create_user(
        username="canbo.moi", password=None, kind="staff", full_name="Cán bộ mới"
    )
    client.force_login(unassigned)
    assert_error(client.get(API), 403, "staff_only")  # staff without a membership: not on the page either

    signed_in(client, "lanhdao.tnmt")
    assert client.get(API).json()["unit"]["code"] == "H56.19"  # the leader's own unit by default
    assert client.get(API, {"unit": "H56.19.01"}).json()["chain"][-1]["code"] == "H56.19"  # its subtree
    assert_error(client.get(API, {"unit": "H56.52"}), 403, "unit_not_allowed")
    assert_error(client.get(API, {"unit": "X99"}), 404, "unit_not_found")
    bad = client.get(API, {"period": "2026-15"})
    assert_error(bad, 422, "period_invalid")
    assert "2026-03" in bad.json()["message"] or "2026" in bad.json()["message"]
    assert_error(client.get(API, {"period": "2099"}), 422, "period_invalid")  # not begun yet
    assert_error(client.get(f"{API}/dossiers", {"figure": "nope"}), 422, "request_invalid")
    assert_error(client.get(f"{API}/dossiers"), 422, "request_invalid")  # the figure is required
    assert_error(
        client.get(f"{API}/dossiers", {"figure": "received", "sector": 987654}), 404, "sector_not_found"
    )
    assert_error(
        client.get(f"{API}/dossiers", {"figure": "received", "period": "2026-13"}), 422, "period_invalid"
    )
    download = f"{API}/ranking/download"
    assert_error(client.get(download, {"kind": "agency"}), 403, "ranking_not_allowed")
    assert_error(client.get(download, {"kind": "children", "unit": "H56.52"}), 403, "ranking_not_allowed")
    assert_error(client.get(download, {"kind": "children"}), 404, "unit_not_found")
    assert_error(client.get(download, {"kind": "zzz"}), 422, "request_invalid")
    assert_error(client.get(download, {"format": "pdf"}), 422, "request_invalid")
    children = client.get(download, {"kind": "children", "unit": "H56.19", "format": "csv"})
    assert children.status_code == 200 and children["Content-Type"].startswith("text/csv")

    # A key needs reporting:read.
    other = key_of(people["leader"], people["admin"], [], operations=("dossiers:read",))
    assert_error(client.get(API, **other), 403, "api_key_scope")
