"""Django admin: read-mostly views of the calendar tables.

Changes to the calendar go through the audited back-office screens (``/can-bo/lich/``) or the services;
the Django admin lists rows and lets superusers inspect them but not edit them, so no change escapes the
audit trail.
"""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyMixin

from .models import CalendarDay, WorkingHours, WorkSession


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "source", "legal_reference", "swap_with", "created_by"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "legal_reference"]
    date_hierarchy = "date"


class WorkSessionInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = WorkSession
    extra = 0


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_unit", "valid_from", "valid_to", "legal_reference"]
    inlines = [WorkSessionInline]
