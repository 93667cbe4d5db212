from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import admin_apikeys  # noqa: F401 - registers the API key admins
from .models import Membership, User
from .selectors import PERSONAL_ID
from .services import totp_device_remove


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["org_unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "kind", "email", "is_active", "locked_until", "two_factor"]
    list_filter = ["kind", "is_active", "is_staff"]
    # Not personal_id: it is encrypted, so a search term that is a whole personal ID is matched by equality
    # (get_search_results), never by "contains".
    search_fields = ["username", "full_name", "email", "tax_code"]
    inlines = [MembershipInline]
    actions = ["remove_authenticator"]
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (
            _("Thông tin"),
            {
                "fields": (
                    "full_name",
                    "email",
                    "phone",
                    "personal_id",
                    "birth_date",
                    "tax_code",
                    "representative",
                )
            },
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Đăng nhập"), {"fields": ("last_login", "failed_login_count", "locked_until")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "kind", "full_name", "email", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).select_related("totp_device")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if PERSONAL_ID.fullmatch(term):
            found |= queryset.filter(personal_id=term)
        return found, may_have_duplicates

    @admin.display(description=_("Xác thực hai bước"), boolean=True)
    def two_factor(self, obj: User) -> bool:
        device = getattr(obj, "totp_device", None)
        return bool(device is not None and device.confirmed_at)

    @admin.action(description=_("Gỡ ứng dụng xác thực (mất điện thoại): đăng ký lại ở lần đăng nhập sau"))
    def remove_authenticator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        removed = sum(totp_device_remove(user=user, actor=actor) for user in queryset)
        self.message_user(
            request, _("Đã gỡ ứng dụng xác thực của %(n)s tài khoản.") % {"n": removed}, messages.SUCCESS
        )


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin site signs in through the site's own sign-in (password, then the authenticator code)."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("accounts:login"))


admin.site.login = _admin_login  # type: ignore[method-assign]
