"""The public transparency page ("công khai, minh bạch"): for a period, per unit the 766 total, the
on-time, online and online-payment rates and satisfaction, and the apologies for late dossiers counted by
unit, sector and month — aggregates only (``motcua.reporting.transparency``), with links to the same
figures as open data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.reporting.dashboard import period_options, period_or_year_to_date
from motcua.reporting.open_data import APOLOGIES, FORMATS, UNITS
from motcua.reporting.transparency import transparency_cached


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    # Months, quarters and years only (a bounded set of cache keys).
    key, period, error = period_or_year_to_date(request.GET.get("ky"), custom=False)
    return render(
        request,
        "portal/transparency.html",
        {
            "data": transparency_cached(key, period),
            "period": period,
            "period_key": key,
            "period_options": period_options(),
            "error": error,
            "downloads": [(dataset, FORMATS) for dataset in (UNITS, APOLOGIES)],
        },
        status=400 if error else 200,
    )
