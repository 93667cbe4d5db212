"""Sign-in with VNeID (OpenID Connect), and linking VNeID to a citizen's existing account.

``start`` (sign-in) and ``link`` (POST, signed-in citizen) keep one pending flow in the session — ``state``,
``nonce``, PKCE verifier, mode, where to go next, when — and send the browser to the provider. ``callback``
takes the flow out of the session before anything else (single use), refuses a missing or different
``state``, a flow older than ``FLOW_SECONDS`` or an ``iss`` that is not the provider's (RFC 9207), then lets
``motcua.integrations.vneid.client`` exchange the code and verify the ID token. The account is found or
made by ``motcua.accounts.services_identity``; the sign-in itself goes through ``motcua.accounts.signin``
(Django's ``login()``: a new session key; factor ``vneid``, which needs no further code).

A refused callback changes nothing and says why in Vietnamese. Callbacks without a valid state are only
logged (anyone can call the URL; they must not be able to fill the audit chain); failures after the state
check are audited (``auth.vneid_failed`` with the error code, never a token or a claim).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts import signin
from motcua.accounts.models import AccountKind, User
from motcua.accounts.services import now_timestamp
from motcua.accounts.services_identity import (
    IdentityRefused,
    account_link_identity,
    account_sign_in_with_identity,
)
from motcua.core.audit import audit_record
from motcua.integrations.vneid import conf
from motcua.integrations.vneid.claims import IdentityClaims
from motcua.integrations.vneid.client import vneid_client
from motcua.integrations.vneid.errors import VneidError

logger = logging.getLogger("motcua.vneid")

FLOW_KEY = "_motcua_vneid"
FLOW_SECONDS = 10 * 60
PROVIDER = "vneid"
SIGNIN, LINK = "signin", "link"


def _enabled() -> None:
    if not conf.enabled():
        raise Http404


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _citizen(user: Any) -> User:
    if not isinstance(user, User) or user.kind != AccountKind.CITIZEN or user.is_staff or user.is_superuser:
        raise Http404
    return user


def _error_page(request: HttpRequest, message: str, *, status: int, mode: str = SIGNIN) -> HttpResponse:
    context = {"message": message, "mode": mode}
    return render(request, "portal/vneid/error.html", context, status=status)


def _begin(request: HttpRequest, *, mode: str, next_url: str) -> HttpResponse:
    try:
        auth = vneid_client().authorization_request(redirect_uri=conf.redirect_uri())
    except VneidError as exc:
        logger.warning("VNeID sign-in could not start: %s", exc.code)
        return _error_page(request, str(exc), status=exc.http_status, mode=mode)
    user = request.user
    request.session[FLOW_KEY] = {
        "state": auth.state,
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "redirect_uri": auth.redirect_uri,
        "mode": mode,
        "next": next_url,
        "at": now_timestamp(),
        "user": user.pk if mode == LINK and isinstance(user, User) else None,
    }
    return HttpResponseRedirect(auth.url)


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """“Đăng nhập bằng VNeID”: off to the provider (a signed-in person just goes on)."""
    _enabled()
    next_url = _safe_next(request, request.GET.get("next", ""))
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    return _begin(request, mode=SIGNIN, next_url=next_url)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    """“Liên kết tài khoản VNeID”: what linking does, and the button that starts it (citizens only)."""
    _enabled()
    user = _citizen(request.user)
    if request.method == "POST":
        return _begin(request, mode=LINK, next_url=reverse("vneid_link"))
    masked = f"{user.personal_id[:3]}••••••{user.personal_id[-3:]}" if user.personal_id else ""
    return render(request, "portal/vneid/link.html", {"masked_id": masked})


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    flow = request.session.pop(FLOW_KEY, None)  # single use, whatever happens below
    returned = request.GET.get("state", "")
    if (
        not isinstance(flow, dict)
        or not returned
        or not constant_time_compare(str(flow.get("state", "")), returned)
    ):
        logger.warning(
            "VNeID callback refused: %s state", "no pending" if not isinstance(flow, dict) else "mismatched"
        )
        return _error_page(request, _state_message(), status=400)
    mode = LINK if flow.get("mode") == LINK else SIGNIN
    if now_timestamp() - float(flow.get("at", 0)) > FLOW_SECONDS:
        logger.info("VNeID callback refused: the flow started more than %s s ago", FLOW_SECONDS)
        return _error_page(request, _state_message(), status=400, mode=mode)
    issuer = request.GET.get("iss")
    if issuer is not None and issuer.rstrip("/") != conf.issuer():
        return _failed(request, "vneid_issuer_mismatch", _state_message(), status=400, mode=mode)
    error = request.GET.get("error", "")
    if error:
        return _provider_error(request, error, mode, flow)
    code = request.GET.get("code", "")
    if not code:
        return _failed(request, "vneid_code_missing", _state_message(), status=400, mode=mode)
    try:
        result = vneid_client().complete(
            code=code, redirect_uri=str(flow["redirect_uri"]), code_verifier=str(flow["verifier"]),
            nonce=str(flow["nonce"]),
        )  # fmt: skip
    except VneidError as exc:
        return _failed(request, exc.code, str(exc), status=exc.http_status, mode=mode)
    if mode == LINK:
        return _finish_link(request, flow, result.identity)
    return _finish_sign_in(request, flow, result.identity)


def _state_message() -> str:
    return _(
        "Phiên đăng nhập bằng VNeID không hợp lệ hoặc đã hết hạn (quá 10 phút, hoặc đã mở từ một trang "
        "khác). Chưa có thay đổi nào. Vui lòng bắt đầu đăng nhập lại."
    )


def _failed(request: HttpRequest, reason: str, message: str, *, status: int, mode: str) -> HttpResponse:
    logger.warning("VNeID %s refused: %s", mode, reason)
    user = request.user if request.user.is_authenticated else None
    audit_record(action="auth.vneid_failed", actor=user, data={"reason": reason, "mode": mode})
    return _error_page(request, message, status=status, mode=mode)


def _provider_error(request: HttpRequest, error: str, mode: str, flow: dict[str, Any]) -> HttpResponse:
    if error == "access_denied":  # the person cancelled at VNeID: nothing to report but that
        messages.info(request, _("Bạn đã hủy đăng nhập bằng VNeID. Chưa có thay đổi nào."))
        if mode == LINK:
            return HttpResponseRedirect(reverse("vneid_link"))
        login_url = resolve_url(settings.LOGIN_URL)
        next_url = str(flow.get("next") or "")
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
    safe = "".join(ch for ch in error.lower() if ch.isalpha() or ch == "_")[:40]
    message = _("VNeID từ chối yêu cầu đăng nhập (mã lỗi %(code)s). Vui lòng thử lại sau ít phút.") % {
        "code": safe or "?"
    }
    return _failed(request, f"vneid_authorize_{safe}", message, status=400, mode=mode)


def _finish_sign_in(request: HttpRequest, flow: dict[str, Any], identity: IdentityClaims) -> HttpResponse:
    try:
        user = account_sign_in_with_identity(
            personal_id=identity.personal_id, full_name=identity.full_name, birth_date=identity.birth_date,
            phone=identity.phone, provider=PROVIDER,
        )  # fmt: skip
    except IdentityRefused as exc:
        return _failed(request, exc.code, str(exc), status=exc.http_status, mode=SIGNIN)
    signin.finish(request, user=user, backend=settings.AUTHENTICATION_BACKENDS[0], factor=PROVIDER)
    return HttpResponseRedirect(_safe_next(request, str(flow.get("next", ""))))


def _finish_link(request: HttpRequest, flow: dict[str, Any], identity: IdentityClaims) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or user.pk != flow.get("user"):
        return _failed(request, "vneid_link_session_changed", _state_message(), status=400, mode=LINK)
    try:
        account_link_identity(
            user=user, personal_id=identity.personal_id, full_name=identity.full_name,
            birth_date=identity.birth_date, phone=identity.phone, provider=PROVIDER,
        )  # fmt: skip
    except IdentityRefused as exc:
        return _failed(request, exc.code, str(exc), status=exc.http_status, mode=LINK)
    messages.success(
        request,
        _("Đã liên kết tài khoản với VNeID. Từ nay bạn có thể đăng nhập bằng VNeID thay cho mật khẩu."),
    )
    return HttpResponseRedirect(reverse("vneid_link"))
