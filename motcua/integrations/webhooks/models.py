"""What the webhooks keep (app ``integrations``; imported by its ``models.py``).

* ``WebhookEndpoint`` — a client system's URL, its secret (sealed), the event types and units it wants.
* ``WebhookDelivery`` — the outbox and the delivery log: one row per (endpoint, event), written by the
  dossier event hook in the event's own transaction and sent by ``motcua deliver_webhooks`` after commit.
* ``WebhookAttempt`` — one row per attempt at a delivery (when, how long, the answer), the evidence when a
  receiver says it never got an event. A table rather than a capped JSON list on the delivery: attempts are
  few per delivery (seven at most per round), are never rewritten once finished, and the admin and the
  monitoring page list them without decoding anything.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit

from .addresses import check_url
from .events import validate_event_types


def _all_events() -> list[str]:
    return ["*"]


class WebhookEndpoint(models.Model):
    """A client system that receives dossier events.

    ``secret_sealed`` is the signing secret encrypted at rest (``sealing.seal``); it is shown to the
    administrator once, when the endpoint is created or its secret rotated. ``units`` limits the events to
    dossiers received, resolved or worked on by those units or units below them; empty means every unit of
    the province.
    """

    name = models.CharField(_("tên hệ thống nhận"), max_length=200)
    url = models.URLField(
        _("địa chỉ nhận (URL)"),
        max_length=500,
        help_text=_("Bắt buộc https (http chỉ cho địa chỉ nội bộ máy khi chạy thử)."),
    )
    secret_sealed = models.TextField(_("khóa ký (đã mã hóa)"), editable=False)
    #: The secret before the last rotation still signs until ``previous_secret_until`` (receivers switch).
    previous_secret_sealed = models.TextField(editable=False, blank=True, default="")
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    secret_rotated_at = models.DateTimeField(_("đổi khóa lúc"), null=True, blank=True, editable=False)
    event_types = models.JSONField(
        _("loại sự kiện"), default=_all_events, help_text=_("Danh sách loại sự kiện; “*” là mọi loại.")
    )
    units = models.ManyToManyField(
        OrgUnit,
        verbose_name=_("đơn vị"),
        blank=True,
        related_name="+",
        help_text=_("Để trống: mọi đơn vị của tỉnh. Chọn một đơn vị gồm cả các đơn vị trực thuộc."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    disabled_reason = models.CharField(_("lý do ngừng"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("điểm nhận webhook")
        verbose_name_plural = _("điểm nhận webhook")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        problem = check_url(self.url or "")
        if problem:
            errors["url"] = [ValidationError(problem, code="webhook_url")]
        try:
            self.event_types = validate_event_types(self.event_types)
        except ValueError:
            errors["event_types"] = [
                ValidationError(_("Chọn ít nhất một loại sự kiện hợp lệ."), code="webhook_event_types")
            ]
        if errors:
            raise ValidationError(errors)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Lỗi, sẽ gửi lại")
    GAVE_UP = "gave_up", _("Đã ngừng gửi")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, then its log.

    ``uid`` is sent as ``X-Motcua-Delivery`` on every attempt: the receiver's idempotency key. (endpoint,
    event id) is unique, so the same event is never queued twice for an endpoint. Rows of one dossier and
    endpoint go in ``event_seq`` order: a row waits while an earlier one is pending or being retried.
    """

    uid = models.UUIDField(_("mã lần gửi"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("điểm nhận"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("mã sự kiện"), max_length=64)
    event_type = models.CharField(_("loại sự kiện"), max_length=40)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_seq = models.PositiveIntegerField(_("thứ tự sự kiện"), null=True, blank=True)
    payload = models.JSONField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    #: When the row may be sent (again); a worker sending it pushes this a lease ahead. None once settled.
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("gửi lần gần nhất lúc"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("mã trả lời gần nhất"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("thời gian trả lời (ms)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("nhật ký gửi webhook")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhookdelivery_once_per_endpoint"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhookdelivery_delivered_has_time",
            ),
        ]
        indexes = [
            # The worker: what is due (status, next_attempt_at) …
            models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due"),
            # … and whether an earlier event of the same dossier still waits for the same endpoint.
            models.Index(fields=["endpoint", "dossier", "event_seq"], name="webhookdelivery_order"),
            # The monitoring page: the last deliveries of an endpoint.
            models.Index(fields=["endpoint", "-created_at"], name="webhookdelivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class AttemptOutcome(models.TextChoices):
    IN_FLIGHT = "in_flight", _("Đang gửi / bị ngắt giữa chừng")
    DELIVERED = "delivered", _("Thành công")
    RETRY = "retry", _("Lỗi tạm thời, sẽ gửi lại")
    GAVE_UP = "gave_up", _("Lỗi, ngừng gửi")


class WebhookAttempt(models.Model):
    """One attempt: written when a worker claims the delivery (``in_flight``), finished when the answer is
    recorded. One left ``in_flight`` is an attempt whose worker died: the delivery went out again later
    under the same ``X-Motcua-Delivery``."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("lần gửi"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("lần thứ"))
    started_at = models.DateTimeField(_("bắt đầu"))
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=AttemptOutcome.choices, default=AttemptOutcome.IN_FLIGHT
    )
    status_code = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần thử gửi webhook")
        verbose_name_plural = _("các lần thử gửi webhook")
        ordering = ["delivery", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.outcome}"
