"""Sign-in pages: password, then the second factor (authenticator code, enrolment, or one-time code).

See ``motcua.accounts.signin`` for the pending state between the steps and docs/operations/identity.md for
the rules. Every step answers a wrong code with the same message; the audit log has the reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import signin, totp
from .forms import WRONG_CODE, EnrolForm, LoginForm, OtpForm, TotpForm, locked_message
from .models import User
from .selectors import totp_device_confirmed, user_is_portal_account, user_requires_totp
from .services import (
    OtpSendResult,
    now_timestamp,
    one_time_code_check,
    one_time_code_send,
    otp_ttl,
    recovery_codes_regenerate,
    recovery_codes_remaining,
    totp_check,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    totp_secret,
)

STEP_URLS = {
    signin.Step.TOTP: "accounts:totp_verify",
    signin.Step.ENROL: "accounts:totp_enrol",
    signin.Step.OTP: "accounts:otp_verify",
}


def demo_mode() -> bool:
    """Dev and demo show codes on the page; production never does (prod.py forces both off)."""
    return bool(settings.DEBUG or getattr(settings, "MOTCUA_DEMO", False))


class SignInView(LoginView):
    """The password step. With nothing more to ask, signs in; otherwise hands over to the second step."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        step = signin.second_step(user)
        backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0]
        if step is None:
            signin.finish(self.request, user=user, backend=backend, factor="password")
            return HttpResponseRedirect(self.get_success_url())
        signin.begin(self.request, user=user, step=step, next_url=self.get_success_url())
        if step is signin.Step.OTP:
            _send_code(self.request, user)
        return redirect(STEP_URLS[step])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["demo_mode"] = demo_mode()
        context["citizen_otp"] = getattr(settings, "MOTCUA_CITIZEN_OTP", True)
        return context


def _restart(request: HttpRequest) -> HttpResponse:
    signin.drop(request)
    messages.info(request, _("Phiên đăng nhập đã hết hạn hoặc chưa bắt đầu. Vui lòng đăng nhập lại."))
    return redirect("accounts:login")


def _locked(request: HttpRequest) -> HttpResponse:
    signin.drop(request)
    messages.error(request, locked_message())
    return redirect("accounts:login")


def _still_locked(user: User) -> bool:
    user.refresh_from_db(fields=["locked_until", "failed_login_count"])
    return user.is_locked()


