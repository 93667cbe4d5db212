"""Biểu 06/VPCP/KSTT (06, 06a, 07a) in the back office: the table for a chosen period, unit and variant,
and its Excel / PDF / JSON download.

GET parameters (the same for the page and the download): ``bieu`` (b06, b06a, b07a), ``ky`` (2026-Q1,
2026-03, 2026 or 2026-01-05..2026-02-10; default: the current quarter), ``chot=1`` (the Decree 09/2019
cut-off of the 15th), ``don_vi`` (a unit code; default: the province for province-wide roles, otherwise the
highest unit of the user's memberships), and for the download ``dinh_dang`` (xlsx, pdf, json).

Who sees what: the province administrator, the auditor (and superusers) any unit; other staff the units of
their memberships and everything below them — figures are totals, never dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.documents.pdf import PdfUnavailable, pdf_bytes_response, pdf_unavailable_response
from motcua.reporting.b06 import (
    COLUMNS,
    FORM_LABELS,
    FORM_NAMES,
    FORMS,
    B06Report,
    OrgIndex,
    Unit,
    b06_report,
    b06_units_for,
)
from motcua.reporting.b06 import current_quarter as b06_current_quarter
from motcua.reporting.exports import XLSX_CONTENT_TYPE, filename, report_json, write_pdf, write_xlsx
from motcua.reporting.periods import InvalidPeriod, parse_period

from ..access import staff_required

FORMATS = ("xlsx", "pdf", "json")


def current_quarter() -> str:
    return b06_current_quarter()


def period_suggestions() -> list[tuple[str, str]]:
    """(value, label) of the periods offered in the form: the last four quarters, this year, last year."""
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out: list[tuple[str, str]] = []
    for _i in range(4):
        out.append((f"{year}-Q{quarter}", _("Quý %(q)d/%(y)d") % {"q": quarter, "y": year}))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    this = today.year
    out += [(str(this), _("Năm %(y)d") % {"y": this}), (str(this - 1), _("Năm %(y)d") % {"y": this - 1})]
    return out


def allowed_units(user: User, index: OrgIndex) -> list[Unit]:
    """The units whose report ``user`` may read, highest first (``b06_units_for``)."""
    return b06_units_for(user, index)


@dataclass
class Query:
    """The report asked for by the GET parameters, and what was wrong with them."""

    form: str = "b06"
    period_text: str = ""
    cutoff: bool = False
    unit: Unit | None = None
    units: list[Unit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    report: B06Report | None = None
    unit_denied: bool = False

    def params(self, **more: str) -> str:
        values = {"bieu": self.form, "ky": self.period_text, **({"chot": "1"} if self.cutoff else {})}
        if self.unit is not None:
            values["don_vi"] = self.unit.code
        return urlencode({**values, **more})


def _query(request: HttpRequest) -> Query:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - staff_required let only signed-in staff in
    index = OrgIndex()
    q = Query(units=allowed_units(user, index))
    q.form = request.GET.get("bieu") or "b06"
    if q.form not in FORMS:
        q.errors.append(_("Biểu “%(form)s” không có. Chọn Biểu 06, 06a hoặc 07a.") % {"form": q.form})
        q.form = "b06"
    q.period_text = (request.GET.get("ky") or "").strip() or current_quarter()
    q.cutoff = request.GET.get("chot") in ("1", "on", "true")
    code = (request.GET.get("don_vi") or "").strip()
    if code:
        q.unit = next((u for u in q.units if u.code == code), None)
        if q.unit is None:
            q.unit_denied = True
            q.errors.append(_("Không có đơn vị mã “%(code)s” trong phạm vi bạn được xem.") % {"code": code})
    elif q.units:
        q.unit = q.units[0]
    else:
        q.errors.append(_("Bạn chưa được phân công vào đơn vị nào nên chưa xem được báo cáo."))
    try:
        period = parse_period(q.period_text, cutoff=q.cutoff)
    except InvalidPeriod as exc:
        q.errors.append(str(exc))
        return q
    if q.unit is not None and not q.errors:
        q.report = b06_report(q.form, period, unit=q.unit, cutoff=q.cutoff, index=index)
    return q


def _page(request: HttpRequest, q: Query) -> HttpResponse:
    report = q.report
    context: dict[str, Any] = {
        "q": q,
        "report": report,
        "forms": [(f, FORM_LABELS[f], FORM_NAMES[f]) for f in FORMS],
        "periods": period_suggestions(),
        "columns": COLUMNS,
        "numbers": range(1, len(COLUMNS) + 3),
        "downloads": [(fmt, q.params(dinh_dang=fmt)) for fmt in FORMATS] if report else [],
    }
    if report is not None:
        context["lines"] = [*report.rows, report.total]
        context["empty"] = not any(report.total.values.values())
    return render(request, "backoffice/reports/b06.html", context, status=400 if q.errors else 200)


@staff_required
def report_b06(request: HttpRequest) -> HttpResponse:
    return _page(request, _query(request))


@staff_required
def report_b06_download(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    if q.unit_denied:
        raise Http404(" ".join(q.errors))
    fmt = request.GET.get("dinh_dang") or "xlsx"
    if fmt not in FORMATS:
        q.errors.append(_("Định dạng “%(fmt)s” không có: chọn xlsx, pdf hoặc json.") % {"fmt": fmt})
    report = q.report
    if report is None or q.errors:
        q.report = None
        return _page(request, q)
    if fmt == "pdf":
        try:
            pdf = write_pdf(report)
        except PdfUnavailable as error:
            return pdf_unavailable_response(
                request, error, html_url=f"{reverse('backoffice:report_b06')}?{q.params()}"
            )
        return pdf_bytes_response(pdf, filename=filename(report, "pdf"), inline=False)
    if fmt == "json":
        response = HttpResponse(report_json(report), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename(report, fmt)) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
