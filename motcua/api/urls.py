"""The REST API v1: one NinjaAPI, one router per domain."""

from django.conf import settings
from django.http import HttpRequest
from ninja import Schema

import motcua

from .catalogue import router as catalogue_router
from .errors import MotcuaAPI
from .org import router as org_router

# Every error answers {code, message} — refused API keys and missing credentials (401/403/429) included —
# and the OpenAPI document declares them (motcua.api.errors).
api = MotcuaAPI(
    title="motcua API",
    version="1",
    description="API của hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh (motcua).",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


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
api.add_router("/procedure-drafts", "motcua.api.catalogue_admin.router", tags=["catalogue"])
api.add_router("/dossiers", "motcua.api.payments.router", tags=["payments"])
api.add_router("/dossiers", "motcua.api.dossiers.router", tags=["dossiers"])
api.add_router("/reporting", "motcua.api.reporting.router", tags=["reporting"])
api.add_router("/reporting/scorecard", "motcua.api.scorecard.router", tags=["reporting"])
api.add_router("/reporting/b06", "motcua.api.reports.router", tags=["reporting"])
api.add_router("/reporting", "motcua.api.risk.router", tags=["reporting"])
api.add_router("/plan", "motcua.api.plan.router", tags=["plan"])
api.add_router("/feedback", "motcua.api.feedback.router", tags=["feedback"])
api.add_router("/dossiers", "motcua.api.feedback.evaluation_router", tags=["feedback"])
api.add_router("/results", "motcua.api.results.router", tags=["results"])
api.add_router("/calendar", "motcua.api.calendar.router", tags=["calendar"])
api.add_router("/calendar/admin", "motcua.api.calendar_admin.router", tags=["calendar"])
api.add_router("/wallet", "motcua.api.wallet.router", tags=["wallet"])
api.add_router("/dossiers", "motcua.api.wallet.reuse_router", tags=["wallet"])
api.add_router("/notifications", "motcua.api.notifications.router", tags=["notifications"])
api.add_router("/notifications/admin", "motcua.api.notifications_admin.router", tags=["notifications"])
api.add_router("/queues", "motcua.api.queues.router", tags=["queues"])
api.add_router("/integrations/dvcqg", "motcua.api.dvcqg.router", tags=["integrations"])
api.add_router("/dossier-status", "motcua.api.lookup.router", tags=["dossiers"])
api.add_router("/dossiers", "motcua.api.paperwork.router", tags=["dossiers"])
# Issue #10, part 2: the counter, assignment, the tracking ledger, back-office payments, registry look-ups.
api.add_router("/counter", "motcua.api.counter.router", tags=["counter"])
api.add_router("/dossiers", "motcua.api.counter.dossier_router", tags=["counter"])
api.add_router("/assignments", "motcua.api.assignment.router", tags=["dossiers"])
api.add_router("/dossiers", "motcua.api.assignment.dossier_router", tags=["dossiers"])
api.add_router("/ledger", "motcua.api.ledger.router", tags=["dossiers"])
api.add_router("/payments", "motcua.api.payments_admin.router", tags=["payments"])
api.add_router("/registries", "motcua.api.registries.router", tags=["registries"])
api.add_router("/dossiers", "motcua.api.registries.dossier_router", tags=["registries"])
