from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .selectors import user_for_identifier
from .services import unknown_identifier_is_locked

# One message for a wrong, expired, used or replayed code: the reason is in the audit log, not on the page.
WRONG_CODE = _("Mã xác thực không đúng hoặc đã hết hạn. Lưu ý: tài khoản bị tạm khóa sau nhiều lần nhập sai.")


class LoginForm(AuthenticationForm):
    """Sign-in by personal ID (citizens), tax code (businesses) or username (staff), with a lockout message.

    Citizens and businesses may also type the phone number or email of their account. Unknown identifiers
    get the same message, and the same lockout after repeated failures, as existing accounts.
    """

    username = forms.CharField(
        label=_("Số định danh, mã số thuế hoặc tên đăng nhập"),
        help_text=_("Công dân, doanh nghiệp cũng có thể dùng số điện thoại hoặc email đã đăng ký."),
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
        user = user_for_identifier(username)
        locked = user.is_locked() if user is not None else unknown_identifier_is_locked(identifier=username)
        if locked:
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.MOTCUA_LOGIN_LOCK_MINUTES},
            )


def locked_message() -> str:
    """The lock message of the second steps (reached only with the right password, so it may say codes)."""
    return _(
        "Tài khoản tạm khóa do nhập sai mã xác thực nhiều lần. Vui lòng thử lại sau %(minutes)s phút."
    ) % {"minutes": settings.MOTCUA_LOGIN_LOCK_MINUTES}


class _CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    "autofocus": True,
                    "class": "code-input",
                }
            ),
        )
        super().__init__(**kwargs)


class TotpForm(forms.Form):
    """The sign-in code from the authenticator app, or a recovery code."""

    code = _CodeField(
        label=_("Mã xác thực"),
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục (dạng xxxxx-xxxxx)."),
    )


class EnrolForm(forms.Form):
    code = _CodeField(
        label=_("Mã 6 chữ số từ ứng dụng"),
        help_text=_("Nhập mã ứng dụng đang hiển thị để xác nhận đã thêm tài khoản thành công."),
        max_length=10,
    )


class OtpForm(forms.Form):
    code = _CodeField(label=_("Mã xác thực"), help_text=_("6 chữ số trong tin nhắn vừa gửi."), max_length=10)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, but the emails go out from a background task (see ``tasks.password_reset_send``)."""

    def save(
        self,
        domain_override: str | None = None,
        subject_template_name: str = "registration/password_reset_subject.txt",
        email_template_name: str = "registration/password_reset_email.html",
        use_https: bool = False,
        token_generator: PasswordResetTokenGenerator = default_token_generator,
        from_email: str | None = None,
        request: HttpRequest | None = None,
        html_email_template_name: str | None = None,
        extra_email_context: dict[str, Any] | None = None,
    ) -> None:
        from .tasks import password_reset_send

        domain = domain_override or get_current_site(request).domain
        user_ids = [user.pk for user in self.get_users(self.cleaned_data["email"])]
        # Enqueued whether or not an account matched: the request does the same work either way.
        password_reset_send.enqueue(user_ids, domain, use_https, subject_template_name, email_template_name)
