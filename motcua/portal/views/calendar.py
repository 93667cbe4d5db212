"""The public working calendar: a year's days off, make-up days and their legal references (no login)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.calendar.selectors import calendar_year_view, calendar_years

MIN_YEAR, MAX_YEAR = 1995, 2100


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    try:
        year = int(raw)
    except ValueError:
        return timezone.localdate().year
    return year if MIN_YEAR <= year <= MAX_YEAR else timezone.localdate().year


def working_calendar(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    years = sorted({*calendar_years(), year})
    context = {
        "view": calendar_year_view(year=year),
        "years": years,
        "previous_year": year - 1 if year - 1 >= MIN_YEAR else None,
        "next_year": year + 1 if year + 1 <= MAX_YEAR else None,
    }
    return render(request, "portal/calendar.html", context)
