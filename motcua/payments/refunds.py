"""Refunding a paid order: paid → refunded, once, audited, with the reason.

Rules (docs/architecture/payments-reconciliation.md, "Refunds"):

- only a paid order is refunded, and only once (the order's status is the lock: refunded is final);
- the dossier must be over without a result the fee paid for — stopped at the applicant's request,
  refused at intake, or closed for an unanswered supplement request — unless a leader of the collecting
  unit (agency leader, division head) decides the refund (``leader_decision=True``), e.g. a fee collected
  twice or by mistake;
- the officer is one who may record payments of the order (``counter.may_collect``) and always writes the
  reason.

The money itself goes back outside the system (cash, transfer, or the gateway's refund function); what is
recorded here is the decision, who took it and why. The dossier's ``fee_status`` is not changed (the dossier
app has no "refunded" fee state yet).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.status import DossierStatus

from .counter import InvalidPayment, PaymentNotAllowed, leads_collecting_unit, lock_order, may_collect
from .errors import PaymentError
from .models import OrderStatus, PaymentOrder

#: Dossier states in which the fee is refunded on an officer's decision (no leader needed).
REFUNDABLE_DOSSIER_STATES: frozenset[str] = frozenset(
    {DossierStatus.STOPPED, DossierStatus.REFUSED, DossierStatus.CLOSED}
)
REASON_MAX_LENGTH = 1000


class AlreadyRefunded(PaymentError):
    code = "already_refunded"
    http_status = 409


class NotRefundable(PaymentError):
    code = "not_refundable"
    http_status = 409


def refund_needs_leader(order: PaymentOrder) -> bool:
    """Whether refunding ``order`` now needs a leader's decision (its dossier is not stopped/refused/closed)."""
    return order.dossier.status not in REFUNDABLE_DOSSIER_STATES


def payment_order_refund(
    *, order: PaymentOrder, actor: User, reason: str, leader_decision: bool = False
) -> PaymentOrder:
    """Mark ``order`` refunded. Raises ``InvalidPayment`` (no reason), ``PaymentNotAllowed`` (role or unit,
    or a leader's decision taken by someone who is not a leader), ``AlreadyRefunded``, ``NotRefundable``."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayment(_("Cần ghi rõ lý do hoàn tiền."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidPayment(_("Lý do hoàn tiền dài quá 1000 ký tự."), code="reason_too_long")
    with transaction.atomic():
        locked = lock_order(order)
        dossier = locked.dossier
        if not may_collect(actor, locked, receiving_point_id=dossier.receiving_point_id):
            raise PaymentNotAllowed(_("Bạn không thuộc đơn vị thu khoản phí, lệ phí này."))
        if locked.status == OrderStatus.REFUNDED:
            raise AlreadyRefunded(_("Khoản phí, lệ phí này đã được hoàn tiền."))
        if locked.status != OrderStatus.PAID:
            raise NotRefundable(
                _("Chỉ hoàn tiền khoản đã thanh toán; yêu cầu thanh toán đang ở trạng thái “%(status)s”."),
                status=str(OrderStatus(locked.status).label),
            )
        needs_leader = dossier.status not in REFUNDABLE_DOSSIER_STATES
        if needs_leader and not leader_decision:
            raise NotRefundable(
                _(
                    "Hồ sơ đang ở trạng thái “%(status)s”: chỉ hoàn tiền khi hồ sơ đã dừng xử lý, bị từ chối "
                    "tiếp nhận hoặc đã đóng, trừ khi lãnh đạo đơn vị thu quyết định."
                ),
                code="dossier_not_refundable",
                status=str(DossierStatus(dossier.status).label),
            )
        if leader_decision and not leads_collecting_unit(actor, locked):
            raise PaymentNotAllowed(
                _("Chỉ lãnh đạo đơn vị thu (lãnh đạo cơ quan, trưởng phòng) mới được quyết định hoàn tiền."),
                code="leader_required",
            )
        locked.status = OrderStatus.REFUNDED
        locked.save(update_fields=["status"])
        audit_record(
            action="payment.refunded",
            actor=actor,
            obj=locked,
            data={
                "dossier": dossier.code,
                "dossier_status": dossier.status,
                "amount": locked.amount,
                "channel": locked.channel,
                "receipt": locked.receipt_number,
                "reason": reason,
                "leader_decision": bool(leader_decision),
            },
        )
    return locked
