"""A procedure that requires prepayment: its dossier is received but does not move to processing until the
fee is paid (the process action carries the `fee_paid` condition), and moves once the gateway confirms it."""

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier
from motcua.payments import services as pay
from tests.dossiers.data import procedure_data

from .conftest import FEES, ipn_params, publish, vn

pytestmark = pytest.mark.django_db


def prepaid_version():
    data = procedure_data()
    actions = [
        {**a, "conditions": ["fee_paid"]} if (a["from"], a["to"]) == ("TN", "TD") else a
        for a in data["process"]["actions"]
    ]
    return publish(
        code="1.007778", name="Thủ tục thu phí trước khi xử lý (thử nghiệm)", fees=FEES,
        process={**data["process"], "actions": actions},
    )  # fmt: skip


def test_an_unpaid_dossier_waits_at_intake_and_moves_once_paid(people, demo, clock, client):
    from tests.portal.conftest import submitted

    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, prepaid_version())
    clock.shift(hours=1)
    d = s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )
    assert d.fee_status == "unpaid"
    with pytest.raises(DossierError) as refused:
        s.dossier_route(dossier=Dossier.objects.get(pk=d.pk), officer=people["officer"])
    assert refused.value.code == "conditions_not_met"
    assert "chưa đủ điều kiện — Đã nộp phí, lệ phí" in str(refused.value)
    assert Dossier.objects.get(pk=d.pk).status == "received"  # refused, nothing changed

    # The citizen pays through the gateway; the IPN credits the order and marks the dossier paid.
    order = pay.payment_order_for(Dossier.objects.get(pk=d.pk))
    pay.vnpay_start(order=order, ip_addr="127.0.0.1")
    txn = order.transactions.get()
    reply = client.get("/thanh-toan/vnpay/ipn/", ipn_params(txn)).json()
    assert reply["RspCode"] == "00"
    assert Dossier.objects.get(pk=d.pk).fee_status == "paid"

    clock.shift(minutes=30)
    routed = s.dossier_route(dossier=Dossier.objects.get(pk=d.pk), officer=people["officer"])
    assert routed.status == "processing"
