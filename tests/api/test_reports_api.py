"""Biểu 06 over the API (staff): the report and its files are the back office's for the same unit, period and
variant; who reads which unit's report is the page's rule (narrowed to an API key's units), and bad input is
a clear error."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.accounts.services_apikeys import apikey_create
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, vn
from tests.reporting.test_b06 import H56_19_Q1, TOTAL_Q1, scene

__all__ = ["clock", "demo", "people", "scene", "vn"]

pytestmark = pytest.mark.django_db

API = "/api/v1/reporting/b06"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body


def bearer(owner, by, units):
    _key, raw = apikey_create(
        owner=owner,
        name="Hệ thống tổng hợp báo cáo",
        operations=["reporting:read"],
        units=[OrgUnit.objects.get(code=c) for c in units],
        by=by,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_report_and_its_files_are_the_pages(scene, client, people):
    # The leader of H56.19: their unit and the current quarter by default, as on the page.
    client.force_login(people["leader"])
    body = client.get(API).json()
    page = client.get(reverse("backoffice:report_b06")).context["q"]
    assert (body["unit"]["code"], body["form"]) == (page.unit.code, page.form) == ("H56.19", "b06")
    assert body["period"]["start"] == "2026-04-01" and page.period_text == "2026-Q2"
    response = client.get(API, {"period": "2026-Q1", "form": "b07a"})
    assert response.status_code == 200, response.content
    body = response.json()
    page = client.get(reverse("backoffice:report_b06"), {"ky": "2026-Q1", "bieu": "b07a"}).context["report"]
    assert body["total"]["values"] == page.total.values == H56_19_Q1
    assert [(r["kind"], r["label"], r["values"]) for r in body["rows"]] == [
        (r.kind, r.label, r.values) for r in page.rows
    ]
    assert [c["number"] for c in body["columns"]] == list(range(1, 14))
    assert body["form_label"] == "Biểu số 07a/VPCP/KSTT" and body["period"]["cutoff"] is False
    assert_error(client.get(API, {"unit": "H56"}), 403, "unit_not_allowed")
    assert_error(client.get(f"{API}/download", {"unit": "H56"}), 403, "unit_not_allowed")

    # The province, for the administrator; the files are the page's.
    client.force_login(people["admin"])
    body = client.get(API, {"period": "2026-Q1"}).json()
    assert body["unit"]["code"] == "H56" and body["total"]["values"] == TOTAL_Q1
    params = {"period": "2026-Q1", "form": "b06a"}
    page_params = {"ky": "2026-Q1", "bieu": "b06a"}
    download = reverse("backoffice:report_b06_download")
    response = client.get(f"{API}/download", {**params, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="bieu-06a-H56-2026-01-01-2026-03-31.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    page_file = client.get(download, {**page_params, "dinh_dang": "xlsx"})

    def cells(content):
        return [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]

    assert cells(response.content) == cells(page_file.content)
    assert cells(response.content)[0][0] == "Biểu số 06a/VPCP/KSTT"
    response = client.get(f"{API}/download", {**params, "format": "json", "cutoff": "true"})
    assert response["Content-Type"].startswith("application/json")
    assert response.content == client.get(download, {**page_params, "dinh_dang": "json", "chot": "1"}).content
    assert json.loads(response.content)["period"]["cutoff"] is True
    pdf = client.get(f"{API}/download", {**params, "format": "pdf"})
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert "bieu-06a-H56-2026-01-01-2026-03-31.pdf" in pdf["Content-Disposition"]
    else:  # a machine without WeasyPrint
        assert_error(pdf, 503, "pdf_unavailable")

    # A key of the administrator limited to the ward reads the ward's report only.
    ward = bearer(people["admin"], people["admin"], ["H56.101"])
    body = client.get(API, {"period": "2026-Q1"}, **ward).json()
    assert body["unit"]["code"] == "H56.101" and body["total"]["values"]["received_total"] == 2
    assert_error(client.get(API, {"period": "2026-Q1", "unit": "H56"}, **ward), 403, "unit_not_allowed")


def test_refusals_and_bad_input(client, people):
    assert_error(client.get(API), 401, "not_authenticated")
    client.force_login(people["citizen"])
    assert_error(client.get(API), 403, "staff_only")
    assert_error(client.get(f"{API}/download"), 403, "staff_only")
    loner = User.objects.create_user(
        username="canbo.moi", password=None, kind="staff", full_name="Cán bộ mới"
    )
    client.force_login(loner)
    assert_error(client.get(API), 403, "staff_only")
    client.force_login(people["leader"])
    bad = client.get(API, {"period": "quý một"})
    assert_error(bad, 422, "period_invalid")
    assert_error(client.get(API, {"period": "2026-03-10..2026-03-01"}), 422, "period_invalid")
    assert_error(client.get(API, {"unit": "H99"}), 404, "unit_not_found")
    assert_error(client.get(API, {"form": "b08"}), 422, "request_invalid")
    assert_error(client.get(f"{API}/download", {"format": "doc"}), 422, "request_invalid")
    assert_error(client.get(API, {"cutoff": "maybe"}), 422, "request_invalid")
