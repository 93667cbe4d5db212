"""Following the synchronisation with the national portal (Cổng DVCQG) over HTTP, like the back office's
monitoring page: the updates waiting to be sent and the lag, those being retried and those given up with
their last error, per unit the share of dossiers whose statuses and result reached the portal (Decision
766 item 1.4), and the messages received from the portal — plus sending a failed update again or skipping
it.

Mounted at ``/api/v1/integrations/dvcqg``; every operation needs ``integrations:read`` and the page's
rights (``motcua.integrations.dvcqg.access``): staff who lead a unit or see every unit, each within their
units (others: 403 ``dvcqg_not_allowed``; non-staff 403 ``staff_only``). The messages received are listed
to those who see every unit only. Retrying and skipping are for the province administrator (403
``dvcqg_not_allowed``); an update of a dossier outside the caller's units is 404 ``update_not_found``, one
that is not failed (any more) 409 ``update_not_failed``. Through an API key, the units are the key's (and
the roles its owner holds there). Each action is one audited service call (``motcua.integrations.dvcqg.
outbox``).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from motcua.integrations.dvcqg import conf
from motcua.integrations.dvcqg.access import MonitorScope, monitor_scope
from motcua.integrations.dvcqg.codes import status_label
from motcua.integrations.dvcqg.models import PortalMessage, PortalUpdate
from motcua.integrations.dvcqg.outbox import update_retry, update_skip
from motcua.integrations.dvcqg.selectors import (
    failures,
    message_counts,
    portal_update_get,
    queue_figures,
    recent_messages,
    unit_shares,
)
from motcua.reporting.dashboard import period_from_param
from motcua.reporting.periods import InvalidPeriod

from .auth import api_auth
from .conventions import ErrorOut
from .errors import CodedHttpError
from .reporting_scope import PERIOD_HELP, period_refused, staff_member
from .schemas import Id

router = Router(auth=api_auth("integrations:read"))


# -- output --------------------------------------------------------------------------------------------


class SyncStatusOut(Schema):
    connected: bool = Field(description="Tỉnh đã kết nối Cổng (backend khác off)")
    backend: str = Field(description="off, fake hoặc http")
    pending: int = Field(description="Cập nhật đang chờ gửi")
    retrying: int = Field(description="Đang chờ gửi lại sau lỗi")
    failed: int = Field(description="Lỗi, đã ngừng gửi (cần xử lý)")
    blocked: int = Field(description="Chờ sau một cập nhật lỗi của cùng hồ sơ")
    delivered_today: int
    oldest_pending_at: dt.datetime | None
    last_delivered_at: dt.datetime | None
    lag_minutes: int | None = Field(description="Cập nhật cũ nhất còn chờ đã chờ bao lâu (phút)")
    lag_warning_minutes: int
    lag_late: bool = Field(description="Độ trễ vượt ngưỡng cảnh báo")
    sees_all: bool = Field(description="Số liệu của toàn tỉnh (false: các đơn vị của người gọi)")
    can_act: bool = Field(description="Người gọi được gửi lại hoặc bỏ qua cập nhật lỗi")
    messages_today: dict[str, int] = Field(
        description="Thông điệp nhận từ Cổng hôm nay theo kết quả (chỉ khi xem toàn tỉnh)"
    )


class PortalUpdateOut(Schema):
    id: int
    dossier_code: str | None
    unit_code: str | None = Field(description="Đơn vị giải quyết hồ sơ")
    unit_name: str | None
    kind: str
    portal_status: int
    portal_status_label: str
    state: str = Field(description="pending, delivered, failed hoặc skipped")
    state_label: str
    attempts: int
    last_error_code: str
    last_error: str
    occurred_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


class SharePeriodOut(Schema):
    key: str
    label: str
    start: dt.date
    end: dt.date


class UnitShareOut(Schema):
    unit_code: str
    unit_name: str
    synced: int = Field(description="Hồ sơ đã đồng bộ đủ trạng thái và kết quả")
    received: int = Field(description="Hồ sơ tiếp nhận trong kỳ")
    percent: float | None


class SharesOut(Schema):
    period: SharePeriodOut
    synced: int
    received: int
    percent: float | None
    units: list[UnitShareOut]


class PortalMessageOut(Schema):
    id: int
    message_id: str
    national_code: str
    dossier_code: str | None
    outcome: str = Field(description="accepted, duplicate, rejected hoặc refused")
    outcome_label: str
    reason_code: str
    reason: str
    received_at: dt.datetime
    last_seen_at: dt.datetime
    seen_count: int


class SharesQuery(Schema):
    period: str = Field("", max_length=30, description=PERIOD_HELP)


# -- helpers -------------------------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> MonitorScope:
    scope = monitor_scope(staff_member(request))
    if scope is None:
        raise CodedHttpError(
            403, "dvcqg_not_allowed", _("Chức năng này dành cho lãnh đạo và quản trị đơn vị.")
        )
    return scope


def _update(u: PortalUpdate) -> dict[str, Any]:
    unit = u.dossier.resolving_unit
    return {
        "id": u.pk,
        "dossier_code": u.dossier.code,
        "unit_code": unit.code if unit is not None else None,
        "unit_name": unit.name if unit is not None else None,
        "kind": u.kind,
        "portal_status": u.portal_status,
        "portal_status_label": status_label(u.portal_status),
        "state": u.state,
        "state_label": str(u.get_state_display()),
        "attempts": u.attempts,
        "last_error_code": u.last_error_code,
        "last_error": u.last_error,
        "occurred_at": u.occurred_at,
        "last_attempt_at": u.last_attempt_at,
        "next_attempt_at": u.next_attempt_at,
    }


def _message(m: PortalMessage) -> dict[str, Any]:
    return {
        "id": m.pk,
        "message_id": m.message_id,
        "national_code": m.national_code,
        "dossier_code": m.dossier.code if m.dossier is not None else None,
        "outcome": m.outcome,
        "outcome_label": str(m.get_outcome_display()),
        "reason_code": m.reason_code,
        "reason": m.reason,
        "received_at": m.received_at,
        "last_seen_at": m.last_seen_at,
        "seen_count": m.seen_count,
    }


def _act(request: HttpRequest, update_id: int, action: Any) -> Status[object]:
    """Find the failed update among the caller's (404), check the right to act (403), run ``action``."""
    scope = _viewer(request)
    if not scope.can_act:
        raise CodedHttpError(
            403,
            "dvcqg_not_allowed",
            _("Chỉ quản trị cấp tỉnh được gửi lại hoặc bỏ qua một cập nhật."),
        )
    update = portal_update_get(update_id=update_id, unit_ids=scope.unit_ids)
    if update is None:
        raise CodedHttpError(404, "update_not_found", _("Không tìm thấy cập nhật đồng bộ."))
    if not action(actor=staff_member(request), update_id=update.pk):
        raise CodedHttpError(
            409, "update_not_failed", _("Không thực hiện được: cập nhật không còn ở trạng thái lỗi.")
        )
    fresh = portal_update_get(update_id=update.pk, unit_ids=scope.unit_ids) or update
    return Status(200, _update(fresh))


