"""The tracking ledger of a one-stop point (form 07, "Sổ theo dõi hồ sơ") over HTTP, like the back office's
``/can-bo/so-theo-doi/``.

- ``GET /ledger``: the dossiers received at one of the caller's one-stop points in a period, oldest first,
  one row each as the form prints it (applicant, request, appointment, transfer, result, return), paged;
- ``GET /ledger/pdf``: the same ledger as the PDF of form 07 (what the page downloads).

Filters (both): ``point`` (the code of one of the caller's points; default the first, as on the page),
``start`` and ``end`` (``YYYY-MM-DD``, inclusive; default this month up to today). Staff only, at their own
one-stop points (``counter_points_for``), and only the dossiers they may see (a key: of its units);
``dossiers:read``. 403 ``no_counter_point`` for staff of no one-stop point, 404 ``receiving_point_not_found``
for a point that is not the caller's, 422 ``period_invalid`` when ``end`` is before ``start``, 503
``pdf_unavailable`` when this server cannot make PDFs.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from motcua.accounts.models import User
from motcua.documents.forms import LedgerRow, render_form_pdf
from motcua.documents.pdf import PdfUnavailable, pdf_bytes_response
from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.paperwork import ledger_dossiers, ledger_rows, tracking_ledger
from motcua.dossiers.selectors import counter_points_for
from motcua.org.models import OrgUnit

from .auth import api_auth, key_dossiers, key_unit_ids
from .conventions import PDF_RESPONSE, ErrorOut, PageHook, error, staff_only, user_of
from .errors import CodedHttpError
from .schemas import PageNumberPagination

router = Router(auth=api_auth("dossiers:read"))


class LedgerFilter(Schema):
    point: str = Field(
        "", max_length=35, description="Mã điểm tiếp nhận một cửa của người gọi (mặc định: điểm đầu)"
    )
    start: dt.date | None = Field(None, description="Từ ngày (mặc định: ngày đầu tháng này)")
    end: dt.date | None = Field(None, description="Đến ngày, tính cả ngày này (mặc định: hôm nay)")


class LedgerRowOut(Schema):
    receiving_point_code: str
    dossier_code: str
    request: str = Field(description="Tên thủ tục (nội dung yêu cầu giải quyết)")
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    sets: int = Field(description="Số lượng hồ sơ (bộ)")
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(description="Hẹn trả kết quả")
    resolving_unit: str = Field(description="Cơ quan giải quyết")
    transferred_at: dt.datetime | None = Field(description="Chuyển hồ sơ đến cơ quan giải quyết")
    result_received_at: dt.datetime | None = Field(description="Nhận kết quả từ cơ quan giải quyết")
    returned_at: dt.datetime | None = Field(description="Trả kết quả cho người nộp")
    note: str


def _ledger(request: HttpRequest, filters: LedgerFilter) -> tuple[User, OrgUnit, dt.date, dt.date]:
    user = user_of(request)
    if staff_only(user) is not None:
        raise CodedHttpError(403, "staff_only", _("Chức năng này chỉ dành cho cán bộ, công chức."))
    units = key_unit_ids(request)  # a key limited to units: their points only
    points = [p for p in counter_points_for(user=user) if units is None or p.pk in units]
    if not points:
        raise CodedHttpError(403, "no_counter_point", _("Bạn không thuộc điểm tiếp nhận một cửa nào."))
    wanted = filters.point.strip().upper()
    point = next((p for p in points if p.code == wanted), None) if wanted else points[0]
    if point is None:
        raise CodedHttpError(
            404,
            "receiving_point_not_found",
            _("Không tìm thấy điểm tiếp nhận %(code)s trong các điểm một cửa của bạn.") % {"code": wanted},
        )
    today = timezone.localdate()
    start = filters.start or today.replace(day=1)
    end = filters.end or today
    if end < start:
        raise CodedHttpError(422, "period_invalid", _("Ngày kết thúc phải sau ngày bắt đầu."))
    return user, point, start, end


def _rows(point: OrgUnit) -> Any:
    def decorate(dossiers: list[Any]) -> list[dict[str, Any]]:
        rows: list[LedgerRow] = ledger_rows(dossiers)
        return [{"receiving_point_code": point.code, **vars(row)} for row in rows]

    return decorate


@router.get(
    "",
    response={200: list[LedgerRowOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The tracking ledger (form 07) of one of my one-stop points",
)
@paginate(PageNumberPagination, page_size=50)
def ledger_api(request: HttpRequest, filters: Query[LedgerFilter]) -> Any:
    """The dossiers received at the point in the period, oldest first."""
    user, point, start, end = _ledger(request, filters)
    dossiers = key_dossiers(request, dossier_visible_queryset(user))
    return PageHook(ledger_dossiers(point=point, dossiers=dossiers, start=start, end=end), _rows(point))


@router.get(
    "/pdf",
    response={403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="The tracking ledger (form 07) as PDF",
    openapi_extra=PDF_RESPONSE,
)
def ledger_pdf_api(request: HttpRequest, filters: Query[LedgerFilter]) -> Any:
    user, point, start, end = _ledger(request, filters)
    dossiers = key_dossiers(request, dossier_visible_queryset(user))
    form = tracking_ledger(point=point, dossiers=dossiers, start=start, end=end)
    try:
        pdf = render_form_pdf(form)
    except PdfUnavailable as exc:
        return error(503, "pdf_unavailable", exc.message)
    return pdf_bytes_response(pdf, filename=form.filename(), inline=False)
