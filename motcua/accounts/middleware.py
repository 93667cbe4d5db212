"""Session safety on every request: idle and absolute timeouts, and the second factor of staff sessions.

``IdleTimeoutMiddleware`` ends a signed-in session that was idle longer than its class allows —
administrators ``MOTCUA_IDLE_MINUTES_ADMIN`` (5), other staff ``MOTCUA_IDLE_MINUTES_STAFF`` (15), citizens and
businesses ``MOTCUA_IDLE_MINUTES_CITIZEN`` (30); 0 switches a class off — or older than
``SESSION_COOKIE_AGE`` since sign-in (absolute timeout). The last-seen time is written at most every
``TOUCH_SECONDS``, not on every request, to spare the session store.

``SecondFactorMiddleware`` ends a session that was opened without the authenticator code its account
needs (by Django's admin login form, an old session from before enrolment became mandatory, or any other
path around the sign-in views).

The next request then goes to the sign-in page with a Vietnamese message; an htmx request gets 401 with
``HX-Redirect`` (htmx would otherwise swap the sign-in page into a fragment); the API (``/api/``) simply
continues as anonymous and answers 401 itself. Both must come after ``AuthenticationMiddleware`` and
``MessageMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record

from .models import User
from .services import now_timestamp
from .signin import (
    FACTOR_KEY,
    IDLE_KEY,
    SEEN_KEY,
    SINCE_KEY,
    IdleClass,
    Step,
    idle_class,
    idle_minutes,
    second_step,
)

API_PREFIX = "/api/"
TOUCH_SECONDS = 15


def _signed_in(request: HttpRequest) -> bool:
    """Cheap pre-check (no user query) for the many anonymous requests."""
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


def _next_path(request: HttpRequest) -> str:
    """Where to come back after signing in again: the page the person was on, never a POST target."""
    if request.headers.get("HX-Request") == "true":
        current = request.headers.get("HX-Current-URL", "")
        if current and url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return ""
    return request.get_full_path() if request.method in ("GET", "HEAD") else ""


def end_session(
    request: HttpRequest, *, reason: str, message: str, data: dict[str, object]
) -> HttpResponse | None:
    """Sign out with one audit row and the message; the response to send, or None to carry on anonymously."""
    user = request.user
    if isinstance(user, User):
        audit_record(action="auth.session_ended", actor=user, obj=user, data={"reason": reason, **data})
    next_path = _next_path(request)
    logout(request)  # flushes the session: a new, empty one with a new key
    if request.path_info.startswith(API_PREFIX):
        return None
    messages.warning(request, message)
    login_url = resolve_url(settings.LOGIN_URL)
    url = f"{login_url}?{urlencode({'next': next_path}, safe='/')}" if next_path else login_url
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None) if _signed_in(request) else None
        if isinstance(user, User) and user.is_authenticated:
            ended, response = self._check(request, user)
            if ended and response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: User) -> tuple[bool, HttpResponse | None]:
        session = request.session
        now = now_timestamp()
        stored = session.get(IDLE_KEY)
        kind = IdleClass(str(stored)) if stored in IdleClass._value2member_map_ else idle_class(user)
        if stored != str(kind):
            session[IDLE_KEY] = str(kind)
        seen = session.get(SEEN_KEY)
        since = session.get(SINCE_KEY)
        minutes = idle_minutes(kind)
        if minutes > 0 and seen is not None and now - float(seen) > minutes * 60:
            message = _(
                "Phiên làm việc đã hết hạn do không hoạt động quá %(minutes)s phút. Vui lòng đăng nhập lại."
            ) % {"minutes": minutes}
            return True, end_session(
                request, reason="idle", message=message, data={"class": str(kind), "minutes": minutes}
            )
        max_age = int(settings.SESSION_COOKIE_AGE or 0)
        if since is not None and max_age and now - float(since) > max_age:
            message = _("Phiên làm việc đã đạt thời gian tối đa cho phép. Vui lòng đăng nhập lại.")
            return True, end_session(request, reason="absolute", message=message, data={"seconds": max_age})
        if since is None:
            session[SINCE_KEY] = now
        if minutes > 0 and (seen is None or now - float(seen) >= TOUCH_SECONDS):
            session[SEEN_KEY] = now
        return False, None


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None) if _signed_in(request) else None
        if isinstance(user, User) and user.is_authenticated and not request.session.get(FACTOR_KEY):
            # A session the sign-in views did not open: decide once whether it may stand.
            if second_step(user) in (Step.TOTP, Step.ENROL):
                message = _("Tài khoản này phải xác thực hai bước. Vui lòng đăng nhập lại.")
                response = end_session(request, reason="second_factor_missing", message=message, data={})
                if response is not None:
                    return response
            else:
                request.session[FACTOR_KEY] = "password"
        return self.get_response(request)
