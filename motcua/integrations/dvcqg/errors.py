"""Typed errors of the national-portal synchronisation, each with a stable ``code`` (logs, the monitoring
page, tests) and a Vietnamese message for the people who read the monitoring page."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class PortalError(CodedError):
    """The portal's answer could not be used. ``transient``: sending the same update again later may work."""

    code = "dvcqg_error"
    transient = True
    default_message = _("Cổng Dịch vụ công quốc gia trả lời không đúng giao thức.")


class PortalUnavailable(PortalError):
    """Timeout, connection refused, a 5xx answer, or a refused credential (401/403/429): retry later."""

    code = "dvcqg_unavailable"
    default_message = _("Cổng Dịch vụ công quốc gia tạm thời không phản hồi; sẽ gửi lại sau.")


class PortalRejected(PortalError):
    """The portal refused this update for good (a 4xx answer about its content): kept visible, not resent."""

    code = "dvcqg_rejected"
    transient = False
    default_message = _("Cổng Dịch vụ công quốc gia từ chối nội dung cập nhật.")


class PortalNotConfigured(PortalError):
    code = "dvcqg_not_configured"
    default_message = _(
        "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia (MOTCUA_DVCQG: backend, url, token, secret)."
    )


class MessageRefused(CodedError):
    """A submission message from the portal that motcua does not take. ``outcome`` is ``refused`` (its
    signature or timestamp: not acknowledged, the portal offers it again) or ``rejected`` (its content:
    acknowledged as rejected, with the reason, so the portal can tell the citizen)."""

    code = "dvcqg_message_refused"
    outcome = "rejected"
    default_message = _("Thông điệp từ Cổng Dịch vụ công quốc gia không hợp lệ.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None,
                 outcome: str | None = None, **params: object) -> None:  # fmt: skip
        super().__init__(message, code=code, **params)
        if outcome is not None:
            self.outcome = outcome
