"""50 identical valid IPN calls at the same moment on a server database: credited exactly once."""

import collections
import threading

import pytest
from django.db import connection, connections

from motcua.core.models import AuditEvent
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import DossierEvent
from motcua.payments import services as pay
from motcua.payments.models import PaymentOrder, PaymentTransaction

from .conftest import ipn_params

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database shared by many threads"
    ),
]

THREADS = 50


def test_fifty_concurrent_identical_ipn_calls_credit_once(dossier):
    order = pay.payment_order_for(dossier)
    pay.vnpay_start(order=order, ip_addr="127.0.0.1")
    txn = order.transactions.get()
    params = ipn_params(txn)
    barrier = threading.Barrier(THREADS)
    codes = [""] * THREADS

    def run(i):
        try:
            barrier.wait(timeout=20)
            codes[i] = pay.vnpay_ipn(dict(params)).code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = collections.Counter(codes)
    print(f"\n{THREADS} concurrent IPN calls: {dict(counts)}")
    assert counts == {"00": 1, "02": THREADS - 1}
    order.refresh_from_db()
    assert order.status == "paid" and order.receipt_number
    assert PaymentTransaction.objects.filter(order=order, status="paid").count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_paid").count() == 1
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1
    assert PaymentOrder.objects.filter(receipt_number__isnull=False).count() == 1
    assert dossier_history_verify() is None
