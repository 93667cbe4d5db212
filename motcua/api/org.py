"""Public read-only list of org units (who receives and resolves dossiers)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_get_by_code, orgunit_list

from .schemas import ErrorOut, PageNumberPagination

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
    q: str = Field("", max_length=200, description="Tìm không dấu theo tên, tên viết tắt hoặc mã")
    kind: OrgUnitKind | None = Field(None, description="Loại đơn vị")
    on: dt.date | None = Field(None, description="Chỉ các đơn vị còn hiệu lực vào ngày này")


@router.get("", response=list[OrgUnitOut], summary="List org units")
@paginate(PageNumberPagination, page_size=50)
def orgunit_list_api(request: HttpRequest, filters: Query[OrgUnitFilter]) -> list[OrgUnit]:
    kind = filters.kind.value if filters.kind else None
    return orgunit_list(on=filters.on, kind=kind, q=filters.q)  # type: ignore[return-value]


@router.get(
    "/{code}",
    response={200: OrgUnitOut, 404: ErrorOut, 422: ErrorOut},
    summary="Get one org unit by its code (either form)",
)
def orgunit_get_api(request: HttpRequest, code: str) -> Status[object]:
    """``code`` in the Decision 20/2020 form (``H56.19``) or the older QCVN 102 form (``000.00.19.H56``),
    any letter case. An invalid code gives 422 with the validator's stable error code."""
    try:
        unit = orgunit_get_by_code(code)
    except ValidationError as exc:
        return Status(422, {"code": exc.code or "org_code_invalid", "message": exc.messages[0]})
    if unit is None:
        return Status(404, {"code": "org_unit_not_found", "message": _("Không tìm thấy đơn vị có mã này.")})
    return Status(200, unit)
