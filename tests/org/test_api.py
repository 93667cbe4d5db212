"""GET /api/v1/org-units and /api/v1/org-units/{code}."""

import pytest

from motcua.org.demo import seed_demo_org
from motcua.org.models import OrgUnit

pytestmark = pytest.mark.django_db

URL = "/api/v1/org-units"


@pytest.fixture
def org(db):
    seed_demo_org()


def test_list_is_paginated(client, org):
    total = OrgUnit.objects.count()
    assert total > 50
    first = client.get(URL).json()
    assert first["count"] == total
    assert len(first["items"]) == 50
    second = client.get(URL, {"page": 2}).json()
    assert len(second["items"]) == total - 50
    codes = [u["code"] for u in first["items"] + second["items"]]
    assert len(set(codes)) == total
    assert codes == sorted(codes)


def test_list_search_is_folded(client, org):
    items = client.get(URL, {"q": "hac thanh"}).json()["items"]
    assert [(u["code"], u["name"]) for u in items] == [("H56.101", "Phường Hạc Thành")]
    items = client.get(URL, {"q": "HOẰNG hoa"}).json()["items"]
    assert {u["name"] for u in items} == {"Xã Hoằng Hóa", "Ủy ban nhân dân huyện Hoằng Hóa"}


def test_list_filters_by_day_and_kind(client, org):
    items = client.get(URL, {"on": "2025-06-30", "kind": "district"}).json()["items"]
    names = {u["name"] for u in items}
    assert len(items) == 15  # the 16 T14 districts less Đông Sơn, merged into the city in December 2024
    assert "Ủy ban nhân dân thành phố Thanh Hóa" in names
    city = next(u for u in items if u["code"] == "H56.380")
    assert city == {
        "code": "H56.380",
        "name": "Ủy ban nhân dân thành phố Thanh Hóa",
        "kind": "district",
        "parent_code": "H56",
        "valid_from": "2021-01-01",
        "valid_to": "2025-06-30",
        "successor_code": "H56.101",
        "has_one_stop": True,
    }
    assert client.get(URL, {"on": "2025-07-01", "kind": "district"}).json()["items"] == []
    communes = client.get(URL, {"on": "2025-07-01", "kind": "commune", "page_size": 100}).json()
    assert communes["count"] >= 24


def test_list_refuses_an_unknown_kind_or_bad_date(client, org):
    assert client.get(URL, {"kind": "huyen"}).status_code == 422
    assert client.get(URL, {"on": "30/06/2025"}).status_code == 422


@pytest.mark.parametrize("code", ["H56.101", "h56.101", "000.101.H56", "000.00.101.H56"])
def test_get_accepts_both_forms(client, org, code):
    response = client.get(f"{URL}/{code}")
    assert response.status_code == 200
    assert response.json()["name"] == "Phường Hạc Thành"


def test_get_by_reversed_code_of_an_agency(client, org):
    response = client.get(f"{URL}/000.00.19.h56")
    assert response.status_code == 200
    assert response.json()["code"] == "H56.19"
    assert response.json()["name"] == "Sở Nông nghiệp và Môi trường"


def test_get_unknown_code_is_404(client, org):
    response = client.get(f"{URL}/000.00.99.H56")
    assert response.status_code == 404
    assert response.json()["code"] == "org_unit_not_found"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("H56.1", "org_code_group"),
        ("Z99", "org_code_root"),
        ("H56.00", "org_code_zero_group"),
        ("H56-14", "org_code_charset"),
    ],
)
def test_get_invalid_code_is_422_with_stable_error_code(client, org, code, error):
    response = client.get(f"{URL}/{code}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == error
    assert body["message"].startswith("Mã định danh điện tử")


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/org-units/{code}" in spec["paths"]
    assert set(spec["paths"]["/api/v1/org-units/{code}"]["get"]["responses"]) == {"200", "404", "422"}
