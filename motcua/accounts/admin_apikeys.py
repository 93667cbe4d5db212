"""Django admin for API keys and their usage log (docs/api/authentication.md).

Creating and rotating go through ``services_apikeys`` (administrators only, audited). The new key is shown
once, on the page that answers the creation or the rotation — rendered directly, never stored in the
session or a message cookie — and the hash is never displayed. A key is never edited or deleted: its scope
is fixed at creation (to change it, create a new key and revoke the old one); revoking keeps it for the log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import User
from .models_apikeys import API_OPERATIONS, OPERATION_LABELS, ApiKey, ApiKeyUse
from .services_apikeys import ApiKeyError, apikey_create, apikey_revoke, apikey_rotate, apikey_validate

_NEW_KEYS = "_motcua_new_api_keys"


class ApiKeyCreateForm(forms.ModelForm[ApiKey]):
    operations = forms.MultipleChoiceField(
        label=_("Thao tác được phép"),
        choices=[(op, f"{op} — {OPERATION_LABELS[op]}") for op in API_OPERATIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "owner", "operations", "units", "rate_per_minute", "expires_at"]

    def __init__(self, *args: Any, by: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, by = data.get("owner"), self.by
        if owner is None or by is None or self.errors:
            return data
        try:
            apikey_validate(
                owner=owner,
                name=data.get("name", ""),
                operations=data.get("operations") or [],
                rate_per_minute=data.get("rate_per_minute"),
                expires_at=data.get("expires_at"),
                by=by,
            )
        except ApiKeyError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = [
        "name",
        "prefix",
        "owner",
        "operations_list",
        "units_list",
        "active",
        "last_used_at",
        "expires_at",
        "usage_link",
    ]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "owner__username", "owner__full_name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "units"]
    actions = ["revoke_keys", "rotate_keys", "rotate_keys_with_grace"]
    readonly_on_change = [
        "name",
        "prefix",
        "owner",
        "operations_list",
        "units_list",
        "rate_per_minute",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "rotated_from",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return super().get_queryset(request).prefetch_related("units")

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form_class
        by = request.user if isinstance(request.user, User) else None

        class BoundForm(form_class):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, by=by, **kw)

        return BoundForm

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        if obj is None:
            return ApiKeyCreateForm.Meta.fields
        return self.readonly_on_change

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        return self.readonly_on_change if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    @admin.display(description=_("Thao tác"))
    def operations_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.operations)

    @admin.display(description=_("Đơn vị"))
    def units_list(self, obj: ApiKey) -> str:
        codes = sorted(u.code for u in obj.units.all())
        return ", ".join(codes) if codes else str(_("(như tài khoản sử dụng)"))

    @admin.display(description=_("Đang hiệu lực"), boolean=True)
    def active(self, obj: ApiKey) -> bool:
        return obj.is_active() and obj.owner.is_active

    @admin.display(description=_("Nhật ký"))
    def usage_link(self, obj: ApiKey) -> str:
        url = reverse("admin:accounts_apikeyuse_changelist") + f"?key__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Xem"))

    # -- creating: the service writes the key; the answer shows it once ----------------------------------

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return  # a key is not edited (every field is read-only)
        data = form.cleaned_data
        key, raw = apikey_create(
            owner=data["owner"],
            name=data["name"],
            operations=data["operations"],
            units=list(data.get("units") or []),
            rate_per_minute=data.get("rate_per_minute"),
            expires_at=data.get("expires_at"),
            by=request.user,  # type: ignore[arg-type]
        )
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding, obj._state.db = False, key._state.db
        setattr(request, _NEW_KEYS, [(key, raw)])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)
        # On creation the service has set the units.

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        new_keys = getattr(request, _NEW_KEYS, None)
        if not new_keys:
            return super().response_add(request, obj, post_url_continue)
        return self._show_keys(request, new_keys, title=_("Đã tạo khóa API"))

    def _show_keys(
        self, request: HttpRequest, new_keys: list[tuple[ApiKey, str]], *, title: Any
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "new_keys": new_keys,
            "changelist_url": reverse("admin:accounts_apikey_changelist"),
        }
        response = TemplateResponse(request, "admin/accounts/apikey/new_keys.html", context)
        add_never_cache_headers(response)
        return response

    # -- actions -------------------------------------------------------------------------------------------

    @admin.action(description=_("Thu hồi các khóa đã chọn (dừng ngay)"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        done = 0
        for key in queryset.select_related("owner"):
            try:
                apikey_revoke(key=key, by=request.user)  # type: ignore[arg-type]
                done += 1
            except ApiKeyError as exc:
                self.message_user(request, f"{key.prefix}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, _("Đã thu hồi %(n)s khóa API.") % {"n": done}, messages.SUCCESS)

    def _rotate(
        self, request: HttpRequest, queryset: QuerySet[ApiKey], grace_minutes: int
    ) -> HttpResponse | None:
        new_keys: list[tuple[ApiKey, str]] = []
        for key in queryset.select_related("owner"):
            try:
                new_keys.append(apikey_rotate(key=key, by=request.user, grace_minutes=grace_minutes))  # type: ignore[arg-type]
            except ApiKeyError as exc:
                self.message_user(request, f"{key.prefix}: {exc.message}", messages.ERROR)
        if not new_keys:
            return None
        return self._show_keys(request, new_keys, title=_("Đã đổi khóa API"))

    @admin.action(description=_("Đổi khóa (khóa cũ dừng ngay)"))
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        return self._rotate(request, queryset, grace_minutes=0)

    @admin.action(description=_("Đổi khóa (khóa cũ dùng thêm 24 giờ)"))
    def rotate_keys_with_grace(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        return self._rotate(request, queryset, grace_minutes=24 * 60)


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(admin.ModelAdmin[ApiKeyUse]):
    """Read only: the log is written by the API, never by hand."""

    list_display = [
        "at",
        "prefix",
        "method",
        "path",
        "operation",
        "status",
        "error_code",
        "duration_ms",
        "client_ip",
    ]
    list_filter = ["key", "status", "error_code", ("at", admin.DateFieldListFilter)]
    search_fields = ["prefix", "path"]
    date_hierarchy = "at"
    list_select_related = ["key"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiKeyUse | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiKeyUse | None = None) -> bool:
        return False
