"""Typed errors of the VNeID sign-in, each with a stable ``code`` (audit rows, logs, tests) and a Vietnamese
message for the citizen. None of them carries a token, a code or a claim value."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class VneidError(CodedError):
    """The sign-in could not be completed. ``http_status`` is what the callback page answers."""

    code = "vneid_error"
    http_status = 502
    default_message = _("Không hoàn tất được đăng nhập bằng VNeID. Vui lòng thử lại sau ít phút.")


class VneidNotConfigured(VneidError):
    code = "vneid_not_configured"
    http_status = 503
    default_message = _(
        "Chưa cấu hình kết nối VNeID (MOTCUA_VNEID: backend, issuer, client_id, client_secret)."
    )


class VneidUnavailable(VneidError):
    """Timeout, no connection, a 5xx answer: the provider may answer later."""

    code = "vneid_unavailable"
    http_status = 503
    default_message = _(
        "Hệ thống định danh điện tử VNeID tạm thời không phản hồi. Vui lòng thử lại sau ít phút."
    )


class VneidProtocolError(VneidError):
    """An answer that is not what OpenID Connect says (not JSON, a field missing, another issuer)."""

    code = "vneid_protocol"
    default_message = _("Hệ thống định danh điện tử VNeID trả lời không đúng giao thức.")


class VneidTokenRefused(VneidError):
    """The token endpoint refused the code (RFC 6749 §5.2: ``invalid_grant``, ``invalid_client`` …)."""

    code = "vneid_token_refused"
    http_status = 400
    default_message = _(
        "Mã xác thực từ VNeID không dùng được (đã dùng, đã hết hạn hoặc không hợp lệ). "
        "Vui lòng đăng nhập lại."
    )


class VneidTokenInvalid(VneidError):
    """The ID token failed a check (signature, issuer, audience, time, nonce, key): never trusted."""

    code = "vneid_id_token_invalid"
    http_status = 400
    default_message = _(
        "Thông tin xác thực nhận từ VNeID không hợp lệ nên không được chấp nhận. Vui lòng đăng nhập lại."
    )


class VneidClaimsInvalid(VneidError):
    """The provider vouched for the person but did not give a usable personal ID."""

    code = "vneid_claims_invalid"
    http_status = 400
    default_message = _(
        "VNeID không cung cấp số định danh cá nhân hợp lệ nên không thể đăng nhập. "
        "Vui lòng đồng ý chia sẻ số định danh cá nhân khi VNeID hỏi."
    )
