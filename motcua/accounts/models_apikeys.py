"""API keys of client systems, and their usage log (docs/api/authentication.md).

Other agencies' systems call ``/api/v1/`` with a key instead of a browser session. A key acts as its
``owner`` (typically a staff "system account" with memberships), narrowed to its ``operations`` and, when
``units`` is not empty, to the dossiers of those units' subtrees. Only the SHA-256 of the key is stored (see
``motcua.accounts.services_apikeys``); the key itself is shown once, when it is created or rotated.

The operation names live here, not in the API package, because the key model validates against them and a
domain app never imports an edge; ``motcua.api.auth.OPERATIONS`` is this tuple.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.org.models import OrgUnit

#: Stable names of what a key may do (used in key scopes, in ``api_auth(operation)`` and in the docs).
API_OPERATIONS: tuple[str, ...] = (
    "catalogue:read",
    "org:read",
    "dossiers:read",
    "dossiers:apply",
    "dossiers:process",
    "payments:read",
    "payments:write",
    "feedback:read",
    "feedback:write",
    "results:read",
    "reporting:read",
    "calendar:read",
    "catalogue:write",
    "calendar:write",
    "notifications:manage",
    "integrations:read",
    "payments:process",
    "registries:read",
    "plan:write",
)

#: What each operation allows, for the administrators' screens.
OPERATION_LABELS: dict[str, Any] = {
    "catalogue:read": _("Đọc danh mục thủ tục"),
    "org:read": _("Đọc danh mục cơ quan, đơn vị"),
    "dossiers:read": _("Đọc hồ sơ"),
    "dossiers:apply": _("Nộp hồ sơ: tạo, sửa, tải giấy tờ, nộp, bổ sung, rút"),
    "dossiers:process": _("Xử lý hồ sơ: tiếp nhận, chuyển, quyết định, trả kết quả"),
    "payments:read": _("Đọc thông tin thanh toán"),
    "payments:write": _("Khởi tạo thanh toán trực tuyến"),
    "feedback:read": _("Đọc phản ánh, kiến nghị"),
    "feedback:write": _("Gửi và xử lý phản ánh, kiến nghị"),
    "results:read": _("Đọc kết quả giải quyết"),
    "reporting:read": _("Đọc báo cáo, chỉ số"),
    "calendar:read": _("Đọc lịch làm việc"),
    "catalogue:write": _("Soạn, rà soát và công bố thủ tục hành chính"),
    "calendar:write": _("Quản trị lịch làm việc và giờ làm việc"),
    "notifications:manage": _("Quản trị mẫu thông báo, xem nhật ký gửi và tùy chọn nhận thông báo"),
    "integrations:read": _("Theo dõi đồng bộ với Cổng Dịch vụ công quốc gia"),
    "payments:process": _("Thu phí tại quầy, hoàn phí, đối soát thanh toán"),
    "registries:read": _("Tra cứu cơ sở dữ liệu quốc gia"),
    "plan:write": _("Cập nhật chỉ tiêu, nhiệm vụ kế hoạch cải cách hành chính"),
}

#: The most requests a minute a key may be given (a typo of three zeros should not disable the limit).
MAX_RATE_PER_MINUTE = 100_000

KeyState = Literal["active", "revoked", "expired"]


def validate_operations(value: Any) -> None:
    """A non-empty list of distinct names from ``API_OPERATIONS``."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Chọn ít nhất một thao tác cho khóa API."), code="operations_empty")
    unknown = [str(v) for v in value if v not in API_OPERATIONS]
    if unknown:
        raise ValidationError(
            _("Thao tác không hợp lệ: %(names)s."),
            code="operations_unknown",
            params={"names": ", ".join(unknown)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Mỗi thao tác chỉ được chọn một lần."), code="operations_repeated")


def default_rate_per_minute() -> int:
    return int(getattr(settings, "MOTCUA_API_KEY_RATE_PER_MINUTE", 120))


class ApiKey(models.Model):
    """One client system's key. Never deleted: revoked keys stay for the usage log and the audit trail.

    ``revoked_at`` in the future is a scheduled revocation (the grace period of a rotation): the key works
    until then. ``rotated_from`` links a key to the one it replaced.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản sử dụng"),
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text=_("Khóa hoạt động với quyền của tài khoản này, thu hẹp theo thao tác và đơn vị."),
    )
    name = models.CharField(_("tên khóa"), max_length=200)
    prefix = models.CharField(_("tiền tố"), max_length=32, unique=True, editable=False)
    secret_hash = models.CharField(_("mã băm"), max_length=64, editable=False)
    operations = models.JSONField(_("thao tác được phép"), default=list, validators=[validate_operations])
    units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("đơn vị"),
        blank=True,
        related_name="+",
        help_text=_("Chỉ hồ sơ của các đơn vị này (và đơn vị trực thuộc); để trống: như tài khoản sử dụng."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("số yêu cầu tối đa mỗi phút"),
        default=default_rate_per_minute,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RATE_PER_MINUTE)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng gần nhất"), null=True, blank=True)
    rotated_from = models.ForeignKey(
        "self",
        verbose_name=_("thay cho khóa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_per_minute__gte=1) & Q(rate_per_minute__lte=MAX_RATE_PER_MINUTE),
                name="apikey_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def state(self, now: dt.datetime | None = None) -> KeyState:
        now = now or timezone.now()
        if self.revoked_at is not None and self.revoked_at <= now:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.state(now) == "active"


class ApiKeyUse(models.Model):
    """One request that presented a key: accepted or refused (then ``key`` is empty when it matched none).

    ``path`` never has the query string (it may carry personal data); ``prefix`` is the public part of the
    key presented, only when the key was well-formed; the secret is never written anywhere.
    """

    key = models.ForeignKey(
        ApiKey, verbose_name=_("khóa"), on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    prefix = models.CharField(_("tiền tố"), max_length=32, blank=True)
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    method = models.CharField(_("phương thức"), max_length=10)
    path = models.CharField(_("đường dẫn"), max_length=500)
    operation = models.CharField(_("thao tác"), max_length=40, blank=True)
    status = models.PositiveSmallIntegerField(_("mã trạng thái"))
    error_code = models.CharField(_("mã lỗi xác thực"), max_length=40, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian xử lý (ms)"), default=0)
    client_ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt dùng khóa API")
        verbose_name_plural = _("nhật ký dùng khóa API")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["key", "at"], name="apikeyuse_key_at"),
            models.Index(fields=["at"], name="apikeyuse_at"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix or '-'} {self.method} {self.path} {self.status}"
