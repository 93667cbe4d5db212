"""Administering the working calendar over HTTP, like the back office's ``/can-bo/lich/`` screen: a year's
rows (with where they come from), a day off, a swap (a day off and its make-up working day), removing an
administrator's row, the working hours (province-wide or a unit's, all year or by season), and — explicitly
— recomputing the stored deadlines a change moved, with a preview of what a day off or a swap would move.

Mounted at ``/api/v1/calendar/admin``; every operation needs ``calendar:write`` and the province
administrator (``motcua.calendar.access``; others: 403 ``calendar_not_allowed``, non-staff 403
``staff_only``). The calendar is the province's: an API key limited to units may read the rows and the
working hours and set or remove its units' own working hours; everything else changes or shows the whole
province and answers 403 ``api_key_scope``.

Every change goes through ``motcua.calendar.services`` — one transaction and one audit row, the rule
checked before anything is written (422 with the calendar's stable codes: ``day_already_off``,
``swap_same_day``, ``swap_day_off_not_working``, ``swap_make_up_not_off``, ``notice_required``,
``hours_range_overlap``, ``invalid_sessions``…). Changing the calendar does not move the deadlines
already given: ``GET /deadline-impact`` lists them, ``POST /deadline-impact/recompute`` stores the new
ones.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.calendar.access import calendar_can_administer
from motcua.calendar.engine import Session
from motcua.calendar.errors import CalendarError
from motcua.calendar.models import CalendarDay, DaySource, WorkingHours
from motcua.calendar.selectors import (
    calendar_audit_list,
    calendar_day_list,
    working_hours_get,
    working_hours_list,
)
from motcua.calendar.services import (
    DeadlineChange,
    calendar_day_remove,
    calendar_holiday_add,
    calendar_swap_add,
    deadline_impact,
    deadline_impact_preview,
    deadlines_recompute,
    holiday_check,
    swap_check,
    working_hours_remove,
    working_hours_set,
)
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_get_by_code

from .auth import api_auth, key_unit_ids
from .conventions import ApiIn, ErrorOut, coded_error, error
from .errors import CodedHttpError
from .reporting_scope import staff_member
from .schemas import Id, LocalTime

router = Router(auth=api_auth("calendar:write"))

MIN_YEAR, MAX_YEAR = 1995, 2100
#: The calendar's codes that name something missing rather than a broken rule.
NOT_FOUND_CODES = frozenset({"day_not_found"})


# -- input ---------------------------------------------------------------------------------------------


class HolidayIn(ApiIn):
    day: dt.date = Field(description="Ngày làm việc trở thành ngày nghỉ")
    name: str = Field(max_length=200, description="Tên ngày nghỉ")
    legal_reference: str = Field(max_length=300, description="Số hiệu, ngày của văn bản quyết định ngày nghỉ")


class SwapIn(ApiIn):
    day_off: dt.date = Field(description="Ngày được nghỉ (một ngày làm việc từ thứ Hai đến thứ Sáu)")
    make_up_day: dt.date = Field(description="Ngày làm việc bù (thứ Bảy, Chủ nhật không trùng ngày lễ)")
    notice: str = Field(
        max_length=300, description="Văn bản cho phép hoán đổi, ví dụ Công văn 12729/VPCP-KGVX"
    )
    name: str = Field("", max_length=200, description="Tên ngày nghỉ (không bắt buộc)")


class HoursSessionIn(ApiIn):
    start: LocalTime
    end: LocalTime


class WorkingHoursIn(ApiIn):
    """One schedule, found by (unit, valid_from, valid_to): set creates it or replaces its sessions."""

    org_unit: str | None = Field(None, max_length=40, description="Mã đơn vị; null: toàn tỉnh")
    valid_from: dt.date | None = Field(None, description="Áp dụng từ ngày (giờ làm việc theo mùa)")
    valid_to: dt.date | None = Field(None, description="Áp dụng đến ngày (giờ làm việc theo mùa)")
    name: str = Field("", max_length=200)
    legal_reference: str = Field("", max_length=300)
    sessions: list[HoursSessionIn] = Field(
        min_length=1, max_length=3, description="Các ca làm việc trong ngày"
    )


class DeadlineKeyIn(ApiIn):
    provider: str = Field(max_length=100, description="Nguồn của hạn (như trong deadline-impact)")
    key: str = Field(max_length=200, description="Mã của hạn trong nguồn đó")


class RecomputeIn(ApiIn):
    items: list[DeadlineKeyIn] = Field(min_length=1, max_length=10_000, description="Các hạn cần tính lại")
    reason: str = Field("", max_length=1000, description="Lý do (ghi vào nhật ký)")


# -- output --------------------------------------------------------------------------------------------


class CalendarAdminDayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday (ngày nghỉ) hoặc working_day (ngày làm việc bù)")
    kind_label: str
    name: str
    legal_reference: str
    swap_with: dt.date | None = Field(description="Ngày còn lại của cặp hoán đổi")
    source: str = Field(description="library (lịch nghỉ lễ theo luật) hoặc admin (do quản trị nhập)")
    removable: bool = Field(description="Xóa được qua API (chỉ ngày do quản trị nhập)")
    created_by: str | None


class RemovedDaysOut(Schema):
    removed: list[dt.date] = Field(description="Các ngày đã xóa (cả hai ngày của một cặp hoán đổi)")


class HoursSessionOut(Schema):
    start: LocalTime
    end: LocalTime


class WorkingHoursOut(Schema):
    id: int
    org_unit: str | None = Field(description="Mã đơn vị; null: toàn tỉnh")
    org_unit_name: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    name: str
    legal_reference: str
    sessions: list[HoursSessionOut]


class DeadlineChangeOut(Schema):
    provider: str
    key: str
    label: str = Field(description="Hồ sơ, bước xử lý")
    old_due: dt.datetime = Field(description="Hạn đã hẹn (đang lưu)")
    new_due: dt.datetime | None = Field(description="Hạn theo lịch (mới); null khi không tính được")
    error: str = Field(description="Vì sao không tính được (khi new_due null)")


class RecomputedOut(Schema):
    recomputed: list[DeadlineChangeOut]


class CalendarAuditOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor: str
    action: str = Field(description="Ví dụ calendar.holiday_added, calendar.hours_set")
    object_id: str
    data: dict[str, Any]


# -- helpers -------------------------------------------------------------------------------------------


def _administrator(request: HttpRequest) -> User:
    user = staff_member(request)
    if not calendar_can_administer(user=user):
        raise CodedHttpError(
            403, "calendar_not_allowed", _("Chỉ quản trị cấp tỉnh được quản trị lịch làm việc.")
        )
    return user


def _province_wide(request: HttpRequest) -> None:
    """A key limited to units may not change (or list) what concerns the whole province."""
    if key_unit_ids(request) is not None:
        raise CodedHttpError(
            403,
            "api_key_scope",
            _("Khóa API giới hạn theo đơn vị không được thay đổi lịch làm việc chung của tỉnh."),
        )


def _in_key_units(request: HttpRequest, unit: OrgUnit | None) -> bool:
    units = key_unit_ids(request)
    return units is None or (unit is not None and unit.pk in units)


def _calendar_error(exc: CalendarError) -> Status[object]:
    return coded_error(exc, 404 if exc.code in NOT_FOUND_CODES else 422)


def _day(row: CalendarDay) -> dict[str, Any]:
    by = row.created_by
    return {
        "date": row.date,
        "kind": row.kind,
        "kind_label": str(row.get_kind_display()),
        "name": row.name,
        "legal_reference": row.legal_reference,
        "swap_with": row.swap_with,
        "source": row.source,
        "removable": row.source == DaySource.ADMIN,
        "created_by": (by.full_name or by.username) if by is not None else None,
    }


def _hours(hours: WorkingHours) -> dict[str, Any]:
    unit = hours.org_unit
    return {
        "id": hours.pk,
        "org_unit": unit.code if unit is not None else None,
        "org_unit_name": unit.name if unit is not None else None,
        "valid_from": hours.valid_from,
        "valid_to": hours.valid_to,
        "name": hours.name,
        "legal_reference": hours.legal_reference,
        "sessions": [
            {"start": s.start, "end": s.end} for s in sorted(hours.sessions.all(), key=lambda s: s.start)
        ],
    }


def _change(change: DeadlineChange) -> dict[str, Any]:
    return {
        "provider": change.provider,
        "key": change.key,
        "label": change.label,
        "old_due": change.old_due,
        "new_due": change.new_due,
        "error": change.error,
    }


def _audit(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor": event.actor_label,
        "action": event.action,
        "object_id": event.object_id,
        "data": event.data if isinstance(event.data, dict) else {"value": event.data},
    }


def _unit(code: str | None) -> OrgUnit | None:
    if code is None:
        return None
    try:
        unit = orgunit_get_by_code(code)
    except ValidationError as exc:
        raise CodedHttpError(422, exc.code or "org_code_invalid", exc.messages[0]) from exc
    if unit is None:
        raise CodedHttpError(
            422, "unit_not_found", _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code[:40]}
        )
    return unit


CHANGE_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 422: ErrorOut}


# -- the days ------------------------------------------------------------------------------------------


@router.get(
    "/years/{year}/days",
    response={200: list[CalendarAdminDayOut], 403: ErrorOut, 422: ErrorOut},
    summary="Province administrator: a year's days off and make-up days, with their source",
)
def calendar_admin_days_api(request: HttpRequest, year: int) -> Status[object]:
    """Rows from the holidays library and rows the administrators entered; only the latter can be
    removed. A year without rows has none (only weekends are days off)."""
    _administrator(request)
    if not MIN_YEAR <= year <= MAX_YEAR:
        message = _("Năm phải từ %(first)s đến %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}
        return error(422, "year_out_of_range", message)
    return Status(200, [_day(row) for row in calendar_day_list(year=year)])


@router.post(
    "/holidays",
    response={201: list[CalendarAdminDayOut], **CHANGE_ERRORS},
    summary="Province administrator: make a working day a day off",
)
def calendar_holiday_add_api(request: HttpRequest, payload: HolidayIn) -> Status[object]:
    user = _administrator(request)
    _province_wide(request)
    try:
        row = calendar_holiday_add(
            actor=user, day=payload.day, name=payload.name, legal_reference=payload.legal_reference
        )
    except CalendarError as exc:
        return _calendar_error(exc)
    return Status(201, [_day(row)])


@router.post(
    "/holidays/impact",
    response={200: list[DeadlineChangeOut], **CHANGE_ERRORS},
    summary="Province administrator: the deadlines a new day off would move (nothing saved)",
)
def calendar_holiday_impact_api(request: HttpRequest, payload: HolidayIn) -> Status[object]:
    _administrator(request)
    _province_wide(request)
    try:
        rows = holiday_check(day=payload.day, name=payload.name, legal_reference=payload.legal_reference)
    except CalendarError as exc:
        return _calendar_error(exc)
    return Status(200, [_change(c) for c in deadline_impact_preview(rows=rows)])


@router.post(
    "/swaps",
    response={201: list[CalendarAdminDayOut], **CHANGE_ERRORS},
    summary="Province administrator: swap a working day with a weekend day (two rows, one notice)",
)
def calendar_swap_add_api(request: HttpRequest, payload: SwapIn) -> Status[object]:
    user = _administrator(request)
    _province_wide(request)
    try:
        rows = calendar_swap_add(
            actor=user,
            day_off=payload.day_off,
            make_up_day=payload.make_up_day,
            notice=payload.notice,
            name=payload.name,
        )
    except CalendarError as exc:
        return _calendar_error(exc)
    return Status(201, [_day(row) for row in rows])


@router.post(
    "/swaps/impact",
    response={200: list[DeadlineChangeOut], **CHANGE_ERRORS},
    summary="Province administrator: the deadlines a swap would move (nothing saved)",
)
def calendar_swap_impact_api(request: HttpRequest, payload: SwapIn) -> Status[object]:
    _administrator(request)
    _province_wide(request)
    try:
        rows = swap_check(
            day_off=payload.day_off, make_up_day=payload.make_up_day, notice=payload.notice, name=payload.name
        )
    except CalendarError as exc:
        return _calendar_error(exc)
    return Status(200, [_change(c) for c in deadline_impact_preview(rows=rows)])


@router.delete(
    "/days/{day}",
    response={200: RemovedDaysOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Province administrator: remove an administrator's row (both days of a swap)",
)
def calendar_day_remove_api(request: HttpRequest, day: dt.date) -> Status[object]:
    """The library's rows stay (422 ``day_not_admin``); a date without a row is 404 ``day_not_found``."""
    user = _administrator(request)
    _province_wide(request)
    try:
        removed = calendar_day_remove(actor=user, day=day)
    except CalendarError as exc:
        return _calendar_error(exc)
    return Status(200, {"removed": removed})


