"""Online payment of a dossier's fees over HTTP (a session or an API key, like ``motcua.api.dossiers``:
``payments:read`` to read, ``payments:write`` to start a payment).

``GET /api/v1/dossiers/{ref}/payment`` answers the dossier's payment order and its gateway transactions
(creating the order when fees are due and none exists); ``POST /api/v1/dossiers/{ref}/payment/vnpay``
opens a VNPay transaction and answers the signed payment URL to send the browser to. Errors are
``{code, message}``: 404 unknown or not visible dossier, 409 nothing to pay, 503 gateway not configured.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from motcua.dossiers.errors import DossierError
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.payments.errors import NothingToPay
from motcua.payments.models import PaymentOrder
from motcua.payments.selectors import order_transactions
from motcua.payments.services import payment_order_for, vnpay_start

from .auth import api_auth, key_dossier_check
from .conventions import ErrorOut, error, rule_error, user_of

router = Router(auth=api_auth("payments:read"))

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 503: ErrorOut}


class ItemOut(Schema):
    name: str
    kind: str
    amount: int
    quantity: int
    stage: str = ""


class TransactionOut(Schema):
    gateway: str
    txn_ref: str
    amount: int
    status: str
    gateway_txn_no: str
    bank_code: str
    response_code: str
    created_at: dt.datetime
    completed_at: dt.datetime | None


class PaymentOut(Schema):
    dossier_code: str | None
    fee_status: str
    order_id: int | None = None
    amount: int = 0
    stage: str = ""
    status: str = ""
    channel: str = ""
    receipt_number: str | None = None
    agency_code: str = ""
    created_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    items: list[ItemOut] = []
    transactions: list[TransactionOut] = []


class PaymentUrlOut(Schema):
    order_id: int
    amount: int
    payment_url: str


def _out(dossier_code: str | None, fee_status: str, order: PaymentOrder | None) -> dict[str, object]:
    if order is None:
        return {"dossier_code": dossier_code, "fee_status": fee_status}
    return {
        "dossier_code": dossier_code,
        "fee_status": fee_status,
        "order_id": order.pk,
        "amount": order.amount,
        "stage": order.stage,
        "status": order.status,
        "channel": order.channel,
        "receipt_number": order.receipt_number,
        "agency_code": order.agency.code,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "items": order.items,
        "transactions": order_transactions(order),
    }


@router.get("/{ref}/payment", response={200: PaymentOut, **ERRORS}, summary="The dossier's payment order")
def payment_get_api(request: HttpRequest, ref: str) -> Status[object]:
    """Fee status, the payment order (none when nothing is due) and its gateway transactions."""
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        order = payment_order_for(dossier, actor=user)
        dossier.refresh_from_db(fields=["fee_status"])
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _out(dossier.code, dossier.fee_status, order))


@router.post(
    "/{ref}/payment/vnpay",
    response={200: PaymentUrlOut, **ERRORS},
    summary="Start an online payment (VNPay)",
    auth=api_auth("payments:write"),
)
def payment_vnpay_api(request: HttpRequest, ref: str) -> Status[object]:
    """Opens a gateway transaction for the open order; send the browser to ``payment_url``. Only the
    applicant of the dossier may pay online through this endpoint."""
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        if dossier.applicant_id != user.pk:
            return error(403, "action_not_allowed", _("Chỉ người nộp hồ sơ được thanh toán trực tuyến."))
        order = payment_order_for(dossier, actor=user)
        if order is None:
            raise NothingToPay(_("Hồ sơ không có khoản phí, lệ phí cần thanh toán."))
        url = vnpay_start(order=order, ip_addr=str(request.META.get("REMOTE_ADDR") or ""), actor=user)
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, {"order_id": order.pk, "amount": order.amount, "payment_url": url})
