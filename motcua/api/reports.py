"""The periodic report Biểu 06/VPCP/KSTT (and its variants 06a, 07a) over HTTP (staff), like the back office's
``/can-bo/bao-cao/bieu-06/``: the table as JSON, and the file the page downloads (Excel, PDF, JSON).

Mounted at ``/api/v1/reporting/b06`` (``reporting:read``). The report is ``motcua.reporting.b06.b06_report``
and the files ``motcua.reporting.exports``, as on the page. Who reads which unit's report is the page's rule
(``b06_units_for``: the province administrator, the auditor and superusers every unit; other staff the
units of their memberships and below), narrowed to the units of an API key limited to units.

Parameters (both operations): ``form`` (b06, b06a, b07a), ``period`` (default: the current quarter),
``cutoff`` (the Decree 09/2019 cut-off of the 15th), ``unit`` (default: the highest unit the caller reads);
the download adds ``format`` (xlsx, pdf, json).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from motcua.documents.pdf import PdfUnavailable, pdf_bytes_response
from motcua.reporting.b06 import FORMS, B06Report, OrgIndex, b06_report, b06_units_for, current_quarter
from motcua.reporting.exports import XLSX_CONTENT_TYPE, filename, report_json, write_pdf, write_xlsx
from motcua.reporting.periods import InvalidPeriod, parse_period

from .auth import api_auth, key_unit_ids
from .conventions import ErrorOut, error, file_response
from .reporting_scope import no_unit, period_refused, staff_member, unit_not_allowed, unit_not_found

router = Router(auth=api_auth("reporting:read"))


class B06Form(StrEnum):
    B06 = "b06"
    B06A = "b06a"
    B07A = "b07a"


class B06Format(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"
    JSON = "json"


if tuple(B06Form) != FORMS:  # pragma: no cover - a new variant must be named here too
    raise ImportError("motcua.api.reports.B06Form differs from motcua.reporting.b06.FORMS")


class B06Query(Schema):
    form: B06Form = Field(
        B06Form.B06,
        description="b06 (theo đơn vị trực thuộc), b06a (theo đơn vị trực tiếp giải quyết), "
        "b07a (theo lĩnh vực và cấp giải quyết)",
    )
    period: str = Field(
        "",
        max_length=40,
        description="Kỳ báo cáo: quý `2026-Q1` (mặc định: quý hiện tại), tháng `2026-03`, năm `2026` "
        "hoặc khoảng ngày `2026-01-05..2026-02-10`",
    )
    cutoff: bool = Field(False, description="Kỳ chốt số liệu theo Nghị định 09/2019 (từ ngày 15 đến ngày 14)")
    unit: str = Field(
        "", max_length=35, description="Mã đơn vị báo cáo (mặc định: đơn vị cao nhất bạn được xem)"
    )


class B06DownloadQuery(B06Query):
    format: B06Format = Field(B06Format.XLSX, description="xlsx (như biểu in), pdf hoặc json")


class B06UnitOut(Schema):
    code: str
    name: str


class B06PeriodOut(Schema):
    label: str
    start: dt.date
    end: dt.date
    cutoff: bool


class B06ColumnOut(Schema):
    number: int = Field(description="Số cột trên biểu: (1)…(13)")
    key: str = Field(description="stt, label hoặc tên số liệu (received_total…)")
    group: str
    label: str


class B06RowOut(Schema):
    kind: str = Field(description="item (một dòng), group (cộng theo cấp) hoặc total")
    stt: str
    label: str
    code: str = Field(description="Mã đơn vị hoặc lĩnh vực của dòng")
    values: dict[str, int] = Field(description="Cột (3)…(13) theo tên số liệu")


class B06ReportOut(Schema):
    form: str
    form_label: str
    form_name: str
    title: str
    legal_basis: str
    unit: B06UnitOut
    reporting_unit: str
    receiving_unit: str
    period: B06PeriodOut
    generated_on: dt.date
    columns: list[B06ColumnOut]
    rows: list[B06RowOut]
    total: B06RowOut


#: The files of the download: Excel and PDF as binary, the JSON file as the report's own shape.
DOWNLOAD_RESPONSES = file_response(XLSX_CONTENT_TYPE, "application/pdf")
DOWNLOAD_RESPONSES["responses"]["200"]["description"] += ", application/json"
DOWNLOAD_RESPONSES["responses"]["200"]["content"]["application/json"] = {
    "schema": {"$ref": "#/components/schemas/B06ReportOut"}
}


def _report(request: HttpRequest, params: B06Query) -> B06Report:
    """The report asked for, within the units the caller may read (403 / 404 / 422 otherwise)."""
    user = staff_member(request)
    index = OrgIndex()
    units = b06_units_for(user, index)
    limited = key_unit_ids(request)
    if limited is not None:
        units = [u for u in units if u.pk in limited]
    code = params.unit.strip()
    if code:
        if index.by_code(code) is None:
            raise unit_not_found(code)
        unit = next((u for u in units if u.code == code), None)
        if unit is None:
            raise unit_not_allowed(code)
    elif units:
        unit = units[0]
    else:
        raise no_unit()
    try:
        period = parse_period(params.period.strip() or current_quarter(), cutoff=params.cutoff)
    except InvalidPeriod as exc:
        raise period_refused(exc) from exc
    return b06_report(params.form.value, period, unit=unit, cutoff=params.cutoff, index=index)


@router.get(
    "",
    response={200: B06ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Staff: the periodic report Biểu 06 (06a, 07a) of a unit",
)
def b06_report_api(request: HttpRequest, params: Query[B06Query]) -> Any:
    """The rows and totals of the page's table (columns 3–13 by figure name): the same content as the
    JSON download."""
    return _report(request, params).as_dict()


@router.get(
    "/download",
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Staff: download the Biểu 06 (06a, 07a) file (Excel, PDF or JSON)",
    openapi_extra=DOWNLOAD_RESPONSES,
)
def b06_download_api(request: HttpRequest, params: Query[B06DownloadQuery]) -> Any:
    """The page's download, as an attachment named ``bieu-06-<unit>-<start>-<end>.<format>``. 503
    ``pdf_unavailable`` when this server cannot make PDFs."""
    report = _report(request, params)
    fmt = params.format.value
    if fmt == "pdf":
        try:
            pdf = write_pdf(report)
        except PdfUnavailable as exc:
            return error(503, "pdf_unavailable", exc.message)
        return pdf_bytes_response(pdf, filename=filename(report, "pdf"), inline=False)
    if fmt == "json":
        response = HttpResponse(report_json(report), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(write_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename(report, fmt)) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
