"""The VNPay 2.1.0 signature: a known-answer test against a straightforward independent implementation."""

import datetime as dt
import hashlib
import hmac
import urllib.parse

from motcua.payments.gateways import vnpay

SECRET = "TESTSECRETKEY0123456789ABCDEFGH"
FIXED = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "DEMOV210",
    "vnp_Amount": "12500000",
    "vnp_CurrCode": "VND",
    "vnp_TxnRef": "42T260302ABCD1234",
    "vnp_OrderInfo": "Thanh toan phi le phi ho so H56.40-260302-0001",
    "vnp_OrderType": "other",
    "vnp_Locale": "vn",
    "vnp_ReturnUrl": "https://dichvucong.thanhhoa.gov.vn/thanh-toan/vnpay/ket-qua/",
    "vnp_IpAddr": "203.0.113.7",
    "vnp_CreateDate": "20260302090000",
    "vnp_ExpireDate": "20260302091500",
    "vnp_BankCode": "",
}


def independent_sign(params, secret):
    keys = sorted(k for k in params if k not in ("vnp_SecureHash", "vnp_SecureHashType") and params[k])
    data = "&".join(urllib.parse.quote_plus(k) + "=" + urllib.parse.quote_plus(params[k]) for k in keys)
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def test_hash_data_is_sorted_form_encoded_without_empties():
    data = vnpay.hash_data({**FIXED, "vnp_SecureHash": "x", "vnp_SecureHashType": "SHA512"})
    assert data.startswith("vnp_Amount=12500000&vnp_Command=pay&vnp_CreateDate=20260302090000")
    assert "vnp_BankCode" not in data and "SecureHash" not in data
    assert "vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+H56.40-260302-0001" in data
    assert "vnp_ReturnUrl=https%3A%2F%2Fdichvucong.thanhhoa.gov.vn%2Fthanh-toan%2Fvnpay%2Fket-qua%2F" in data


def test_known_answer():
    expected = independent_sign(FIXED, SECRET)
    assert len(expected) == 128
    assert vnpay.sign(FIXED, SECRET) == expected
    # the value itself, pinned so that a change of either implementation is noticed
    assert expected == (
        "6ddcc524e577a81e80065efe737d70bdb689c72302796d8fa424fe4ecdf19032"
        "1d9378f3c95d0403222f15130f09dce84c32d4236665d6bd331b9f9f47586be4"
    )


def test_verify_accepts_lower_and_upper_case_of_the_right_hash_only():
    signed = {**FIXED, "vnp_SecureHash": independent_sign(FIXED, SECRET)}
    assert vnpay.verify(signed, SECRET)
    assert vnpay.verify({**signed, "vnp_SecureHash": signed["vnp_SecureHash"].upper()}, SECRET)
    assert vnpay.verify({**signed, "vnp_SecureHashType": "HmacSHA512"}, SECRET)  # excluded from the hash
    assert not vnpay.verify({**signed, "vnp_Amount": "12500100"}, SECRET)
    assert not vnpay.verify({**signed, "vnp_SecureHash": signed["vnp_SecureHash"][:-1]}, SECRET)
    assert not vnpay.verify({**signed, "vnp_SecureHash": signed["vnp_SecureHash"] + "0"}, SECRET)
    assert not vnpay.verify(FIXED, SECRET)
    assert not vnpay.verify(signed, SECRET + "x")


def test_payment_params_fields():
    merchant = vnpay.Merchant("DEMOV210", SECRET, "https://sandbox.example/pay")
    at = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 in GMT+7
    params = vnpay.payment_params(
        merchant=merchant, txn_ref="1T1", amount=125000, order_info="Phi", return_url="https://x/r",
        ip_addr="10.0.0.1", created_at=at,
    )  # fmt: skip
    assert params["vnp_Amount"] == "12500000"
    assert params["vnp_CreateDate"] == "20260302090000"
    assert params["vnp_ExpireDate"] == "20260302091500"
    assert (
        params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay" and params["vnp_Locale"] == "vn"
    )
    assert params["vnp_SecureHash"] == independent_sign(params, SECRET)
    url = vnpay.payment_url(merchant, params)
    parsed = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert vnpay.verify(parsed, SECRET)


def test_amount_in_dong():
    assert vnpay.amount_in_dong("12500000") == 125000
    assert vnpay.amount_in_dong("12500001") is None
    assert vnpay.amount_in_dong("-100") is None
    assert vnpay.amount_in_dong("１００") is None
    assert vnpay.amount_in_dong("") is None
