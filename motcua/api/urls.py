"""The REST API v1: one NinjaAPI, one router per domain."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError

import motcua

from .catalogue import router as catalogue_router
from .org import router as org_router

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="API của hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh (motcua).",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A malformed request body or query: the same ``{code, message}`` shape as every other error,
    with the field-level details under ``errors``."""
    body = {"code": "request_invalid", "message": _("Dữ liệu gửi lên không hợp lệ."), "errors": exc.errors}
    return api.create_response(request, body, status=422)


class ApiRoot(Schema):
    name: str
    version: str
    province_code: str
    openapi: str
    docs: str


@api.get("/", response=ApiRoot, summary="API root", tags=["meta"])
def api_root(request: HttpRequest) -> dict[str, str]:
    return {
        "name": "motcua",
        "version": motcua.__version__,
        "province_code": settings.MOTCUA_PROVINCE_CODE,
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


api.add_router("/org-units", org_router, tags=["org"])
api.add_router("/procedures", catalogue_router, tags=["catalogue"])
api.add_router("/dossiers", "motcua.api.payments.router", tags=["payments"])
api.add_router("/dossiers", "motcua.api.dossiers.router", tags=["dossiers"])
api.add_router("/reporting", "motcua.api.reporting.router", tags=["reporting"])
