"""The signed-in account's in-app notifications and channel preferences, like ``/thong-bao/`` on the portal
(and "my preferences" in the back office).

- ``GET ""``: my notifications, newest first (``?unread=true`` for the unread ones), ``GET /unread-count``;
- ``POST /{id}/read`` and ``POST /read-all``: mark as read (marking one already read is not an error);
- ``GET /preferences`` and ``PUT /preferences``: per topic group, the optional channels (email, SMS) I
  accept, and the language my notifications are written in. The in-app inbox cannot be switched off.

Reading uses ``dossiers:read`` and changing ``dossiers:apply`` (notifications follow the dossiers).
Errors are ``{code, message}``: 404 not mine, 422 an unknown group, channel or language
(``preference_invalid``).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.notifications.errors import NotificationError
from motcua.notifications.models import Delivery, TemplateLanguage
from motcua.notifications.preferences import preference_rows, preference_set
from motcua.notifications.selectors import inbox_list, inbox_unread_count
from motcua.notifications.services import inbox_mark_all_read, inbox_mark_read

from .auth import api_auth
from .conventions import ApiIn, ErrorOut, PageHook, coded_error, error, user_of
from .schemas import Id, PageNumberPagination

router = Router()

READ = api_auth("dossiers:read")
WRITE = api_auth("dossiers:apply")


# -- output --------------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    topic: str = Field(description="Chủ đề, ví dụ dossier.received; nhóm là phần trước dấu chấm")
    subject: str
    summary: str
    url: str = Field(description="Trang liên quan trên Cổng (nếu có)")
    related_type: str
    related_id: str
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="Số thông báo vừa đánh dấu đã đọc")


class ChannelOut(Schema):
    channel: str = Field(description="email hoặc sms")
    label: str
    accepted: bool


class PreferenceGroupOut(Schema):
    group: str
    label: str
    channels: list[ChannelOut]


class PreferencesOut(Schema):
    language: TemplateLanguage
    groups: list[PreferenceGroupOut]


# -- input ---------------------------------------------------------------------------------------------


class InboxFilter(Schema):
    unread: bool = Field(False, description="Chỉ thông báo chưa đọc")


class PreferencesIn(ApiIn):
    language: TemplateLanguage = Field(TemplateLanguage.VI, description="Ngôn ngữ của thông báo (vi, en)")
    accepted: dict[str, list[str]] = Field(
        description="Nhóm → các kênh chấp nhận (email, sms); nhóm không gửi giữ nguyên mọi kênh"
    )


# -- helpers -------------------------------------------------------------------------------------------


def _notification(delivery: Delivery) -> dict[str, Any]:
    n = delivery.notification
    return {
        "id": n.pk,
        "topic": n.topic,
        "subject": n.subject,
        "summary": n.summary,
        "url": n.url,
        "related_type": n.related_type,
        "related_id": n.related_id,
        "created_at": n.created_at,
        "read": delivery.read_at is not None,
        "read_at": delivery.read_at,
    }


def _preferences(user: User) -> dict[str, Any]:
    language, rows = preference_rows(user=user)
    return {
        "language": language,
        "groups": [
            {
                "group": row["group"],
                "label": str(row["label"]),
                "channels": [
                    {"channel": c["value"], "label": str(c["label"]), "accepted": c["checked"]}
                    for c in row["channels"]  # type: ignore[attr-defined]
                ],
            }
            for row in rows
        ],
    }


# -- operations ----------------------------------------------------------------------------------------


@router.get("", response=list[NotificationOut], auth=READ, summary="My notifications")
@paginate(PageNumberPagination, page_size=20)
def inbox_api(request: HttpRequest, filters: Query[InboxFilter]) -> Any:
    rows = inbox_list(user=user_of(request))
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    return PageHook(rows, lambda page: [_notification(d) for d in page])


@router.get("/unread-count", response=UnreadOut, auth=READ, summary="How many of my notifications are unread")
def unread_count_api(request: HttpRequest) -> dict[str, int]:
    return {"unread": inbox_unread_count(user=user_of(request))}


@router.post("/read-all", response=MarkedOut, auth=WRITE, summary="Mark all my notifications read")
def read_all_api(request: HttpRequest) -> dict[str, int]:
    return {"marked": inbox_mark_all_read(user=user_of(request))}


@router.get(
    "/preferences", response=PreferencesOut, auth=READ, summary="My notification channels and language"
)
def preferences_get_api(request: HttpRequest) -> dict[str, Any]:
    return _preferences(user_of(request))


@router.put(
    "/preferences",
    response={200: PreferencesOut, 422: ErrorOut},
    auth=WRITE,
    summary="Choose my notification channels per group, and the language",
)
def preferences_set_api(request: HttpRequest, payload: PreferencesIn) -> Status[object]:
    user = user_of(request)
    try:
        preference_set(user=user, accepted=payload.accepted, language=payload.language.value, actor=user)
    except NotificationError as exc:
        return coded_error(exc)
    return Status(200, _preferences(user))


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 404: ErrorOut},
    auth=WRITE,
    summary="Mark one of my notifications read",
)
def read_one_api(request: HttpRequest, notification_id: Id) -> Status[object]:
    """Idempotent: one already read answers 200 too; anybody else's is a 404."""
    user = user_of(request)
    inbox_mark_read(user=user, notification_id=notification_id)
    delivery = inbox_list(user=user).filter(notification_id=notification_id).first()
    if delivery is None:
        return error(404, "notification_not_found", _("Không tìm thấy thông báo."))
    return Status(200, _notification(delivery))
