"""The scorecard dashboards: their data (``motcua.reporting.dashboard``) and the back-office pages — scope,
drill-down lists, rankings with historic units, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.org.models import OrgUnit
from motcua.reporting.dashboard import (
    YTD,
    Reads,
    dashboard_allows,
    dashboard_data,
    dashboard_home_unit,
    period_from_param,
    province_unit,
    ranking,
    ranking_units,
    trend_months,
)
from motcua.reporting.facts_store import facts_add, grains
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.kpi766 import kpi766
from motcua.reporting.periods import InvalidPeriod, parse_period
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, version, vn
from tests.reporting.test_drilldown import NOW, small_dataset

__all__ = ["clock", "demo", "people", "pin_tax_unit", "small_dataset", "version", "vn"]

pytestmark = pytest.mark.django_db
PASSWORD = "motcua-demo-2026"


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


# -- periods ---------------------------------------------------------------------------------------------


def test_periods_default_to_the_year_to_date_and_refuse_nonsense():
    today = dt.date(2026, 11, 20)
    key, period = period_from_param(None, today=today)
    assert key == YTD and (period.start, period.end) == (dt.date(2026, 1, 1), today)
    assert period_from_param("2026-Q2", today=today)[1].end == dt.date(2026, 6, 30)
    assert period_from_param("2026-03-01..2026-03-15", today=today)[1].days == 15
    for bad in ("2026-13", "abc", "2027", "2026-12"):
        with pytest.raises(InvalidPeriod):
            period_from_param(bad, today=today)
    with pytest.raises(InvalidPeriod):  # the public page takes months, quarters and years only
        period_from_param("2026-03-01..2026-03-15", today=today, custom=False)


def test_trends_cover_the_months_of_the_period_or_the_twelve_before_a_month():
    today = dt.date(2026, 11, 20)
    months = trend_months(period_from_param(None, today=today)[1], today)
    assert [m.label for m in months][:2] == ["01/2026", "02/2026"] and len(months) == 11
    assert months[-1].end == today
    single = trend_months(parse_period("2026-03"), today)
    assert (
        len(single) == 12
        and single[0].start == dt.date(2025, 4, 1)
        and single[-1].end == dt.date(2026, 3, 31)
    )
    custom = trend_months(parse_period("2026-03-10..2026-04-05"), today)
    assert [(m.start, m.end) for m in custom] == [
        (dt.date(2026, 3, 10), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 5)),
    ]


# -- the data --------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_fact_figures_and_the_766_scores(small_dataset):
    province = province_unit()
    assert province is not None and province.code == "H56"
    period = parse_period("2026-Q2")
    data = dashboard_data(province, period, today=NOW.date())
    tree = Tree()
    figures = rollup(period_figures(period), tree, province.pk)
    assert {c.figure: c.value for c in data.counts} == {c.figure: figures[c.figure] for c in data.counts}
    card = kpi766(province, period)
    assert data.scorecard.total == card.total
    heads = {h.key: h for h in data.headlines}
    i21 = next(i for i in card.indicators if i.code == "2.1")
    assert (heads["on_time"].numerator, heads["on_time"].denominator) == (i21.numerator, i21.denominator)
    assert heads["on_time"].target.ratio == Decimal("0.98") and heads["on_time"].met is False
    assert heads["online"].numerator == figures["received_online"]
    assert heads["handover"].numerator == figures["handover_electronic"] > 0
    assert heads["handover"].denominator == figures["handover_electronic"] + figures["handover_paper"]
    assert sum(g.max_points for g in data.groups) == data.scorecard.max_total
    # Trend: the quarter's three months add up to the quarter's flows.
    assert data.trend.labels == ["04/2026", "05/2026", "06/2026"]
    assert sum(data.trend.received) == figures["received"]
    assert sum(data.trend.resolved) == figures["resolved"]
    # By sector: the one test procedure's sector holds everything.
    assert [s.name for s in data.sectors] == ["Tài nguyên nước"]
    assert data.sectors[0].figures["received_total"] == figures["received_total"]
    # Rankings: the agency resolving every dossier is first among agencies.
    agencies = data.rankings["agency"]
    assert agencies[0].code == "H56.19" and agencies[0].received == figures["received"]
    assert {r.code for r in data.rankings["commune"]} >= {"H56.101"}


def _facts(unit, procedure_id, changes):
    facts_add(grains(Counter(changes), unit.pk, procedure_id))


def test_rankings_list_historic_districts_with_their_successors(demo, version):
    city = OrgUnit.objects.get(code="H56.380")  # a district-level city, ended 30/6/2025
    ward = OrgUnit.objects.get(code="H56.101")  # its successor, from 1/7/2025
    other = OrgUnit.objects.get(code="H56.102")
    p = version.procedure_id
    d = dt.date
    # The city received two dossiers in June 2025; one is still open (carried into 2026).
    _facts(city, p, {(d(2025, 6, 20), "received"): 2, (d(2025, 6, 20), "open"): 2, (d(2025, 6, 25), "open"): -1,
                     (d(2025, 6, 25), "resolved"): 1, (d(2025, 6, 25), "resolved_early"): 1})  # fmt: skip
    # Two wards in 2026: one on time, one late.
    _facts(
        ward,
        p,
        {
            (d(2026, 2, 2), "received"): 3,
            (d(2026, 2, 4), "resolved"): 3,
            (d(2026, 2, 4), "resolved_early"): 3,
        },
    )
    _facts(
        other,
        p,
        {
            (d(2026, 2, 2), "received"): 3,
            (d(2026, 2, 20), "resolved"): 3,
            (d(2026, 2, 20), "resolved_late"): 3,
        },
    )

    def communes(text):
        period = parse_period(text)
        return {r.code: r for r in ranking(Reads.of(period), ranking_units("commune"))}

    q2 = communes("2025-Q2")
    assert "H56.380" in q2 and not q2["H56.380"].old  # still current then
    assert "H56.101" not in q2  # the wards did not exist yet
    year = communes("2025")
    assert year["H56.380"].old and year["H56.380"].successor == ward.name
    assert "H56.101" in year
    q1 = communes("2026-Q1")
    assert q1["H56.380"].old and q1["H56.380"].successor == ward.name  # its dossier is still open
    assert "H56.381" not in q1  # other districts have nothing in 2026
    assert q1["H56.101"].rank < q1["H56.102"].rank
    assert q1["H56.101"].on_time == Decimal(1) and q1["H56.102"].on_time == Decimal(0)


# -- scope -----------------------------------------------------------------------------------------------


def test_scope_follows_the_dossier_access_rules(people):
    agency, tax = OrgUnit.objects.get(code="H56.19"), OrgUnit.objects.get(code="H56.52")
    assert dashboard_home_unit(people["admin"]).code == "H56"
    assert dashboard_allows(people["auditor"], tax)
    assert dashboard_home_unit(people["leader"]) == agency
    assert dashboard_allows(people["leader"], agency) and not dashboard_allows(people["leader"], tax)
    division = OrgUnit.objects.filter(parent=agency).first()
    assert division is not None and dashboard_allows(people["leader"], division)  # a leader's subtree
    assert not dashboard_allows(people["specialist"], division)  # others: their own units
    assert not dashboard_allows(people["specialist"], province_unit())


def test_pages_open_within_scope_only(client, people):
    url = reverse("backoffice:scorecard_province")
    assert client.get(url).status_code == 302  # sign in first
    signed_in(client, "lanhdao.tnmt")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith("?unit=H56.19")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("backoffice:scorecard_unit") + "?unit=H56.52").status_code == 403
    assert client.get(reverse("backoffice:scorecard_unit") + "?unit=X99").status_code == 404
    export = reverse("backoffice:scorecard_ranking_export")
    assert client.get(export + "?kind=agency").status_code == 403
    assert (
        client.get(reverse("backoffice:scorecard_drilldown") + "?figure=received&unit=H56.52").status_code
        == 403
    )
    signed_in(client, "congdan.hoa")
    assert client.get(url).status_code == 403


# -- the pages -------------------------------------------------------------------------------------------


def test_the_province_page_links_every_count_to_its_dossiers_and_downloads(client, small_dataset):
    signed_in(client, "quantri.tinh")
    response = client.get(reverse("backoffice:scorecard_province") + "?period=2026-Q2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giải quyết đúng hạn" in html and "T05" in html and "T09" in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()
    drill = reverse("backoffice:scorecard_drilldown")
    assert f"{drill}?figure=in_progress_overdue&amp;unit=H56&amp;period=2026-Q2" in html
    assert "Sở Nông nghiệp và Môi trường" in html and "Tài nguyên nước" in html
    # An invalid period falls back to the year to date and says why.
    bad = client.get(reverse("backoffice:scorecard_province") + "?period=2026-15")
    assert bad.status_code == 400 and "Từ đầu năm" in bad.content.decode()
    # The ranking downloads as CSV and Excel.
    url = reverse("backoffice:scorecard_ranking_export")
    response = client.get(url + "?kind=agency&format=csv&period=2026-Q2")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Hạng", "Mã đơn vị", "Tên đơn vị"]
    assert rows[2][1] == "H56.19" and rows[2][0] == "1"
    response = client.get(url + "?kind=commune&format=xlsx&period=2026-Q2")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(3, 3).value == "Tên đơn vị"
    assert any(sheet.cell(r, 2).value == "H56.101" for r in range(4, sheet.max_row + 1))
    leader = signed_in(client, "lanhdao.tnmt")
    children = leader.get(url + "?kind=children&unit=H56.19&format=csv")
    assert children.status_code == 200
    assert client.get(url + "?kind=zzz").status_code == 400


def test_the_drilldown_lists_25_a_page_with_the_figures_count(client, small_dataset):
    signed_in(client, "lanhdao.tnmt")
    period = parse_period("2026")
    figures = rollup(period_figures(period), Tree(), OrgUnit.objects.get(code="H56.19").pk)
    url = reverse("backoffice:scorecard_drilldown")
    response = client.get(url + "?figure=received&unit=H56.19&period=2026")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == figures["received"] and len(page.object_list) == 25
    html = response.content.decode()
    assert "Lê Văn Quầy" in html or "Lê Thị Hoa" in html  # the applicant, for staff
    assert reverse("backoffice:dossier_detail", args=[page.object_list[0].pk]) in html
    assert 25 < figures["received"] <= 50
    last = client.get(url + "?figure=received&unit=H56.19&period=2026&page=2")
    assert len(last.context["page"].object_list) == figures["received"] - 25
    late = client.get(url + "?figure=resolved_late&unit=H56.19&period=2026")
    assert late.context["page"].paginator.count == figures["resolved_late"]
    assert "Quá hạn" in late.content.decode()
    assert client.get(url + "?figure=nope&unit=H56.19").status_code == 400
