"""“Ai đã xem dữ liệu của tôi”: every read of the signed-in person's (or business's) data — staff opening
their dossiers and files, national registry look-ups — with who, which unit, when, which dossier and why;
downloadable as CSV. Only the account's own personal ID / tax code: nothing in the URL chooses whose."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.integrations.access import OUTCOME_LABELS, ledger_csv, ledger_entries_for, ledger_subjects

PAGE_SIZE = 25


@login_required
@require_GET
def my_ledger(request: HttpRequest) -> HttpResponse:
    entries = ledger_entries_for(request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": list(page.object_list),
        "subjects": ledger_subjects(request.user),
        "outcomes": OUTCOME_LABELS,
        "query": "",
    }
    return render(request, "portal/ledger/list.html", context)


@login_required
@require_GET
def my_ledger_csv(request: HttpRequest) -> HttpResponse:
    body = ledger_csv(ledger_entries_for(request.user))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="ai-da-xem-du-lieu-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
