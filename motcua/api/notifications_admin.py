"""Administering the notifications over HTTP, like the back office's ``/can-bo/thong-bao/`` pages: the
templates of every topic, channel and language (with the built-in text, the placeholders and a preview),
the delivery log (contacts masked), and another user's channel preferences.

Mounted at ``/api/v1/notifications/admin``; every operation needs ``notifications:manage`` and the province
administrator (``motcua.notifications.access``; other staff: 403 ``notifications_not_allowed``, non-staff
403 ``staff_only``). These concern the whole province: an API key limited to units gets 403
``api_key_scope``. Each user's own inbox and preferences are ``/api/v1/notifications``.

Templates are checked before they are saved (``motcua.notifications.templating``): an unknown placeholder,
a syntax error or a tag that is not allowed answers 422 with the template's code
(``template_unknown_placeholder``, ``template_syntax``, ``template_invalid``, ``template_body_required``…)
and saves nothing; saving and resetting write one audit row, as does changing someone's preferences.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.notifications import selectors
from motcua.notifications.access import notifications_can_administer
from motcua.notifications.errors import NotificationError
from motcua.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationTemplate,
    TemplateLanguage,
)
from motcua.notifications.preferences import preference_set
from motcua.notifications.render import Rendered
from motcua.notifications.templating import (
    notification_template_delete,
    notification_template_save,
    template_preview,
)
from motcua.notifications.topics import GROUPS, TOPICS, Topic

from .auth import api_auth, key_unit_ids
from .conventions import ApiIn, ErrorOut, PageHook, coded_error
from .errors import CodedHttpError
from .notifications import PreferencesIn, PreferencesOut
from .notifications import _preferences as preferences_answer
from .reporting_scope import staff_member
from .schemas import Id, PageNumberPagination

router = Router(auth=api_auth("notifications:manage"))

#: The built-in file behind each field of each channel's template (shown next to the editor).
BUILTIN_PARTS = {
    Channel.EMAIL: (("subject", "subject"), ("body", "email")),
    Channel.INAPP: (("subject", "subject"), ("body", "inapp")),
    Channel.SMS: (("body", "sms"),),
}


# -- input ---------------------------------------------------------------------------------------------


class TemplateIn(ApiIn):
    subject: str = Field("", description="Tiêu đề (thư điện tử, hộp thư); bỏ qua với SMS")
    body: str = Field(description="Nội dung: văn bản mẫu Django với các biến của chủ đề, ví dụ {{ code }}")


class DeliveryFilter(Schema):
    status: DeliveryStatus | None = Field(None, description="Trạng thái gửi")
    channel: Channel | None = Field(None, description="Kênh gửi")
    topic: str = Field("", max_length=64, description="Chủ đề, ví dụ dossier.received")


class UserSearch(Schema):
    q: str = Field(min_length=1, max_length=100, description="Tên đăng nhập, họ tên hoặc email")


# -- output --------------------------------------------------------------------------------------------


class TemplateCellOut(Schema):
    channel: str
    channel_label: str
    language: str
    language_label: str
    customised: bool = Field(description="true: đang dùng mẫu của quản trị; false: mẫu mặc định")
    updated_at: dt.datetime | None


class TemplateTopicOut(Schema):
    topic: str
    label: str
    group: str
    group_label: str
    templates: list[TemplateCellOut]


class BuiltinPartOut(Schema):
    field: str = Field(description="subject hoặc body")
    source: str = Field(description="Văn bản mẫu mặc định của hệ thống")


class RenderedOut(Schema):
    subject: str
    body: str
    summary: str
    sms_text: str


class TemplateOut(Schema):
    topic: str
    topic_label: str
    channel: str
    language: str
    customised: bool
    subject: str = Field(description="Mẫu tiêu đề của quản trị (rỗng: mặc định)")
    body: str = Field(description="Mẫu nội dung của quản trị (rỗng: mặc định)")
    updated_at: dt.datetime | None
    updated_by: str | None
    placeholders: list[str] = Field(description="Các biến mẫu được dùng")
    required: list[str] = Field(description="Dữ liệu luôn có của chủ đề")
    builtin: list[BuiltinPartOut]
    preview: RenderedOut | None = Field(description="Thông báo mẫu dựng với dữ liệu minh họa")
    preview_error: str = Field(description="Vì sao không dựng được thông báo mẫu (nếu có)")


class DeliveryOut(Schema):
    id: int
    created_at: dt.datetime
    topic: str
    topic_label: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    attempts: int
    recipient_name: str
    contact: str = Field(description="Nơi gửi, đã che bớt: ********678, a***@example.vn")
    subject: str
    last_error: str
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


class PreferenceUserOut(Schema):
    id: int
    username: str
    full_name: str
    kind: str


class UserPreferencesOut(PreferencesOut):
    user: PreferenceUserOut


# -- helpers -------------------------------------------------------------------------------------------


def _administrator(request: HttpRequest) -> User:
    user = staff_member(request)
    if not notifications_can_administer(user=user):
        raise CodedHttpError(
            403, "notifications_not_allowed", _("Chỉ quản trị cấp tỉnh được quản trị thông báo.")
        )
    if key_unit_ids(request) is not None:
        raise CodedHttpError(
            403,
            "api_key_scope",
            _("Khóa API giới hạn theo đơn vị không được quản trị thông báo của toàn tỉnh."),
        )
    return user


def _topic(topic: str, channel: str, language: str) -> Topic:
    spec = TOPICS.get(topic)
    if (
        spec is None
        or channel not in Channel.values
        or Channel(channel) not in spec.channels
        or language not in TemplateLanguage.values
    ):
        raise CodedHttpError(
            404, "template_not_found", _("Không có mẫu thông báo cho chủ đề, kênh và ngôn ngữ này.")
        )
    return spec


def _rendered(rendered: Rendered) -> dict[str, str]:
    return {
        "subject": rendered.subject,
        "body": rendered.body,
        "summary": rendered.summary,
        "sms_text": rendered.sms_text,
    }


def _template(spec: Topic, channel: str, language: str, saved: NotificationTemplate | None) -> dict[str, Any]:
    subject = saved.subject if saved else ""
    body = saved.body if saved else ""
    try:
        preview: dict[str, str] | None = _rendered(
            template_preview(topic=spec.key, channel=channel, language=language, subject=subject, body=body)
        )
        preview_error = ""
    except NotificationError as exc:
        preview, preview_error = None, str(exc)
    by = saved.updated_by if saved else None
    return {
        "topic": spec.key,
        "topic_label": str(spec.label),
        "channel": channel,
        "language": language,
        "customised": saved is not None,
        "subject": subject,
        "body": body,
        "updated_at": saved.updated_at if saved else None,
        "updated_by": (by.full_name or by.username) if by is not None else None,
        "placeholders": sorted(spec.placeholders()),
        "required": list(spec.required),
        "builtin": [
            {"field": field, "source": selectors.builtin_template_source(topic=spec.key, part=part)}
            for field, part in BUILTIN_PARTS[Channel(channel)]
        ],
        "preview": preview,
        "preview_error": preview_error,
    }


def _delivery(d: Delivery) -> dict[str, Any]:
    n = d.notification
    topic = TOPICS.get(n.topic)
    return {
        "id": d.pk,
        "created_at": d.created_at,
        "topic": n.topic,
        "topic_label": str(topic.label) if topic else n.topic,
        "channel": d.channel,
        "channel_label": str(d.get_channel_display()),
        "status": d.status,
        "status_label": str(d.get_status_display()),
        "attempts": d.attempts,
        "recipient_name": n.recipient_name,
        "contact": selectors.delivery_contact(d),
        "subject": n.subject,
        "last_error": d.last_error,
        "sent_at": d.sent_at,
        "next_attempt_at": d.next_attempt_at,
    }


def _user(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "full_name": user.full_name, "kind": user.kind}


def _chosen(user_id: int) -> User:
    chosen = selectors.preference_user_get(pk=user_id)
    if chosen is None:
        raise CodedHttpError(404, "user_not_found", _("Không tìm thấy tài khoản."))
    return chosen


TEMPLATE_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# -- templates -----------------------------------------------------------------------------------------


@router.get(
    "/templates",
    response={200: list[TemplateTopicOut], 403: ErrorOut},
    summary="Province administrator: every topic's templates, per channel and language",
)
def notif_template_list_api(request: HttpRequest) -> Status[object]:
    _administrator(request)
    custom = {(t.topic, t.channel, t.language): t for t in selectors.notification_templates()}
    languages = TemplateLanguage.choices
    return Status(
        200,
        [
            {
                "topic": key,
                "label": str(topic.label),
                "group": topic.group,
                "group_label": str(GROUPS.get(topic.group, topic.group)),
                "templates": [
                    {
                        "channel": channel.value,
                        "channel_label": str(channel.label),
                        "language": language,
                        "language_label": str(language_label),
                        "customised": (key, channel, language) in custom,
                        "updated_at": getattr(custom.get((key, channel, language)), "updated_at", None),
                    }
                    for channel in topic.channels
                    for language, language_label in languages
                ],
            }
            for key, topic in TOPICS.items()
        ],
    )


@router.get(
    "/templates/{topic}/{channel}/{language}",
    response={200: TemplateOut, 403: ErrorOut, 404: ErrorOut},
    summary="Province administrator: one template, the built-in text, the placeholders and a preview",
)
def notif_template_get_api(request: HttpRequest, topic: str, channel: str, language: str) -> Status[object]:
    _administrator(request)
    spec = _topic(topic, channel, language)
    saved = selectors.notification_template_get(topic=spec.key, channel=channel, language=language)
    return Status(200, _template(spec, channel, language, saved))


@router.put(
    "/templates/{topic}/{channel}/{language}",
    response={200: TemplateOut, **TEMPLATE_ERRORS},
    summary="Province administrator: save a template (new notifications use it)",
)
def notif_template_save_api(
    request: HttpRequest, topic: str, channel: str, language: str, payload: TemplateIn
) -> Status[object]:
    user = _administrator(request)
    spec = _topic(topic, channel, language)
    try:
        saved = notification_template_save(
            actor=user, topic=spec.key, channel=channel, language=language, subject=payload.subject,
            body=payload.body,
        )  # fmt: skip
    except NotificationError as exc:
        return coded_error(exc)
    return Status(200, _template(spec, channel, language, saved))


@router.delete(
    "/templates/{topic}/{channel}/{language}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Province administrator: go back to the built-in template",
)
def notif_template_reset_api(request: HttpRequest, topic: str, channel: str, language: str) -> Status[object]:
    """Idempotent: a template that was not customised answers 204 too (and writes nothing)."""
    user = _administrator(request)
    spec = _topic(topic, channel, language)
    saved = selectors.notification_template_get(topic=spec.key, channel=channel, language=language)
    if saved is not None:
        notification_template_delete(actor=user, template=saved)
    return Status(204, None)


@router.post(
    "/templates/{topic}/{channel}/{language}/preview",
    response={200: RenderedOut, **TEMPLATE_ERRORS},
    summary="Province administrator: render a template with sample data (nothing saved)",
)
def notif_template_preview_api(
    request: HttpRequest, topic: str, channel: str, language: str, payload: TemplateIn
) -> Status[object]:
    """An empty ``subject`` or ``body`` takes the saved (or built-in) one."""
    _administrator(request)
    spec = _topic(topic, channel, language)
    try:
        rendered = template_preview(
            topic=spec.key, channel=channel, language=language, subject=payload.subject, body=payload.body
        )
    except NotificationError as exc:
        return coded_error(exc)
    return Status(200, _rendered(rendered))


# -- the delivery log ----------------------------------------------------------------------------------


@router.get(
    "/deliveries",
    response=list[DeliveryOut],
    summary="Province administrator: the delivery log, newest first (contacts masked)",
)
@paginate(PageNumberPagination, page_size=50)
def notif_delivery_log_api(request: HttpRequest, filters: Query[DeliveryFilter]) -> Any:
    _administrator(request)
    rows = selectors.delivery_log(
        status=filters.status.value if filters.status else "",
        channel=filters.channel.value if filters.channel else "",
        topic=filters.topic.strip(),
    )
    return PageHook(rows, lambda page: [_delivery(d) for d in page])


# -- other users' preferences --------------------------------------------------------------------------


@router.get(
    "/users",
    response={200: list[PreferenceUserOut], 403: ErrorOut},
    summary="Province administrator: find an account (username, name or email), at most 20",
)
def notif_user_search_api(request: HttpRequest, params: Query[UserSearch]) -> Status[object]:
    _administrator(request)
    return Status(200, [_user(u) for u in selectors.preference_users(q=params.q)])


@router.get(
    "/users/{user_id}/preferences",
    response={200: UserPreferencesOut, 403: ErrorOut, 404: ErrorOut},
    summary="Province administrator: an account's notification channels and language",
)
def notif_user_preferences_get_api(request: HttpRequest, user_id: Id) -> Status[object]:
    _administrator(request)
    chosen = _chosen(user_id)
    return Status(200, {**preferences_answer(chosen), "user": _user(chosen)})


@router.put(
    "/users/{user_id}/preferences",
    response={200: UserPreferencesOut, **TEMPLATE_ERRORS},
    summary="Province administrator: change an account's notification channels and language",
)
def notif_user_preferences_set_api(
    request: HttpRequest, user_id: Id, payload: PreferencesIn
) -> Status[object]:
    """Recorded in the audit trail with the administrator as the one who changed them."""
    admin = _administrator(request)
    chosen = _chosen(user_id)
    try:
        preference_set(user=chosen, accepted=payload.accepted, language=payload.language.value, actor=admin)
    except NotificationError as exc:
        return coded_error(exc)
    return Status(200, {**preferences_answer(chosen), "user": _user(chosen)})
