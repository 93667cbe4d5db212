"""Open data ("dữ liệu mở"): the index of the datasets with their schema and licence, and each dataset as
a CSV or JSON file (``motcua.reporting.open_data``; documented in docs/open-data.md). Aggregates only;
the files may be read from any site (``Access-Control-Allow-Origin: *``) and cached for five minutes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from motcua.reporting.dashboard import period_from_param, period_options, period_or_year_to_date
from motcua.reporting.open_data import (
    DATASETS,
    FORMATS,
    LICENCE,
    as_csv,
    as_json,
    dataset_rows,
    filename,
    meta,
)
from motcua.reporting.periods import InvalidPeriod
from motcua.reporting.transparency import CACHE_SECONDS

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    key, period, error = period_or_year_to_date(request.GET.get("ky"), custom=False)
    return render(
        request,
        "portal/open_data.html",
        {
            "datasets": list(DATASETS.values()),
            "formats": FORMATS,
            "licence": LICENCE,
            "period": period,
            "period_key": key,
            "period_options": period_options(),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
def open_data_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    spec = DATASETS.get(dataset)
    if spec is None or fmt not in FORMATS:
        raise Http404
    key, period = "", None
    if spec.by_period:
        try:
            key, period = period_from_param(request.GET.get("ky"), custom=False)
        except InvalidPeriod as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    rows = dataset_rows(spec, key=key, period=period)
    if fmt == "csv":
        body = as_csv(spec, rows)
    else:
        url = request.build_absolute_uri(reverse("open_data_file", args=[spec.slug, fmt]))
        body = as_json(spec, rows, meta(spec, key=key, period=period, url=url))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, filename(spec, fmt, key)) or "attachment"
    )
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
