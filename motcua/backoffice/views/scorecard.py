"""The scorecard dashboards of the back office: the province, one unit, the dossiers behind a figure, and
the ranking as CSV / Excel. The data come from ``motcua.reporting.dashboard``, ``.drilldown`` and
``.ranking_export`` (the API's ``motcua.api.scorecard`` reads the same)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalogue.selectors import sector_list
from motcua.dossiers.access import dossier_visible_queryset
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_get_by_code, orgunit_subtree_ids
from motcua.reporting.dashboard import (
    RANKING_TITLES,
    YTD,
    dashboard_allows,
    dashboard_data,
    dashboard_home_unit,
    dashboard_sees_all,
    dashboard_units,
    dashboard_visible_ids,
    period_from_param,
    period_options,
    period_or_year_to_date,
    province_unit,
    unit_chain,
)
from motcua.reporting.drilldown import FIGURES, SHORT_NAMES, UnknownFigure, drilldown_queryset
from motcua.reporting.periods import InvalidPeriod
from motcua.reporting.ranking_export import (
    RANKING_FORMATS,
    RANKING_KINDS,
    ranking_export_allowed,
    ranking_file,
)

from ..access import staff_required
from .dossiers.common import STATUS_TONES, officer

PAGE_SIZE = 25
OUTCOME_LABELS = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Quá hạn"),
}


def _unit_by_code(code: str) -> OrgUnit | None:
    try:
        return orgunit_get_by_code(code)
    except ValidationError:
        return None


def _page(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    user = officer(request)
    key, period, error = period_or_year_to_date(request.GET.get("period"))
    data = dashboard_data(unit, period)
    query = {"period": key} if key != YTD else {}
    options = period_options()
    known = {value for _group, choices in options for value, _label in choices}
    return render(
        request,
        "backoffice/scorecard/dashboard.html",
        {
            "data": data,
            "unit": unit,
            "chain": unit_chain(unit),
            "sees_all": dashboard_sees_all(user),
            "period": period,
            "period_key": key,
            "period_error": error,
            "period_options": options,
            "custom_period": key not in known,
            "visible_ids": dashboard_visible_ids(user),
            "units": dashboard_units(user)[:400],
            "unit_query": urlencode({"unit": unit.code, **query}),
            "period_query": urlencode(query),
            "titles": {k: str(v) for k, v in RANKING_TITLES.items()},
            "chart": data.trend.as_chart(),
            "trend_rows": data.trend.rows(),
        },
        status=400 if error else 200,
    )


@staff_required
def scorecard_province(request: HttpRequest) -> HttpResponse:
    """The province's dashboard (province-level roles); others are taken to their own unit's."""
    user = officer(request)
    if not dashboard_sees_all(user):
        home = dashboard_home_unit(user)
        target = reverse("backoffice:scorecard_unit")
        params = {"unit": home.code} if home is not None else {}
        if request.GET.get("period"):
            params["period"] = request.GET["period"]
        return redirect(f"{target}?{urlencode(params)}" if params else target)
    unit = province_unit()
    if unit is None:
        return render(request, "backoffice/scorecard/no_unit.html", {"reason": "no_tree"})
    return _page(request, unit)


@staff_required
def scorecard_unit(request: HttpRequest) -> HttpResponse:
    """One unit's dashboard (``?unit=CODE``; the user's own top unit by default)."""
    user = officer(request)
    code = request.GET.get("unit", "").strip()
    unit = _unit_by_code(code) if code else dashboard_home_unit(user)
    if unit is None:
        if code:
            raise Http404(_("Không tìm thấy đơn vị “%(code)s”.") % {"code": code[:40]})
        return render(request, "backoffice/scorecard/no_unit.html", {"reason": "no_scope"})
    if not dashboard_allows(user, unit):
        raise PermissionDenied
    return _page(request, unit)


@staff_required
def scorecard_drilldown(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one figure: ``?figure=…&unit=CODE&period=…[&sector=ID]``, 25 a page."""
    user = officer(request)
    code = request.GET.get("unit", "").strip()
    unit = _unit_by_code(code) if code else dashboard_home_unit(user)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    if not dashboard_allows(user, unit):
        raise PermissionDenied
    figure = request.GET.get("figure", "")
    key, period, error = period_or_year_to_date(request.GET.get("period"))
    sector = None
    sector_param = request.GET.get("sector", "")
    if sector_param:
        sector = sector_list().filter(pk=int(sector_param)).first() if sector_param.isdigit() else None
        if sector is None:
            raise Http404(_("Không tìm thấy lĩnh vực."))
    members = orgunit_subtree_ids(unit, include_self=True)
    try:
        dossiers = drilldown_queryset(
            figure=figure,
            period=period,
            unit_ids=members,
            sector_id=sector.pk if sector else None,
            base=dossier_visible_queryset(user),
        )
    except UnknownFigure as exc:
        error, dossiers = str(exc), None
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page")) if dossiers is not None else None
    keep = {"figure": figure, "unit": unit.code, "period": key if key != YTD else "", "sector": sector_param}
    rows = []
    for d in page.object_list if page is not None else []:
        rows.append({"dossier": d, "tone": STATUS_TONES.get(d.status, "info"), "outcome": _outcome(d)})
    back = {"unit": unit.code, **({"period": key} if key != YTD else {})}
    return render(
        request,
        "backoffice/scorecard/drilldown.html",
        {
            "unit": unit,
            "period": period,
            "period_key": key,
            "figure": figure,
            "figure_label": FIGURES.get(figure, ""),
            "figures": [(k, str(v)) for k, v in SHORT_NAMES.items()],
            "sector": sector,
            "page": page,
            "rows": rows,
            "error": error,
            "query": urlencode({k: v for k, v in keep.items() if v}),
            "figure_query": urlencode({k: v for k, v in keep.items() if v and k != "figure"}),
            "back_url": reverse(
                "backoffice:scorecard_province" if unit.parent_id is None else "backoffice:scorecard_unit"
            )
            + "?"
            + urlencode(
                back if unit.parent_id is not None else {k: v for k, v in back.items() if k != "unit"}
            ),
        },
        status=400 if error else 200,
    )


def _outcome(dossier: Any) -> dict[str, Any]:
    end = getattr(dossier, "end_at", None)
    if end is None:
        return {"ended": False}
    cls = getattr(dossier, "end_class", "")
    return {"ended": True, "class": cls, "label": str(OUTCOME_LABELS.get(cls, cls)), "at": end}


@staff_required
def scorecard_ranking_export(request: HttpRequest) -> HttpResponse:
    """The ranking table as CSV or Excel: ``?kind=agency|commune|children[&unit=CODE]&period=…&format=``."""
    user = officer(request)
    kind = request.GET.get("kind", "agency")
    fmt = request.GET.get("format", "csv")
    if kind not in RANKING_KINDS or fmt not in RANKING_FORMATS:
        return HttpResponse(_("Tham số không hợp lệ."), status=400, content_type="text/plain; charset=utf-8")
    try:
        _key, period = period_from_param(request.GET.get("period"))
    except InvalidPeriod as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    parent: OrgUnit | None = None
    if kind == "children":
        parent = _unit_by_code(request.GET.get("unit", ""))
        if parent is None:
            raise Http404(_("Không tìm thấy đơn vị."))
    if not ranking_export_allowed(user, kind, parent):
        raise PermissionDenied
    found = ranking_file(kind, period, fmt, parent=parent)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
