"""Django admin for webhooks (imported by ``motcua.integrations.admin``).

Endpoints: create (the secret is shown once, on the page that follows, never stored in clear nor put in a
message cookie), edit, and two actions — send a test event (``ping``, sent at once, the answer reported)
and rotate the secret (the new one shown once; the old one keeps signing for a day). An endpoint with
deliveries cannot be deleted (that would delete its delivery log): switch it off instead.
Deliveries: the log, read only, filtered by status, endpoint and type, with its attempts; action "send
again now" for failed and given-up ones.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.core.admin import ReadOnlyMixin
from motcua.core.audit import audit_record

from .events import ALL, EVENT_TYPES, validate_event_types
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .outbox import delivery_send
from .services import (
    assign_new_secret,
    delivery_retry,
    endpoint_rotate_secret,
    endpoint_send_ping,
    endpoint_summary,
)

EVENT_CHOICES = [(ALL, _("Mọi loại sự kiện (kể cả loại thêm sau này)")), *EVENT_TYPES.items()]

SHOWN_ONCE_TEMPLATE = """{% extends "admin/base_site.html" %}{% load i18n %}
{% block content %}
<p>{% blocktranslate %}Khóa ký chỉ hiển thị <strong>một lần</strong>. Sao chép và cấu hình ở hệ thống nhận ngay bây giờ: motcua chỉ lưu khóa đã mã hóa và không hiển thị lại.{% endblocktranslate %}</p>
{% for row in rows %}
<div class="module aligned">
  <h2>{{ row.endpoint.name }}</h2>
  <div class="form-row"><label>{% translate "Địa chỉ" %}:</label> <span style="overflow-wrap: anywhere">{{ row.endpoint.url }}</span></div>
  <div class="form-row"><label>{% translate "Khóa ký" %}:</label> <code style="user-select: all; overflow-wrap: anywhere; font-size: 1rem">{{ row.secret }}</code></div>
</div>
{% endfor %}
{% if rotated %}<p>{% blocktranslate %}Khóa cũ vẫn được dùng để ký kèm (chữ ký v1 thứ hai) trong {{ overlap_hours }} giờ để hệ thống nhận kịp chuyển sang khóa mới.{% endblocktranslate %}</p>{% endif %}
<p><a class="button" href="{{ back }}">{% translate "Tôi đã lưu khóa, quay lại" %}</a></p>
{% endblock %}
"""


class EndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(
        label=_("Địa chỉ nhận (URL)"), max_length=500, assume_scheme="https",
        help_text=_("Bắt buộc https (http chỉ cho địa chỉ nội bộ máy khi chạy thử)."),
    )  # fmt: skip
    event_types = forms.MultipleChoiceField(
        label=_("Loại sự kiện"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple, initial=[ALL]
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "event_types", "units", "active", "disabled_reason"]

    def clean_event_types(self) -> list[str]:
        try:
            return validate_event_types(list(self.cleaned_data.get("event_types") or []))
        except ValueError as exc:
            raise forms.ValidationError(_("Chọn ít nhất một loại sự kiện hợp lệ.")) from exc


class AttemptInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = WebhookAttempt
    extra = 0
    fields = readonly_fields = ("number", "started_at", "outcome", "status_code", "duration_ms", "error")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = EndpointForm
    list_display = ["name", "url", "active", "waiting", "given_up", "disabled_reason", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["units"]
    readonly_fields = ["created_by", "created_at", "secret_rotated_at"]
    actions = ["send_test_event", "rotate_secret"]

    @admin.display(description=_("chờ gửi"))
    def waiting(self, obj: WebhookEndpoint) -> int:
        return obj.deliveries.filter(status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED)).count()

    @admin.display(description=_("đã ngừng gửi"))
    def given_up(self, obj: WebhookEndpoint) -> int:
        return obj.deliveries.filter(status=DeliveryStatus.GAVE_UP).count()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.deliveries.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user if request.user.is_authenticated else None
            request._webhook_secret = assign_new_secret(obj)  # type: ignore[attr-defined]
        elif obj.active and "active" in form.changed_data:
            obj.disabled_reason = ""  # switched back on: the reason it was off no longer holds
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        audit_record(
            action="webhooks.endpoint_change" if change else "webhooks.endpoint_create",
            actor=request.user, obj=form.instance, data=endpoint_summary(form.instance),
        )  # fmt: skip

    def _secret_page(
        self, request: HttpRequest, rows: list[dict[str, Any]], *, rotated: bool
    ) -> HttpResponse:
        from . import conf

        template = engines["django"].from_string(SHOWN_ONCE_TEMPLATE)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Khóa ký của điểm nhận webhook"),
            "rows": rows,
            "rotated": rotated,
            "overlap_hours": round(conf.rotation_overlap().total_seconds() / 3600),
            "back": reverse("admin:integrations_webhookendpoint_changelist"),
        }
        response = HttpResponse(template.render(context, request))
        response["Cache-Control"] = "no-store"
        return response

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: Any = None
    ) -> HttpResponse:
        secret = getattr(request, "_webhook_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return self._secret_page(request, [{"endpoint": obj, "secret": secret}], rotated=False)

    @admin.action(description=_("Gửi sự kiện thử (ping)"))
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            delivery = endpoint_send_ping(actor=request.user, endpoint_id=endpoint.pk)
            delivery_send(delivery_id=delivery.pk)
            delivery.refresh_from_db()
            if delivery.status == DeliveryStatus.DELIVERED:
                self.message_user(
                    request,
                    _("%(name)s: đã nhận (HTTP %(code)s, %(ms)s ms).")
                    % {
                        "name": endpoint.name,
                        "code": delivery.last_status_code,
                        "ms": delivery.last_duration_ms,
                    },
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s: không nhận được — %(error)s")
                    % {"name": endpoint.name, "error": delivery.last_error or delivery.get_status_display()},
                    messages.ERROR,
                )

    @admin.action(description=_("Đổi khóa ký (hiển thị khóa mới một lần)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> HttpResponse:
        rows = []
        for endpoint in queryset:
            secret = endpoint_rotate_secret(actor=request.user, endpoint_id=endpoint.pk)
            rows.append({"endpoint": endpoint, "secret": secret})
        return self._secret_page(request, rows, rotated=True)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin[WebhookDelivery]):
    list_display = ["created_at", "event_type", "endpoint", "dossier_code", "status", "attempts",
                    "last_status_code", "last_duration_ms", "next_attempt_at", "delivered_at"]  # fmt: skip
    list_filter = ["status", "endpoint", "event_type"]
    list_select_related = ["endpoint", "dossier"]
    search_fields = ["uid", "event_id", "dossier__code"]
    date_hierarchy = "created_at"
    inlines = [AttemptInline]
    actions = ["retry_now"]

    @admin.display(description=_("hồ sơ"), ordering="dossier__code")
    def dossier_code(self, obj: WebhookDelivery) -> str:
        return obj.dossier.code or "" if obj.dossier is not None else "—"

    @admin.action(description=_("Gửi lại ngay (lần gửi lỗi hoặc đã ngừng)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = sum(
            delivery_retry(actor=request.user, delivery_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("Đã xếp %(count)d lần gửi lại.", "Đã xếp %(count)d lần gửi lại.", count)
            % {"count": count},
            messages.SUCCESS,
        )
