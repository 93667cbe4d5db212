"""Payment use cases. Every change of an order or a transaction is made here, in one transaction with its
audit row (``audit_record``) and, when a payment is credited, with the dossier's ``fee_paid`` event.

- ``payment_order_for(dossier)``: the open order of a dossier (created when fees are due), or None;
- ``vnpay_start(order=…, ip_addr=…)``: a new gateway transaction and the signed payment URL;
- ``vnpay_ipn(params)``: the gateway's server-to-server confirmation → ``IpnReply(RspCode, Message)``;
- ``vnpay_return_view(params)``: what the browser's return URL may show (reads only, changes nothing).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier, FeeStatus
from motcua.dossiers.services import dossier_fee_paid
from motcua.dossiers.status import FEE_PAYABLE

from .errors import GatewayNotConfigured, NothingToPay
from .fees import fee_items, first_stage
from .gateways import vnpay
from .models import (
    OPEN_ORDER_STATES,
    OrderStatus,
    PayChannel,
    PaymentOrder,
    PaymentTransaction,
    ReceiptCounter,
    TxnStatus,
)

logger = logging.getLogger(__name__)

#: VNPay response code for "the customer cancelled the payment".
VNP_CANCELLED = "24"


# -- configuration ----------------------------------------------------------------------------------------


def merchant_for(agency_code: str) -> vnpay.Merchant:
    """The VNPay merchant of a collecting agency (``MOTCUA_PAYMENT_GATEWAYS[code]`` or ``["default"]``)."""
    gateways = settings.MOTCUA_PAYMENT_GATEWAYS
    conf = gateways.get(agency_code) or gateways.get("default") or {}
    if not conf.get("tmn_code") or not conf.get("hash_secret"):
        raise GatewayNotConfigured(_("Cổng thanh toán trực tuyến chưa được cấu hình cho đơn vị thu."))
    return vnpay.Merchant(conf["tmn_code"], conf["hash_secret"], conf.get("pay_url", ""))


def merchant_by_tmn_code(tmn_code: str) -> tuple[str, vnpay.Merchant] | None:
    """The configured merchant with this terminal code, and its key (settings only, no database read)."""
    for key, conf in settings.MOTCUA_PAYMENT_GATEWAYS.items():
        if tmn_code and conf.get("tmn_code") == tmn_code and conf.get("hash_secret"):
            return key, vnpay.Merchant(conf["tmn_code"], conf["hash_secret"], conf.get("pay_url", ""))
    return None


# -- orders -----------------------------------------------------------------------------------------------


def payment_order_for(dossier: Dossier, *, actor: object = None) -> PaymentOrder | None:
    """The dossier's open (or paid) order; a new one when fees are due and none exists; None when nothing
    is due (fee status ``none``, every item waived, or a draft)."""
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "resolving_unit")
            .get(pk=dossier.pk)
        )
        existing = (
            PaymentOrder.objects.filter(dossier=locked)
            .filter(status__in=[*OPEN_ORDER_STATES, OrderStatus.PAID])
            .order_by("-created_at", "-pk")
            .first()
        )
        if existing is not None:
            return existing
        if locked.fee_status != FeeStatus.UNPAID or locked.status not in FEE_PAYABLE:
            return None
        items = fee_items(locked)
        amount = sum(item.amount for item in items)
        if amount <= 0:
            return None
        order = PaymentOrder.objects.create(
            dossier=locked,
            agency=locked.resolving_unit,
            amount=amount,
            items=[
                {
                    "name": i.name,
                    "kind": i.kind,
                    "amount": i.amount,
                    "unit_amount": i.unit_amount,
                    "quantity": i.quantity,
                    "stage": i.stage,
                    "exempted": i.exempted,
                }
                for i in items
            ],
            stage=first_stage(items),
        )
        audit_record(
            action="payment.order_created",
            actor=actor,
            obj=order,
            data={"dossier": locked.code, "amount": amount, "stage": order.stage},
        )
        return order


def _new_txn_ref(order: PaymentOrder) -> str:
    return f"{order.pk}T{timezone.now():%y%m%d}{secrets.token_hex(4).upper()}"


def public_url(path: str) -> str:
    return settings.MOTCUA_PUBLIC_URL.rstrip("/") + path


def vnpay_start(*, order: PaymentOrder, ip_addr: str, actor: object = None) -> str:
    """Open a new VNPay transaction for ``order`` and return the signed payment URL."""
    merchant = merchant_for(order.agency.code)
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().select_related("dossier").get(pk=order.pk)
        if locked.status not in OPEN_ORDER_STATES or locked.amount <= 0:
            raise NothingToPay(_("Yêu cầu thanh toán này không còn chờ thanh toán."))
        now = timezone.now()
        txn = PaymentTransaction.objects.create(
            order=locked, gateway=PayChannel.VNPAY, txn_ref=_new_txn_ref(locked), amount=locked.amount
        )
        locked.status = OrderStatus.PENDING
        locked.save(update_fields=["status"])
        audit_record(
            action="payment.txn_started",
            actor=actor,
            obj=txn,
            data={"order": locked.pk, "txn_ref": txn.txn_ref, "amount": txn.amount, "gateway": "vnpay"},
        )
    params = vnpay.payment_params(
        merchant=merchant,
        txn_ref=txn.txn_ref,
        amount=txn.amount,
        order_info=f"Thanh toan phi le phi ho so {locked.dossier.code}",
        return_url=public_url(reverse("payments:vnpay_return")),
        ip_addr=ip_addr,
        created_at=now,
    )
    return vnpay.payment_url(merchant, params)


# -- receipts ---------------------------------------------------------------------------------------------


def _issue_receipt_number(order: PaymentOrder, at: dt.datetime) -> str:
    year = timezone.localtime(at).year
    code = order.agency.code
    counter, _created = ReceiptCounter.objects.get_or_create(agency_code=code, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"BL-{code}-{year}-{counter.last:06d}"


# -- IPN --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IpnReply:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


INVALID_SIGNATURE = IpnReply("97", "Invalid signature")
ORDER_NOT_FOUND = IpnReply("01", "Order not found")
INVALID_AMOUNT = IpnReply("04", "Invalid amount")
ALREADY_CONFIRMED = IpnReply("02", "Order already confirmed")
CONFIRMED = IpnReply("00", "Confirm Success")
UNKNOWN_ERROR = IpnReply("99", "Unknown error")


def _single_values(params: Mapping[str, object]) -> dict[str, str] | None:
    """The query as ``{key: value}``; None when a key is repeated or a value is not text."""
    out: dict[str, str] = {}
    getlist = getattr(params, "getlist", None)
    for key in params:
        values = getlist(key) if getlist is not None else [params[key]]
        if len(values) != 1 or not isinstance(values[0], str):
            return None
        out[str(key)] = values[0]
    return out


def vnpay_ipn(params: Mapping[str, object]) -> IpnReply:
    """Handle one IPN call. Checks, in order: signature (97) — nothing is read before it —, transaction
    (01), amount (04), already settled (02); then credits (paid) or records the failure, and answers 00.

    Idempotent: the transaction row is locked (``select_for_update``) and a settled one answers 02 with no
    change; the unique constraint "one paid transaction per order" backs this up in the database.
    """
    values = _single_values(params)
    if values is None:
        return INVALID_SIGNATURE
    found = merchant_by_tmn_code(values.get("vnp_TmnCode", ""))
    if found is None or not vnpay.verify(values, found[1].hash_secret):
        return INVALID_SIGNATURE
    try:
        with transaction.atomic():
            return _ipn_settle(values, merchant_key=found[0])
    except IntegrityError:  # a concurrent call credited the order first (the partial unique constraint)
        return ALREADY_CONFIRMED
    except Exception:  # the gateway must get an answer; everything was rolled back
        logger.exception("VNPay IPN failed for %s", values.get("vnp_TxnRef"))
        return UNKNOWN_ERROR


def _ipn_settle(values: dict[str, str], *, merchant_key: str) -> IpnReply:
    txn = (
        PaymentTransaction.objects.select_for_update()
        .filter(txn_ref=values.get("vnp_TxnRef", ""), gateway=PayChannel.VNPAY)
        .first()
    )
    if txn is None:
        return ORDER_NOT_FOUND
    order = PaymentOrder.objects.select_for_update().select_related("agency").get(pk=txn.order_id)
    gateways = settings.MOTCUA_PAYMENT_GATEWAYS
    expected_key = order.agency.code if order.agency.code in gateways else "default"
    if merchant_key != expected_key:  # signed by another agency's terminal: not this order's
        return ORDER_NOT_FOUND
    if vnpay.amount_in_dong(values.get("vnp_Amount", "")) != txn.amount:
        return INVALID_AMOUNT
    if txn.status != TxnStatus.PENDING or order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        return ALREADY_CONFIRMED
    now = timezone.now()
    success = values.get("vnp_ResponseCode") == "00" and values.get("vnp_TransactionStatus") == "00"
    txn.gateway_txn_no = values.get("vnp_TransactionNo", "")[:64]
    txn.bank_code = values.get("vnp_BankCode", "")[:32]
    txn.response_code = values.get("vnp_ResponseCode", "")[:8]
    txn.raw_params = values
    txn.completed_at = now
    if success:
        txn.status = TxnStatus.PAID
        txn.save()
        _credit(order, txn, at=now)
    else:
        cancelled = txn.response_code == VNP_CANCELLED
        txn.status = TxnStatus.CANCELLED if cancelled else TxnStatus.FAILED
        txn.save()
        order.status = OrderStatus.FAILED
        order.save(update_fields=["status"])
        audit_record(
            action="payment.txn_failed",
            obj=txn,
            data={"order": order.pk, "txn_ref": txn.txn_ref, "response_code": txn.response_code},
        )
    return CONFIRMED


def order_mark_paid(order: PaymentOrder, *, channel: str, at: dt.datetime, receipt_number: str) -> None:
    """The one place an order becomes paid (online, at the counter, by transfer); the caller holds its lock
    and writes the audit row and the dossier's ``fee_paid`` in the same transaction."""
    order.status = OrderStatus.PAID
    order.paid_at = at
    order.channel = channel
    order.receipt_number = receipt_number
    order.save(update_fields=["status", "paid_at", "channel", "receipt_number"])


