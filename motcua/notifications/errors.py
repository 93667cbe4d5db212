"""Typed errors of the notifications app: a stable ``code`` and a Vietnamese message.

They are raised by ``notify`` *before* anything is written, and signal a programming error in the caller
(an unknown topic, a missing context key, a naive datetime). A failed *delivery* is never an exception to
the caller: it is recorded on the delivery row and retried.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class NotificationError(CodedError):
    code = "notification_error"
    default_message = _("Lỗi tạo thông báo.")


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


class TemplateInvalid(NotificationError):
    """An administrator's template that cannot be saved (unknown placeholder, syntax error, forbidden tag)."""

    code = "template_invalid"
    default_message = _("Mẫu thông báo không hợp lệ.")


class PreferenceInvalid(NotificationError):
    code = "preference_invalid"
    default_message = _("Lựa chọn kênh nhận thông báo không hợp lệ.")
