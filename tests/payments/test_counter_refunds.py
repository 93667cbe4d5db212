"""Counter and bank-transfer payments recorded by an officer, and refunds (issue 8)."""

import datetime as dt

import pytest

from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import FeeStatus
from motcua.dossiers.status import DossierStatus
from motcua.payments.counter import (
    AlreadyPaid,
    InvalidPayment,
    PaymentNotAllowed,
    ReceiptNumberTaken,
    payment_order_record_offline,
    receipt_number_clean,
)
from motcua.payments.errors import NothingToPay
from motcua.payments.models import OrderStatus, PayChannel, PaymentOrder, PaymentTransaction, TxnStatus
from motcua.payments.refunds import AlreadyRefunded, NotRefundable, payment_order_refund
from motcua.payments.services import payment_order_for
from tests.portal.conftest import submitted

from .conftest import vn

AMOUNT = 125000  # the two fee items of the payments tests' procedure


@pytest.fixture
def order(dossier):
    found = payment_order_for(dossier)
    assert found is not None and found.amount == AMOUNT
    return found


@pytest.fixture
def second_order(people, fee_version):
    """Another order of the same collecting unit (Sở Nông nghiệp và Môi trường, H56.19)."""
    found = payment_order_for(submitted(people, fee_version, who="citizen2"))
    assert found is not None
    return found


def pay(order, actor, **kwargs):
    args = {"channel": PayChannel.COUNTER, "amount": AMOUNT, "receipt_number": "AA/26E-0000123", **kwargs}
    return payment_order_record_offline(order=order, actor=actor, **args)


def refresh(order):
    return PaymentOrder.objects.select_related("dossier").get(pk=order.pk)


def audit_actions(order):
    return list(
        AuditEvent.objects.filter(object_type="payments.paymentorder", object_id=str(order.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# -- counter and bank transfer ------------------------------------------------------------------------------


def test_counter_payment_marks_order_and_dossier_paid(order, people, clock):
    paid = pay(order, people["officer"], receipt_number=" aa/26e - 0000123 ")
    paid = refresh(paid)
    assert paid.status == OrderStatus.PAID
    assert paid.channel == PayChannel.COUNTER
    assert paid.receipt_number == "AA/26E-0000123"
    assert paid.paid_at == clock.moment
    assert paid.dossier.fee_status == FeeStatus.PAID
    event = paid.dossier.events.filter(action="fee_paid").get()
    assert event.data == {"amount": AMOUNT, "channel": "counter", "online": False}
    assert event.actor_id == people["officer"].pk
    txn = PaymentTransaction.objects.get(order=paid)
    assert (txn.status, txn.gateway, txn.amount) == (TxnStatus.PAID, PayChannel.COUNTER, AMOUNT)
    assert audit_actions(paid)[-1] == "payment.paid_offline"


def test_bank_transfer_by_staff_of_the_collecting_unit(order, people, clock):
    moment = clock.moment - dt.timedelta(hours=20)
    paid = pay(
        order,
        people["specialist"],  # Sở Nông nghiệp và Môi trường, the collecting unit
        channel=PayChannel.BANK_TRANSFER,
        amount=str(AMOUNT),
        bank_reference="FT26061123456",
        paid_at=moment,
    )
    assert (paid.channel, paid.paid_at) == (PayChannel.BANK_TRANSFER, moment)
    assert PaymentTransaction.objects.get(order=paid).gateway_txn_no == "FT26061123456"


def test_bank_transfer_needs_the_bank_reference(order, people):
    with pytest.raises(InvalidPayment) as info:
        pay(order, people["specialist"], channel=PayChannel.BANK_TRANSFER)
    assert info.value.code == "bank_reference_required"


@pytest.mark.parametrize("amount", [AMOUNT - 1, AMOUNT + 1000, 0, "125.000", 125000.5, None])
def test_the_amount_must_equal_the_orders(order, people, amount):
    with pytest.raises(InvalidPayment) as info:
        pay(order, people["officer"], amount=amount)
    assert info.value.code in {"amount_mismatch", "amount_invalid"}
    assert refresh(order).status == OrderStatus.CREATED
    assert refresh(order).dossier.fee_status == FeeStatus.UNPAID
    assert not PaymentTransaction.objects.filter(order=order).exists()


def test_wrong_amount_names_both_amounts(order, people):
    with pytest.raises(InvalidPayment) as info:
        pay(order, people["officer"], amount=120000)
    assert "120.000" in str(info.value) and "125.000" in str(info.value)


def test_a_second_recording_is_refused_with_the_receipt_on_file(order, people):
    pay(order, people["officer"])
    with pytest.raises(AlreadyPaid) as info:
        pay(order, people["specialist"], receipt_number="AA/26E-0000124")
    assert "AA/26E-0000123" in str(info.value)
    assert PaymentTransaction.objects.filter(order=order).count() == 1
    assert refresh(order).dossier.events.filter(action="fee_paid").count() == 1


def test_a_receipt_number_is_used_once_per_agency(order, second_order, people):
    pay(order, people["officer"])
    with pytest.raises(ReceiptNumberTaken) as info:
        pay(second_order, people["officer"], receipt_number="aa/26e-0000123")
    assert "AA/26E-0000123" in str(info.value)
    assert refresh(second_order).status == OrderStatus.CREATED


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "receipt_required"),
        ("   ", "receipt_required"),
        ("AB", "receipt_invalid"),
        ("ABCDEF", "receipt_invalid"),  # no digit
        ("AA/26E_0001", "receipt_invalid"),
        ("Số 0001", "receipt_invalid"),
        ("-0001", "receipt_invalid"),
        ("1" * 41, "receipt_invalid"),
        ("BL-H56.19-2026-000001", "receipt_reserved"),  # the system's own online receipts
    ],
)
def test_receipt_numbers_are_validated(raw, code):
    with pytest.raises(InvalidPayment) as info:
        receipt_number_clean(raw)
    assert info.value.code == code


