"""The notification outbox and its delivery log.

A ``Notification`` is one message about one event to one person, rendered once (in Vietnamese) when the
state change happens and stored in the same transaction. Each channel it goes out on is a ``Delivery``
row: the delivery log, with its status, attempts, last error and the provider's message id. In-app
deliveries are the inbox: they are sent the moment they are stored and carry ``read_at``.

Rows are written by ``motcua.notifications.services`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    INAPP = "inapp", _("Hộp thư trên cổng")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi, sẽ gửi lại")
    GAVE_UP = "gave_up", _("Đã ngừng gửi")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    recipient_name = models.CharField(_("tên người nhận"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("email người nhận"), blank=True)
    recipient_phone = models.CharField(_("số điện thoại người nhận"), max_length=16, blank=True)
    topic = models.CharField(_("chủ đề"), max_length=64)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung thư"))
    summary = models.TextField(_("nội dung ngắn (hộp thư)"))
    sms_text = models.CharField(_("nội dung tin nhắn"), max_length=480, blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    related_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    related_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(fields=["related_type", "related_id"], name="notif_related"),
            models.Index(fields=["topic"], name="notif_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient_name or self.recipient_id}"


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("nhật ký gửi thông báo")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_one_per_channel"),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(channel="inapp"), name="delivery_read_only_inapp"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["channel", "read_at"], name="delivery_inbox"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.status}"
