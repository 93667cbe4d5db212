"""Django admin: read-mostly views of the calendar tables.

Changes to the calendar go through the audited back-office screens (``/can-bo/lich/``) or the services;
the Django admin lists rows and lets superusers inspect them but not edit them, so no change escapes the
audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CalendarDay, WorkingHours, WorkSession


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "source", "legal_reference", "swap_with", "created_by"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "legal_reference"]
    date_hierarchy = "date"


class WorkSessionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkSession
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_unit", "valid_from", "valid_to", "legal_reference"]
    inlines = [WorkSessionInline]
