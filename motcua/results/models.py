"""The registry of issued results (sổ kết quả đã cấp) and the log of their public verifications.

``IssuedResult``: one signed electronic document issued by an agency for a dossier — the result generated
and signed when the dossier is decided (kind ``electronic``) or the certified scan of a paper result made at
the counter (kind ``digitised_paper``). Its ``code`` is printed on the document with a QR code of the public
verification page; the registry keeps the SHA-256 of the signed file, so a file is authentic only when its
signature validates *and* its hash is the one registered here *and* the result is still valid.

``VerificationLog``: every public verification (by code or by uploaded file), with its outcome. The client's
address is never stored in clear: only a keyed hash of it (for abuse investigations and rate limits).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.fields import EncryptedPersonalIdField
from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit


class HolderKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class ResultKind(models.TextChoices):
    ELECTRONIC = "electronic", _("Bản điện tử có chữ ký số")
    DIGITISED_PAPER = "digitised_paper", _("Bản sao điện tử từ bản giấy")


class ResultStatus(models.TextChoices):
    PENDING = "pending", _("Đang phát hành")
    VALID = "valid", _("Còn hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class RevokeReason(models.TextChoices):
    """The category shown to the public; the officer's own note stays internal."""

    ISSUED_IN_ERROR = "issued_in_error", _("Cấp sai nội dung hoặc sai thẩm quyền")
    FRAUD = "fraud", _("Hồ sơ có thông tin gian dối")
    HOLDER_REQUEST = "holder_request", _("Theo đề nghị của người được cấp")
    AUTHORITY_DECISION = "authority_decision", _("Theo quyết định của cơ quan có thẩm quyền")
    OTHER = "other", _("Lý do khác")


class IssuedResult(models.Model):
    code = models.CharField(_("mã kết quả"), max_length=20, unique=True)
    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+")
    holder_kind = models.CharField(_("loại người được cấp"), max_length=10, choices=HolderKind.choices)
    # Personal ID (person) or tax code (business); never shown on the public verification page. Encrypted at
    # rest (equality look-ups only).
    holder_key = EncryptedPersonalIdField(_("số định danh / mã số thuế"), plain_max_length=14, blank=True)
    holder_name = models.CharField(_("người được cấp"), max_length=255)
    document_type = models.CharField(_("loại giấy tờ"), max_length=40)
    title = models.CharField(_("tên kết quả"), max_length=500)
    kind = models.CharField(_("hình thức"), max_length=16, choices=ResultKind.choices)
    decision_note = models.TextField(_("nội dung quyết định"), blank=True)
    issued_at = models.DateTimeField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.PENDING
    )
    # A corrected re-issue points at the result it replaces; once it is signed the old one is superseded.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế kết quả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("thay thế lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(
        _("lý do thu hồi"), max_length=20, choices=RevokeReason.choices, blank=True
    )
    revoke_note = models.TextField(_("ghi chú thu hồi"), blank=True)
    file = models.CharField(_("tệp (lưu theo mã băm)"), max_length=200, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    signer_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan ký"), on_delete=models.PROTECT, related_name="+"
    )
    signer_subject = models.CharField(_("chứng thư số"), max_length=500, blank=True)
    signer_fingerprint = models.CharField(_("dấu vân tay chứng thư (SHA-256)"), max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_count = models.PositiveIntegerField(_("số lượt xác thực"), default=0)
    attempts = models.PositiveSmallIntegerField(_("số lần thử phát hành"), default=0)
    last_error = models.TextField(_("lỗi lần phát hành gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kết quả đã cấp")
        verbose_name_plural = _("sổ kết quả đã cấp")
        indexes = [
            models.Index(fields=["holder_kind", "holder_key"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"], condition=~Q(sha256=""), name="issuedresult_unique_file"
            ),
            # One original result of each kind per dossier; corrections are re-issues that replace it.
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=Q(replaces__isnull=True),
                name="issuedresult_one_original_per_dossier",
            ),
            models.CheckConstraint(
                condition=~Q(status="valid") | (~Q(sha256="") & Q(issued_at__isnull=False)),
                name="issuedresult_valid_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def filename(self) -> str:
        return f"{self.code}.pdf"


class VerificationMethod(models.TextChoices):
    URL = "url", _("Theo mã (quét mã QR)")
    UPLOAD = "upload", _("Tải tệp lên")


class VerificationOutcome(models.TextChoices):
    VALID = "valid", _("Xác thực")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")
    PENDING = "pending", _("Chưa phát hành xong")
    UNKNOWN = "unknown", _("Không có trong sổ")
    HASH_UNKNOWN = "hash_unknown", _("Tệp không khớp sổ kết quả")
    SIGNATURE_BROKEN = "signature_broken", _("Chữ ký số không hợp lệ")
    UNTRUSTED = "untrusted", _("Chứng thư số không được tin cậy")
    NO_SIGNATURE = "no_signature", _("Không có chữ ký số")
    MODIFIED = "modified", _("Tệp bị sửa sau khi ký")
    RATE_LIMITED = "rate_limited", _("Quá nhiều lượt tra cứu")


class VerificationLog(models.Model):
    result = models.ForeignKey(
        IssuedResult, null=True, blank=True, on_delete=models.PROTECT, related_name="verifications"
    )
    code_tried = models.CharField(_("mã tra cứu"), max_length=40, blank=True)
    sha256_tried = models.CharField(_("mã băm tệp"), max_length=64, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    method = models.CharField(_("cách xác thực"), max_length=8, choices=VerificationMethod.choices)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=VerificationOutcome.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    # HMAC-SHA256 of the client address with a server key, truncated: never the address itself.
    client_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt xác thực kết quả")
        verbose_name_plural = _("nhật ký xác thực kết quả")
        indexes = [models.Index(fields=["result", "-at"])]

    def __str__(self) -> str:
        return f"{self.code_tried or self.sha256_tried[:12]} {self.outcome}"
