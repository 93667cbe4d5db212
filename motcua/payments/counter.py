"""Payments made outside a gateway: cash at the one-stop counter, or a bank transfer to the agency's account.

An officer of the collecting unit (or a one-stop officer of the dossier's receiving point, who collects on its
behalf) records the payment with the number of the paper or electronic receipt they issued. In one
transaction: the order is locked; the amount must equal the order's; the receipt number must be valid and
not used before by the same agency; the order becomes paid (channel ``counter`` or ``bank_transfer``), a
paid ``PaymentTransaction`` is written (so the database invariant "one paid transaction per order" guards
this path too), the audit row is appended and the dossier is marked paid through
``dossier_fee_paid(..., online=False)``. A second recording is refused with the receipt already on file.

Who may see and act on an order is decided here too (``order_visible_to``, ``may_collect``,
``leads_collecting_unit``), from the dossier app's ``staff_scope``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, Role, User
from motcua.core.audit import audit_record
from motcua.core.models import AuditEvent
from motcua.dossiers.access import LEADER_ROLES, staff_scope
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_fee_paid
from motcua.dossiers.status import FEE_PAYABLE, DossierStatus
from motcua.org.models import OrgUnit

from .errors import NothingToPay, PaymentError
from .models import OPEN_ORDER_STATES, OrderStatus, PayChannel, PaymentOrder, PaymentTransaction, TxnStatus
from .services import order_mark_paid

#: The channels an officer records by hand.
OFFLINE_CHANNELS: frozenset[str] = frozenset({PayChannel.COUNTER, PayChannel.BANK_TRANSFER})
#: Receipt numbers the system issues itself for online payments (``services._issue_receipt_number``).
SYSTEM_RECEIPT_PREFIX = "BL-"
RECEIPT_MAX_LENGTH = 40
_RECEIPT = re.compile(r"[A-Z0-9](?:[A-Z0-9/.\-]*[A-Z0-9])?")
_SPACES = re.compile(r"\s+")
#: Roles that lead the collecting unit: they may decide a refund outside the usual cases.
DECIDING_ROLES: frozenset[str] = frozenset({Role.AGENCY_LEADER, Role.DIVISION_HEAD})
#: Roles of the receiving point that collect at the counter on the collecting unit's behalf.
COUNTER_ROLES: frozenset[str] = frozenset({Role.ONE_STOP_OFFICER, *LEADER_ROLES})
#: Any working role at the collecting unit itself (its accountant is one of its staff).
UNIT_ROLES: frozenset[str] = frozenset(
    {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN}
)


class PaymentNotAllowed(PaymentError):
    """The officer may see the order but not act on it (role or unit)."""

    code = "payment_not_allowed"
    http_status = 403


class InvalidPayment(PaymentError):
    code = "invalid_payment"
    http_status = 422


class AlreadyPaid(PaymentError):
    code = "already_paid"
    http_status = 409


class ReceiptNumberTaken(PaymentError):
    code = "receipt_number_taken"
    http_status = 409


# -- access -----------------------------------------------------------------------------------------------


def collecting_units_visible(user: User) -> QuerySet[OrgUnit]:
    """The collecting units of the orders ``user`` sees (a filter's options)."""
    return OrgUnit.objects.filter(
        pk__in=orders_visible_queryset(user).order_by().values("agency_id")
    ).order_by("name")


def orders_visible_queryset(user: User) -> QuerySet[PaymentOrder]:
    """Orders of the units the user works in (or leads): collected by them, or received at their counter."""
    base = PaymentOrder.objects.all()
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return base.none()
    scope = staff_scope(user)
    if scope.sees_all:
        return base
    units = scope.visible_units
    if not units:
        return base.none()
    return base.filter(Q(agency_id__in=units) | Q(dossier__receiving_point_id__in=units))


def order_visible_to(user: User, order: PaymentOrder) -> bool:
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    scope = staff_scope(user)
    if scope.sees_all:
        return True
    receiving = (
        Dossier.objects.filter(pk=order.dossier_id).values_list("receiving_point_id", flat=True).first()
    )
    return order.agency_id in scope.visible_units or receiving in scope.visible_units


def may_collect(user: User, order: PaymentOrder, *, receiving_point_id: int | None = None) -> bool:
    """May ``user`` record a payment on (or refund) ``order``? Staff of the collecting unit, one-stop officers
    and leaders of the dossier's receiving point, the province administrator; never the auditor."""
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    scope = staff_scope(user)
    if scope.province_admin:
        return True
    if scope.roles_at(order.agency_id) & UNIT_ROLES:
        return True
    if receiving_point_id is None:
        receiving_point_id = (
            Dossier.objects.filter(pk=order.dossier_id).values_list("receiving_point_id", flat=True).first()
        )
    return receiving_point_id is not None and bool(scope.roles_at(receiving_point_id) & COUNTER_ROLES)


def order_get_for_user(user: User, pk: int) -> PaymentOrder | None:
    """The order with its dossier and agency if ``user`` may see it; None otherwise (missing or not theirs)."""
    order = (
        PaymentOrder.objects.select_related(
            "agency", "dossier", "dossier__procedure_version", "dossier__receiving_point"
        )
        .filter(pk=pk)
        .order_by()
        .first()
    )
    return order if order is not None and order_visible_to(user, order) else None


def order_history(order: PaymentOrder) -> list[AuditEvent]:
    """The audit rows of the order (created, paid, refunded…), oldest first."""
    return list(
        AuditEvent.objects.filter(
            object_type=PaymentOrder._meta.label_lower, object_id=str(order.pk)
        ).order_by("seq")
    )


def leads_collecting_unit(user: User, order: PaymentOrder) -> bool:
    """A leader of the collecting unit (agency leader, division head): may decide a refund in any case."""
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    return bool(staff_scope(user).roles_at(order.agency_id) & DECIDING_ROLES)


# -- receipt numbers --------------------------------------------------------------------------------------


def receipt_number_clean(value: str) -> str:
    """The receipt number as stored: upper case, no spaces (``aa/26e - 0001234`` → ``AA/26E-0001234``).

    Letters, digits and the separators ``/ - .``; 3 to 40 characters with at least one digit; not the
    ``BL-`` numbers the system issues for online payments. Raises ``InvalidPayment``.
    """
    number = _SPACES.sub("", value or "").upper()
    if not number:
        raise InvalidPayment(_("Vui lòng nhập số biên lai."), code="receipt_required")
    if (
        len(number) < 3
        or len(number) > RECEIPT_MAX_LENGTH
        or not _RECEIPT.fullmatch(number)
        or not any(c.isdigit() for c in number)
    ):
        raise InvalidPayment(
            _(
                "Số biên lai “%(number)s” không hợp lệ: từ 3 đến 40 ký tự gồm chữ cái không dấu, chữ số và "
                "các dấu / - . (ví dụ AA/26E-0001234), có ít nhất một chữ số."
            ),
            code="receipt_invalid",
            number=number[:60],
        )
    if number.startswith(SYSTEM_RECEIPT_PREFIX):
        raise InvalidPayment(
            _(
                "Số biên lai bắt đầu bằng “BL-” dành cho biên lai điện tử do hệ thống cấp khi thanh toán trực tuyến."
            ),
            code="receipt_reserved",
        )
    return number


def _amount(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidPayment(_("Số tiền phải là số nguyên đồng."), code="amount_invalid")
    try:
        amount = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidPayment(_("Số tiền phải là số nguyên đồng."), code="amount_invalid") from exc
    if amount != value and str(value).strip() != str(amount):
        raise InvalidPayment(_("Số tiền phải là số nguyên đồng."), code="amount_invalid")
    return amount


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


# -- recording --------------------------------------------------------------------------------------------


def lock_order(order: PaymentOrder | int) -> PaymentOrder:
    """Lock and reload the order (its own row only), with its agency and dossier read alongside."""
    pk = order if isinstance(order, int) else order.pk
    return (
        PaymentOrder.objects.select_for_update(of=("self",))
        .select_related("agency", "dossier")
        .order_by()
        .get(pk=pk)
    )


def payment_order_record_offline(
    *,
    order: PaymentOrder,
    actor: User,
    channel: str,
    amount: Any,
    receipt_number: str,
    paid_at: dt.datetime | None = None,
    bank_reference: str = "",
    note: str = "",
) -> PaymentOrder:
    """Record a counter or bank-transfer payment of ``order``; returns the paid order.

    ``paid_at`` is when the money was received (defaults to now; not in the future). ``bank_reference`` is
    the bank's transaction number for a transfer. Raises ``InvalidPayment`` (input), ``PaymentNotAllowed``
    (role or unit), ``AlreadyPaid``, ``ReceiptNumberTaken``, ``NothingToPay`` (cancelled or refunded order),
    or the dossier app's ``InvalidTransition`` when the dossier can no longer take a payment.
    """
    if channel not in OFFLINE_CHANNELS:
        raise InvalidPayment(
            _("Vui lòng chọn hình thức nộp: tại quầy hoặc chuyển khoản."), code="channel_invalid"
        )
    number = receipt_number_clean(receipt_number)
    value = _amount(amount)
    now = timezone.now()
    when = paid_at or now
    if timezone.is_naive(when):
        raise InvalidPayment(_("Thời điểm nộp tiền không hợp lệ."), code="paid_at_invalid")
    if when > now + dt.timedelta(minutes=5):
        raise InvalidPayment(_("Thời điểm nộp tiền không được ở tương lai."), code="paid_at_future")
    bank_reference = (bank_reference or "").strip()[:64]
    note = (note or "").strip()[:500]
    if channel == PayChannel.BANK_TRANSFER and not bank_reference:
        raise InvalidPayment(
            _("Vui lòng nhập mã giao dịch chuyển khoản của ngân hàng."), code="bank_reference_required"
        )
    with transaction.atomic():
        locked = lock_order(order)
        dossier = locked.dossier
        if not may_collect(actor, locked, receiving_point_id=dossier.receiving_point_id):
            raise PaymentNotAllowed(_("Bạn không thuộc đơn vị thu khoản phí, lệ phí này."))
        if locked.status == OrderStatus.PAID:
            raise AlreadyPaid(
                _("Khoản phí, lệ phí này đã được ghi nhận thanh toán (biên lai số %(number)s)."),
                number=locked.receipt_number or "",
            )
        if locked.status not in OPEN_ORDER_STATES:
            raise NothingToPay(
                _("Yêu cầu thanh toán đang ở trạng thái “%(status)s”, không thể ghi nhận thanh toán."),
                status=str(OrderStatus(locked.status).label),
            )
        if value != locked.amount:
            raise InvalidPayment(
                _("Số tiền nộp (%(paid)s đồng) phải bằng số tiền phải nộp (%(due)s đồng)."),
                code="amount_mismatch",
                paid=_money(value),
                due=_money(locked.amount),
            )
        if dossier.status not in FEE_PAYABLE:
            raise InvalidPayment(
                _("Hồ sơ đang ở trạng thái “%(status)s”, không thể ghi nhận nộp phí, lệ phí."),
                code="dossier_not_payable",
                status=str(DossierStatus(dossier.status).label),
            )
        taken = PaymentOrder.objects.filter(receipt_number=number).exclude(pk=locked.pk).first()
        if taken is not None:
            if taken.agency_id == locked.agency_id:
                raise ReceiptNumberTaken(
                    _("Số biên lai %(number)s đã được dùng cho một khoản thu khác của đơn vị."), number=number
                )
            raise ReceiptNumberTaken(
                _("Số biên lai %(number)s đã có trong hệ thống (đơn vị thu khác); vui lòng kiểm tra lại."),
                number=number,
            )
        try:
            with transaction.atomic():  # a savepoint: a concurrent use of the number is a clear refusal
                PaymentTransaction.objects.create(
                    order=locked,
                    gateway=channel,
                    txn_ref=f"{'QUAY' if channel == PayChannel.COUNTER else 'CK'}-{locked.pk}",
                    amount=value,
                    status=TxnStatus.PAID,
                    gateway_txn_no=bank_reference,
                    raw_params={"receipt_number": number, "recorded_by": actor.get_username(), "note": note},
                    completed_at=when,
                )
                order_mark_paid(locked, channel=channel, at=when, receipt_number=number)
        except IntegrityError as exc:
            raise ReceiptNumberTaken(
                _("Số biên lai %(number)s vừa được dùng cho một khoản thu khác; vui lòng kiểm tra lại."),
                number=number,
            ) from exc
        audit_record(
            action="payment.paid_offline",
            actor=actor,
            obj=locked,
            data={
                "dossier": dossier.code,
                "channel": channel,
                "amount": value,
                "receipt": number,
                "paid_at": when.isoformat(),
                "bank_reference": bank_reference,
                "note": note,
            },
        )
        dossier_fee_paid(
            dossier=dossier, order_ref=number, amount=value, channel=channel, online=False, actor=actor
        )
    return locked
