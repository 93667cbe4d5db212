"""Liveness and readiness probes for load balancers and orchestrators."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.integrations.metrics import metrics_collect, metrics_text


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "error": type(exc).__name__}, status=503
        )
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "pending_migrations": 0})


def _metrics_allowed(request: HttpRequest) -> bool:
    """With ``MOTCUA_METRICS_TOKEN`` set, the scraper sends it as a bearer token; without it, only this machine
    (the loopback address) may read the metrics."""
    token = getattr(settings, "MOTCUA_METRICS_TOKEN", "")
    if token:
        sent = request.headers.get("Authorization", "")
        return constant_time_compare(sent, f"Bearer {token}")
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("not found\n", status=404, content_type="text/plain; charset=utf-8")
    body = metrics_text(metrics_collect())
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
