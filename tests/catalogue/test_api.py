"""The catalogue API under /api/v1/procedures."""

import pytest

from motcua.catalogue.services import procedure_publish, procedure_update
from motcua.catalogue.spec import spec_from_dict

from .data import procedure_data, provincial_data


@pytest.fixture
def published(make_procedure):
    make_procedure(procedure_data(), publish=True)
    return make_procedure(provincial_data(), publish=True)


def test_search_with_filters_and_pagination(client, published):
    body = client.get("/api/v1/procedures", {"q": "khai sih"}).json()
    assert (body["count"], body["fuzzy"]) == (1, True)
    item = body["items"][0]
    assert (
        item["code"] == "1.001193"
        and item["agency_code"] is None
        and item["agency_name"] == "Ủy ban nhân dân cấp xã"
    )
    assert item["time_limit"] == {
        "amount": 1.0, "unit": "working_days", "after_cutoff": True, "cutoff": "15:00", "words": "01 ngày làm việc",
    }  # fmt: skip
    assert item["url"] == "/thu-tuc/1.001193/"
    body = client.get("/api/v1/procedures", {"applicant_type": "business", "page_size": 1}).json()
    assert (body["count"], body["num_pages"], [i["code"] for i in body["items"]]) == (1, 1, ["1.004616"])
    body = client.get("/api/v1/procedures", {"page_size": 1, "page": 2}).json()
    assert (body["count"], body["page"], len(body["items"])) == (2, 2, 1)
    body = client.get("/api/v1/procedures", {"agency": "h56.19", "sector": "moi_truong"}).json()
    assert [i["code"] for i in body["items"]] == ["1.004616"]


def test_bad_query_parameters_are_422(client, published):
    assert client.get("/api/v1/procedures", {"level": "huyen"}).status_code == 422
    assert client.get("/api/v1/procedures", {"page_size": 1000}).status_code == 422
    assert client.get("/api/v1/procedures", {"page": 0}).status_code == 422


def test_get_by_code(client, published):
    body = client.get("/api/v1/procedures/1.004616").json()
    assert body["name"] == "Cấp giấy phép môi trường" and body["version"] == 1
    assert body["fees"][0]["amount"] == 1000000 and body["parts_complete"] is True
    assert [s["code"] for s in body["process"]["steps"]] == ["TN", "XL", "KY"]
    assert body["process"]["actions"][-1] == {
        "from_step": "KY", "to_step": "END", "name": "Ký, trả kết quả", "roles": ["agency_leader"], "conditions": ["fee_paid"],
    }  # fmt: skip
    assert body["legal_basis"][1] == {"title": "Nghị định số 123/2015/NĐ-CP", "effective_date": "2016-01-01"}
    assert body["time_limit"]["words"] == "15 ngày làm việc"


def test_unknown_codes_are_404_with_a_stable_error_code(client, published):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json()["code"] == "procedure_not_found"
    assert client.get("/api/v1/procedures/9.999999/versions").json()["code"] == "procedure_not_found"
    response = client.get("/api/v1/procedures/1.004616/versions/7")
    assert (response.status_code, response.json()["code"]) == (404, "procedure_version_not_found")


def test_versions(client, published):
    procedure_update(actor=None, procedure=published, spec=spec_from_dict(provincial_data(name="Tên mới")))
    procedure_publish(actor=None, procedure=published, note="Đổi tên")
    versions = client.get("/api/v1/procedures/1.004616/versions").json()
    assert [(v["number"], v["name"], v["note"]) for v in versions] == [
        (2, "Tên mới", "Đổi tên"),
        (1, "Cấp giấy phép môi trường", ""),
    ]
    assert versions[1]["url"] == "/api/v1/procedures/1.004616/versions/1"
    assert client.get(versions[1]["url"]).json()["name"] == "Cấp giấy phép môi trường"
    assert client.get("/api/v1/procedures/1.004616").json()["name"] == "Tên mới"


def test_sectors_and_the_openapi_document(client, published):
    sectors = client.get("/api/v1/procedures/sectors").json()
    assert {(s["code"], s["count"]) for s in sectors} == {("HO_TICH", 1), ("MOI_TRUONG", 1)}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/procedures", "/api/v1/procedures/{code}", "/api/v1/procedures/{code}/versions",
            "/api/v1/procedures/{code}/versions/{number}"} <= set(paths)  # fmt: skip
