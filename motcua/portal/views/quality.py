"""The public quality page ("đánh giá chất lượng phục vụ"): the province's 766 total, on-time and online
rates, and the rankings of agencies and communes for a period — aggregates only, no personal data.

The figures are computed once per period (and language) and kept in the cache for a few minutes; the page
itself is rendered per request (its header shows who is signed in)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from motcua.reporting.dashboard import RANKING_TITLES, period_options, period_or_year_to_date, public_quality

CACHE_SECONDS = 300


def quality(request: HttpRequest) -> HttpResponse:
    # Months, quarters and years only (a bounded set of cache keys).
    key, period, error = period_or_year_to_date(request.GET.get("ky"), custom=False)
    cache_key = f"motcua:quality:{key}:{timezone.localdate():%Y%m%d}:{get_language()}"
    data = cache.get(cache_key)
    if data is None:
        data = public_quality(period)
        cache.set(cache_key, data, CACHE_SECONDS)
    response = render(
        request,
        "portal/quality.html",
        {
            "data": data,
            "period": period,
            "period_key": key,
            "period_options": period_options(),
            "error": error,
            "titles": {k: str(v) for k, v in RANKING_TITLES.items() if k != "children"},
        },
        status=400 if error else 200,
    )
    return response
