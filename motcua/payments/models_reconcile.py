"""Reconciliation against a gateway's daily statement: one run per uploaded file, its mismatches.

Written only by ``motcua.payments.reconcile``. Meant to be star-imported at the end of ``payments/models.py``
(as ``reporting/models.py`` does with ``plan_models``), so that Django registers the models at start-up. A mismatch is resolved once, with a note (audited); the
check constraint keeps "resolved" and "has a note and a resolver" together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.org.models import OrgUnit

from .models import PayChannel, PaymentOrder

__all__ = ["MismatchKind", "ReconciliationMismatch", "ReconciliationRun"]


class MismatchKind(models.TextChoices):
    MISSING_IN_STATEMENT = "missing_in_statement", _("Đã thanh toán tại hệ thống nhưng không có trong sao kê")
    NOT_PAID_HERE = "not_paid_here", _("Có trong sao kê nhưng hệ thống chưa ghi nhận thanh toán")
    AMOUNT_DIFFERS = "amount_differs", _("Số tiền chênh lệch")
    UNKNOWN_REFERENCE = "unknown_reference", _("Mã giao dịch không có trong hệ thống")


class ReconciliationRun(models.Model):
    agency = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị thu"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("ngày đối soát"))
    gateway = models.CharField(_("cổng thanh toán"), max_length=16, choices=PayChannel.choices)
    file_name = models.CharField(_("tệp sao kê"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("mã băm tệp"), max_length=64)
    statement_rows = models.PositiveIntegerField(_("số dòng sao kê"), default=0)
    statement_total = models.BigIntegerField(_("tổng tiền theo sao kê"), default=0)
    system_total = models.BigIntegerField(_("tổng tiền theo hệ thống"), default=0)
    created_at = models.DateTimeField(_("đối soát lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đối soát"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Declared so that type checkers know the manager even before ``models.py`` imports this module.
    objects: models.Manager[ReconciliationRun] = models.Manager()

    class Meta:
        verbose_name = _("lần đối soát")
        verbose_name_plural = _("lần đối soát")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "day"], name="reconrun_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.gateway} ({self.file_name})"


class ReconciliationMismatch(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="mismatches")
    kind = models.CharField(_("loại chênh lệch"), max_length=24, choices=MismatchKind.choices)
    txn_ref = models.CharField(_("mã giao dịch gửi cổng"), max_length=64)
    gateway_txn_no = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    order = models.ForeignKey(
        PaymentOrder,
        verbose_name=_("yêu cầu thanh toán"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    system_amount = models.BigIntegerField(_("số tiền theo hệ thống"), null=True, blank=True)
    statement_amount = models.BigIntegerField(_("số tiền theo sao kê"), null=True, blank=True)
    statement_line = models.PositiveIntegerField(_("dòng trong tệp"), null=True, blank=True)
    statement_status = models.CharField(_("trạng thái theo sao kê"), max_length=32, blank=True)
    resolved_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("ghi chú xử lý"), blank=True)

    objects: models.Manager[ReconciliationMismatch] = models.Manager()

    class Meta:
        verbose_name = _("chênh lệch đối soát")
        verbose_name_plural = _("chênh lệch đối soát")
        ordering = ["run", "kind", "txn_ref", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "txn_ref"], name="reconmismatch_one_per_ref"),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True) & Q(resolution_note=""))
                | (Q(resolved_at__isnull=False) & Q(resolved_by__isnull=False) & ~Q(resolution_note="")),
                name="reconmismatch_resolved_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.txn_ref}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
