"""The once-only data store (kho quản lý dữ liệu điện tử) and the access ledger.

``StoredDocument``: a document the state holds for a person (personal ID) or a business (tax code), with
its controlled type (``motcua.catalogue.choices.DocumentType``, the same list procedure components refer
to), validity and the content-addressed file (``motcua.core.blobs``). ``DocumentUse``: which dossier
component reused it. ``AccessEntry``: every read of a person's data by staff or by a registry look-up, shown
to that person ("Ai đã xem dữ liệu của tôi") and written to the audit chain in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.choices import DocumentType
from motcua.core.fields import EncryptedPersonalIdField
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.org.models import OrgUnit


class OwnerKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class DocumentOrigin(models.TextChoices):
    SUBMITTED = "submitted", _("Nộp trong hồ sơ")
    COUNTER = "counter", _("Số hóa tại bộ phận một cửa")
    RESULT = "result", _("Kết quả do cơ quan nhà nước cấp")
    REGISTRY = "registry", _("Từ cơ sở dữ liệu quốc gia")
    OWN_UPLOAD = "upload", _("Tự tải lên")


#: Origins whose documents the holder may remove from the store (issued results and registry data stay).
REMOVABLE_ORIGINS = frozenset({DocumentOrigin.OWN_UPLOAD, DocumentOrigin.SUBMITTED})


class StoredDocument(models.Model):
    owner_kind = models.CharField(_("chủ sở hữu"), max_length=10, choices=OwnerKind.choices)
    # Personal ID (12 digits) for a person, tax code for a business; encrypted at rest (equality look-ups).
    owner_key = EncryptedPersonalIdField(_("số định danh / mã số thuế"), plain_max_length=14)
    owner_name = models.CharField(_("họ tên / tên tổ chức"), max_length=255, blank=True)
    document_type = models.CharField(_("loại giấy tờ"), max_length=40, choices=DocumentType.choices)
    title = models.CharField(_("tên giấy tờ"), max_length=500)
    # Encrypted too: an ID card's number is the personal ID (up to 100 characters of any script: 600 stored).
    number = EncryptedPersonalIdField(_("số, ký hiệu"), plain_max_length=100, max_length=600, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    expires_on = models.DateField(_("có giá trị đến"), null=True, blank=True)
    file = models.CharField(_("tệp (lưu theo mã băm)"), max_length=200, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    content_type = models.CharField(_("kiểu tệp"), max_length=60, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    origin = models.CharField(_("nguồn"), max_length=12, choices=DocumentOrigin.choices)
    source_dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ nguồn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The issued result's code (motcua.results) when origin = result.
    result_code = models.CharField(_("mã kết quả"), max_length=40, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)
    removed_at = models.DateTimeField(_("gỡ khỏi kho lúc"), null=True, blank=True)
    # An issued result revoked or superseded by the issuing agency: kept for the holder to see, never
    # offered for reuse again.
    withdrawn_at = models.DateTimeField(_("hết giá trị lúc"), null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("lý do hết giá trị"),
        max_length=12,
        blank=True,
        choices=[("revoked", _("Đã bị thu hồi")), ("superseded", _("Đã được thay thế"))],
    )

    class Meta:
        ordering = ["owner_kind", "owner_key", "document_type", "-created_at"]
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu điện tử")
        indexes = [models.Index(fields=["owner_kind", "owner_key", "document_type"])]
        constraints = [
            models.CheckConstraint(condition=~Q(document_type=""), name="storeddocument_has_type"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="storeddocument_expiry_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def valid_on(self, day: dt.date) -> bool:
        return (
            self.removed_at is None
            and self.withdrawn_at is None
            and (self.expires_on is None or self.expires_on >= day)
        )

    @property
    def removable(self) -> bool:
        return self.origin in REMOVABLE_ORIGINS


class DocumentUse(models.Model):
    """A stored document attached to a dossier component without an upload (reuse)."""

    document = models.ForeignKey(StoredDocument, on_delete=models.PROTECT, related_name="uses")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    component = models.OneToOneField(DossierComponent, on_delete=models.CASCADE, related_name="reuse")
    used_at = models.DateTimeField(_("dùng lúc"), auto_now_add=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"{self.document} → {self.dossier}"


class AccessKind(models.TextChoices):
    DOSSIER_READ = "dossier_read", _("Xem hồ sơ")
    DOCUMENT_READ = "document_read", _("Xem giấy tờ")
    STORE_READ = "store_read", _("Xem kho dữ liệu")
    REGISTRY_LOOKUP = "registry_lookup", _("Tra cứu cơ sở dữ liệu quốc gia")


class AccessEntry(models.Model):
    """Who looked at a person's (or business's) data, when, from which unit, for which dossier and why."""

    subject_kind = models.CharField(_("chủ thể dữ liệu"), max_length=10, choices=OwnerKind.choices)
    subject_key = EncryptedPersonalIdField(_("số định danh / mã số thuế"), plain_max_length=14)
    kind = models.CharField(_("loại truy cập"), max_length=20, choices=AccessKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người truy cập"), max_length=200)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("đơn vị"), max_length=300, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    purpose = models.CharField(_("mục đích"), max_length=300)
    # For a registry look-up: which registry; for a document read: which document.
    source = models.CharField(_("nguồn dữ liệu"), max_length=200, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20, blank=True)
    audit_seq = models.PositiveBigIntegerField(_("số thứ tự nhật ký"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        indexes = [models.Index(fields=["subject_kind", "subject_key", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.kind} {self.subject_key} {self.at:%Y-%m-%d %H:%M}"