def test_receipt_number_is_normalised():
    assert receipt_number_clean(" 1c26taa 0000123 ") == "1C26TAA0000123"
    assert receipt_number_clean("aa/26e-0000123") == "AA/26E-0000123"


def test_officer_of_another_unit_may_not_record(order, people):
    for who in ("commune_officer", "tax", "auditor"):
        with pytest.raises(PaymentNotAllowed):
            pay(order, people[who])
    assert refresh(order).status == OrderStatus.CREATED


def test_unknown_channel_and_future_time_are_refused(order, people, clock):
    with pytest.raises(InvalidPayment):
        pay(order, people["officer"], channel=PayChannel.VNPAY)
    with pytest.raises(InvalidPayment):
        pay(order, people["officer"], paid_at=clock.moment + dt.timedelta(days=1))


def test_a_cancelled_order_is_not_paid(order, people):
    PaymentOrder.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    with pytest.raises(NothingToPay):
        pay(order, people["officer"])


def test_a_finished_dossier_takes_no_payment(order, people):
    s.dossier_refuse(dossier=order.dossier, officer=people["officer"], reason="Không thuộc thẩm quyền")
    with pytest.raises(InvalidPayment) as info:
        pay(order, people["officer"])
    assert info.value.code == "dossier_not_payable"


# -- refunds --------------------------------------------------------------------------------------------------


def paid_order(order, people):
    return pay(order, people["officer"])


def test_refund_of_a_refused_dossier(order, people):
    paid_order(order, people)
    s.dossier_refuse(dossier=order.dossier, officer=people["officer"], reason="Không thuộc thẩm quyền")
    refunded = payment_order_refund(order=order, actor=people["officer"], reason="Hồ sơ bị từ chối")
    assert refresh(refunded).status == OrderStatus.REFUNDED
    event = AuditEvent.objects.filter(action="payment.refunded").get()
    assert event.data["reason"] == "Hồ sơ bị từ chối"
    assert event.data["dossier_status"] == DossierStatus.REFUSED
    assert event.data["leader_decision"] is False
    assert event.actor_id == people["officer"].pk


