"""The working calendar over HTTP: public, read-only, like ``/lich-lam-viec/`` on the portal.

- ``GET /years`` and ``GET /years/{year}``: the days off on weekdays, the make-up working days (with their
  legal references), the working hours and the year's count of working days.
- ``GET /due``: the due moment of a time limit counted on the calendar (the deadline engine, the same
  arithmetic as a dossier's appointment and ``motcua deadline``), with the reasoning — when the count
  started and why, the days skipped and the make-up days counted. The limit is given directly
  (``working_days`` …) or as a published procedure's (``procedure``: its time limit and cut-off rule).

Errors are ``{code, message}``: 404 unknown unit or procedure, 422 a value the engine cannot read (the
calendar's stable codes: ``invalid_datetime_format``, ``moment_without_time``, ``limit_not_positive``,
``limit_not_whole_days``, ``out_of_calendar_range`` …).
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from motcua.calendar.engine import Explanation, Limit, LimitKind, explain_due, parse_moment
from motcua.calendar.errors import CalendarError
from motcua.calendar.selectors import calendar_snapshot, calendar_year_view, calendar_years
from motcua.catalogue.selectors import procedure_get_published
from motcua.dossiers.procedure import deadline_rules, procedure_spec
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_get_by_code

from .conventions import ErrorOut, coded_error, error
from .schemas import LocalTime

router = Router()

MIN_YEAR, MAX_YEAR = 1995, 2100


# -- output --------------------------------------------------------------------------------------------


class SessionOut(Schema):
    start: LocalTime
    end: LocalTime


class SeasonOut(Schema):
    valid_from: dt.date | None
    valid_to: dt.date | None
    sessions: list[SessionOut]


class DayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday (ngày nghỉ) hoặc working_day (ngày làm việc bù)")
    kind_label: str
    name: str
    legal_reference: str = Field(description="Căn cứ pháp lý (thông báo của Chính phủ, quyết định…)")
    swap_with: dt.date | None = Field(description="Ngày còn lại của cặp hoán đổi")


class YearOut(Schema):
    year: int
    known: bool = Field(description="false: năm chưa có lịch nghỉ lễ, chỉ trừ thứ Bảy, Chủ nhật")
    working_days: int
    weekday_holidays: int = Field(description="Ngày nghỉ rơi vào ngày thường")
    make_up_days: int = Field(description="Ngày làm việc bù")
    days: list[DayOut]
    sessions: list[SessionOut] = Field(description="Giờ làm việc toàn tỉnh")
    seasons: list[SeasonOut] = Field(description="Giờ làm việc theo mùa (nếu có)")


class LimitOut(Schema):
    kind: LimitKind
    amount: Decimal
    text: str = Field(description="Thời hạn viết bằng lời, ví dụ “5 ngày làm việc”")


class DayNoteOut(Schema):
    date: dt.date
    reason: str
    legal_reference: str
    counted: bool = Field(description="true: ngày cuối tuần làm bù, được tính; false: ngày không tính")


class DueOut(Schema):
    received: dt.datetime
    deemed_receipt: dt.datetime = Field(description="Thời điểm bắt đầu tính thời hạn")
    deemed_reason: str = Field(description="Vì sao bắt đầu tính muộn hơn lúc nhận (rỗng: ngay lúc nhận)")
    deemed_reason_text: str
    limit: LimitOut
    cutoff: LocalTime | None = Field(description="Giờ chốt: nhận từ giờ này thì tính từ ngày làm việc sau")
    unit: str | None = Field(description="Đơn vị có giờ làm việc đã dùng (null: toàn tỉnh)")
    procedure: str | None
    due: dt.datetime = Field(description="Hạn giải quyết (Asia/Ho_Chi_Minh)")
    days: list[DayNoteOut] = Field(description="Các ngày bỏ qua hoặc làm bù trong khoảng tính")
    unknown_years: list[int] = Field(description="Năm chưa có lịch nghỉ lễ (kết quả chỉ trừ cuối tuần)")


# -- input ---------------------------------------------------------------------------------------------


class LimitKindIn(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    SAME_DAY = "same_day"


class DueQuery(Schema):
    received: str = Field(
        max_length=40,
        description="Thời điểm tiếp nhận, ISO 8601 (2026-02-13T10:00; không ghi múi giờ = Asia/Ho_Chi_Minh)",
    )
    procedure: str | None = Field(
        None,
        max_length=50,
        description="Mã thủ tục đã công bố: dùng thời hạn và quy tắc giờ chốt của thủ tục",
    )
    kind: LimitKindIn | None = Field(None, description="Loại thời hạn, khi không dùng `procedure`")
    amount: Decimal | None = Field(
        None, gt=0, le=3650, description="Số ngày (nguyên) hoặc số giờ làm việc; bỏ trống với same_day"
    )
    cutoff: LocalTime | None = Field(None, description="Giờ chốt (ví dụ 15:00), khi không dùng `procedure`")
    unit: str | None = Field(None, max_length=35, description="Mã đơn vị: dùng giờ làm việc của đơn vị")


# -- helpers -------------------------------------------------------------------------------------------


def _sessions(sessions: Any) -> list[dict[str, dt.time]]:
    return [{"start": s.start, "end": s.end} for s in sessions]


def _limit(kind: LimitKindIn, amount: Decimal | None) -> Limit:
    if kind == LimitKindIn.SAME_DAY:
        return Limit.same_day()
    if amount is None:
        raise CalendarError(_("Hãy cho biết thời hạn (amount)."), code="limit_missing")
    return Limit(LimitKind(kind.value), amount)


def _explanation(
    e: Explanation, *, cutoff: dt.time | None, unit: OrgUnit | None, procedure: str | None
) -> dict[str, Any]:
    return {
        "received": e.received,
        "deemed_receipt": e.deemed_receipt,
        "deemed_reason": str(e.deemed_reason),
        "deemed_reason_text": e.deemed_reason_text,
        "limit": {"kind": e.limit.kind, "amount": e.limit.amount, "text": str(e.limit)},
        "cutoff": cutoff,
        "unit": unit.code if unit is not None else None,
        "procedure": procedure,
        "due": e.due,
        "days": [
            {"date": d.day, "reason": d.reason, "legal_reference": d.legal_reference, "counted": d.counted}
            for d in e.days
        ],
        "unknown_years": list(e.unknown_years),
    }


# -- operations ----------------------------------------------------------------------------------------


@router.get("/years", response=list[int], summary="Years that have a working calendar")
def calendar_years_api(request: HttpRequest) -> list[int]:
    """The years with rows, plus the current year, ascending."""
    return calendar_years()


@router.get(
    "/due",
    response={200: DueOut, 404: ErrorOut, 422: ErrorOut},
    summary="Compute a due moment on the working calendar, with the reasoning",
)
def calendar_due_api(request: HttpRequest, params: Query[DueQuery]) -> Status[object]:
    """Either ``procedure`` (its legal time limit and after-cut-off rule) or ``kind`` (+ ``amount``, and
    optionally ``cutoff``). No pauses: the appointment as it stands at the receipt."""
    unit = None
    if params.unit:
        try:
            unit = orgunit_get_by_code(params.unit)
        except ValidationError as exc:
            return error(422, exc.code or "org_code_invalid", exc.messages[0])
        if unit is None:
            return error(
                404, "unit_not_found", _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": params.unit}
            )
    try:
        received = parse_moment(params.received)
        if params.procedure:
            version = procedure_get_published(code=params.procedure)
            if version is None:
                return error(
                    404,
                    "procedure_not_found",
                    _("Không tìm thấy thủ tục đã công bố có mã %(code)s.") % {"code": params.procedure},
                )
            rules = deadline_rules(procedure_spec(version))
            limit, cutoff, procedure = rules.limit, rules.due_cutoff, version.code
        elif params.kind is not None:
            limit, cutoff, procedure = _limit(params.kind, params.amount), params.cutoff, None
        else:
            return error(
                422, "limit_missing", _("Hãy cho biết mã thủ tục (procedure) hoặc loại thời hạn (kind).")
            )
        explanation = explain_due(calendar_snapshot(org_unit=unit), received, limit, cutoff=cutoff)
    except CalendarError as exc:
        return coded_error(exc)
    return Status(200, _explanation(explanation, cutoff=cutoff, unit=unit, procedure=procedure))


@router.get(
    "/years/{year}",
    response={200: YearOut, 422: ErrorOut},
    summary="A year's working calendar: days off, make-up days, working hours",
)
def calendar_year_api(request: HttpRequest, year: int) -> Status[object]:
    """1995 to 2100; a year without rows answers ``known`` false (only weekends are days off)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        message = _("Năm phải từ %(first)s đến %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}
        return error(422, "year_out_of_range", message)
    view = calendar_year_view(year=year)
    return Status(
        200,
        {
            "year": view.year,
            "known": view.known,
            "working_days": view.working_days,
            "weekday_holidays": view.weekday_holidays,
            "make_up_days": view.make_up_days,
            "days": [
                {
                    "date": row.date,
                    "kind": row.kind,
                    "kind_label": str(row.get_kind_display()),
                    "name": row.name,
                    "legal_reference": row.legal_reference,
                    "swap_with": row.swap_with,
                }
                for row in view.rows
            ],
            "sessions": _sessions(view.sessions),
            "seasons": [
                {"valid_from": s.valid_from, "valid_to": s.valid_to, "sessions": _sessions(s.sessions)}
                for s in view.seasons
            ],
        },
    )
