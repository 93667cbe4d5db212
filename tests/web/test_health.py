import pytest


def test_healthz_is_up_without_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["pending_migrations"] == 0


@pytest.mark.django_db
def test_api_root_and_openapi_document(client):
    root = client.get("/api/v1/")
    assert root.status_code == 200
    assert root.json()["openapi"] == "/api/v1/openapi.json"
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/api/v1/org-units" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_malformed_request_gets_the_common_error_shape(client):
    response = client.get("/api/v1/org-units?on=not-a-date")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request_invalid" and body["message"] and body["errors"]
