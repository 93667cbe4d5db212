"""The topics a notification can be about, with the context each one's templates need.

Templates live in ``templates/notifications/<topic>/``: ``subject.txt`` (email subject and inbox title),
``email.txt`` (email body), ``inapp.txt`` (short inbox text) and ``sms.txt`` (short text, sent without
diacritics — see ``motcua.notifications.text``). Every template also gets ``recipient_name``,
``province_name`` and ``sender_name``, and ``<key>_text`` for every moment key. Administrators may replace
a template per channel and language (``NotificationTemplate``); its placeholders are checked against
``Topic.placeholders()``.

Each topic belongs to a *group* (the part of its key before the dot): users choose their channels per group
(``ChannelPreference``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Channel

ALL_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS, Channel.INAPP)
RETURN_CHANNELS = ("counter", "post", "online")


@dataclass(frozen=True)
class Topic:
    key: str
    label: Promise
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Keys holding a moment: must be an aware datetime (or a date), never naive.
    moments: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = field(default=ALL_CHANNELS)

    def template(self, part: str) -> str:
        return f"notifications/{self.key}/{part}.txt"

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    def placeholders(self) -> frozenset[str]:
        """Every variable a template of this topic may use."""
        names = {*self.required, *self.optional, *COMMON_PLACEHOLDERS}
        names |= {f"{key}_text" for key in self.moments}
        if "items" in names:
            names.add("items_list")
        return frozenset(names)


#: Variables every template gets (see ``motcua.notifications.render.full_context``).
COMMON_PLACEHOLDERS = ("recipient_name", "province_name", "sender_name")

#: Topic groups, for the per-user channel preferences.
GROUPS: dict[str, Promise] = {
    "dossier": _("Tình trạng hồ sơ của tôi"),
    "evaluation": _("Mời đánh giá mức độ hài lòng"),
    "reminder": _("Nhắc việc, cảnh báo hạn xử lý (cán bộ)"),
}


TOPICS: dict[str, Topic] = {
    topic.key: topic
    for topic in (
        Topic(
            "dossier.received",
            _("Hồ sơ đã được tiếp nhận"),
            required=("code", "procedure_name", "due_at"),
            optional=("status_url", "received_at", "place"),
            moments=("due_at", "received_at"),
        ),
        Topic(
            "dossier.supplement_requested",
            _("Yêu cầu bổ sung hồ sơ"),
            required=("code", "procedure_name", "items", "deadline"),
            optional=("status_url", "note", "place"),
            moments=("deadline",),
        ),
        Topic(
            "dossier.apology",
            _("Thư xin lỗi và hẹn lại ngày trả kết quả"),
            required=("code", "procedure_name", "new_due_at", "reason"),
            optional=("status_url", "old_due_at"),
            moments=("new_due_at", "old_due_at"),
        ),
        Topic(
            "dossier.result_ready",
            _("Hồ sơ đã có kết quả"),
            required=("code", "procedure_name", "return_channel"),
            optional=("status_url", "place", "collect_from", "note"),
            moments=("collect_from",),
        ),
        Topic(
            "dossier.returned",
            _("Đã trả kết quả hồ sơ"),
            required=("code", "procedure_name"),
            optional=("status_url", "returned_at", "return_channel", "feedback_url"),
            moments=("returned_at",),
        ),
        Topic(
            "dossier.refused",
            _("Hồ sơ không được tiếp nhận"),
            required=("code", "procedure_name", "reason"),
            optional=("status_url",),
        ),
        Topic(
            "dossier.stopped",
            _("Hồ sơ đã dừng xử lý"),
            required=("code", "procedure_name"),
            optional=("status_url", "reason", "stopped_at"),
            moments=("stopped_at",),
        ),
        # Issue 9: the applicant is invited to rate a returned dossier (motcua.feedback.invite).
        Topic(
            "evaluation.invite",
            _("Mời đánh giá việc giải quyết hồ sơ"),
            required=("code", "procedure_name", "evaluation_url"),
            optional=("status_url", "returned_at"),
            moments=("returned_at",),
        ),
        # Issue 9: reminders and escalation (``motcua scan_deadlines``), to staff.
        Topic(
            "reminder.step_due",
            _("Nhắc việc: bước xử lý hồ sơ sắp đến hạn"),
            required=("code", "procedure_name", "step_name", "due_at"),
            optional=("status_url", "unit_name", "overdue"),
            moments=("due_at",),
        ),
        Topic(
            "reminder.step_overdue",
            _("Cảnh báo: bước xử lý hồ sơ đã quá hạn"),
            required=("code", "procedure_name", "step_name", "due_at"),
            optional=("status_url", "unit_name", "handler_name"),
            moments=("due_at",),
        ),
        Topic(
            "reminder.apology_needed",
            _("Cảnh báo: hồ sơ có nguy cơ trễ hẹn, chưa có thư xin lỗi"),
            required=("code", "procedure_name", "due_at", "apology_deadline"),
            optional=("status_url", "step_name", "unit_name", "step_due_at"),
            moments=("due_at", "apology_deadline", "step_due_at"),
        ),
        Topic(
            "reminder.feedback_due",
            _("Nhắc việc: phản ánh, kiến nghị sắp đến hạn"),
            required=("code", "title", "deadline_name", "due_at"),
            optional=("status_url", "unit_name", "overdue"),
            moments=("due_at",),
        ),
        Topic(
            "reminder.feedback_overdue",
            _("Cảnh báo: phản ánh, kiến nghị đã quá hạn"),
            required=("code", "title", "deadline_name", "due_at"),
            optional=("status_url", "unit_name"),
            moments=("due_at",),
        ),
    )
}


def topic_choices() -> list[tuple[str, Promise]]:
    return [(topic.key, topic.label) for topic in TOPICS.values()]


def topic_get(key: str) -> Topic | None:
    return TOPICS.get(key)


def group_choices() -> list[tuple[str, Promise]]:
    return list(GROUPS.items())
