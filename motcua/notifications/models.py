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


# --- reminders, editable templates, channel preferences ------------------------------------------------


class Reminder(models.Model):
    """One reminder or escalation, sent once: the unique ``key`` names what it is about (the scanner's
    kind, the object, the stage and the due moment it refers to), so a scan run twice — or two scans at
    once — sends it once. Written by ``services.remind_once`` in the transaction of its notifications."""

    key = models.CharField(_("khóa nhắc việc"), max_length=255, unique=True)
    kind = models.CharField(_("loại nhắc việc"), max_length=64)
    stage = models.CharField(_("mức"), max_length=32, blank=True)
    topic = models.CharField(_("chủ đề"), max_length=64)
    related_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    related_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    due_at = models.DateTimeField(_("hạn được nhắc"), null=True, blank=True)
    #: Who was told: ``[{"user": id, "name": ...}]`` (names only, no contact details).
    recipients = models.JSONField(_("người nhận"), default=list, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc, cảnh báo")
        indexes = [models.Index(fields=["related_type", "related_id"], name="reminder_related")]

    def __str__(self) -> str:
        return self.key


class TemplateLanguage(models.TextChoices):
    VI = "vi", _("Tiếng Việt")
    EN = "en", _("Tiếng Anh")


class NotificationTemplate(models.Model):
    """An administrator's text for one topic, channel and language; it replaces the built-in template file.

    Email: ``subject`` and ``body`` (the email text). In-app: ``subject`` (the inbox title, optional) and
    ``body`` (the short inbox text). SMS: ``body`` (sent without diacritics). Written by
    ``services.notification_template_save``, which checks every placeholder against the topic's context.
    """

    topic = models.CharField(_("chủ đề"), max_length=64)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    language = models.CharField(
        _("ngôn ngữ"), max_length=2, choices=TemplateLanguage.choices, default=TemplateLanguage.VI
    )
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["topic", "channel", "language"]
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "channel", "language"], name="notiftemplate_one_per_topic_channel_lang"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} / {self.channel} / {self.language}"


class ChannelPreference(models.Model):
    """One user's choice of channels per topic group, and the language of their notifications.

    ``accepted`` maps a topic group (``motcua.notifications.topics.GROUPS``) to the channels the user
    accepts for it (``["email", "sms"]``); a group that is not listed accepts every channel. The in-app
    inbox always receives, whatever is chosen here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("ngôn ngữ thông báo"), max_length=2, choices=TemplateLanguage.choices, default=TemplateLanguage.VI
    )
    accepted = models.JSONField(_("kênh nhận theo nhóm chủ đề"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn kênh nhận thông báo")
        verbose_name_plural = _("lựa chọn kênh nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.accepted}"
