"""The official forms of a dossier and the tracking ledger of a one-stop point, as PDF or printable page."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.documents.forms import form_pdf_response, render_form_html
from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.paperwork import dossier_form_build, tracking_ledger
from motcua.dossiers.selectors import counter_points_for

from ...access import staff_required
from .common import dossier_or_404, officer


def _respond(request: HttpRequest, form: object) -> HttpResponse:
    if request.GET.get("in") == "1":
        return HttpResponse(render_form_html(form, request=request))  # type: ignore[arg-type]
    return form_pdf_response(request, form, html_url=request.path + "?in=1")  # type: ignore[arg-type]


@staff_required
def dossier_form(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    dossier = dossier_or_404(officer(request), pk)
    form = dossier_form_build(dossier, key)
    if form is None:
        raise Http404(_("Biểu mẫu này chưa có cho hồ sơ ở giai đoạn hiện tại."))
    return _respond(request, form)


@staff_required
def ledger(request: HttpRequest) -> HttpResponse:
    """Form 07 for one of the officer's one-stop points; ``?tu=YYYY-MM-DD&den=YYYY-MM-DD`` (default: this month)."""
    user = officer(request)
    points = list(counter_points_for(user=user))
    code = request.GET.get("diem")
    point = next((p for p in points if p.code == code), points[0] if points else None)
    if point is None:
        raise Http404(_("Bạn không thuộc điểm tiếp nhận một cửa nào."))
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("tu") or today.replace(day=1).isoformat())
        end = dt.date.fromisoformat(request.GET.get("den") or today.isoformat())
    except ValueError:
        return HttpResponseBadRequest(
            _("Ngày không hợp lệ: dùng định dạng YYYY-MM-DD, ví dụ ?tu=2026-11-01&den=2026-11-30.")
        )
    if end < start:
        return HttpResponseBadRequest(_("Ngày kết thúc phải sau ngày bắt đầu."))
    form = tracking_ledger(point=point, dossiers=dossier_visible_queryset(user), start=start, end=end)
    return _respond(request, form)
