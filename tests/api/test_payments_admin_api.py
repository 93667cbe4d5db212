"""The back office's payments over the API: the day's orders (filters, totals, CSV), one order, counter payments
and refunds, reconciliation of a gateway statement and its mismatches — with the pages' rights, audit rows,
clear errors that change nothing, and API keys narrowed to their scope and units."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.services_apikeys import apikey_create
from motcua.core.models import AuditEvent
from motcua.dossiers.models import FeeStatus
from motcua.org.models import OrgUnit
from motcua.payments.counter import payment_order_record_offline
from motcua.payments.models import OrderStatus, PaymentOrder
from motcua.payments.models_reconcile import ReconciliationMismatch, ReconciliationRun
from motcua.payments.services import payment_order_for
from tests.payments import conftest as payments_fixtures
from tests.portal.conftest import submitted, vn

pytestmark = pytest.mark.django_db
BASE = "/api/v1/payments"
AMOUNT = 125000
fee_version = payments_fixtures.fee_version
HEADER = "txn_ref,gateway_txn_no,amount,paid_at,status\n"


@pytest.fixture
def orders(people, fee_version, clock):
    """Two orders of Sở NN&MT (H56.19) received at the provincial centre on 2 March 2026: the first paid at the
    counter at 09:30, the second still open."""
    clock(vn(2026, 3, 2, 9, 0))
    paid = payment_order_for(submitted(people, fee_version))
    open_ = payment_order_for(submitted(people, fee_version, who="citizen2"))
    assert paid is not None and open_ is not None
    clock(vn(2026, 3, 2, 9, 30))
    payment_order_record_offline(
        order=paid, actor=people["officer"], channel="counter", amount=AMOUNT, receipt_number="AA/26E-0000001"
    )
    return PaymentOrder.objects.get(pk=paid.pk), PaymentOrder.objects.get(pk=open_.pk)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def post(client, path, data):
    return client.post(f"{BASE}{path}", data, content_type="application/json")


def actions(order):
    return list(
        AuditEvent.objects.filter(object_type="payments.paymentorder", object_id=str(order.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# -- the day's orders ----------------------------------------------------------------------------------


def test_the_days_orders_totals_and_csv(client, people, orders):
    paid, open_ = orders
    client.force_login(people["officer"])
    page = client.get(f"{BASE}/orders", {"day": "2026-03-02"}).json()
    assert page["count"] == 2 and [o["id"] for o in page["items"]] == [paid.pk, open_.pk]
    row = page["items"][0]
    assert (
        row["status"] == "paid" and row["channel"] == "counter" and row["receipt_number"] == "AA/26E-0000001"
    )
    assert (
        row["agency_code"] == "H56.19"
        and row["amount"] == AMOUNT
        and row["dossier_code"] == paid.dossier.code
    )
    only = client.get(f"{BASE}/orders", {"day": "2026-03-02", "status": "paid", "unit": "h56.19"}).json()
    assert [o["id"] for o in only["items"]] == [paid.pk]
    assert client.get(f"{BASE}/orders", {"day": "2026-03-03"}).json()["count"] == 0
    assert_error(client.get(f"{BASE}/orders", {"status": "bogus"}), 422, "request_invalid")
    assert_error(client.get(f"{BASE}/orders", {"day": "02/03/2026"}), 422, "request_invalid")

    totals = client.get(f"{BASE}/orders/totals", {"day": "2026-03-02"}).json()
    counter = next(c for c in totals["channels"] if c["channel"] == "counter")
    assert (counter["count"], counter["total"]) == (1, AMOUNT) and totals["total"] == AMOUNT
    assert totals["count"] == 1 and totals["refunded_total"] == 0 and totals["day"] == "2026-03-02"

    export = client.get(f"{BASE}/orders/export", {"day": "2026-03-02"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert 'filename="thanh-toan-tat-ca-2026-03-02.csv"' in export["Content-Disposition"]
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeffMã yêu cầu,") and len(text.strip().splitlines()) == 3
    assert "AA/26E-0000001" in text


def test_who_sees_which_orders(client, people, orders):
    paid, _open = orders
    client.force_login(people["commune_officer"])  # another unit: none
    assert client.get(f"{BASE}/orders", {"day": "2026-03-02"}).json() == {"items": [], "count": 0}
    assert_error(client.get(f"{BASE}/orders/{paid.pk}"), 404, "payment_order_not_found")
    client.force_login(people["citizen"])
    assert_error(client.get(f"{BASE}/orders"), 403, "staff_only")
    assert_error(client.get(f"{BASE}/orders/{paid.pk}"), 403, "staff_only")
    client.logout()
    assert_error(client.get(f"{BASE}/orders"), 401, "not_authenticated")


# -- one order: record and refund ----------------------------------------------------------------------


def test_an_officer_records_a_counter_payment(client, people, orders):
    _paid, order = orders
    client.force_login(people["officer"])
    detail = client.get(f"{BASE}/orders/{order.pk}").json()
    assert detail["can_record"] is True and detail["can_refund"] is False and detail["status"] == "created"
    assert [h["action"] for h in detail["history"]] == ["payment.order_created"]
    assert detail["items"] and detail["transactions"] == []

    payload = {
        "channel": "counter",
        "amount": AMOUNT,
        "receipt_number": "aa/26e - 0000002",
        "note": "Tiền mặt",
    }
    response = post(client, f"/orders/{order.pk}/record", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["status"] == "paid"
        and body["receipt_number"] == "AA/26E-0000002"
        and body["can_record"] is False
    )
    assert body["history"][-1]["label"] == "Ghi nhận nộp tại quầy hoặc chuyển khoản"
    assert body["transactions"][0]["gateway"] == "counter"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.dossier.fee_status == FeeStatus.PAID
    assert actions(order)[-1] == "payment.paid_offline"
    assert_error(post(client, f"/orders/{order.pk}/record", payload), 409, "already_paid")


@pytest.mark.parametrize(
    ("who", "change", "status", "code"),
    [
        ("officer", {"amount": 100000}, 422, "amount_mismatch"),
        ("officer", {"receipt_number": "BL-2026-1"}, 422, "receipt_reserved"),
        ("officer", {"receipt_number": "AA/26E-0000001"}, 409, "receipt_number_taken"),  # the other order's
        ("officer", {"channel": "bank_transfer"}, 422, "bank_reference_required"),
        ("officer", {"channel": "vnpay"}, 422, "channel_invalid"),
        ("officer", {"paid_at": "2026-03-09T09:00:00+07:00"}, 422, "paid_at_future"),
        ("officer", {"amount": -1}, 422, "request_invalid"),
        ("officer", {"receipt": "x"}, 422, "request_invalid"),  # an unknown field
        ("auditor", {}, 403, "payment_not_allowed"),  # sees every order, collects none
        ("commune_officer", {}, 404, "payment_order_not_found"),
    ],
)
def test_a_refused_payment_changes_nothing(client, people, orders, who, change, status, code):
    _paid, order = orders
    before = actions(order)
    client.force_login(people[who])
    payload = {"channel": "counter", "amount": AMOUNT, "receipt_number": "AA/26E-0000002", **change}
    assert_error(post(client, f"/orders/{order.pk}/record", payload), status, code)
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED and order.receipt_number is None and actions(order) == before


def test_a_refund_needs_a_leaders_decision_while_the_dossier_goes_on(client, people, orders):
    paid, _open = orders
    url = f"/orders/{paid.pk}/refund"
    client.force_login(people["officer"])
    detail = client.get(f"{BASE}/orders/{paid.pk}").json()
    assert (
        detail["can_refund"] is True
        and detail["refund_needs_leader"] is True
        and detail["is_leader"] is False
    )
    assert_error(post(client, url, {"reason": "Nộp nhầm"}), 409, "dossier_not_refundable")
    assert_error(post(client, url, {"reason": "Nộp nhầm", "leader_decision": True}), 403, "leader_required")
    assert_error(post(client, url, {"reason": "  ", "leader_decision": True}), 422, "reason_required")
    assert_error(post(client, url, {"reason": "x" * 1001}), 422, "request_invalid")
    assert PaymentOrder.objects.get(pk=paid.pk).status == OrderStatus.PAID
    assert "payment.refunded" not in actions(paid)

    client.force_login(people["leader"])  # a leader of the collecting unit decides
    response = post(client, url, {"reason": "Nộp nhầm thủ tục", "leader_decision": True})
    assert response.status_code == 200, response.content
    assert (
        response.json()["status"] == "refunded"
        and response.json()["history"][-1]["reason"] == "Nộp nhầm thủ tục"
    )
    assert actions(paid)[-1] == "payment.refunded"
    assert_error(post(client, url, {"reason": "Lần nữa", "leader_decision": True}), 409, "already_refunded")


# -- reconciliation ------------------------------------------------------------------------------------


def statement(text, name="vnpay-20260302.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_statement_is_reconciled_and_a_mismatch_resolved(client, people, demo):
    client.force_login(people["specialist"])  # staff of the collecting unit
    csv = HEADER + "ZZUNKNOWN01,14000099,125000,20260302100000,00\n"
    response = client.post(
        f"{BASE}/reconciliations", {"agency": "H56.19", "day": "2026-03-02", "file": statement(csv)}
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["agency_code"] == "H56.19" and run["gateway"] == "vnpay" and run["statement_rows"] == 1
    assert run["can_resolve"] is True and run["open_count"] == 1 and run["total_count"] == 1
    mismatch = run["mismatches"][0]
    assert (
        mismatch["kind"] == "unknown_reference"
        and mismatch["txn_ref"] == "ZZUNKNOWN01"
        and not mismatch["resolved"]
    )
    assert AuditEvent.objects.filter(action="payment.reconciled").count() == 1
    listing = client.get(f"{BASE}/reconciliations").json()
    assert [r["id"] for r in listing["items"]] == [run["id"]] and listing["items"][0]["open_count"] == 1

    client.force_login(people["auditor"])  # sees the runs, resolves nothing
    assert client.get(f"{BASE}/reconciliations/{run['id']}").json()["can_resolve"] is False
    resolve = f"/mismatches/{mismatch['id']}/resolve"
    assert_error(post(client, resolve, {"note": "Đã xem"}), 403, "payment_not_allowed")
    client.force_login(people["officer"])  # the centre's counter, not the collecting unit
    assert_error(client.get(f"{BASE}/reconciliations/{run['id']}"), 404, "reconciliation_not_found")
    assert_error(post(client, resolve, {"note": "Đã xem"}), 404, "mismatch_not_found")
    assert not ReconciliationMismatch.objects.filter(resolved_at__isnull=False).exists()

    client.force_login(people["specialist"])
    assert_error(post(client, resolve, {"note": "  "}), 422, "note_required")
    done = post(client, resolve, {"note": "Giao dịch của đơn vị khác"})
    assert done.status_code == 200, done.content
    assert done.json()["resolved"] is True and done.json()["resolved_by"] == people["specialist"].username
    assert AuditEvent.objects.filter(action="payment.mismatch_resolved").count() == 1
    assert_error(post(client, resolve, {"note": "Lần nữa"}), 422, "already_resolved")


@pytest.mark.parametrize(
    ("who", "fields", "text", "status", "code"),
    [
        ("specialist", {}, HEADER + "1T1,,12.000,,00\n", 422, "statement_invalid"),
        ("specialist", {"day": "2026-13-01"}, HEADER, 422, "request_invalid"),
        ("specialist", {"gateway": "counter"}, HEADER, 422, "invalid_payment"),
        ("officer", {}, HEADER, 403, "payment_not_allowed"),  # not staff of the collecting unit
        ("specialist", {"agency": "H56.101"}, HEADER, 403, "payment_not_allowed"),
        ("citizen", {}, HEADER, 403, "staff_only"),
    ],
)
def test_a_refused_statement_stores_nothing(client, people, demo, who, fields, text, status, code):
    client.force_login(people[who])
    data = {"agency": "H56.19", "day": "2026-03-02", "file": statement(text), **fields}
    body = assert_error(client.post(f"{BASE}/reconciliations", data), status, code)
    if code == "statement_invalid":
        assert body["errors"] and "2" in body["errors"][0]
    assert (
        not ReconciliationRun.objects.exists()
        and not AuditEvent.objects.filter(action="payment.reconciled").exists()
    )


def test_a_too_large_statement_is_refused(client, people, demo, monkeypatch):
    from motcua.api import payments_admin

    monkeypatch.setattr(payments_admin, "MAX_STATEMENT_BYTES", 10)
    client.force_login(people["specialist"])
    data = {"agency": "H56.19", "day": "2026-03-02", "file": statement(HEADER)}
    assert_error(client.post(f"{BASE}/reconciliations", data), 422, "statement_too_large")
    assert not ReconciliationRun.objects.exists()


# -- API keys ------------------------------------------------------------------------------------------


def test_a_key_needs_the_scope_and_stays_in_its_units(people, orders):
    paid, order = orders

    def key(operations, units):
        _key, raw = apikey_create(
            owner=people["officer"], name="Kế toán", operations=operations,
            units=[OrgUnit.objects.get(code=c) for c in units], by=people["admin"],
        )  # fmt: skip
        return Client(headers={"Authorization": f"Bearer {raw}"})

    assert_error(key(["payments:read"], ["H56.40"]).get(f"{BASE}/orders"), 403, "api_key_scope")
    elsewhere = key(["payments:process"], ["H56.101"])
    assert elsewhere.get(f"{BASE}/orders", {"day": "2026-03-02"}).json()["count"] == 0
    assert_error(elsewhere.get(f"{BASE}/orders/{paid.pk}"), 404, "payment_order_not_found")
    payload = {"channel": "counter", "amount": AMOUNT, "receipt_number": "AA/26E-0000009"}
    assert_error(post(elsewhere, f"/orders/{order.pk}/record", payload), 404, "payment_order_not_found")
    own = key(["payments:process"], ["H56.40"])
    assert own.get(f"{BASE}/orders", {"day": "2026-03-02"}).json()["count"] == 2
    done = post(own, f"/orders/{order.pk}/record", payload)
    assert done.status_code == 200, done.content
    assert PaymentOrder.objects.get(pk=order.pk).paid_at == vn(2026, 3, 2, 9, 30)
