"""The province calendar: exceptions to the weekly rule, and working hours.

Weekends (Saturday, Sunday) are non-working and Monday–Friday are working unless a ``CalendarDay`` row
says otherwise. Rows come from the ``holidays`` package (``source=library``, written by
``motcua calendar_sync``) or from a province administrator (``source=admin``); admin rows are never
overwritten by a sync. Runtime code reads only these tables (through ``selectors.calendar_snapshot``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


class DaySource(models.TextChoices):
    LIBRARY = "library", _("Thư viện holidays")
    ADMIN = "admin", _("Quản trị nhập")


class CalendarDay(TimeStampedModel):
    """One day that differs from the weekly rule: a day off on a weekday, or a worked weekend day.

    A swap (hoán đổi ngày làm việc) is two rows pointing at each other through ``swap_with``: the day off
    and the make-up working day, both citing the government notice in ``legal_reference``.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    source = models.CharField(_("nguồn"), max_length=10, choices=DaySource.choices, default=DaySource.ADMIN)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    swap_with = models.DateField(
        _("hoán đổi với ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày còn lại của cặp hoán đổi (ngày nghỉ ↔ ngày làm bù)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày đặc biệt trong lịch")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="calendarday_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=DaySource.values), name="calendarday_source_valid"),
            models.CheckConstraint(
                condition=Q(swap_with__isnull=True) | ~Q(swap_with=F("date")),
                name="calendarday_swap_other_day",
                violation_error_message=_("Hai ngày của một cặp hoán đổi phải khác nhau."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"


class WorkingHours(TimeStampedModel):
    """A set of working sessions: province-wide (no org unit) or for one unit and its subtree; always, or
    for a season (``valid_from``..``valid_to``, inclusive). The most specific schedule wins: a unit's over
    its parents' over the province's; within one level, a season over the open-ended schedule.
    """

    name = models.CharField(_("tên"), max_length=200, blank=True)
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: áp dụng toàn tỉnh."),
    )
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["org_unit__code", "valid_from"]
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="workinghours_valid_range",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu áp dụng."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Giờ làm việc"))

    @property
    def is_seasonal(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None


class WorkSession(models.Model):
    """One session of a ``WorkingHours`` schedule, e.g. 07:00–11:30."""

    hours = models.ForeignKey(
        WorkingHours, verbose_name=_("giờ làm việc"), on_delete=models.CASCADE, related_name="sessions"
    )
    start = models.TimeField(_("bắt đầu"))
    end = models.TimeField(_("kết thúc"))

    class Meta:
        ordering = ["hours", "start"]
        verbose_name = _("ca làm việc")
        verbose_name_plural = _("ca làm việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="worksession_end_after_start",
                violation_error_message=_("Ca làm việc phải kết thúc sau khi bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"
