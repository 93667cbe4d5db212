"""Read-side questions about API keys: the keys with their recent usage, for the administrators' page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from .models_apikeys import ApiKey, ApiKeyUse


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key: ApiKey
    state: str  # active, revoked, expired — or "scheduled" while a rotation's grace period runs
    uses: int
    errors: int  # answers 400 and above, refusals included
    unit_codes: list[str]


def apikey_usage_rows(*, since: dt.datetime) -> list[ApiKeyRow]:
    """Every key, newest first, with its requests and its errors since ``since`` (two queries)."""
    now = timezone.now()
    keys = (
        ApiKey.objects.select_related("owner")
        .prefetch_related("units")
        .annotate(
            recent_uses=Count("uses", filter=Q(uses__at__gte=since)),
            recent_errors=Count("uses", filter=Q(uses__at__gte=since, uses__status__gte=400)),
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for key in keys:
        state: str = key.state(now)
        if state == "active" and key.revoked_at is not None:
            state = "scheduled"
        rows.append(
            ApiKeyRow(
                key=key,
                state=state,
                uses=key.recent_uses,
                errors=key.recent_errors,
                unit_codes=sorted(u.code for u in key.units.all()),
            )
        )
    return rows


def apikey_unknown_attempts(*, since: dt.datetime) -> int:
    """Requests since ``since`` that presented a key matching none (typos, deleted configs, probing)."""
    return ApiKeyUse.objects.filter(key__isnull=True, at__gte=since).count()
