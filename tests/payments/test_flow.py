"""The whole online payment through the Django test client and the local sandbox; fees due; the API."""

import urllib.parse

import pytest

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.dossiers.models import DossierEvent
from motcua.payments import services as pay
from motcua.payments.fees import fee_items, total_due
from motcua.payments.models import PaymentOrder
from motcua.payments.receipt import amount_in_words

from .conftest import publish, submitted


def login(client, user):
    assert client.login(username=user.username, password=DEMO_PASSWORD)


def path_and_query(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path, parts.query


def test_sandbox_flow_pays_and_the_receipt_downloads(people, dossier, client):
    login(client, people["citizen"])
    page = client.get(f"/ho-so-cua-toi/{dossier.pk}/")
    assert "Thanh toán trực tuyến" in page.content.decode()
    response = client.post(f"/ho-so-cua-toi/{dossier.pk}/thanh-toan/")
    assert response.status_code == 302
    path, query = path_and_query(response["Location"])
    assert path == "/sandbox/vnpay/"
    sandbox = client.get(f"{path}?{query}")
    assert sandbox.status_code == 200
    assert "125.000 đ" in sandbox.content.decode()  # grouped as in Vietnamese
    back = client.post(f"{path}?{query}", {"outcome": "paid"})
    assert back.status_code == 302
    ret_path, ret_query = path_and_query(back["Location"])
    assert ret_path == "/thanh-toan/vnpay/ket-qua/"
    dossier.refresh_from_db()
    assert dossier.fee_status == "paid"
    order = PaymentOrder.objects.get(dossier=dossier)
    assert order.status == "paid" and order.receipt_number.startswith("BL-H56.19-2026-")
    shown = client.get(f"{ret_path}?{ret_query}").content.decode()
    assert order.receipt_number in shown
    page = client.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    assert "Tải biên lai" in page and "Bạn đã nộp phí, lệ phí của hồ sơ." in page
    pdf = client.get(f"/ho-so-cua-toi/{dossier.pk}/bien-lai/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")


@pytest.mark.parametrize(("outcome", "txn_status"), [("failed", "failed"), ("cancelled", "cancelled")])
def test_sandbox_failure_leaves_the_fee_unpaid(people, dossier, client, outcome, txn_status):
    login(client, people["citizen"])
    response = client.post(f"/ho-so-cua-toi/{dossier.pk}/thanh-toan/")
    path, query = path_and_query(response["Location"])
    client.post(f"{path}?{query}", {"outcome": outcome})
    dossier.refresh_from_db()
    assert dossier.fee_status == "unpaid"
    order = PaymentOrder.objects.get(dossier=dossier)
    assert order.status == "failed"
    assert order.transactions.get().status == txn_status
    assert not DossierEvent.objects.filter(dossier=dossier, action="fee_paid").exists()


def test_sandbox_ipn_twice_credits_once(people, dossier, client):
    login(client, people["citizen"])
    path, query = path_and_query(client.post(f"/ho-so-cua-toi/{dossier.pk}/thanh-toan/")["Location"])
    client.post(f"{path}?{query}&ipn=twice", {"outcome": "paid"})
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_paid").count() == 1


def test_sandbox_refuses_a_forged_request_and_is_off_in_production(people, dossier, client, settings):
    login(client, people["citizen"])
    path, query = path_and_query(client.post(f"/ho-so-cua-toi/{dossier.pk}/thanh-toan/")["Location"])
    forged = query.replace("vnp_Amount=12500000", "vnp_Amount=100")
    assert client.get(f"{path}?{forged}").status_code == 400
    assert client.post(f"{path}?{forged}", {"outcome": "paid"}).status_code == 400
    settings.MOTCUA_PAYMENT_SANDBOX = False
    assert client.get(f"{path}?{query}").status_code == 404


def test_zero_fee_needs_no_order(people, version, client, clock):
    from tests.dossiers.conftest import vn

    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    assert d.fee_status == "none"
    assert pay.payment_order_for(d) is None
    assert not PaymentOrder.objects.exists()
    login(client, people["citizen"])
    assert "Thanh toán trực tuyến" not in client.get(f"/ho-so-cua-toi/{d.pk}/").content.decode()
    body = client.get(f"/api/v1/dossiers/{d.code}/payment").json()
    assert body["fee_status"] == "none" and body["order_id"] is None
    answer = client.post(f"/api/v1/dossiers/{d.code}/payment/vnpay")
    assert answer.status_code == 409 and answer.json()["code"] == "nothing_to_pay"


def test_fees_quantity_and_exemption(people, dossier):
    assert total_due(dossier) == 125000
    dossier.form_data = {**dossier.form_data, "so_luong": 3}
    assert total_due(dossier) == 375000
    dossier.form_data["mien_giam_phi"] = True  # only the item declaring an exemption is waived
    items = fee_items(dossier)
    assert [(i.amount, i.exempted, i.stage) for i in items] == [
        (300000, False, "at_submission"),
        (0, True, "before_result"),
    ]
    dossier.form_data["so_luong"] = "abc"
    assert total_due(dossier) == 100000


def test_free_items_only_procedure(people, demo, clock):
    from tests.dossiers.conftest import vn

    v = publish(code="1.006666", fees=[{"name": "Lệ phí", "amount": 0}])
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, v)
    assert d.fee_status == "none" and pay.payment_order_for(d) is None


def test_api_payment(people, dossier, client):
    login(client, people["citizen"])
    body = client.get(f"/api/v1/dossiers/{dossier.code}/payment").json()
    assert body["amount"] == 125000 and body["status"] == "created" and body["fee_status"] == "unpaid"
    assert [i["amount"] for i in body["items"]] == [100000, 25000]
    answer = client.post(f"/api/v1/dossiers/{dossier.code}/payment/vnpay")
    assert answer.status_code == 200
    url = answer.json()["payment_url"]
    assert url.startswith("/sandbox/vnpay/?") and "vnp_Amount=12500000" in url
    body = client.get(f"/api/v1/dossiers/{dossier.code}/payment").json()
    assert body["status"] == "pending" and len(body["transactions"]) == 1
    client.logout()
    login(client, people["citizen2"])
    assert client.get(f"/api/v1/dossiers/{dossier.code}/payment").status_code == 404
    assert client.post(f"/api/v1/dossiers/{dossier.code}/payment/vnpay").status_code == 404


def test_amount_in_words():
    assert amount_in_words(125000) == "Một trăm hai mươi lăm nghìn đồng"
    assert amount_in_words(2005000) == "Hai triệu không trăm lẻ năm nghìn đồng"
