"""Public read-only list of org units (who receives and resolves dossiers)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_list

router = Router()


class OrgUnitOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None = Field(None, alias="parent.code")
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_code: str | None = Field(None, alias="successor.code")
    has_one_stop: bool


class OrgUnitFilter(Schema):
    q: str = Field("", description="Tìm không dấu theo tên hoặc mã")
    kind: str | None = Field(
        None, description="province, agency, vertical_agency, division, one_stop_centre, commune, district"
    )
    on: dt.date | None = Field(None, description="Chỉ các đơn vị còn hiệu lực vào ngày này")


class ErrorOut(Schema):
    code: str
    message: str


@router.get("", response=list[OrgUnitOut], summary="List org units")
@paginate(PageNumberPagination, page_size=50)
def orgunit_list_api(request: HttpRequest, filters: Query[OrgUnitFilter]) -> list[OrgUnit]:
    return orgunit_list(on=filters.on, kind=filters.kind, q=filters.q)  # type: ignore[return-value]


@router.get("/{code}", response={200: OrgUnitOut, 404: ErrorOut}, summary="Get one org unit by its code")
def orgunit_get_api(request: HttpRequest, code: str) -> tuple[int, object]:
    unit = orgunit_list().filter(code=code.upper()).first()
    if unit is None:
        return 404, {"code": "org_unit_not_found", "message": _("Không tìm thấy đơn vị có mã này.")}
    return 200, unit