# --- staff: authenticator code -----------------------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    found = signin.pending(request, signin.Step.TOTP)
    if found is None:
        return _restart(request)
    user, state = found
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _still_locked(user):
            return _locked(request)
        outcome = totp_check(user=user, code=form.cleaned_data["code"])
        if outcome in ("totp", "recovery"):
            signin.finish(request, user=user, backend=state["backend"], factor="totp")
            if outcome == "recovery":
                left = recovery_codes_remaining(user=user)
                messages.warning(
                    request,
                    _(
                        "Bạn vừa đăng nhập bằng một mã khôi phục; còn %(left)s mã. Nếu mất điện thoại, hãy báo "
                        "quản trị để đăng ký lại ứng dụng xác thực; có thể tạo mã khôi phục mới ở trang Xác thực hai bước."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(state["next"])
        if _still_locked(user):
            return _locked(request)
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "demo_code": _demo_totp(user) if demo_mode() else ""}
    return render(request, "accounts/totp_verify.html", context)


def _demo_totp(user: User) -> str:
    device = totp_device_confirmed(user=user)
    if device is None:
        return ""
    return totp.totp(totp.secret_bytes(totp_secret(device=device)), now_timestamp())


# --- staff: enrolment (mandatory right after the password, or from the security page) -----------------


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enrol(request: HttpRequest) -> HttpResponse:
    found = signin.pending(request, signin.Step.ENROL)
    state: dict[str, Any] | None = None
    if found is not None:
        user, state = found
    elif isinstance(request.user, User) and request.user.is_authenticated:
        user = request.user
        if user_is_portal_account(user=user):
            raise Http404
    else:
        return _restart(request)
    if totp_device_confirmed(user=user) is not None:
        if state is not None:
            return _restart(request)
        messages.info(request, _("Tài khoản đã có ứng dụng xác thực."))
        return redirect("accounts:two_factor")
    device = totp_device_start(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if state is not None and _still_locked(user):
            return _locked(request)
        codes = totp_device_confirm(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            if state is not None:
                signin.finish(request, user=user, backend=state["backend"], factor="totp")
                next_url = state["next"]
            else:
                request.session[signin.FACTOR_KEY] = "totp"
                next_url = reverse("accounts:two_factor")
            # Shown once, in this response only: nothing keeps them in clear.
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next_url": next_url, "enrolled": True},
            )
        if state is not None and _still_locked(user):
            return _locked(request)
        form.add_error("code", WRONG_CODE)
    secret = totp_secret(device=device)
    issuer = str(getattr(settings, "MOTCUA_TOTP_ISSUER", "motcua"))
    uri = totp.provisioning_uri(secret=secret, account=user.get_username(), issuer=issuer)
    context = {
        "form": form,
        "qr": totp.qr_svg_data_uri(uri),
        "secret": totp.secret_for_display(secret),
        "issuer": issuer,
        "account": user.get_username(),
        "mandatory": state is not None,
        "demo_code": totp.totp(totp.secret_bytes(secret), now_timestamp()) if demo_mode() else "",
    }
    return render(request, "accounts/totp_enrol.html", context)


# --- staff: the two-factor page (status, new recovery codes, opting out) ------------------------------


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    if user_is_portal_account(user=user):
        raise Http404
    device = totp_device_confirmed(user=user)
    required = user_requires_totp(user=user) and getattr(settings, "MOTCUA_STAFF_TOTP_REQUIRED", True)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and (
        action not in ("regenerate", "disable") or device is None or (action == "disable" and required)
    ):
        return HttpResponse(status=400)
    forms = {
        name: TotpForm(request.POST if action == name else None, prefix=name)
        for name in ("regenerate", "disable")
    }
    if action:
        form = forms[action]
        if form.is_valid():
            if totp_check(user=user, code=form.cleaned_data["code"]) in ("totp", "recovery"):
                if action == "regenerate":
                    codes = recovery_codes_regenerate(user=user)
                    return render(
                        request,
                        "accounts/recovery_codes.html",
                        {"codes": codes, "next_url": reverse("accounts:two_factor"), "enrolled": False},
                    )
                totp_device_remove(user=user, actor=user)
                request.session[signin.FACTOR_KEY] = "password"
                messages.success(request, _("Đã tắt xác thực hai bước cho tài khoản này."))
                return redirect("accounts:two_factor")
            form.add_error("code", WRONG_CODE)
    context = {
        "device": device,
        "required": required,
        "remaining": recovery_codes_remaining(user=user) if device else 0,
        "regenerate_form": forms["regenerate"],
        "disable_form": forms["disable"],
    }
    return render(request, "accounts/two_factor.html", context)


# --- citizens: one-time code by SMS or email ----------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    found = signin.pending(request, signin.Step.OTP)
    if found is None:
        return _restart(request)
    user, state = found
    if request.method == "POST" and "resend" in request.POST:
        if _still_locked(user):
            return _locked(request)
        _send_code(request, user, resend=True)
        return redirect("accounts:otp_verify")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _still_locked(user):
            return _locked(request)
        if one_time_code_check(user=user, code=form.cleaned_data["code"]):
            signin.finish(request, user=user, backend=state["backend"], factor="otp")
            return HttpResponseRedirect(state["next"])
        if _still_locked(user):
            return _locked(request)
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "destination": state.get("destination", ""),
        "channel": state.get("channel", ""),
        "demo_code": request.session.get(signin.DEMO_CODE_KEY, "") if demo_mode() else "",
        "ttl_minutes": max(1, int(otp_ttl().total_seconds() // 60)),
    }
    return render(request, "accounts/otp_verify.html", context)


def _send_code(request: HttpRequest, user: User, *, resend: bool = False) -> OtpSendResult:
    result = one_time_code_send(user=user)
    if result.destination:
        signin.update_pending(request, destination=result.destination, channel=result.channel)
    if result.status == "sent":
        if demo_mode():
            request.session[signin.DEMO_CODE_KEY] = result.code
        if resend:  # the first send is announced by the page itself
            messages.success(request, _("Đã gửi lại mã xác thực. Mã cũ không còn dùng được."))
    elif result.status == "too_soon":
        messages.info(
            request,
            _("Mã vừa được gửi và vẫn dùng được. Bạn có thể yêu cầu mã mới sau %(seconds)s giây.")
            % {"seconds": result.wait_seconds},
        )
    elif result.status == "too_many":
        messages.error(
            request,
            _("Bạn đã yêu cầu quá nhiều mã. Vui lòng thử lại sau %(minutes)s phút.")
            % {"minutes": max(1, (result.wait_seconds + 59) // 60)},
        )
    elif result.status == "no_destination":
        messages.error(
            request,
            _(
                "Tài khoản chưa có số điện thoại hoặc email để nhận mã xác thực. Vui lòng liên hệ bộ phận một cửa "
                "để cập nhật thông tin liên lạc."
            ),
        )
    else:
        messages.error(request, _("Chưa gửi được mã xác thực. Vui lòng thử lại sau ít phút."))
    return result
