"""Typed errors of the notifications app: a stable ``code`` and a Vietnamese message.

They are raised by ``notify`` *before* anything is written, and signal a programming error in the caller
(an unknown topic, a missing context key, a naive datetime). A failed *delivery* is never an exception to
the caller: it is recorded on the delivery row and retried.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class NotificationError(Exception):
    code: str = "notification_error"
    default_message: str | Promise = _("Lỗi tạo thông báo.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, **params: Any
    ) -> None:
        self.code = code or self.code
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class UnknownTopic(NotificationError):
    code = "unknown_topic"
    default_message = _("Chủ đề thông báo “%(topic)s” không tồn tại.")


class MissingContext(NotificationError):
    code = "missing_context"
    default_message = _("Thông báo “%(topic)s” thiếu dữ liệu: %(keys)s.")


class InvalidContext(NotificationError):
    code = "invalid_context"
    default_message = _("Dữ liệu “%(key)s” của thông báo “%(topic)s” không hợp lệ: %(problem)s")


class UnknownChannel(NotificationError):
    code = "unknown_channel"
    default_message = _("Kênh gửi “%(channel)s” không tồn tại.")