def test_refund_of_a_stopped_dossier_and_not_twice(order, people):
    paid_order(order, people)
    s.dossier_withdraw(dossier=order.dossier, actor=people["citizen"], reason="Không còn nhu cầu")
    payment_order_refund(order=order, actor=people["specialist"], reason="Người nộp dừng hồ sơ")
    with pytest.raises(AlreadyRefunded):
        payment_order_refund(order=order, actor=people["specialist"], reason="Lần hai")
    assert AuditEvent.objects.filter(action="payment.refunded").count() == 1


def test_refund_of_an_open_dossier_needs_a_leader(order, people):
    paid_order(order, people)  # the dossier is still awaiting intake
    with pytest.raises(NotRefundable) as info:
        payment_order_refund(order=order, actor=people["officer"], reason="Thu nhầm")
    assert info.value.code == "dossier_not_refundable"
    with pytest.raises(PaymentNotAllowed) as denied:
        payment_order_refund(order=order, actor=people["officer"], reason="Thu nhầm", leader_decision=True)
    assert denied.value.code == "leader_required"
    assert refresh(order).status == OrderStatus.PAID
    payment_order_refund(order=order, actor=people["leader"], reason="Thu trùng", leader_decision=True)
    assert refresh(order).status == OrderStatus.REFUNDED
    assert AuditEvent.objects.get(action="payment.refunded").data["leader_decision"] is True


def test_only_a_paid_order_is_refunded(order, people):
    with pytest.raises(NotRefundable):
        payment_order_refund(order=order, actor=people["leader"], reason="Chưa nộp", leader_decision=True)


def test_refund_needs_a_reason_and_the_right_unit(order, people):
    paid_order(order, people)
    s.dossier_withdraw(dossier=order.dossier, actor=people["citizen"], reason="Không còn nhu cầu")
    with pytest.raises(InvalidPayment):
        payment_order_refund(order=order, actor=people["officer"], reason="  ")
    with pytest.raises(PaymentNotAllowed):
        payment_order_refund(order=order, actor=people["commune_officer"], reason="Hoàn")
    assert refresh(order).status == OrderStatus.PAID


def test_paid_and_refunded_orders_are_audited_in_order(order, people):
    paid_order(order, people)
    s.dossier_withdraw(dossier=order.dossier, actor=people["citizen"], reason="Không còn nhu cầu")
    payment_order_refund(order=order, actor=people["officer"], reason="Hoàn phí")
    assert audit_actions(order)[-2:] == ["payment.paid_offline", "payment.refunded"]


__all__ = ["vn"]


# -- the pages ----------------------------------------------------------------------------------------------


def url(name, *args):
    from django.urls import reverse

    return reverse(f"backoffice:{name}", args=args)


def as_user(client, user):
    client.force_login(user)
    return client


def record_post(client, order, **extra):
    data = {"channel": "counter", "amount": str(AMOUNT), "receipt_number": "AA/26E-0000777", **extra}
    return client.post(url("payment_record", order.pk), data)


def test_payments_list_shows_the_units_orders_with_totals(order, people, client):
    pay(order, people["officer"])
    page = as_user(client, people["specialist"]).get(url("payments"), {"day": "2026-03-02"})
    assert page.status_code == 200
    body = page.content.decode()
    assert order.dossier.code in body
    assert "125.000 đồng" in body
    assert page.context["totals"]["total"] == AMOUNT
    assert page.context["totals"]["count"] == 1
    counter = next(c for c in page.context["totals"]["channels"] if c["value"] == "counter")
    assert (counter["count"], counter["total"]) == (1, AMOUNT)
    other_day = client.get(url("payments"), {"day": "2026-03-03"})
    assert order.dossier.code not in other_day.content.decode()
    filtered = client.get(url("payments"), {"day": "2026-03-02", "channel": "vnpay"})
    assert order.dossier.code not in filtered.content.decode()


