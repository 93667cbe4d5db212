"""Open data (/du-lieu-mo/): the index with each dataset's schema and licence; CSV (UTF-8 with a byte-order
mark) and JSON (a ``meta`` header with the licence and the schema, then ``data``) per dataset, named
downloads, aggregates only; every column documented in docs/open-data.md."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.reporting.open_data import DATASETS
from motcua.reporting.periods import parse_period
from motcua.reporting.transparency import transparency
from tests.reporting.test_drilldown import small_dataset

__all__ = ["small_dataset"]

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def download(client, slug, fmt, ky=""):
    return client.get(reverse("open_data_file", args=[slug, fmt]) + (f"?ky={ky}" if ky else ""))


def read_csv(response) -> list[dict[str, str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_index_lists_each_dataset_with_its_files_schema_and_licence(client, demo):
    response = client.get(reverse("open_data") + "?ky=2026-Q1")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Creative Commons Attribution 4.0" in html and "https://creativecommons.org/licenses/by/4.0/" in html
    )
    for dataset in DATASETS.values():
        for fmt in ("csv", "json"):
            link = reverse("open_data_file", args=[dataset.slug, fmt])
            assert f'href="{link}{"?ky=2026-Q1" if dataset.by_period else ""}"' in html
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in html
    assert html.count("<caption>") == len(DATASETS)
    assert client.get(reverse("open_data") + "?ky=2099").status_code == 400


def test_the_catalogue_in_figures_as_csv_and_json(client, version):
    response = download(client, "thu-tuc-hanh-chinh", "csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(
        r'filename="thu-tuc-hanh-chinh-\d{4}-\d\d-\d\d\.csv"', disposition
    )
    rows = read_csv(response)
    assert list(rows[0]) == DATASETS["thu-tuc-hanh-chinh"].column_names()
    assert [(r["sector_name"], r["procedures"]) for r in rows] == [(version.sector.name, "1")]
    assert any(ch in version.sector.name for ch in "ăâđêôơưáàảãạ")  # Vietnamese text, intact
    document = download(client, "thu-tuc-hanh-chinh", "json")
    assert document["Content-Type"] == "application/json; charset=utf-8"
    assert document["Content-Disposition"].startswith("attachment;")
    assert document["Access-Control-Allow-Origin"] == "*"
    payload = json.loads(document.content)
    meta = payload["meta"]
    assert meta["licence"]["name"] == "CC-BY-4.0" and meta["licence"]["path"].startswith(
        "https://creativecommons.org/"
    )
    assert [f["name"] for f in meta["schema"]["fields"]] == DATASETS["thu-tuc-hanh-chinh"].column_names()
    assert meta["schema"]["primaryKey"] == ["sector_code"] and meta["update_frequency"]
    assert payload["data"][0]["procedures"] == 1 and payload["data"][0]["sector_name"] == version.sector.name


def test_unit_figures_per_period_match_the_page_and_hold_no_personal_data(client, small_dataset):
    data = transparency(parse_period("2026-Q2"))
    rows = read_csv(download(client, "chat-luong-phuc-vu", "csv", "2026-Q2"))
    assert len(rows) == 1 + len(data.units["agency"]) + len(data.units["commune"])
    province, agency = rows[0], next(r for r in rows if r["unit_code"] == "H56.19")
    assert (
        province["unit_kind"] == "province" and province["rank"] == "" and province["period_key"] == "2026-Q2"
    )
    assert (province["period_start"], province["period_end"]) == ("2026-04-01", "2026-06-30")
    figures = next(u for u in data.units["agency"] if u.code == "H56.19")
    assert agency["on_time_percent"] == str(figures.on_time) and agency["received"] == str(figures.received)
    assert agency["apologies"] == "1" and agency["former_unit"] == "false"
    empty = next(r for r in rows if r["unit_code"] == "H56.52")
    assert empty["on_time_percent"] == "" and empty["satisfaction_percent"] == ""  # not applicable
    payload = json.loads(download(client, "chat-luong-phuc-vu", "json", "2026-Q2").content)
    assert payload["meta"]["period"] == {
        "key": "2026-Q2",
        "label": "Quý 2/2026",
        "start": "2026-04-01",
        "end": "2026-06-30",
    }
    unit = next(r for r in payload["data"] if r["unit_code"] == "H56.19")
    assert unit["on_time_percent"] == float(figures.on_time) and unit["received"] == figures.received
    assert unit["former_unit"] is False and payload["data"][0]["rank"] is None
    apologies = read_csv(download(client, "xin-loi-hen-lai", "csv", "2026"))
    assert [(r["month"], r["unit_code"], r["apologies"]) for r in apologies] == [
        ("2026-03", "H56.19", "1"),
        ("2026-04", "H56.19", "1"),
    ]
    files = b"".join(
        download(client, slug, fmt, "2026").content
        for slug in ("chat-luong-phuc-vu", "xin-loi-hen-lai")
        for fmt in ("csv", "json")
    ).decode()
    for dossier in Dossier.objects.all():
        assert dossier.code not in files and dossier.applicant_name not in files
        assert not dossier.applicant_personal_id or dossier.applicant_personal_id not in files
    assert "Chờ xác minh" not in files  # the apologies' reasons stay private


def test_unknown_datasets_formats_and_periods_are_refused(client, demo):
    assert download(client, "ho-so", "csv").status_code == 404
    assert download(client, "thu-tuc-hanh-chinh", "xlsx").status_code == 404
    bad = download(client, "chat-luong-phuc-vu", "csv", "2026-01-01..2026-02-01")
    assert bad.status_code == 400 and "tháng, một quý hoặc một năm" in bad.content.decode()
    assert client.post(reverse("open_data_file", args=["thu-tuc-hanh-chinh", "csv"])).status_code == 405


def test_a_second_download_reads_the_cached_figures(client, demo, django_assert_max_num_queries):
    download(client, "chat-luong-phuc-vu", "json", "2026-Q1")
    with django_assert_max_num_queries(2):
        assert download(client, "chat-luong-phuc-vu", "json", "2026-Q1").status_code == 200


def test_every_dataset_and_column_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    assert "CC BY 4.0" in doc and "https://creativecommons.org/licenses/by/4.0/" in doc
    for dataset in DATASETS.values():
        section = next(part for part in doc.split("\n## ") if part.startswith(f"Dataset `{dataset.slug}`"))
        for column in dataset.columns:
            assert re.search(rf"^\| `{column.name}` \| {column.type} \|", section, re.MULTILINE), (
                dataset.slug,
                column.name,
            )
