"""The errors of the plan services: not allowed, bad input (per field, nothing written)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError


class PlanError(CodedError):
    code = "plan_error"
    http_status = 400


class PlanNotAllowed(PlanError):
    code = "plan_not_allowed"
    http_status = 403
    default_message = _("Bạn không có quyền nhập số liệu kế hoạch cải cách hành chính.")


class PlanInputError(PlanError):
    """Bad input; ``errors`` maps a field name ("" for the whole form) to its messages. Nothing written."""

    code = "plan_input_invalid"
    default_message = _("Số liệu chưa hợp lệ, vui lòng sửa các lỗi được đánh dấu.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


class _Problems:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise PlanInputError(self.errors)
