from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["org_unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "kind", "email", "is_active", "locked_until"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "personal_id", "tax_code"]
    inlines = [MembershipInline]
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
