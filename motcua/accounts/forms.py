from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    """Sign-in by personal ID (citizens), tax code (businesses) or username (staff), with a lockout message."""

    username = forms.CharField(
        label=_("Số định danh, mã số thuế hoặc tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Thông tin đăng nhập hoặc mật khẩu không đúng. Lưu ý: tài khoản bị tạm khóa sau nhiều lần nhập sai."
        ),
        "inactive": _("Tài khoản này đã ngừng hoạt động."),
        "locked": _(
            "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau %(minutes)s phút hoặc đặt lại mật khẩu."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username:
            return self.cleaned_data  # the field's own "required" error says it all
        self.cleaned_data["username"] = username = username.strip()
        self._raise_if_locked(username)
        try:
            return super().clean()
        except forms.ValidationError:
            self._raise_if_locked(username)  # this very failure may have locked the account
            raise

    def _raise_if_locked(self, username: str) -> None:
        user = User.objects.filter(username=username).only("locked_until").first()
        if user is not None and user.is_locked():
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.MOTCUA_LOGIN_LOCK_MINUTES},
            )
