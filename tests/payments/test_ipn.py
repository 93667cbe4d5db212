"""The IPN: forged calls change nothing and get the documented RspCode; a valid one credits exactly once;
the return URL changes nothing."""

import collections
import urllib.parse

import pytest
from django.conf import settings

from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.payments import services as pay
from motcua.payments.gateways import vnpay
from motcua.payments.models import PaymentOrder, PaymentTransaction

from .conftest import ipn_params, secret, submitted

IPN = "/thanh-toan/vnpay/ipn/"
RETURN = "/thanh-toan/vnpay/ket-qua/"


def started(dossier):
    order = pay.payment_order_for(dossier)
    pay.vnpay_start(order=order, ip_addr="127.0.0.1")
    return order.transactions.order_by("-pk").first()


def state():
    return (
        list(PaymentOrder.objects.order_by("pk").values_list()),
        list(PaymentTransaction.objects.order_by("pk").values_list()),
        list(Dossier.objects.order_by("pk").values_list("pk", "fee_status", "lock_version")),
        DossierEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def call(client, pairs):
    """GET the IPN with ``pairs`` (a dict or a list of (key, value), repeated keys allowed)."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    response = client.get(IPN + "?" + urllib.parse.urlencode(items))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"RspCode", "Message"}
    return body["RspCode"]


def resign(params, key=None):
    out = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    out["vnp_SecureHash"] = vnpay.sign(out, key or secret())
    return out


@pytest.fixture
def world(people, dossier, client):
    """Dossier A with a pending transaction; C paid (its valid call kept); D failed (its call kept)."""
    txn_a = started(dossier)
    d_c = submitted(people, dossier.procedure_version, who="citizen2")
    txn_c = started(d_c)
    call_c = ipn_params(txn_c, txn_no="900")
    assert call(client, call_c) == "00"
    d_d = submitted(people, dossier.procedure_version, who="business")
    txn_d = started(d_d)
    call_d = ipn_params(txn_d, response="51", status="02", txn_no="901")
    assert call(client, call_d) == "00"
    return {"a": txn_a, "call_c": call_c, "call_d": call_d, "dossier": dossier}


def forged_corpus(world):
    """(label, expected RspCode, query pairs) — generated systematically."""
    txn = world["a"]
    good = ipn_params(txn)
    h = good["vnp_SecureHash"]
    body = {k: v for k, v in good.items() if k != "vnp_SecureHash"}
    cases = []
    # 1. the hash itself: every position changed (two ways), truncated to every length, padded, missing
    for i in range(128):
        for repl in ("0", "f"):
            bad = h[:i] + (repl if h[i] != repl else "1") + h[i + 1 :]
            cases.append(("hash-flip", "97", {**body, "vnp_SecureHash": bad}))
    for n in range(128):
        cases.append(("hash-truncated", "97", {**body, "vnp_SecureHash": h[:n]}))
    cases += [
        ("hash-padded", "97", {**body, "vnp_SecureHash": h + "00"}),
        ("hash-missing", "97", body),
        ("hash-not-hex", "97", {**body, "vnp_SecureHash": "z" * 128}),
        ("hash-sha256", "97", {**body, "vnp_SecureHash": h[:64]}),
    ]
    # 2. a parameter changed, emptied or removed, the captured hash re-used (also upper-cased)
    for key in body:
        for variant in ("1", "", "0", " ", body[key] + "0", body[key].upper() + "X"):
            tampered = {**body, key: variant}
            if tampered == body or (variant == "" and key not in body):
                continue
            cases.append(("param-tampered", "97", {**tampered, "vnp_SecureHash": h}))
            cases.append(("param-tampered-upper", "97", {**tampered, "vnp_SecureHash": h.upper()}))
        cases.append(
            ("param-missing", "97", {**{k: v for k, v in body.items() if k != key}, "vnp_SecureHash": h})
        )
    # 3. extra vnp_ parameters (they are signed, so the old hash no longer fits)
    for i in range(40):
        cases.append(("param-extra", "97", {**good, f"vnp_Extra{i}": str(i)}))
    # 4. the amount tampered, the hash re-used
    for delta in range(1, 101):
        cases.append(("amount-tampered", "97", {**good, "vnp_Amount": str(txn.amount * 100 - delta * 100)}))
    # 5. the hash-type parameter signed along (the verifier excludes it, so the hash does not match)
    for i, kind in enumerate(["SHA512", "HmacSHA512", "SHA256", "MD5", "sha512"] * 10):
        with_type = {**body, "vnp_SecureHashType": kind, "vnp_TxnNonce": str(i)}
        hashed = vnpay.hash_data(with_type) + f"&vnp_SecureHashType={kind}"
        import hashlib
        import hmac

        sig = hmac.new(secret().encode(), hashed.encode(), hashlib.sha512).hexdigest()
        cases.append(("hash-type-signed", "97", {**with_type, "vnp_SecureHash": sig}))
    # 6. signed with the wrong secret, or by an unknown terminal
    for i in range(100):
        cases.append(("wrong-secret", "97", resign(body, key=f"guessed-secret-{i}")))
    for i in range(20):
        cases.append(("unknown-tmn", "97", resign({**body, "vnp_TmnCode": f"FAKE{i:04d}"})))
    # 7. repeated keys (a second amount appended)
    for key in ("vnp_Amount", "vnp_TxnRef", "vnp_ResponseCode", "vnp_SecureHash"):
        for i in range(5):
            cases.append(("repeated-key", "97", [*good.items(), (key, str(i))]))
    # 8. a correct signature on a wrong amount (04) or an unknown reference (01)
    for delta in range(1, 101):
        cases.append(("wrong-amount", "04", resign({**body, "vnp_Amount": str(txn.amount * 100 + delta)})))
        cases.append(("wrong-amount", "04", resign({**body, "vnp_Amount": str((txn.amount + delta) * 100)})))
    for i in range(100):
        cases.append(("unknown-ref", "01", resign({**body, "vnp_TxnRef": f"{i}T260302DEADBEEF"})))
    # 9. replays of old valid calls for other orders: one already paid, one already failed (02), and
    #    the paid one redirected at this order with its old hash (97)
    for _i in range(50):
        cases.append(("replay-paid", "02", world["call_c"]))
        cases.append(("replay-failed", "02", world["call_d"]))
        cases.append(("replay-redirected", "97", {**world["call_c"], "vnp_TxnRef": txn.txn_ref}))
    # 10. another agency's terminal, correctly signed with its own secret
    for i in range(20):
        other = {**body, "vnp_TmnCode": "OTHER001", "vnp_TransactionNo": str(i)}
        cases.append(("other-agency", "01", resign(other, key="OTHER-AGENCY-SECRET")))
    return cases


def test_forged_ipn_corpus_changes_nothing(world, client, settings):
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        **settings.MOTCUA_PAYMENT_GATEWAYS,
        "H56.99": {
            "tmn_code": "OTHER001",
            "hash_secret": "OTHER-AGENCY-SECRET",
            "pay_url": "/sandbox/vnpay/",
        },
    }
    cases = forged_corpus(world)
    assert len(cases) >= 1000
    before = state()
    got = collections.Counter()
    for label, expected, pairs in cases:
        code = call(client, pairs)
        assert code == expected, (label, pairs)
        got[code] += 1
    assert state() == before
    print(f"\nforged IPN corpus: {len(cases)} calls, RspCode counts {dict(sorted(got.items()))}")
    # and the genuine call still works afterwards
    assert call(client, ipn_params(world["a"])) == "00"
    world["dossier"].refresh_from_db()
    assert world["dossier"].fee_status == "paid"


def test_fifty_identical_valid_calls_credit_once(dossier, client):
    txn = started(dossier)
    params = ipn_params(txn)
    codes = collections.Counter(call(client, params) for _ in range(50))
    assert codes == {"00": 1, "02": 49}
    order = PaymentOrder.objects.get(pk=txn.order_id)
    assert order.status == "paid" and order.receipt_number
    assert PaymentTransaction.objects.filter(order=order, status="paid").count() == 1
    dossier.refresh_from_db()
    assert dossier.fee_status == "paid"
    events = DossierEvent.objects.filter(dossier=dossier, action="fee_paid")
    assert events.count() == 1
    assert events.get().data == {"amount": 125000, "channel": "vnpay", "online": True}
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1


def test_upper_case_correct_hash_is_accepted(dossier, client):
    txn = started(dossier)
    params = ipn_params(txn)
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    assert call(client, params) == "00"


def test_failed_payment_then_retry(dossier, client):
    txn = started(dossier)
    assert call(client, ipn_params(txn, response="24", status="02")) == "00"
    txn.refresh_from_db()
    assert txn.status == "cancelled"
    dossier.refresh_from_db()
    assert dossier.fee_status == "unpaid"
    assert call(client, ipn_params(txn)) == "02"  # a settled transaction is not reopened
    retry = started(dossier)
    assert retry.pk != txn.pk
    assert call(client, ipn_params(retry)) == "00"
    dossier.refresh_from_db()
    assert dossier.fee_status == "paid"


def test_return_url_changes_nothing(dossier, client):
    txn = started(dossier)
    before = state()
    for params in (ipn_params(txn), ipn_params(txn, response="24", status="02"), {"vnp_TxnRef": txn.txn_ref}):
        response = client.get(RETURN, params)
        assert response.status_code == 200
    assert state() == before
    assert "không hợp lệ" in client.get(RETURN, {"vnp_TxnRef": txn.txn_ref}).content.decode()


def test_ipn_requires_get_and_takes_no_session(dossier, client):
    txn = started(dossier)
    assert client.post(IPN, ipn_params(txn)).status_code == 405
    assert settings.MOTCUA_PAYMENT_SANDBOX
