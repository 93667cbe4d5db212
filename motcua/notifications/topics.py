"""The topics a notification can be about, with the context each one's templates need.

Templates live in ``templates/notifications/<topic>/``: ``subject.txt`` (email subject and inbox title),
``email.txt`` (email body), ``inapp.txt`` (short inbox text) and ``sms.txt`` (short text, sent without
diacritics — see ``motcua.notifications.text``). Every template also gets ``recipient_name``,
``province_name`` and ``portal_name``.
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
    )
}


def topic_choices() -> list[tuple[str, Promise]]:
    return [(topic.key, topic.label) for topic in TOPICS.values()]
