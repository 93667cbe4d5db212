"""Users: citizens, businesses and staff; staff memberships in org units with roles."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.fields import EncryptedPersonalIdField
from motcua.core.models import TimeStampedModel
from motcua.core.validators import validate_cccd, validate_mst
from motcua.org.models import OrgUnit


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")
    STAFF = "staff", _("Cán bộ, công chức")


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    DIVISION_HEAD = "division_head", _("Trưởng phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    AUDITOR = "auditor", _("Thanh tra, kiểm tra")


class User(AbstractUser):
    """One login. Citizens sign in with their personal ID, businesses with their tax code, staff with a username.

    ``personal_id`` and ``tax_code`` are unique when present (database constraints), so the same person or
    business cannot hold two accounts. ``personal_id`` is encrypted at rest, and a citizen's ``username`` is
    not the personal ID (``motcua.accounts.usernames``): sign-in by personal ID looks the account up by it.
    """

    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=AccountKind.choices)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    # Stored encrypted (docs/architecture/personal-data.md): look-ups by the whole number only.
    personal_id = EncryptedPersonalIdField(
        _("số định danh cá nhân"), null=True, blank=True, validators=[validate_cccd]
    )
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    tax_code = models.CharField(  # noqa: DJ001 - NULL = none; unique when present
        _("mã số thuế"), max_length=14, null=True, blank=True, validators=[validate_mst]
    )
    representative = models.CharField(_("người đại diện theo pháp luật"), max_length=200, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("số lần đăng nhập sai liên tiếp"), default=0)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)

    REQUIRED_FIELDS = ["email", "full_name", "kind"]

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=Q(personal_id__isnull=False),
                name="user_unique_personal_id",
                violation_error_message=_("Đã có tài khoản với số định danh cá nhân này."),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(tax_code__isnull=False),
                name="user_unique_tax_code",
                violation_error_message=_("Đã có tài khoản với mã số thuế này."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="business") | Q(tax_code__isnull=False),
                name="user_business_has_tax_code",
                violation_error_message=_("Tài khoản doanh nghiệp phải có mã số thuế."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == AccountKind.STAFF

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Membership(TimeStampedModel):
    """A staff user's role in an org unit, for a period. Scope of access follows the unit (and its subtree)."""

    user = models.ForeignKey(
        User, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="memberships"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"), default=dt.date.today)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role", "valid_from"], name="membership_unique_assignment"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org_unit}"


# --- second factors and sign-in throttling (docs/operations/identity.md) ----------------------------------


class TotpDevice(TimeStampedModel):
    """A staff member's authenticator app (TOTP, RFC 6238): one per user.

    The shared secret is stored encrypted (``motcua.accounts.totp.seal``) and shown only while the device is
    unconfirmed. ``last_used_step`` is the 30-second time step of the last accepted code: a code is accepted
    only for a later step, so a code seen over a shoulder or replayed within its window is refused.
    """

    user = models.OneToOneField(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_sealed = models.TextField(_("khóa bí mật (đã mã hóa)"))
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("bước thời gian đã dùng gần nhất"), default=0)

    class Meta:
        verbose_name = _("ứng dụng xác thực")
        verbose_name_plural = _("ứng dụng xác thực")

    def __str__(self) -> str:
        return f"{self.user} — TOTP"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time recovery code, for a staff member who lost their authenticator; only its keyed hash is kept."""

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(_("mã băm"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã khôi phục")
        verbose_name_plural = _("mã khôi phục")
        indexes = [models.Index(fields=["user", "code_hash"], name="recoverycode_user_hash")]

    def __str__(self) -> str:
        return f"{self.user} — {self.pk}"


class OtpChannel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Email")


class OneTimeCode(models.Model):
    """A 6-digit sign-in code sent to a citizen; only its keyed hash is kept. The newest one of a user counts."""

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="one_time_codes"
    )
    code_hash = models.CharField(_("mã băm"), max_length=64)
    channel = models.CharField(_("kênh gửi"), max_length=5, choices=OtpChannel.choices)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã dùng một lần")
        verbose_name_plural = _("mã dùng một lần")
        indexes = [models.Index(fields=["user", "created_at"], name="onetimecode_user_created")]

    def __str__(self) -> str:
        return f"{self.user} — {self.created_at:%Y-%m-%d %H:%M}"


class LoginThrottle(models.Model):
    """Failures against an identifier that matches no account, keyed by a keyed hash of the identifier.

    Real accounts lock after repeated failures; without this, "locked" would only ever be shown for existing
    accounts, telling a prober which identifiers exist. Rows older than a day are pruned on write.
    """

    key = models.CharField(_("khóa"), max_length=64, unique=True)
    failures = models.PositiveSmallIntegerField(_("số lần sai"), default=0)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("giới hạn đăng nhập")
        verbose_name_plural = _("giới hạn đăng nhập")

    def __str__(self) -> str:
        return self.key[:12]


# --- API keys of client systems (motcua.accounts.models_apikeys, docs/api/authentication.md) ---------------

from .models_apikeys import ApiKey as ApiKey  # noqa: E402
from .models_apikeys import ApiKeyUse as ApiKeyUse  # noqa: E402