def test_payments_list_csv_export(order, people, client):
    pay(order, people["officer"])
    response = as_user(client, people["officer"]).get(url("payments"), {"day": "2026-03-02", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Số biên lai" in text and "AA/26E-0000123" in text and order.dossier.code in text


def test_staff_of_another_unit_see_nothing(order, people, client):
    pay(order, people["officer"])
    as_user(client, people["commune_officer"])
    listing = client.get(url("payments"), {"day": "2026-03-02"})
    assert listing.status_code == 200 and order.dossier.code not in listing.content.decode()
    assert client.get(url("payment_order", order.pk)).status_code == 404
    assert record_post(client, order).status_code == 404
    assert client.post(url("payment_refund", order.pk), {"reason": "x"}).status_code == 404


def test_citizens_and_strangers_are_kept_out(order, people, client):
    assert client.get(url("payments")).status_code == 302  # to the sign-in page
    assert as_user(client, people["citizen"]).get(url("payment_order", order.pk)).status_code == 403


def test_order_page_records_a_counter_payment(order, people, client):
    as_user(client, people["officer"])
    page = client.get(url("payment_order", order.pk))
    assert page.status_code == 200 and page.context["can_record"] and not page.context["can_refund"]
    response = record_post(client, order)
    assert response.status_code == 302 and response["Location"] == url("payment_order", order.pk)
    assert refresh(order).status == OrderStatus.PAID
    again = record_post(client, order, receipt_number="AA/26E-0000778")
    assert again.status_code == 409
    assert "đã được ghi nhận thanh toán" in again.content.decode()


def test_order_page_refuses_a_wrong_amount_with_the_reason(order, people, client):
    response = record_post(as_user(client, people["officer"]), order, amount="100000")
    assert response.status_code == 422
    assert "phải bằng số tiền phải nộp" in response.content.decode()
    assert refresh(order).status == OrderStatus.CREATED
    blank = record_post(client, order, receipt_number="")
    assert blank.status_code == 422


def test_the_auditor_sees_but_may_not_record(order, people, client):
    as_user(client, people["auditor"])
    assert client.get(url("payment_order", order.pk)).status_code == 200
    assert record_post(client, order).status_code == 403
    assert refresh(order).status == OrderStatus.CREATED


def test_refund_through_the_page(order, people, client):
    pay(order, people["officer"])
    as_user(client, people["officer"])
    refused = client.post(url("payment_refund", order.pk), {"reason": "Thu nhầm"})
    assert refused.status_code == 409  # the dossier is still open: a leader decides
    s.dossier_withdraw(dossier=order.dossier, actor=people["citizen"], reason="Không còn nhu cầu")
    assert client.get(url("payment_order", order.pk)).context["can_refund"]
    done = client.post(url("payment_refund", order.pk), {"reason": "Người nộp dừng hồ sơ"})
    assert done.status_code == 302
    assert refresh(order).status == OrderStatus.REFUNDED
    page = client.get(url("payment_order", order.pk))
    assert "Người nộp dừng hồ sơ" in page.content.decode()


def test_dossier_payment_opens_or_creates_the_order(dossier, people, client):
    as_user(client, people["officer"])
    assert client.get(url("payment_dossier", dossier.pk)).status_code == 200  # no order yet
    created = client.post(url("payment_dossier", dossier.pk))
    assert created.status_code == 302
    order = PaymentOrder.objects.get(dossier=dossier)
    assert created["Location"] == url("payment_order", order.pk)
    assert client.get(url("payment_dossier", dossier.pk))["Location"] == url("payment_order", order.pk)
    as_user(client, people["commune_officer"])
    assert client.get(url("payment_dossier", dossier.pk)).status_code == 404
