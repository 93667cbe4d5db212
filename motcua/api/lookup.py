"""The public status of a dossier by its code and a second factor, like ``/tra-cuu-ho-so/`` on the portal.

No login. The second factor is the last 4 digits of the applicant's phone (or, without a phone, of their
personal ID or tax code). An unknown code and a wrong second factor get the same 404, and no personal data
is ever answered. Attempts are limited per client address and per code with the portal's counters (the two
faces share one budget): ``MOTCUA_STATUS_LOOKUP_LIMIT`` in ``MOTCUA_STATUS_LOOKUP_WINDOW`` seconds, by
default 10 in 10 minutes; past it, 429 ``rate_limited`` with ``Retry-After``.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.dossiers.portal_selectors import dossier_public_status, normalize_public_code
from motcua.dossiers.status import DossierStatus

from .conventions import ApiIn, ErrorOut, client_ip, error

router = Router()

LIMIT = 10
WINDOW_SECONDS = 600


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


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "MOTCUA_STATUS_LOOKUP_LIMIT", LIMIT)),
        int(getattr(settings, "MOTCUA_STATUS_LOOKUP_WINDOW", WINDOW_SECONDS)),
    )


def _hit(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, timeout=window)
        return 1


def _too_many(request: HttpRequest, code: str) -> bool:
    """One attempt counted on the portal's keys (per address, per code)."""
    limit, window = _limits()
    by_ip = _hit(f"motcua:status-lookup:ip:{client_ip(request)}", window)
    digest = hashlib.sha256(code.encode()).hexdigest()[:32]
    by_code = _hit(f"motcua:status-lookup:code:{digest}", window) if code else 0
    return by_ip > limit or by_code > limit


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
    if _too_many(request, code):
        _limit, window = _limits()
        response["Retry-After"] = str(window)
        return error(
            429,
            "rate_limited",
            _("Bạn đã tra cứu quá nhiều lần. Vì an toàn, vui lòng thử lại sau %(minutes)s phút.")
            % {"minutes": max(1, window // 60)},
        )
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
