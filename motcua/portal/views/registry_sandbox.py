"""The local fakes of the national registries served over HTTP, like the X-Road-like gateway would:
``GET /sandbox/csdl/dan-cu/<personal id>`` and ``GET /sandbox/csdl/doanh-nghiep/<tax code>``.

Only in dev, demo and tests (``DEBUG``, ``MOTCUA_DEMO`` or ``MOTCUA_REGISTRY_SANDBOX``); 404 otherwise.
A request without the X-Road headers is refused with 400. The special keys of
``motcua.integrations.registries.fake`` answer 404, wait then 504 (timeout), 500, or a malformed body.
"""

from __future__ import annotations

import time
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from motcua.core.validators import validate_cccd, validate_mst
from motcua.integrations.registries import fake

REQUIRED_HEADERS = ("X-Road-Client", "X-Road-UserId", "X-Road-Issue", "X-Road-Purpose", "X-Road-Id")
NON_EMPTY = ("X-Road-Client", "X-Road-UserId", "X-Road-Purpose", "X-Road-Id")


def sandbox_enabled() -> bool:
    return bool(
        settings.DEBUG
        or getattr(settings, "MOTCUA_DEMO", False)
        or getattr(settings, "MOTCUA_REGISTRY_SANDBOX", False)
    )


def _error(status: int, code: str, message: str, request_id: str = "") -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    if request_id:
        response["X-Road-Id"] = request_id
    return response


def _serve(request: HttpRequest, registry: str, key: str) -> HttpResponse:
    if not sandbox_enabled():
        raise Http404
    missing = [h for h in REQUIRED_HEADERS if h not in request.headers]
    missing += [h for h in NON_EMPTY if h in request.headers and not unquote(request.headers[h]).strip()]
    if missing:
        return _error(400, "missing_xroad_headers", "Thiếu tiêu đề X-Road: " + ", ".join(missing))
    request_id = unquote(request.headers["X-Road-Id"])
    try:
        (validate_cccd if registry == "population" else validate_mst)(key)
    except ValidationError as exc:
        return _error(400, "invalid_key", exc.messages[0], request_id)
    behaviour = fake.behaviour(registry, key)
    if behaviour == "not_found":
        return _error(404, "not_found", "Không tìm thấy thông tin.", request_id)
    if behaviour == "timeout":
        time.sleep(float(getattr(settings, "MOTCUA_REGISTRY_SANDBOX_DELAY", 10)))
        return _error(504, "timeout", "Hết thời gian chờ.", request_id)
    if behaviour == "server_error":
        return _error(500, "internal_error", "Lỗi hệ thống.", request_id)
    if behaviour == "malformed":
        return HttpResponse(b"<html><body>Service Unavailable", content_type="application/json")
    record = fake.make_person(key) if registry == "population" else fake.make_business(key)
    response = JsonResponse({"request_id": request_id, "data": record.to_json()})
    response["X-Road-Id"] = request_id
    return response


@require_GET
def population(request: HttpRequest, personal_id: str) -> HttpResponse:
    return _serve(request, "population", personal_id)


@require_GET
def business(request: HttpRequest, tax_code: str) -> HttpResponse:
    return _serve(request, "business", tax_code)
