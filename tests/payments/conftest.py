"""A fee-bearing procedure (two items, one waivable), a submitted dossier, and IPN helpers."""

import pytest
from django.conf import settings

from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.payments.gateways import vnpay
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, version, vn
from tests.dossiers.data import procedure_data
from tests.portal.conftest import _clean_cache_and_media, submitted

__all__ = ["_clean_cache_and_media", "clock", "demo", "people", "pin_tax_unit", "version", "vn"]

FEES = [
    {"name": "Phí thẩm định hồ sơ", "kind": "fee", "amount": 100000, "due": "at_submission"},
    {"name": "Lệ phí cấp giấy phép", "kind": "charge", "amount": 25000, "due": "before_return",
     "exemption": "Miễn cho hộ nghèo"},
]  # fmt: skip


def publish(**overrides):
    spec = parse_procedure(procedure_data(**overrides)).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


@pytest.fixture
def fee_version(demo):
    return publish(code="1.007777", name="Cấp giấy phép có thu phí (thử nghiệm)", fees=FEES)


@pytest.fixture
def dossier(people, fee_version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    return submitted(people, fee_version)


def secret():
    return settings.MOTCUA_PAYMENT_GATEWAYS["default"]["hash_secret"]


def tmn():
    return settings.MOTCUA_PAYMENT_GATEWAYS["default"]["tmn_code"]


def ipn_params(txn, *, amount=None, response="00", status="00", txn_no="14000001", **extra):
    """The parameters VNPay sends for ``txn``, signed with the sandbox secret."""
    params = {
        "vnp_Amount": str((txn.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14000001",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi le phi ho so",
        "vnp_PayDate": "20260302091500",
        "vnp_ResponseCode": response,
        "vnp_TmnCode": tmn(),
        "vnp_TransactionNo": txn_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": txn.txn_ref,
        **extra,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, secret())
    return params