# -- working hours -------------------------------------------------------------------------------------


@router.get(
    "/working-hours",
    response={200: list[WorkingHoursOut], 403: ErrorOut},
    summary="Province administrator: every working-hours schedule",
)
def working_hours_list_api(request: HttpRequest) -> Status[object]:
    """Province-wide and per unit, all year and by season (``valid_from`` / ``valid_to``)."""
    _administrator(request)
    return Status(200, [_hours(h) for h in working_hours_list()])


@router.put(
    "/working-hours",
    response={200: WorkingHoursOut, **CHANGE_ERRORS},
    summary="Province administrator: set the sessions of a schedule (created if needed)",
)
def working_hours_set_api(request: HttpRequest, payload: WorkingHoursIn) -> Status[object]:
    """The schedule is the one of (``org_unit``, ``valid_from``, ``valid_to``); its sessions are replaced.
    Seasons of one unit may not overlap (422 ``hours_range_overlap``)."""
    user = _administrator(request)
    unit = _unit(payload.org_unit)
    if not _in_key_units(request, unit):
        if unit is None:
            _province_wide(request)
        raise CodedHttpError(
            403,
            "api_key_scope",
            _("Khóa API không được dùng cho đơn vị %(code)s.") % {"code": unit.code if unit else "H56"},
        )
    try:
        hours = working_hours_set(
            actor=user,
            sessions=[Session(s.start, s.end) for s in payload.sessions],
            org_unit=unit,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            name=payload.name,
            legal_reference=payload.legal_reference,
        )
    except CalendarError as exc:
        return _calendar_error(exc)
    fresh = next((h for h in working_hours_list() if h.pk == hours.pk), hours)
    return Status(200, _hours(fresh))


