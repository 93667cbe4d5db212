"""The public catalogue: browse and search published procedures, and read one procedure."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.choices import ApplicantType, OnlineLevel, ProcedureLevel, StepUnitKind
from motcua.catalogue.selectors import (
    MAX_QUERY_LENGTH,
    SearchFilters,
    agencies_with_procedures,
    procedure_get_published,
    procedure_receiving_points,
    procedure_search,
    procedure_sector_counts,
    procedure_step_units,
    sector_list,
    version_spec,
)
from motcua.catalogue.spec import COMMUNE_AGENCY

PAGE_SIZE = 20


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=MAX_QUERY_LENGTH)
    sector = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"), required=False, choices=[("", _("Tất cả")), *ProcedureLevel.choices]
    )
    agency = forms.ChoiceField(label=_("Cơ quan thực hiện"), required=False)
    online_level = forms.ChoiceField(
        label=_("Dịch vụ công trực tuyến"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (OnlineLevel.FULL, _("Toàn trình")),
            (OnlineLevel.PARTIAL, _("Một phần")),
        ],
    )
    applicant_type = forms.ChoiceField(
        label=_("Đối tượng"), required=False, choices=[("", _("Tất cả")), *ApplicantType.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector_field, agency_field = self.fields["sector"], self.fields["agency"]
        assert isinstance(sector_field, forms.ChoiceField)  # noqa: S101
        assert isinstance(agency_field, forms.ChoiceField)  # noqa: S101
        sector_field.choices = [("", _("Tất cả")), *((s.code, s.name) for s in sector_list())]
        agency_field.choices = [
            ("", _("Tất cả")),
            (COMMUNE_AGENCY, _("Ủy ban nhân dân cấp xã")),
            *((u.code, u.name) for u in agencies_with_procedures()),
        ]

    def filters(self) -> SearchFilters:
        """The valid filters; a wrong value in one field is dropped, not an error page."""
        self.is_valid()

        def value(name: str) -> str:
            return "" if name in self.errors else str(self.cleaned_data.get(name) or "")

        return SearchFilters(
            q=value("q"),
            sector=value("sector"),
            level=value("level"),
            agency=value("agency"),
            online_level=value("online_level"),
            applicant_type=value("applicant_type"),
        )


def _query(filters: SearchFilters, **changes: Any) -> str:
    params = {
        "q": filters.q,
        "sector": filters.sector,
        "level": filters.level,
        "agency": filters.agency,
        "online_level": filters.online_level,
        "applicant_type": filters.applicant_type,
    }
    params.update(changes)
    return urlencode({key: value for key, value in params.items() if value})


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    filters = form.filters() if request.GET else SearchFilters()
    requested = form.cleaned_data.get("page") if request.GET and "page" not in form.errors else None
    page = procedure_search(filters=filters, page=requested or 1, page_size=PAGE_SIZE)
    sectors = [
        {"code": s.code, "name": s.name, "count": s.count, "query": _query(filters, sector=s.code, page=None)}
        for s in procedure_sector_counts(filters=filters)
    ]
    pages = {
        "previous": _query(filters, page=page.page - 1) if page.has_previous else None,
        "next": _query(filters, page=page.page + 1) if page.has_next else None,
        "numbers": [
            (n, _query(filters, page=n))
            for n in range(max(1, page.page - 3), min(page.num_pages, page.page + 3) + 1)
        ],
    }
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "sectors": sectors,
        "all_sectors_query": _query(filters, sector=None, page=None),
        "pages": pages,
        "filtered": any(
            [
                filters.q,
                filters.sector,
                filters.level,
                filters.agency,
                filters.online_level,
                filters.applicant_type,
            ]
        ),
    }
    return render(request, "portal/catalogue/list.html", context)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_get_published(code=code)
    if version is None:
        raise Http404
    spec = version_spec(version)
    points = list(procedure_receiving_points(spec=spec))
    step_units = procedure_step_units(spec=spec)
    steps = [
        {"spec": step, "unit": step_units.get(step.unit) if step.unit_kind == StepUnitKind.UNIT else None}
        for step in spec.process.steps
    ]
    context = {
        "version": version,
        "spec": spec,
        "points": points,
        "points_listed": bool(spec.receiving_points),
        "steps": steps,
        "free": all(fee.amount == 0 for fee in spec.fees),
        "online": spec.online_level != OnlineLevel.NONE,
    }
    return render(request, "portal/catalogue/detail.html", context)
