"""Notification administration for the province administrator (issue 9): the editable templates with a
preview, the delivery log (masked contacts), and each user's channel preferences; plus every staff
member's own preferences. Views are thin: the rules live in ``motcua.notifications``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.notifications import selectors
from motcua.notifications.access import notifications_can_administer
from motcua.notifications.errors import NotificationError
from motcua.notifications.models import Channel, DeliveryStatus, TemplateLanguage
from motcua.notifications.preferences import preference_rows, preference_set_from_form
from motcua.notifications.render import Rendered
from motcua.notifications.templating import (
    notification_template_delete,
    notification_template_save,
    template_preview,
)
from motcua.notifications.topics import GROUPS, TOPICS, topic_choices

from ..access import staff_required

PAGE_SIZE = 50
STATUS_TONES = {"sent": "ok", "pending": "info", "failed": "warn", "gave_up": "stop"}
#: The built-in file behind each field of each channel's template (shown as a reference).
BUILTIN_PARTS = {
    Channel.EMAIL: (("subject", "subject"), ("body", "email")),
    Channel.INAPP: (("subject", "subject"), ("body", "inapp")),
    Channel.SMS: (("body", "sms"),),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - staff_required let only signed-in staff in
    return user


def _require_province_admin(request: HttpRequest) -> None:
    if not notifications_can_administer(user=_user(request)):
        audit_record(action="access.denied", actor=request.user, data={"path": request.path})
        raise PermissionDenied


# -- templates -------------------------------------------------------------------------------------------


@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_province_admin(request)
    custom = {(t.topic, t.channel, t.language): t for t in selectors.notification_templates()}
    rows = []
    for key, topic in TOPICS.items():
        cells = []
        for channel in topic.channels:
            for language, language_label in TemplateLanguage.choices:
                cells.append(
                    {
                        "channel": channel,
                        "channel_label": Channel(channel).label,
                        "language": language,
                        "language_label": language_label,
                        "custom": custom.get((key, channel, language)),
                    }
                )
        rows.append(
            {"key": key, "label": topic.label, "group": GROUPS.get(topic.group, topic.group), "cells": cells}
        )
    return render(
        request, "backoffice/notifications/templates.html", {"rows": rows, "custom_count": len(custom)}
    )


def _preview_or_error(**kwargs: Any) -> tuple[Rendered | None, str]:
    try:
        return template_preview(**kwargs), ""
    except NotificationError as exc:
        return None, str(exc)


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, topic: str, channel: str, language: str) -> HttpResponse:
    _require_province_admin(request)
    spec = TOPICS.get(topic)
    if spec is None or channel not in Channel.values or language not in TemplateLanguage.values:
        raise Http404
    chan = Channel(channel)
    saved = selectors.notification_template_get(topic=topic, channel=channel, language=language)
    subject = saved.subject if saved else ""
    body = saved.body if saved else ""
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        subject = request.POST.get("subject", "") if chan != Channel.SMS else ""
        body = request.POST.get("body", "")
        try:
            if action == "save":
                notification_template_save(
                    actor=_user(request),
                    topic=topic,
                    channel=channel,
                    language=language,
                    subject=subject,
                    body=body,
                )
                messages.success(request, _("Đã lưu mẫu thông báo. Thông báo mới sẽ dùng mẫu này."))
                return redirect(
                    "backoffice:notif_template_edit", topic=topic, channel=channel, language=language
                )
            if action == "reset" and saved is not None:
                notification_template_delete(actor=_user(request), template=saved)
                messages.success(request, _("Đã khôi phục mẫu mặc định của hệ thống."))
                return redirect(
                    "backoffice:notif_template_edit", topic=topic, channel=channel, language=language
                )
        except NotificationError as exc:
            error, status = str(exc), 422
    preview, preview_error = _preview_or_error(
        topic=topic, channel=channel, language=language, subject=subject, body=body
    )
    if not error and preview_error:
        error, status = preview_error, 422 if request.method == "POST" else 200
    context = {
        "spec": spec,
        "channel": chan,
        "language": language,
        "language_label": TemplateLanguage(language).label,
        "saved": saved,
        "subject": subject,
        "body": body,
        "error": error,
        "preview": preview,
        "placeholders": sorted(spec.placeholders()),
        "required": spec.required,
        "builtin": [
            (field, selectors.builtin_template_source(topic=topic, part=part))
            for field, part in BUILTIN_PARTS[chan]
        ],
    }
    return render(request, "backoffice/notifications/template_edit.html", context, status=status)


# -- delivery log ----------------------------------------------------------------------------------------


@staff_required
def delivery_log(request: HttpRequest) -> HttpResponse:
    _require_province_admin(request)
    filters = {
        "status": request.GET.get("status", ""),
        "channel": request.GET.get("channel", ""),
        "topic": request.GET.get("topic", ""),
    }
    if filters["topic"] not in TOPICS:
        filters["topic"] = ""
    qs = selectors.delivery_log(**filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page", 1))
    rows = [
        {
            "d": d,
            "contact": selectors.delivery_contact(d),
            "tone": STATUS_TONES.get(d.status, "info"),
            "topic_label": TOPICS[d.notification.topic].label
            if d.notification.topic in TOPICS
            else d.notification.topic,
        }
        for d in page.object_list
    ]
    return render(
        request,
        "backoffice/notifications/deliveries.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "statuses": DeliveryStatus.choices,
            "channels": Channel.choices,
            "topics": topic_choices(),
        },
    )


# -- channel preferences ---------------------------------------------------------------------------------


def _save_preferences(request: HttpRequest, user: User) -> str:
    try:
        preference_set_from_form(user=user, data=request.POST, actor=_user(request))
    except NotificationError as exc:
        return str(exc)
    return ""


@staff_required
@require_http_methods(["GET", "POST"])
def preferences_admin(request: HttpRequest) -> HttpResponse:
    _require_province_admin(request)
    q = request.GET.get("q", "")
    chosen = None
    raw = request.GET.get("user") or request.POST.get("user") or ""
    if raw.isdigit():
        chosen = selectors.preference_user_get(pk=int(raw))
        if chosen is None:
            raise Http404
    error = ""
    if request.method == "POST":
        if chosen is None:
            raise Http404
        error = _save_preferences(request, chosen)
        if not error:
            messages.success(
                request, _("Đã lưu lựa chọn kênh nhận thông báo của %(name)s.") % {"name": chosen}
            )
            return redirect(f"{reverse('backoffice:notif_preferences')}?{urlencode({'user': chosen.pk})}")
    language, rows = preference_rows(user=chosen) if chosen is not None else ("vi", [])
    return render(
        request,
        "backoffice/notifications/preferences.html",
        {
            "q": q,
            "users": selectors.preference_users(q=q) if q else [],
            "chosen": chosen,
            "rows": rows,
            "language": language,
            "languages": TemplateLanguage.choices,
            "error": error,
            "admin_page": True,
        },
        status=422 if error else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def preferences_mine(request: HttpRequest) -> HttpResponse:
    """Any staff member's own choice of channels (the inbox always receives)."""
    user = _user(request)
    error = ""
    if request.method == "POST":
        error = _save_preferences(request, user)
        if not error:
            messages.success(request, _("Đã lưu lựa chọn kênh nhận thông báo."))
            return redirect("backoffice:notif_my_preferences")
    language, rows = preference_rows(user=user)
    return render(
        request,
        "backoffice/notifications/preferences.html",
        {
            "chosen": user,
            "rows": rows,
            "language": language,
            "languages": TemplateLanguage.choices,
            "error": error,
            "admin_page": False,
        },
        status=422 if error else 200,
    )
