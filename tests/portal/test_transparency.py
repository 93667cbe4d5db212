"""The public transparency page (/minh-bach/): per unit the 766 total, on-time, online and online-payment
rates and satisfaction, and the apologies for late dossiers counted by unit, sector and month — aggregates
only: no applicant's name, personal ID, dossier code or apology text on the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.feedback.services import evaluation_give
from motcua.org.models import OrgUnit
from motcua.reporting.dashboard import percent, province_unit
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.kpi766 import kpi766
from motcua.reporting.periods import parse_period
from motcua.reporting.transparency import months_of, transparency
from tests.feedback.conftest import journey
from tests.reporting.test_drilldown import small_dataset

__all__ = ["small_dataset"]

pytestmark = pytest.mark.django_db


def page(client, ky=""):
    return client.get(reverse("transparency") + (f"?ky={ky}" if ky else ""))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_each_units_figures_and_the_apologies_without_personal_data(client, small_dataset):
    response = page(client, "2026")
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context["data"]
    # The province's figures are the fact table's and the scorecard's.
    period = parse_period("2026")
    figures = rollup(period_figures(period), Tree(), province_unit().pk)
    assert data.province.received == figures["received"] > 0
    assert data.province.total == kpi766(province_unit(), period).total
    # Per unit: the agency that resolves the dossiers and the commune that received some at its counter.
    agency = next(r for r in data.units["agency"] if r.code == "H56.19")
    assert agency.received == figures["received"] and agency.on_time is not None
    assert agency.rank == 1 and "Sở Nông nghiệp và Môi trường" in html
    # The apologies: one on 25 March and one on 22 April, both by H56.19 (one sector), each month listed.
    apologies = data.apologies
    assert apologies.total == 2 == data.province.apologies == agency.apologies
    assert [(t.key, t.count) for t in apologies.by_unit] == [("H56.19", 2)]
    assert len(apologies.by_sector) == 1 and apologies.by_sector[0].count == 2
    by_month = {t.key: t.count for t in apologies.by_month}
    assert by_month["2026-03"] == 1 and by_month["2026-04"] == 1 and by_month["2026-01"] == 0
    text = text_of(html)
    assert "Xin lỗi, hẹn lại do giải quyết chậm" in text and "Trong kỳ có 2 văn bản xin lỗi" in text
    for caption in ("Theo đơn vị", "Theo lĩnh vực", "Theo tháng"):
        assert f"<caption>{caption}</caption>" in html
    assert html.count("<caption>") == 5  # the two tables of units and the three tallies
    # Nothing about a person or a dossier: no code, name, personal ID, nor the apology's reason.
    for dossier in Dossier.objects.all():
        assert dossier.code not in html and dossier.applicant_name not in html
        assert not dossier.applicant_personal_id or dossier.applicant_personal_id not in html
    reasons = set(DossierEvent.objects.filter(action="apologise").values_list("note", flat=True))
    assert reasons == {"Chờ xác minh"} and "Chờ xác minh" not in html
    assert "/can-bo/" not in html


def test_online_payment_and_satisfaction_per_unit(client, people, version, clock):
    satisfied = journey(people, version, clock)
    evaluation_give(dossier=satisfied, actor=people["citizen"], satisfaction="very_satisfied")
    unhappy = journey(people, version, clock)
    evaluation_give(dossier=unhappy, actor=people["citizen"], satisfaction="dissatisfied")
    data = transparency(parse_period("2026-03"), today=dt.date(2026, 3, 31))
    agency = next(r for r in data.units["agency"] if r.code == "H56.19")
    assert (agency.evaluations, agency.satisfaction) == (2, 50)
    assert (data.province.evaluations, data.province.satisfaction) == (2, 50)
    card = kpi766(OrgUnit.objects.get(code="H56.19"), parse_period("2026-03"))
    payment = next(i for i in card.indicators if i.code == "3.6")
    assert agency.online_payment == percent(payment.ratio)
    # Another agency without dossiers nor evaluations shows "not applicable", not 0 %.
    tax = next(r for r in data.units["agency"] if r.code == "H56.52")
    assert tax.satisfaction is None and tax.on_time is None and tax.evaluations == 0
    html = page(client, "2026-03").content.decode()
    assert "50,0 %" in html or "50.0 %" in html


def test_empty_period_shows_empty_states(client, demo):
    response = page(client, "2026")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "Chưa có hồ sơ nào được tiếp nhận hoặc giải quyết trong kỳ này." in text
    assert "Không có văn bản xin lỗi, hẹn lại nào trong kỳ này." in text
    assert response.context["data"].apologies.total == 0


def test_only_months_quarters_and_years(client, demo):
    for bad in ("2026-01-01..2026-01-05", "xyz", "2099"):
        response = page(client, bad)
        assert response.status_code == 400 and response.context["period_key"] == "ytd"
        assert "Từ đầu năm" in response.content.decode()


def test_linked_from_the_footer_and_the_quality_page(client, demo):
    url = reverse("transparency")
    home = client.get(reverse("home")).content.decode()
    assert f'href="{url}"' in home and f'href="{reverse("open_data")}"' in home
    quality = client.get(reverse("quality") + "?ky=2026").content.decode()
    assert f'href="{url}?ky=2026"' in quality
    transparency_html = page(client, "2026-Q1").content.decode()
    assert (
        f'href="{reverse("open_data_file", args=["chat-luong-phuc-vu", "csv"])}?ky=2026-Q1"'
        in transparency_html
    )
    assert f'href="{reverse("quality")}?ky=2026-Q1"' in transparency_html


def test_the_figures_are_computed_once_per_period_and_cached(client, demo, django_assert_max_num_queries):
    cache.clear()
    page(client, "2026-Q1")
    with django_assert_max_num_queries(2):  # the period picker — not the figures (24 queries)
        assert page(client, "2026-Q1").status_code == 200


def test_months_of_a_period_stop_today():
    months = months_of(parse_period("2026"), dt.date(2026, 3, 10))
    assert [m.label for m in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[-1].end == dt.date(2026, 3, 10)
    assert [m.label for m in months_of(parse_period("2026-02"), dt.date(2026, 12, 1))] == ["2026-02"]
