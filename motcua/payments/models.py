"""Payment orders (what a dossier owes at one stage) and gateway transactions (each attempt to pay it).

Rows change only in ``motcua.payments.services``. The partial unique constraint
``paymenttxn_one_paid_per_order`` is the database invariant that makes crediting idempotent: an order can
never have two paid transactions, whatever the gateway sends and however often.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import OrgUnit


class Stage(models.TextChoices):
    AT_SUBMISSION = "at_submission", _("Khi nộp hồ sơ")
    BEFORE_PROCESSING = "before_processing", _("Trước khi giải quyết")
    BEFORE_RESULT = "before_result", _("Khi nhận kết quả")


class OrderStatus(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    PENDING = "pending", _("Đang thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUNDED = "refunded", _("Đã hoàn tiền")


#: An order in these states can still be paid (the citizen may retry after a failed attempt).
OPEN_ORDER_STATES = frozenset({OrderStatus.CREATED, OrderStatus.PENDING, OrderStatus.FAILED})


class PayChannel(models.TextChoices):
    VNPAY = "vnpay", _("Cổng thanh toán VNPay")
    NATIONAL = "national", _("Nền tảng thanh toán của Cổng Dịch vụ công quốc gia")
    COUNTER = "counter", _("Nộp tại bộ phận một cửa")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng")


class TxnStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    PAID = "paid", _("Thành công")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")


class PaymentOrder(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payment_orders"
    )
    agency = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị thu"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    items = models.JSONField(_("các khoản thu"), default=list)
    stage = models.CharField(_("thời điểm nộp"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.CREATED
    )
    channel = models.CharField(_("kênh thanh toán"), max_length=16, choices=PayChannel.choices, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu thanh toán")
        verbose_name_plural = _("yêu cầu thanh toán")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="paymentorder_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_at__isnull=False) & Q(receipt_number__isnull=False)),
                name="paymentorder_paid_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount} đ ({self.status})"


class PaymentTransaction(models.Model):
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="transactions")
    gateway = models.CharField(_("cổng thanh toán"), max_length=16, choices=PayChannel.choices)
    txn_ref = models.CharField(_("mã giao dịch gửi cổng"), max_length=64, unique=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TxnStatus.choices, default=TxnStatus.PENDING
    )
    gateway_txn_no = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=32, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=8, blank=True)
    raw_params = models.JSONField(_("dữ liệu cổng gửi về"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    completed_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="paid"), name="paymenttxn_one_paid_per_order"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="paymenttxn_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.status})"


class ReceiptCounter(models.Model):
    """The last receipt sequence number per agency and year; locked while issuing the next number."""

    agency_code = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "year"], name="receiptcounter_unique_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.year}: {self.last}"


from .models_reconcile import *  # noqa: E402,F403