def _credit(order: PaymentOrder, txn: PaymentTransaction, *, at: dt.datetime) -> None:
    receipt = _issue_receipt_number(order, at)
    order_mark_paid(order, channel=txn.gateway, at=at, receipt_number=receipt)
    audit_record(
        action="payment.paid",
        obj=order,
        data={
            "txn_ref": txn.txn_ref,
            "amount": order.amount,
            "receipt": receipt,
            "gateway_txn_no": txn.gateway_txn_no,
        },
    )
    dossier = Dossier.objects.only("pk", "status").get(pk=order.dossier_id)
    if dossier.status in FEE_PAYABLE:
        dossier_fee_paid(
            dossier=dossier,
            order_ref=receipt,
            amount=order.amount,
            channel=txn.gateway,
            online=True,
            at=at,
        )
    else:  # the money arrived after the dossier was closed: kept on the order, for a refund
        audit_record(action="payment.paid_dossier_closed", obj=order, data={"dossier_status": dossier.status})


# -- return URL -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnView:
    valid: bool
    success: bool
    order: PaymentOrder | None


def vnpay_return_view(params: Mapping[str, object]) -> ReturnView:
    """What the browser may be shown after the gateway: read-only (the IPN alone changes state)."""
    values = _single_values(params)
    if values is None:
        return ReturnView(False, False, None)
    found = merchant_by_tmn_code(values.get("vnp_TmnCode", ""))
    if found is None or not vnpay.verify(values, found[1].hash_secret):
        return ReturnView(False, False, None)
    txn = (
        PaymentTransaction.objects.select_related("order", "order__dossier")
        .filter(txn_ref=values.get("vnp_TxnRef", ""))
        .first()
    )
    success = values.get("vnp_ResponseCode") == "00" and values.get("vnp_TransactionStatus") == "00"
    return ReturnView(True, success, txn.order if txn else None)
