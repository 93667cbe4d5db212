"""Reconciliation with a gateway statement, the reconcile_payments command, and the national platform's
adapter (issue 8)."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command

from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit
from motcua.payments.counter import InvalidPayment, PaymentNotAllowed
from motcua.payments.errors import GatewayNotConfigured
from motcua.payments.gateways import national, vnpay
from motcua.payments.gateways.adapters import (
    NationalGateway,
    VnpayGateway,
    gateway_channel_for,
    gateway_for,
)
from motcua.payments.models import OrderStatus, PayChannel, PaymentOrder, PaymentTransaction, Stage, TxnStatus
from motcua.payments.models_reconcile import MismatchKind, ReconciliationMismatch, ReconciliationRun
from motcua.payments.reconcile import (
    StatementInvalid,
    parse_statement,
    reconcile,
    reconciliation_mismatch_resolve,
)

from .conftest import vn

DAY = dt.date(2026, 3, 2)
HEADER = "txn_ref,gateway_txn_no,amount,paid_at,status\n"


def agency():
    return OrgUnit.objects.get(code="H56.19")


@pytest.fixture
def make_txn(dossier):
    """A gateway transaction of the collecting agency (each paid one on its own order)."""
    counter = iter(range(1, 1000))

    def build(ref, status=TxnStatus.PAID, *, amount=125000, at=None, gateway=PayChannel.VNPAY, unit=None):
        n = next(counter)
        paid = status == TxnStatus.PAID
        order = PaymentOrder.objects.create(
            dossier=dossier,
            agency=unit or agency(),
            amount=amount,
            stage=Stage.AT_SUBMISSION,
            status=OrderStatus.PAID if paid else OrderStatus.PENDING,
            channel=gateway if paid else "",
            paid_at=at or vn(2026, 3, 2, 10, 0) if paid else None,
            receipt_number=f"BL-TEST-{n:06d}" if paid else None,
        )
        return PaymentTransaction.objects.create(
            order=order,
            gateway=gateway,
            txn_ref=ref,
            amount=amount,
            status=status,
            gateway_txn_no=f"1400{n:04d}",
            completed_at=at or vn(2026, 3, 2, 10, 0) if status != TxnStatus.PENDING else None,
        )

    return build


@pytest.fixture
def scene(make_txn, people):
    """Each kind of mismatch exactly once, plus the rows and transactions that must not be flagged."""
    make_txn("1T260302OK")  # paid, in the statement, same amount
    make_txn("2T260302MISSING", at=vn(2026, 3, 2, 23, 59))  # paid that day, absent from the statement
    make_txn("3T260302PENDING", TxnStatus.PENDING)  # the statement says paid, not credited here
    make_txn("4T260302AMOUNT")  # paid on both sides, amounts differ
    make_txn("5T260302FAILED", TxnStatus.FAILED)  # failed on both sides: nothing to say
    make_txn("6T260301EARLIER", at=vn(2026, 3, 1, 23, 59))  # paid the day before: not this statement's
    make_txn("QUAY-99", gateway=PayChannel.COUNTER)  # counter payments are not at the gateway
    return (
        HEADER
        + "1T260302OK,14000001,125000,20260302100000,00\n"
        + "3T260302PENDING,14000003,125000,2026-03-02T10:05:00+07:00,00\n"
        + "4T260302AMOUNT,14000004,120000,02/03/2026 10:10:00,00\n"
        + "5T260302FAILED,,125000,,02\n"
        + "\n"
        + "9T260302STRANGER,14000009,50000,2026-03-02 11:00:00,00\n"
    )


def kinds(result):
    return [(m.kind, m.txn_ref) for m in result.mismatches]


# -- comparing --------------------------------------------------------------------------------------------


def test_each_kind_of_mismatch_once(scene, people):
    result = reconcile(scene, DAY, agency(), actor=people["specialist"], file_name="vnpay-20260302.csv")
    assert kinds(result) == [
        (MismatchKind.MISSING_IN_STATEMENT, "2T260302MISSING"),
        (MismatchKind.NOT_PAID_HERE, "3T260302PENDING"),
        (MismatchKind.AMOUNT_DIFFERS, "4T260302AMOUNT"),
        (MismatchKind.UNKNOWN_REFERENCE, "9T260302STRANGER"),
    ]
    assert result.matched == 1
    amounts = {m.kind: (m.system_amount, m.statement_amount, m.statement_line) for m in result.mismatches}
    assert amounts[MismatchKind.AMOUNT_DIFFERS] == (125000, 120000, 4)
    assert amounts[MismatchKind.MISSING_IN_STATEMENT] == (125000, None, None)
    assert amounts[MismatchKind.UNKNOWN_REFERENCE] == (None, 50000, 7)
    run = ReconciliationRun.objects.get()
    assert (run.agency.code, run.day, run.gateway, run.statement_rows) == ("H56.19", DAY, "vnpay", 5)
    assert run.statement_total == 125000 * 2 + 120000 + 50000
    assert run.system_total == 125000 * 3  # OK, MISSING, AMOUNT (not the day before, not the counter)
    assert run.created_by == people["specialist"]
    assert ReconciliationMismatch.objects.filter(run=run).count() == 4
    audit = AuditEvent.objects.get(action="payment.reconciled")
    assert audit.data["mismatches"] == dict.fromkeys(MismatchKind.values, 1)


def test_a_clean_statement_has_no_mismatch(make_txn):
    make_txn("1T260302OK")
    result = reconcile(HEADER + "1T260302OK,14000001,125000,20260302100000,00\n", DAY, "H56.19", save=False)
    assert result.ok and result.matched == 1
    assert not ReconciliationRun.objects.exists()


def test_statement_failed_but_credited_here(make_txn):
    make_txn("1T260302OK")
    result = reconcile(HEADER + "1T260302OK,14000001,125000,,FAILED\n", DAY, "H56.19", save=False)
    assert kinds(result) == [(MismatchKind.MISSING_IN_STATEMENT, "1T260302OK")]
    assert result.mismatches[0].statement_status == "FAILED"


def test_another_agencys_transaction_is_unknown_here(make_txn):
    make_txn("1T260302TAX", unit=OrgUnit.objects.get(code="H56.52"))
    result = reconcile(HEADER + "1T260302TAX,1,125000,,00\n", DAY, "H56.19", save=False)
    assert kinds(result) == [(MismatchKind.UNKNOWN_REFERENCE, "1T260302TAX")]


def test_the_agencys_configured_gateway_is_used(make_txn, settings):
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        **settings.MOTCUA_PAYMENT_GATEWAYS,
        "H56.19": {
            "gateway": "national",
            "merchant_code": "TH-STNMT",
            "secret_key": "k" * 32,
            "pay_url": "/",
        },
    }
    make_txn("1T260302VNP")  # a VNPay transaction: not on the national platform's statement
    make_txn("2T260302NAT", gateway=PayChannel.NATIONAL)
    result = reconcile(HEADER + "2T260302NAT,1,125000,,SUCCESS\n", DAY, "H56.19", save=False)
    assert result.run.gateway == PayChannel.NATIONAL
    assert result.ok and result.matched == 1


# -- the statement's format ---------------------------------------------------------------------------------


def test_bom_semicolons_and_column_order_are_accepted():
    data = "\ufeffStatus;Amount;TXN_REF;paid_at;gateway_txn_no;note\r\n00;125000;1T1;20260302100000;14;x\r\n"
    (row,) = parse_statement(data.encode("utf-8"))
    assert (row.txn_ref, row.amount, row.paid, row.gateway_txn_no) == ("1T1", 125000, True, "14")
    assert row.paid_at == vn(2026, 3, 2, 10, 0)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("txn_ref,amount,status\n1T1,1000,00\n", "gateway_txn_no"),
        (HEADER + "1T1,,125.000,,00\n", "125.000"),
        (HEADER + "1T1,,-5,,00\n", "-5"),
        (HEADER + "1T1,,1000,,00\n1T1,,1000,,00\n", "1T1"),
        (HEADER + "1T1,,1000,hôm qua,00\n", "hôm qua"),
        (HEADER + ",,1000,,00\n", "txn_ref"),
        (HEADER + "1T1,,1000,,\n", "status"),
        ("", "trống"),
    ],
)
def test_malformed_statements_name_the_problem(body, needle):
    with pytest.raises(StatementInvalid) as info:
        parse_statement(body)
    assert needle in str(info.value)


def test_a_statement_that_is_not_utf8_is_refused():
    with pytest.raises(StatementInvalid):
        parse_statement((HEADER + "1T1,,1000,,thành công\n").encode("cp1258"))


def test_unknown_agency_is_refused(demo):
    with pytest.raises(InvalidPayment):
        reconcile(HEADER, DAY, "H99.99")


# -- resolving ----------------------------------------------------------------------------------------------


def test_an_officer_resolves_a_mismatch_once_with_a_note(scene, people):
    result = reconcile(scene, DAY, agency(), actor=people["specialist"])
    mismatch = result.mismatches[0]
    with pytest.raises(InvalidPayment):
        reconciliation_mismatch_resolve(mismatch=mismatch, actor=people["specialist"], note=" ")
    with pytest.raises(PaymentNotAllowed):  # the counter officer of another unit
        reconciliation_mismatch_resolve(mismatch=mismatch, actor=people["officer"], note="Đã kiểm tra")
    done = reconciliation_mismatch_resolve(
        mismatch=mismatch, actor=people["specialist"], note="Cổng xác nhận giao dịch ngày 03/3"
    )
    assert done.resolved and done.resolved_by == people["specialist"]
    with pytest.raises(InvalidPayment):
        reconciliation_mismatch_resolve(mismatch=mismatch, actor=people["leader"], note="Lần hai")
    event = AuditEvent.objects.get(action="payment.mismatch_resolved")
    assert event.data["note"] == "Cổng xác nhận giao dịch ngày 03/3"
    assert event.data["txn_ref"] == mismatch.txn_ref


# -- the command --------------------------------------------------------------------------------------------


def run_command(path, *extra):
    return call_command("reconcile_payments", str(path), "--agency", "H56.19", "--day", "2026-03-02", *extra)


def test_command_prints_the_mismatches_and_exits_1(scene, tmp_path, capsys):
    path = tmp_path / "vnpay-20260302.csv"
    path.write_text(scene, encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run_command(path)
    assert info.value.returncode == 1
    out = capsys.readouterr().out
    for kind in MismatchKind.values:
        assert kind in out
    assert "9T260302STRANGER" in out
    assert ReconciliationRun.objects.count() == 1


def test_command_exits_0_when_everything_matches(make_txn, tmp_path, capsys):
    make_txn("1T260302OK")
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "1T260302OK,14000001,125000,20260302100000,00\n", encoding="utf-8")
    run_command(path, "--dry-run")
    assert "No mismatches" in capsys.readouterr().out
    assert not ReconciliationRun.objects.exists()


def test_command_exits_2_on_bad_input(demo, tmp_path):
    with pytest.raises(CommandError) as missing:
        run_command(tmp_path / "absent.csv")
    assert missing.value.returncode == 2
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError) as bad:
        run_command(path)
    assert bad.value.returncode == 2
    with pytest.raises(CommandError) as day:
        call_command("reconcile_payments", str(path), "--agency", "H56.19", "--day", "02/03/2026")
    assert day.value.returncode == 2


# -- the national payment platform --------------------------------------------------------------------------

MERCHANT = national.Merchant("TH-STNMT", "NATIONALTESTSECRET0123456789", "https://paygov.example/pay")


def test_national_request_is_signed_over_its_fixed_fields():
    params = national.payment_params(
        merchant=MERCHANT,
        txn_ref="42T260302ABCD1234",
        amount=125000,
        order_info="Thanh toan phi le phi ho so H56.40-260302-0001",
        return_url="https://dichvucong.thanhhoa.gov.vn/thanh-toan/ket-qua/",
        ip_addr="203.0.113.7",
        created_at=vn(2026, 3, 2, 9, 0),
    )
    assert params["pg_amount"] == "125000"
    assert params["pg_expire_at"] == "2026-03-02T09:15:00+07:00"
    blob = "|".join(params[k] for k in national.REQUEST_FIELDS)
    expected = hmac.new(MERCHANT.secret_key.encode(), blob.encode(), hashlib.sha256).hexdigest().upper()
    assert params["pg_checksum"] == expected
    assert national.verify(params, MERCHANT.secret_key, national.REQUEST_FIELDS)
    assert national.payment_url(MERCHANT, params).startswith("https://paygov.example/pay?pg_version=1.0&")


def test_national_callback_verification():
    params = national.callback_params(
        merchant=MERCHANT,
        txn_ref="42T1",
        amount=125000,
        txn_no="PG0001",
        bank="VCB",
        paid_at=vn(2026, 3, 2, 9, 5),
    )
    callback = national.parse_callback(params, MERCHANT.secret_key)
    assert callback is not None and callback.success and not callback.cancelled
    assert (callback.txn_ref, callback.amount, callback.gateway_txn_no) == ("42T1", 125000, "PG0001")
    assert callback.paid_at == vn(2026, 3, 2, 9, 5)
    lower = {**params, "pg_checksum": params["pg_checksum"].lower()}
    assert national.parse_callback(lower, MERCHANT.secret_key) is not None
    for tampered in (
        {**params, "pg_amount": "1"},
        {**params, "pg_status": "SUCCESS ", "pg_checksum": params["pg_checksum"]},
        {**params, "pg_checksum": "0" * 64},
        {**params, "pg_checksum": params["pg_checksum"] + "00"},
        {k: v for k, v in params.items() if k != "pg_checksum"},
    ):
        assert national.parse_callback(tampered, MERCHANT.secret_key) is None
    assert national.parse_callback(params, "another-secret") is None
    failed = national.callback_params(
        merchant=MERCHANT, txn_ref="42T1", amount=125000, status=national.CANCELLED
    )
    parsed = national.parse_callback(failed, MERCHANT.secret_key)
    assert parsed is not None and parsed.cancelled and not parsed.success


def test_gateways_are_selected_per_agency(settings):
    assert isinstance(gateway_for("H56.19"), VnpayGateway)  # the default entry
    assert gateway_channel_for("H56.19") == PayChannel.VNPAY
    settings.MOTCUA_PAYMENT_GATEWAYS = {
        **settings.MOTCUA_PAYMENT_GATEWAYS,
        "H56.19": {
            "gateway": "national",
            "merchant_code": "TH-STNMT",
            "secret_key": "s" * 32,
            "pay_url": "/pg/",
        },
        "H56.52": {"gateway": "national", "merchant_code": "", "secret_key": ""},
    }
    gateway = gateway_for("H56.19")
    assert isinstance(gateway, NationalGateway) and gateway.channel == PayChannel.NATIONAL
    assert gateway_channel_for("H56.19") == PayChannel.NATIONAL
    assert isinstance(gateway_for("H56.40"), VnpayGateway)
    with pytest.raises(GatewayNotConfigured):
        gateway_for("H56.52")


def test_both_adapters_give_the_same_callback(settings):
    conf = settings.MOTCUA_PAYMENT_GATEWAYS["default"]
    vnp = VnpayGateway(vnpay.Merchant(conf["tmn_code"], conf["hash_secret"], conf["pay_url"]))
    params = {
        "vnp_Amount": "12500000",
        "vnp_PayDate": "20260302090500",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": conf["tmn_code"],
        "vnp_TransactionNo": "PG0001",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "42T1",
        "vnp_BankCode": "VCB",
    }
    params["vnp_SecureHash"] = vnpay.sign(params, conf["hash_secret"])
    from_vnpay = vnp.parse_callback(params)
    from_national = NationalGateway(MERCHANT).parse_callback(
        national.callback_params(
            merchant=MERCHANT,
            txn_ref="42T1",
            amount=125000,
            txn_no="PG0001",
            bank="VCB",
            paid_at=vn(2026, 3, 2, 9, 5),
        )
    )
    assert from_vnpay is not None and from_national is not None
    fields = ("txn_ref", "amount", "success", "cancelled", "gateway_txn_no", "bank_code", "paid_at")
    assert [getattr(from_vnpay, f) for f in fields] == [getattr(from_national, f) for f in fields]
    assert vnp.parse_callback({**params, "vnp_Amount": "100"}) is None
    url = vnp.payment_url(
        txn_ref="42T1",
        amount=125000,
        order_info="x",
        return_url="/r/",
        ip_addr="",
        created_at=vn(2026, 3, 2, 9),
    )
    assert "vnp_SecureHash=" in url and "vnp_Amount=12500000" in url


# -- the pages ----------------------------------------------------------------------------------------------


def url(name, *args):
    from django.urls import reverse

    return reverse(f"backoffice:{name}", args=args)


def upload(client, text, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "agency": "H56.19",
        "day": "2026-03-02",
        "gateway": "",
        "statement": SimpleUploadedFile("vnpay-20260302.csv", text.encode("utf-8"), content_type="text/csv"),
        **extra,
    }
    return client.post(url("payment_reconcile"), data)


def test_reconcile_page_upload_and_resolve(scene, people, client):
    client.force_login(people["specialist"])
    assert client.get(url("payment_reconcile")).status_code == 200
    response = upload(client, scene)
    assert response.status_code == 302
    run = ReconciliationRun.objects.get()
    assert response["Location"] == url("payment_run", run.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    for ref in ("2T260302MISSING", "3T260302PENDING", "4T260302AMOUNT", "9T260302STRANGER"):
        assert ref in body
    mismatch = run.mismatches.get(kind=MismatchKind.UNKNOWN_REFERENCE)
    empty = client.post(url("payment_resolve", mismatch.pk), {f"m{mismatch.pk}-note": ""})
    assert empty.status_code == 422
    done = client.post(
        url("payment_resolve", mismatch.pk), {f"m{mismatch.pk}-note": "Giao dịch của đơn vị khác"}
    )
    assert done.status_code == 302
    mismatch.refresh_from_db()
    assert mismatch.resolved and mismatch.resolution_note == "Giao dịch của đơn vị khác"
    listing = client.get(url("payment_reconcile"))
    assert listing.context["runs"][0].open_count == 3


def test_reconcile_page_explains_a_bad_file(demo, people, client):
    client.force_login(people["specialist"])
    response = upload(client, HEADER + "1T1,,12.000,,00\n")
    assert response.status_code == 422
    assert "Dòng 2" in response.content.decode()
    assert not ReconciliationRun.objects.exists()


def test_reconcile_page_scope(scene, people, client):
    run = reconcile(scene, DAY, agency(), actor=people["specialist"]).run
    mismatch = run.mismatches.first()
    client.force_login(people["officer"])  # one-stop officer of the centre, not of the collecting unit
    assert client.get(url("payment_run", run.pk)).status_code == 404
    assert client.post(url("payment_resolve", mismatch.pk), {f"m{mismatch.pk}-note": "x"}).status_code == 404
    assert upload(client, scene).status_code == 422  # H56.19 is not among the units offered
    client.force_login(people["auditor"])
    page = client.get(url("payment_run", run.pk))
    assert page.status_code == 200 and not page.context["can_resolve"]
    assert upload(client, scene).status_code == 403
