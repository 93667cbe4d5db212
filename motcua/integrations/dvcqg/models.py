"""What the national-portal synchronisation keeps (app ``integrations``; imported by its ``models.py``).

* ``PortalUpdate`` — the outbox: one row per dossier event to report to Cổng DVCQG, written by the dossier
  event hook in the event's own transaction and sent by ``motcua sync_dvcqg`` after commit.
* ``PortalDossier`` — a dossier that came from the portal: its national dossier code (the mapping).
* ``PortalMessage`` — every submission message pulled from the portal: accepted, duplicate, rejected (its
  content) or refused (its signature or timestamp), with the reason.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.fields import EncryptedPersonalIdField
from motcua.dossiers.models import Dossier


class UpdateState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã đồng bộ")
    FAILED = "failed", _("Lỗi, đã ngừng gửi")
    SKIPPED = "skipped", _("Bỏ qua, không gửi")


class PortalUpdate(models.Model):
    """One status change (or result, or new appointment) of one dossier, to report to the portal.

    ``idempotency_key`` names the (dossier, event) pair: the portal keeps each key once, so sending a row
    again after a lost answer or a worker's crash changes nothing there. Rows of one dossier are sent in
    ``event_seq`` order: a row waits while an earlier row of its dossier is not delivered.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="portal_updates"
    )
    event_seq = models.PositiveIntegerField(_("thứ tự sự kiện"))
    idempotency_key = models.CharField(_("khóa đồng bộ"), max_length=100, unique=True)
    kind = models.CharField(_("loại cập nhật"), max_length=12)
    portal_status = models.PositiveSmallIntegerField(_("trạng thái trên Cổng DVCQG"))
    #: What is sent, except the applicant's personal ID (``ChuHoSo.SoDinhDanh`` is kept empty here): that is
    #: in ``applicant_personal_id``, encrypted, and put back into the body when it is sent (``outbox.body_of``).
    payload = models.JSONField(_("nội dung gửi"))
    applicant_personal_id = EncryptedPersonalIdField(_("số định danh chủ hồ sơ"), blank=True, default="")
    occurred_at = models.DateTimeField(_("thời điểm sự kiện"))
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)
    state = models.CharField(
        _("trạng thái đồng bộ"), max_length=10, choices=UpdateState.choices, default=UpdateState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    #: When the row may be sent (again); a worker sending it pushes this a lease ahead. None once settled.
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("gửi lần gần nhất lúc"), null=True, blank=True)
    last_error_code = models.CharField(_("mã lỗi gần nhất"), max_length=60, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    delivered_at = models.DateTimeField(_("đồng bộ lúc"), null=True, blank=True)
    #: The portal already had this key (an earlier attempt reached it, its answer was lost).
    duplicate = models.BooleanField(_("Cổng đã có từ trước"), default=False)
    receipt = models.CharField(_("mã biên nhận của Cổng"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("cập nhật gửi Cổng DVCQG")
        verbose_name_plural = _("hàng đợi đồng bộ Cổng DVCQG")
        ordering = ["dossier", "event_seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "event_seq"], name="portalupdate_one_per_event"),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="portalupdate_delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="portalupdate_due"),
            models.Index(fields=["state", "delivered_at"], name="portalupdate_delivered"),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} → {self.portal_status} ({self.state})"


class PortalDossier(models.Model):
    """A dossier submitted on the national portal: its national code and the message it came in."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="portal_origin"
    )
    national_code = models.CharField(_("mã hồ sơ trên Cổng DVCQG"), max_length=60, unique=True)
    message_id = models.CharField(_("mã thông điệp"), max_length=100)
    submitted_on_portal_at = models.DateTimeField(_("nộp trên Cổng lúc"))
    created_at = models.DateTimeField(_("nhận về lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ nộp trên Cổng DVCQG")
        verbose_name_plural = _("hồ sơ nộp trên Cổng DVCQG")

    def __str__(self) -> str:
        return self.national_code


class MessageOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Đã nhận, tạo hồ sơ")
    DUPLICATE = "duplicate", _("Trùng, đã nhận")
    REJECTED = "rejected", _("Từ chối (nội dung)")
    REFUSED = "refused", _("Từ chối (chữ ký)")


class PortalMessage(models.Model):
    """One submission message pulled from the portal and what became of it. A message offered again with
    the same outcome and content only bumps ``seen_count`` (a refused message the portal keeps offering
    does not fill the table)."""

    message_id = models.CharField(_("mã thông điệp"), max_length=100, blank=True)
    national_code = models.CharField(_("mã hồ sơ trên Cổng DVCQG"), max_length=60, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=MessageOutcome.choices)
    reason_code = models.CharField(_("mã lý do"), max_length=60, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    payload_sha256 = models.CharField(_("mã băm nội dung"), max_length=64, blank=True)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("nhận lần cuối lúc"), default=timezone.now)
    seen_count = models.PositiveIntegerField(_("số lần nhận"), default=1)
    acknowledged = models.BooleanField(_("đã báo lại Cổng"), default=False)

    class Meta:
        verbose_name = _("thông điệp nhận từ Cổng DVCQG")
        verbose_name_plural = _("thông điệp nhận từ Cổng DVCQG")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=Q(outcome="accepted"), name="portalmessage_accepted_once"
            )
        ]
        indexes = [models.Index(fields=["message_id"], name="portalmessage_id")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome}"
