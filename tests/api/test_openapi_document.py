"""The OpenAPI document is valid, says what every operation can answer, and its docs page works offline."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from motcua.api.urls import api


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(Client().get("/api/v1/openapi.json").content)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
    ]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    import schemathesis

    assert document["openapi"].startswith("3.1")
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # raises on an invalid document
    assert all(result.ok() for result in schema.get_all_operations())


def test_no_two_schemas_share_a_name() -> None:
    """ninja files every model under its class name in one ``components.schemas``: two classes with the same
    name (``ComponentOut`` of a dossier and of a procedure) silently become one, and the document then
    describes one of the answers wrongly. Every name must stand for one schema."""
    from ninja.params.models import ParamModel
    from pydantic import BaseModel

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models: list[tuple[type[BaseModel], str]] = [
                    (m, "serialization") for m in operation.response_models.values() if isinstance(m, type)
                ]
                models += [(m, "validation") for m in operation.models if issubclass(m, ParamModel)]
                for model, mode in models:
                    defs = model.model_json_schema(mode=mode).get("$defs", {})  # type: ignore[arg-type]
                    for name, schema in defs.items():
                        text = json.dumps(schema, sort_keys=True)
                        where = f"{operation.view_func.__module__}.{operation.view_func.__name__}"
                        if name in seen and seen[name][0] != text:
                            clashes.append(f"{name}: {seen[name][1]} / {where}")
                        seen.setdefault(name, (text, where))
    assert not clashes, "\n".join(clashes)


def test_every_operation_declares_the_errors_it_can_answer(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        declared = set(operation["responses"])
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in declared, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "415"} <= declared, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= declared, (method, path)
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                name = schema["$ref"].rsplit("/", 1)[-1]
                assert {"code", "message"} <= set(document["components"]["schemas"][name]["required"]), (
                    method,
                    path,
                    status,
                )


def test_the_docs_page_loads_nothing_from_another_site() -> None:
    """The system must work offline: Swagger UI comes from ninja's bundled static files, not a CDN."""
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls), urls
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(name), name


def test_no_field_is_documented_as_an_rfc_3339_time(document: dict[str, Any]) -> None:
    """JSON Schema's ``format: time`` requires an offset (``07:30:00+07:00``); the API writes wall-clock
    times without one, so such fields are ``motcua.api.schemas.LocalTime``."""
    assert '"format": "time"' not in json.dumps(document)
