"""Province-admin screen for the working calendar: add a holiday, a swap, set working hours, remove an
admin row, and — explicitly — recompute the deadlines a change moved. Every change is audited by the
calendar services; every refusal leaves the tables untouched.

One URL (``/can-bo/lich/``); the form that was posted is named by its ``action`` field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.access import calendar_can_administer
from motcua.calendar.engine import DayInfo, Session
from motcua.calendar.errors import CalendarError
from motcua.calendar.selectors import (
    calendar_audit_list,
    calendar_day_list,
    calendar_years,
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
from motcua.core.audit import audit_record
from motcua.org.selectors import orgunit_list

from ..access import staff_required

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class HolidayForm(forms.Form):
    day = forms.DateField(label=_("Ngày nghỉ"), widget=DATE_WIDGET)
    name = forms.CharField(label=_("Tên ngày nghỉ"), max_length=200)
    legal_reference = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=300,
        help_text=_("Số hiệu, ngày của văn bản quyết định ngày nghỉ."),
    )


class SwapForm(forms.Form):
    day_off = forms.DateField(label=_("Ngày được nghỉ (ngày làm việc)"), widget=DATE_WIDGET)
    make_up_day = forms.DateField(label=_("Ngày làm việc bù (thứ Bảy, Chủ nhật)"), widget=DATE_WIDGET)
    notice = forms.CharField(
        label=_("Văn bản cho phép hoán đổi"),
        max_length=300,
        help_text=_("Ví dụ: Công văn 12729/VPCP-KGVX ngày 25/12/2025."),
    )
    name = forms.CharField(label=_("Tên ngày nghỉ (không bắt buộc)"), max_length=200, required=False)


class HoursForm(forms.Form):
    start_1 = forms.TimeField(label=_("Ca 1 bắt đầu"), widget=TIME_WIDGET)
    end_1 = forms.TimeField(label=_("Ca 1 kết thúc"), widget=TIME_WIDGET)
    start_2 = forms.TimeField(label=_("Ca 2 bắt đầu"), widget=TIME_WIDGET, required=False)
    end_2 = forms.TimeField(label=_("Ca 2 kết thúc"), widget=TIME_WIDGET, required=False)
    start_3 = forms.TimeField(label=_("Ca 3 bắt đầu"), widget=TIME_WIDGET, required=False)
    end_3 = forms.TimeField(label=_("Ca 3 kết thúc"), widget=TIME_WIDGET, required=False)
    org_unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=orgunit_list(),
        required=False,
        empty_label=_("Toàn tỉnh"),
    )
    valid_from = forms.DateField(label=_("Áp dụng từ ngày (theo mùa)"), widget=DATE_WIDGET, required=False)
    valid_to = forms.DateField(label=_("Áp dụng đến ngày (theo mùa)"), widget=DATE_WIDGET, required=False)
    name = forms.CharField(label=_("Tên"), max_length=200, required=False)
    legal_reference = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300, required=False)

    def sessions(self) -> list[Session]:
        data = self.cleaned_data
        found: list[Session] = []
        for n in (1, 2, 3):
            start, end = data.get(f"start_{n}"), data.get(f"end_{n}")
            if start is None and end is None:
                continue
            if start is None or end is None:
                raise CalendarError(
                    _("Ca %(n)s phải có cả giờ bắt đầu và giờ kết thúc."), code="session_incomplete", n=n
                )
            found.append(Session(start, end))
        return found


def _require_province_admin(request: HttpRequest) -> None:
    user = request.user
    if not isinstance(user, User) or not calendar_can_administer(user=user):
        audit_record(action="access.denied", actor=request.user, data={"path": request.path})
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("nam") or request.POST.get("nam") or "")
    except ValueError:
        return timezone.localdate().year
    return year if 1995 <= year <= 2100 else timezone.localdate().year


def _preview(rows: dict[dt.date, DayInfo]) -> list[DeadlineChange]:
    return deadline_impact_preview(rows=rows)


@staff_required
def calendar_admin(request: HttpRequest) -> HttpResponse:
    _require_province_admin(request)
    year = _year(request)
    holiday_form = HolidayForm(prefix="holiday")
    swap_form = SwapForm(prefix="swap")
    hours_form = HoursForm(
        prefix="hours",
        initial={
            "start_1": dt.time(7),
            "end_1": dt.time(11, 30),
            "start_2": dt.time(13, 30),
            "end_2": dt.time(17),
        },
    )
    action_error = ""
    preview: list[DeadlineChange] | None = None
    preview_of = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        preview_only = request.POST.get("intent") == "preview"
        handlers: dict[str, Callable[[], Any]] = {}

        def do_holiday() -> Any:
            nonlocal holiday_form, preview, preview_of
            holiday_form = HolidayForm(request.POST, prefix="holiday")
            if not holiday_form.is_valid():
                return None
            d = holiday_form.cleaned_data
            try:
                if preview_only:
                    preview = _preview(
                        holiday_check(day=d["day"], name=d["name"], legal_reference=d["legal_reference"])
                    )
                    preview_of = _g("Thêm ngày nghỉ %(day)s") % {"day": d["day"].strftime("%d/%m/%Y")}
                    return None
                calendar_holiday_add(
                    actor=request.user, day=d["day"], name=d["name"], legal_reference=d["legal_reference"]
                )
            except CalendarError as exc:
                holiday_form.add_error(None, str(exc))
                return None
            return _g("Đã thêm ngày nghỉ %(day)s.") % {"day": d["day"].strftime("%d/%m/%Y")}

        def do_swap() -> Any:
            nonlocal swap_form, preview, preview_of
            swap_form = SwapForm(request.POST, prefix="swap")
            if not swap_form.is_valid():
                return None
            d = swap_form.cleaned_data
            try:
                if preview_only:
                    preview = _preview(
                        swap_check(
                            day_off=d["day_off"],
                            make_up_day=d["make_up_day"],
                            notice=d["notice"],
                            name=d["name"],
                        )
                    )
                    preview_of = _g("Hoán đổi %(off)s ↔ %(work)s") % {
                        "off": d["day_off"].strftime("%d/%m/%Y"),
                        "work": d["make_up_day"].strftime("%d/%m/%Y"),
                    }
                    return None
                calendar_swap_add(
                    actor=request.user,
                    day_off=d["day_off"],
                    make_up_day=d["make_up_day"],
                    notice=d["notice"],
                    name=d["name"],
                )
            except CalendarError as exc:
                swap_form.add_error(None, str(exc))
                return None
            return _g("Đã ghi hoán đổi: nghỉ %(off)s, làm bù %(work)s.") % {
                "off": d["day_off"].strftime("%d/%m/%Y"),
                "work": d["make_up_day"].strftime("%d/%m/%Y"),
            }

        def do_hours() -> Any:
            nonlocal hours_form
            hours_form = HoursForm(request.POST, prefix="hours")
            if not hours_form.is_valid():
                return None
            d = hours_form.cleaned_data
            try:
                working_hours_set(
                    actor=request.user,
                    sessions=hours_form.sessions(),
                    org_unit=d["org_unit"],
                    valid_from=d["valid_from"],
                    valid_to=d["valid_to"],
                    name=d["name"],
                    legal_reference=d["legal_reference"],
                )
            except CalendarError as exc:
                hours_form.add_error(None, str(exc))
                return None
            return _g("Đã lưu giờ làm việc.")

        def do_remove() -> Any:
            nonlocal action_error
            try:
                day = dt.date.fromisoformat(request.POST.get("day", ""))
                removed = calendar_day_remove(actor=request.user, day=day)
            except ValueError:
                action_error = _g("Ngày không hợp lệ.")
                return None
            except CalendarError as exc:
                action_error = str(exc)
                return None
            return _g("Đã xóa: %(days)s.") % {"days": ", ".join(d.strftime("%d/%m/%Y") for d in removed)}

        def do_hours_remove() -> Any:
            nonlocal action_error
            hours = working_hours_get(pk=request.POST.get("hours_id") or 0)
            if hours is None:
                action_error = _g("Không tìm thấy lịch giờ làm việc.")
                return None
            working_hours_remove(actor=request.user, hours=hours)
            return _g("Đã xóa lịch giờ làm việc.")

        def do_recompute() -> Any:
            nonlocal action_error
            chosen = {tuple(v.split("|", 1)) for v in request.POST.getlist("item") if "|" in v}
            if not chosen:
                action_error = _g("Chưa chọn hạn nào để tính lại.")
                return None
            changes = deadlines_recompute(
                actor=request.user,
                keys={(p, k) for p, k in chosen},
                reason=request.POST.get("reason", "").strip(),
            )
            return _g("Đã tính lại %(n)s hạn giải quyết.") % {"n": len(changes)}

        handlers = {
            "holiday": do_holiday,
            "swap": do_swap,
            "hours": do_hours,
            "remove": do_remove,
            "hours_remove": do_hours_remove,
            "recompute": do_recompute,
        }
        handler = handlers.get(action)
        if handler is None:
            action_error = _g("Thao tác không hợp lệ.")
            done = None
        else:
            done = handler()
        if done:
            messages.success(request, done)
            return redirect(f"{request.path}?nam={year}")
        if preview is None:
            status = 400
    context = {
        "year": year,
        "years": sorted({*calendar_years(), year}),
        "rows": list(calendar_day_list(year=year)),
        "holiday_form": holiday_form,
        "swap_form": swap_form,
        "hours_form": hours_form,
        "hours_list": working_hours_list(),
        "impact": deadline_impact(),
        "preview": preview,
        "preview_of": preview_of,
        "action_error": action_error,
        "audit": calendar_audit_list(limit=15),
    }
    return render(request, "backoffice/calendar.html", context, status=status)