ACTION_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# -- operations ----------------------------------------------------------------------------------------


@router.get(
    "/status",
    response={200: SyncStatusOut, 403: ErrorOut},
    summary="Leaders: the synchronisation queue and its lag",
)
def dvcqg_status_api(request: HttpRequest) -> Status[object]:
    scope = _viewer(request)
    now = timezone.now()
    figures = queue_figures(unit_ids=scope.unit_ids, now=now)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Status(
        200,
        {
            "connected": conf.enabled(),
            "backend": conf.backend(),
            "pending": figures.pending,
            "retrying": figures.retrying,
            "failed": figures.failed,
            "blocked": figures.blocked,
            "delivered_today": figures.delivered_today,
            "oldest_pending_at": figures.oldest_pending_at,
            "last_delivered_at": figures.last_delivered_at,
            "lag_minutes": figures.lag_minutes,
            "lag_warning_minutes": int(conf.setting("lag_warning_minutes")),
            "lag_late": figures.lag_late,
            "sees_all": scope.sees_all,
            "can_act": scope.can_act,
            "messages_today": message_counts(since=midnight) if scope.sees_all else {},
        },
    )


@router.get(
    "/failures",
    response={200: list[PortalUpdateOut], 403: ErrorOut},
    summary="Leaders: updates given up, then those being retried after an error (at most 50)",
)
def dvcqg_failures_api(request: HttpRequest) -> Status[object]:
    scope = _viewer(request)
    return Status(200, [_update(u) for u in failures(unit_ids=scope.unit_ids)])


@router.get(
    "/shares",
    response={200: SharesOut, 403: ErrorOut, 422: ErrorOut},
    summary="Leaders: per unit, the share of dossiers fully synchronised (766 item 1.4)",
)
def dvcqg_shares_api(request: HttpRequest, params: Query[SharesQuery]) -> Status[object]:
    """Of the dossiers received in the period, those with every status and the result on the portal."""
    scope = _viewer(request)
    try:
        key, period = period_from_param(params.period)
    except InvalidPeriod as exc:
        raise period_refused(exc) from exc
    shares = unit_shares(period, unit_ids=scope.unit_ids)
    synced, received = sum(s.synced for s in shares), sum(s.received for s in shares)
    return Status(
        200,
        {
            "period": {"key": key, "label": period.label, "start": period.start, "end": period.end},
            "synced": synced,
            "received": received,
            "percent": round(100 * synced / received, 1) if received else None,
            "units": [
                {
                    "unit_code": s.unit.code,
                    "unit_name": s.unit.name,
                    "synced": s.synced,
                    "received": s.received,
                    "percent": s.percent,
                }
                for s in shares
            ],
        },
    )


@router.get(
    "/messages",
    response={200: list[PortalMessageOut], 403: ErrorOut},
    summary="Province level: the latest messages received from the portal (at most 20)",
)
def dvcqg_messages_api(request: HttpRequest) -> Status[object]:
    """Empty for a caller who sees only some units (a message may concern any unit)."""
    scope = _viewer(request)
    return Status(200, [_message(m) for m in recent_messages()] if scope.sees_all else [])


@router.post(
    "/updates/{update_id}/retry",
    response={200: PortalUpdateOut, **ACTION_ERRORS},
    summary="Province administrator: send a failed update again",
)
def dvcqg_update_retry_api(request: HttpRequest, update_id: Id) -> Status[object]:
    """Due now, its attempts counted afresh; the dossier's later updates follow it."""
    return _act(request, update_id, update_retry)


@router.post(
    "/updates/{update_id}/skip",
    response={200: PortalUpdateOut, **ACTION_ERRORS},
    summary="Province administrator: give up a failed update for good",
)
def dvcqg_update_skip_api(request: HttpRequest, update_id: Id) -> Status[object]:
    """The dossier's later updates can go; the portal never has this one (the dossier then does not count
    as synchronised for item 1.4)."""
    return _act(request, update_id, update_skip)
