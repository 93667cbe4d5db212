"""The queues: tabs with counts, filters, search, one page of dossiers with the time each has left."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from motcua.dossiers.selectors import (
    DEFAULT_QUEUE,
    QUEUE_KEYS,
    QUEUES,
    QueueFilters,
    bulk_assignee_options,
    counter_points_for,
    dossier_procedure_options,
    dossier_queue_counts,
    dossier_queue_page,
    dossier_time_left,
    queue_clock,
    queue_get,
    step_time_left,
)
from motcua.dossiers.status import DossierStatus

from ...access import staff_required
from .common import STATUS_TONES, officer

#: Queues whose dossiers have an open processing step a leader may give to someone.
BULK_QUEUES = frozenset({"mine", "due_soon", "overdue", "inter_in", "all"})


def _filters(request: HttpRequest) -> QueueFilters:
    get = request.GET
    status = get.get("status", "")
    return QueueFilters(
        q=get.get("q", "").strip()[:200],
        procedure=get.get("procedure", "").strip()[:50],
        status=status if status in DossierStatus.values else "",
    )


@staff_required
def dossier_queue(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    key = request.GET.get("queue", DEFAULT_QUEUE)
    key = key if key in QUEUE_KEYS else DEFAULT_QUEUE
    filters = _filters(request)
    clock = queue_clock()
    counts = dossier_queue_counts(user=user, clock=clock)
    page = dossier_queue_page(
        user=user, queue=key, clock=clock, filters=filters, page=request.GET.get("page", 1)
    )
    rows: list[dict[str, Any]] = []
    for dossier in page.object_list:
        open_steps = getattr(dossier, "open_steps", None)  # prefetched by the queue selector
        step = open_steps[0] if open_steps else None
        rows.append(
            {
                "dossier": dossier,
                "step": step,
                "tone": STATUS_TONES.get(dossier.status, "info"),
                "left": dossier_time_left(dossier, clock=clock),
                "step_left": step_time_left(step, dossier=dossier, clock=clock) if step else None,
            }
        )
    keep = {"queue": key, "q": filters.q, "procedure": filters.procedure, "status": filters.status}
    query = urlencode({k: v for k, v in keep.items() if v})
    tab_query = urlencode({k: v for k, v in keep.items() if v and k != "queue"})
    return render(
        request,
        "backoffice/dossiers/queue.html",
        {
            "queues": [{"queue": q, "count": counts[q.key], "current": q.key == key} for q in QUEUES],
            "queue": queue_get(key),
            "page": page,
            "rows": rows,
            "filters": filters,
            "procedures": dossier_procedure_options(user=user),
            "statuses": [
                (value, label) for value, label in DossierStatus.choices if value != DossierStatus.DRAFT
            ],
            "query": query,
            "tab_query": tab_query,
            "can_intake": counter_points_for(user=user).exists(),
            "assignees": list(bulk_assignee_options(user=user)) if key in BULK_QUEUES else [],
        },
    )
