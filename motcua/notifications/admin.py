"""Django admin: the outbox and the delivery log, read only, with one action — retry now.

Phone numbers are shown masked in the lists; the detail page shows what was sent.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.core.admin import ReadOnlyMixin

from .models import Delivery, Notification, Reminder
from .services import delivery_retry
from .text import mask_phone


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Delivery
    extra = 0
    fields = readonly_fields = (
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "read_at",
        "last_error",
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "topic", "recipient_name", "masked_phone", "related_type", "related_id"]
    list_filter = ["topic"]
    search_fields = ["recipient_name", "recipient_email", "subject", "related_id"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]

    @admin.display(description=_("số điện thoại"))
    def masked_phone(self, obj: Notification) -> str:
        return mask_phone(obj.recipient_phone)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["id", "notification", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["notification"]
    actions = ["retry_now"]

    @admin.action(description=_("Gửi lại ngay"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = sum(delivery_retry(delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("Đã xếp %(count)d lượt gửi lại.", "Đã xếp %(count)d lượt gửi lại.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["sent_at", "kind", "stage", "topic", "related_type", "related_id", "due_at"]
    list_filter = ["kind", "stage"]
    search_fields = ["key", "related_id"]
    date_hierarchy = "sent_at"
