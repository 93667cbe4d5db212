"""The in-app inbox: the signed-in user's notifications, newest first, with mark-as-read."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.notifications.errors import NotificationError
from motcua.notifications.models import TemplateLanguage
from motcua.notifications.preferences import preference_rows, preference_set_from_form
from motcua.notifications.selectors import inbox_list, inbox_unread_count
from motcua.notifications.services import inbox_mark_all_read, inbox_mark_read

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if request.method == "POST":
        target = request.POST.get("read", "")
        if target == "all":
            count = inbox_mark_all_read(user=user)
            if count:
                messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
        elif target.isdigit():
            if not inbox_mark_read(user=user, notification_id=int(target)):
                raise Http404
        else:
            raise Http404
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("inbox")
    page = Paginator(inbox_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": inbox_unread_count(user=user),
    }
    return render(request, "portal/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notification_channels(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's (or business's) choice of channels per kind of notification."""
    user = cast(User, request.user)
    error = ""
    if request.method == "POST":
        try:
            preference_set_from_form(user=user, data=request.POST, actor=user)
        except NotificationError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã lưu lựa chọn kênh nhận thông báo."))
            return redirect("notification_channels")
    language, rows = preference_rows(user=user)
    context = {"rows": rows, "language": language, "languages": TemplateLanguage.choices, "error": error}
    return render(request, "portal/notification_channels.html", context, status=422 if error else 200)
