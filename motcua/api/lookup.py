"""The public status of a dossier by its code and a second factor, like ``/tra-cuu-ho-so/`` on the portal.

No login. The second factor is the last 4 digits of the applicant's phone (or, without a phone, of their
personal ID or tax code). An unknown code and a wrong second factor get the same 404, and no personal data
is ever answered. Attempts are limited per client address and per code by
``motcua.dossiers.portal_selectors.public_status_attempt``, the portal's page's counters (the two faces
share one budget): ``MOTCUA_STATUS_LOOKUP_LIMIT`` in ``MOTCUA_STATUS_LOOKUP_WINDOW`` seconds, by default 10
in 10 minutes; past it, 429 ``rate_limited`` with ``Retry-After``.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.dossiers.errors import StatusLookupLimited
from motcua.dossiers.portal_selectors import (
    dossier_public_status,
    normalize_public_code,
    public_status_attempt,
)
from motcua.dossiers.status import DossierStatus

from .conventions import ApiIn, ErrorOut, client_ip, error, rule_error

router = Router()


class StatusLookupIn(ApiIn):
    code: str = Field(max_length=60, description="Mã hồ sơ in trên giấy hẹn, ví dụ H56.40-260302-0001")
    secret: str = Field(
        pattern=r"^\s*\d{4}\s*$",
        description="4 số cuối điện thoại của người nộp (không có điện thoại: của số định danh / mã số thuế)",
    )


class PublicStatusOut(Schema):
    """What the code and the second factor show: no name, no ID, no address."""

    code: str
    status: DossierStatus
    status_label: str
    procedure_code: str
    procedure_name: str
    receiving_point_name: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="Hẹn trả kết quả")
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None


@router.post(
    "",
    response={200: PublicStatusOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Public status of a dossier by its code and 4 digits of the applicant's phone",
)
def status_lookup_api(
    request: HttpRequest, response: HttpResponse, payload: StatusLookupIn
) -> Status[object]:
    """A POST so that the digits stay out of URLs and logs."""
    code = normalize_public_code(payload.code)
    try:
        public_status_attempt(client=client_ip(request), code=code)
    except StatusLookupLimited as exc:
        response["Retry-After"] = str(exc.retry_after)
        return rule_error(exc)
    found = dossier_public_status(code=code, secret=payload.secret)
    if found is None:
        return error(404, "dossier_not_found", _("Không tìm thấy hồ sơ với mã và 4 chữ số đã nhập."))
    return Status(
        200,
        {
            "code": found.code,
            "status": found.status,
            "status_label": found.status_label,
            "procedure_code": found.procedure_code,
            "procedure_name": found.procedure_name,
            "receiving_point_name": found.receiving_point_name,
            "submitted_at": found.submitted_at,
            "received_at": found.received_at,
            "due_at": found.due_at,
            "finished_at": found.finished_at,
            "returned_at": found.returned_at,
        },
    )