@router.delete(
    "/working-hours/{hours_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Province administrator: remove a working-hours schedule",
)
def working_hours_remove_api(request: HttpRequest, hours_id: Id) -> Status[object]:
    user = _administrator(request)
    hours = working_hours_get(pk=hours_id)
    if hours is None or not _in_key_units(request, hours.org_unit):
        return error(404, "hours_not_found", _("Không tìm thấy lịch giờ làm việc."))
    working_hours_remove(actor=user, hours=hours)
    return Status(204, None)


# -- deadlines already given, and the log --------------------------------------------------------------


@router.get(
    "/deadline-impact",
    response={200: list[DeadlineChangeOut], 403: ErrorOut},
    summary="Province administrator: stored deadlines that differ from the calendar as it is now",
)
def deadline_impact_api(request: HttpRequest) -> Status[object]:
    _administrator(request)
    _province_wide(request)
    return Status(200, [_change(c) for c in deadline_impact()])


@router.post(
    "/deadline-impact/recompute",
    response={200: RecomputedOut, **CHANGE_ERRORS},
    summary="Province administrator: store the recomputed deadlines chosen (audited one by one)",
)
def deadlines_recompute_api(request: HttpRequest, payload: RecomputeIn) -> Status[object]:
    """Only the chosen deadlines that still differ are written; the others are left as they are."""
    user = _administrator(request)
    _province_wide(request)
    changes = deadlines_recompute(
        actor=user, keys={(i.provider, i.key) for i in payload.items}, reason=payload.reason.strip()
    )
    return Status(200, {"recomputed": [_change(c) for c in changes]})


@router.get(
    "/audit",
    response={200: list[CalendarAuditOut], 403: ErrorOut},
    summary="Province administrator: the latest changes to the calendar (from the audit chain)",
)
def calendar_audit_api(request: HttpRequest) -> Status[object]:
    _administrator(request)
    _province_wide(request)
    return Status(200, [_audit(e) for e in calendar_audit_list(limit=50)])
