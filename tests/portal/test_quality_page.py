"""The public quality page: the province and the rankings of agencies and communes for a period, aggregates
only (no name, code or number of a dossier or an applicant), cached for a few minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.reporting.dashboard import province_unit
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.periods import parse_period
from tests.reporting.test_drilldown import Stories, small_dataset

__all__ = ["small_dataset"]

pytestmark = pytest.mark.django_db


def test_the_page_shows_rates_and_rankings_without_personal_data(client, small_dataset):
    response = client.get(reverse("quality") + "?ky=2026-Q2")
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context["data"]
    figures = rollup(period_figures(parse_period("2026-Q2")), Tree(), province_unit().pk)
    assert data.received == figures["received"] and data.resolved == figures["resolved"]
    assert data.on_time is not None and f"{data.on_time}".replace(".", ",") in html
    assert "Sở Nông nghiệp và Môi trường" in html and "Phường Hạc Thành" in html
    agencies = data.rankings["agency"]
    assert agencies[0].code == "H56.19" and [r.rank for r in agencies] == sorted(r.rank for r in agencies)
    for dossier in Dossier.objects.all():
        assert dossier.code not in html and dossier.applicant_name not in html
        assert not dossier.applicant_personal_id or dossier.applicant_personal_id not in html
    assert "/can-bo/" not in html.replace('href="/can-bo/"', "")  # no link into the back office's lists


def test_the_figures_are_cached_for_a_few_minutes(client, small_dataset, people, version, clock):
    url = reverse("quality")
    start = clock.moment
    received = client.get(url).context["data"].received
    Stories(people, version, clock).received(start - dt.timedelta(hours=2))  # one more dossier today
    clock(start + dt.timedelta(minutes=4))
    assert client.get(url).context["data"].received == received  # still the cached figures
    clock(start + dt.timedelta(minutes=6))
    assert client.get(url).context["data"].received == received + 1  # five minutes later


def test_only_months_quarters_and_years_are_offered(client, demo):
    ok = client.get(reverse("quality") + "?ky=2026")
    assert ok.status_code == 200 and ok.context["period_key"] == "2026"
    for bad in ("2026-01-01..2026-01-05", "xyz", "2099"):
        response = client.get(reverse("quality") + f"?ky={bad}")
        assert response.status_code == 400
        assert response.context["period_key"] == "ytd"
        assert "Từ đầu năm" in response.content.decode()
