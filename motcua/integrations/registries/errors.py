"""Typed errors of the national registry look-ups. Each has a stable ``code`` (for APIs, logs and tests) and a
Vietnamese message that tells the user the fallback: upload (or hand in) a copy of the document."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class RegistryError(CodedError):
    """The registry answered something we could not use (malformed answer, refused request, bad key)."""

    code = "registry_error"
    http_status = 502
    default_message = _(
        "Không lấy được thông tin từ cơ sở dữ liệu quốc gia (câu trả lời không hợp lệ). "
        "Bạn có thể tải lên (hoặc nộp) bản sao giấy tờ thay thế."
    )


class RegistryNotFound(RegistryError):
    code = "registry_not_found"
    http_status = 404
    default_message = _(
        "Không tìm thấy thông tin trong cơ sở dữ liệu quốc gia với số đã nhập. Hãy kiểm tra lại số, "
        "hoặc tải lên (nộp) bản sao giấy tờ thay thế."
    )


class RegistryUnavailable(RegistryError):
    """Timeout, connection refused or a 5xx answer: try later or use a copy."""

    code = "registry_unavailable"
    http_status = 503
    default_message = _(
        "Cơ sở dữ liệu quốc gia tạm thời không phản hồi. Vui lòng thử lại sau ít phút, "
        "hoặc tải lên (nộp) bản sao giấy tờ thay thế."
    )


class LookupRefused(RegistryError):
    """The look-up itself is not allowed: no stated purpose, or a key that is not a valid number."""

    code = "registry_lookup_refused"
    http_status = 400
    default_message = _("Việc tra cứu cơ sở dữ liệu quốc gia phải nêu rõ mục đích.")


class LookupNotAllowed(RegistryError):
    """Who asks may not look people up (not a staff member with a current unit): nothing is sent."""

    code = "registry_not_allowed"
    http_status = 403
    default_message = _(
        "Chỉ cán bộ, công chức đang công tác tại một đơn vị được tra cứu cơ sở dữ liệu quốc gia."
    )
