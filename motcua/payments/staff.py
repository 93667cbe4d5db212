"""What the staff see of payments (issue 8): the day's orders of their units with the totals collected per
channel and the CSV export, and what they may do on one order. Shared by the back office's payment pages
(``motcua.backoffice.views.payments``) and the API (``/api/v1/payments``), so both list, count and offer the
same things.

Visibility and the rights themselves are decided in ``counter`` (``orders_visible_queryset``,
``may_collect``, ``leads_collecting_unit``) and ``refunds``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.models import AuditEvent
from motcua.dossiers.status import FEE_PAYABLE

from .counter import leads_collecting_unit, may_collect, order_history, orders_visible_queryset
from .models import OPEN_ORDER_STATES, OrderStatus, PayChannel, PaymentOrder
from .reconcile import day_bounds
from .refunds import refund_needs_leader

#: Statuses whose money was collected (a refund is paid back later, it was collected that day all the same).
COLLECTED = (OrderStatus.PAID, OrderStatus.REFUNDED)
#: Audit actions of an order → what the history shows.
HISTORY_LABELS: dict[str, Any] = {
    "payment.order_created": _("Lập yêu cầu thanh toán"),
    "payment.paid": _("Thanh toán trực tuyến thành công"),
    "payment.paid_offline": _("Ghi nhận nộp tại quầy hoặc chuyển khoản"),
    "payment.paid_dossier_closed": _("Nhận tiền sau khi hồ sơ đã kết thúc"),
    "payment.refunded": _("Hoàn tiền"),
}


@dataclass(frozen=True)
class DayFilters:
    """The filters of the day's payments: the day (local), a collecting unit's code, a status, a channel
    (empty: any)."""

    day: dt.date
    unit: str = ""
    status: str = ""
    channel: str = ""

    @classmethod
    def of(
        cls, *, day: str | dt.date | None, unit: str = "", status: str = "", channel: str = ""
    ) -> DayFilters:
        """Lenient, as the page's query string is: an unreadable day is today, an unknown status or channel
        is no filter."""
        if not isinstance(day, dt.date):
            try:
                day = dt.date.fromisoformat(day or "")
            except ValueError:
                day = timezone.localdate()
        return cls(
            day=day,
            unit=unit or "",
            status=status if status in OrderStatus.values else "",
            channel=channel if channel in PayChannel.values else "",
        )


def orders_of_day(user: User, filters: DayFilters) -> tuple[QuerySet[PaymentOrder], QuerySet[PaymentOrder]]:
    """(the orders of the day with every filter, newest payment first; the day's orders of the unit without
    the status and channel filters, for ``day_totals``). An order belongs to the day it was paid, or — not
    paid yet — created."""
    start, end = day_bounds(filters.day)
    base = orders_visible_queryset(user).select_related("agency", "dossier", "dossier__procedure_version")
    if filters.unit:
        base = base.filter(agency__code=filters.unit)
    of_day = base.filter(
        Q(paid_at__gte=start, paid_at__lt=end)
        | Q(paid_at__isnull=True, created_at__gte=start, created_at__lt=end)
    )
    rows = of_day
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    # Unpaid orders after the paid ones on every database (PostgreSQL puts NULLs first in a descending order).
    return rows.order_by(F("paid_at").desc(nulls_last=True), "-created_at", "-pk"), of_day


def day_totals(of_day: QuerySet[PaymentOrder], day: dt.date) -> dict[str, Any]:
    """What was collected on ``day`` per channel (count, total in đồng), overall, and how much of it was
    refunded since."""
    start, end = day_bounds(day)
    collected = of_day.filter(status__in=COLLECTED, paid_at__gte=start, paid_at__lt=end)
    per_channel = {
        row["channel"]: (row["n"], row["total"] or 0)
        for row in collected.order_by().values("channel").annotate(n=Count("pk"), total=Sum("amount"))
    }
    channels = [
        {
            "label": label,
            "value": value,
            "count": per_channel.get(value, (0, 0))[0],
            "total": per_channel.get(value, (0, 0))[1],
        }
        for value, label in PayChannel.choices
    ]
    refunded = collected.filter(status=OrderStatus.REFUNDED).aggregate(n=Count("pk"), total=Sum("amount"))
    return {
        "channels": channels,
        "count": sum(c["count"] for c in channels),
        "total": sum(c["total"] for c in channels),
        "refunded_count": refunded["n"] or 0,
        "refunded_total": refunded["total"] or 0,
    }


def orders_csv(rows: QuerySet[PaymentOrder]) -> str:
    """The orders as CSV, with a byte-order mark so that Excel opens the Vietnamese text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _g("Mã yêu cầu"),
            _g("Mã hồ sơ"),
            _g("Đơn vị thu"),
            _g("Số tiền (đồng)"),
            _g("Trạng thái"),
            _g("Kênh thanh toán"),
            _g("Số biên lai"),
            _g("Thanh toán lúc"),
            _g("Tạo lúc"),
        ]
    )
    for order in rows:
        writer.writerow(
            [
                order.pk,
                order.dossier.code or "",
                order.agency.code,
                order.amount,
                order.get_status_display(),
                order.get_channel_display() if order.channel else "",
                order.receipt_number or "",
                timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M:%S") if order.paid_at else "",
                timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def orders_csv_filename(filters: DayFilters) -> str:
    return f"thanh-toan-{filters.unit or 'tat-ca'}-{filters.day.isoformat()}.csv"


@dataclass(frozen=True)
class OrderOffers:
    """What ``user`` may do on one order now (the services check it all again)."""

    can_record: bool
    can_refund: bool
    needs_leader: bool  # a refund outside the usual cases needs a leader of the collecting unit
    is_leader: bool


def order_offers(user: User, order: PaymentOrder) -> OrderOffers:
    dossier = order.dossier
    collects = may_collect(user, order, receiving_point_id=dossier.receiving_point_id)
    can_refund = collects and order.status == OrderStatus.PAID
    return OrderOffers(
        can_record=collects and order.status in OPEN_ORDER_STATES and dossier.status in FEE_PAYABLE,
        can_refund=can_refund,
        needs_leader=can_refund and refund_needs_leader(order),
        is_leader=leads_collecting_unit(user, order),
    )


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    label: str
    reason: str


def order_history_entries(order: PaymentOrder) -> list[HistoryEntry]:
    """The order's audit rows, oldest first, with what each means and the reason given (a refund's)."""
    return [
        HistoryEntry(
            event=e,
            label=str(HISTORY_LABELS.get(e.action, e.action)),
            reason=str(e.data.get("reason", "")) if isinstance(e.data, dict) else "",
        )
        for e in order_history(order)
    ]
