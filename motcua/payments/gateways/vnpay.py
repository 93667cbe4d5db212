"""The VNPay payment protocol, version 2.1.0: build the signed payment URL, verify a signed callback.

Signature (security.md §3, VNPay's reference code): take every ``vnp_*`` parameter except
``vnp_SecureHash`` and ``vnp_SecureHashType``, drop empty values, sort by key, form-encode each key and
value with ``urllib.parse.quote_plus`` (space → ``+``), join as ``k=v&…`` and sign with HMAC-SHA512 under the
merchant's hash secret; the hex digest goes into ``vnp_SecureHash``.

Verification recomputes the lower-case hex digest and compares it with ``hmac.compare_digest`` (constant
time). The received hash is lower-cased first: a hex digest denotes the same bytes in either case, and
VNPay's own examples are not consistent about the case they send, so an upper-cased *correct* hash is
accepted; anything that is not exactly 128 hex characters is refused before comparing.

This module is pure: no database, no settings (credentials are passed in as ``Merchant``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus

__all__ = ["Merchant", "hash_data", "payment_params", "payment_url", "quote_plus", "sign", "verify"]

VERSION = "2.1.0"
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
HASH_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
_HEX128 = re.compile(r"[0-9a-fA-F]{128}")
#: How long the payment page stays valid (vnp_ExpireDate).
EXPIRES_AFTER = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Merchant:
    tmn_code: str
    hash_secret: str
    pay_url: str


def vnp_time(moment: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7, as VNPay expects."""
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S")


def hash_data(params: Mapping[str, str]) -> str:
    """The string that is signed: sorted ``vnp_*`` pairs, form-encoded, without the hash keys and empties."""
    pairs = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_KEYS and v is not None and str(v) != ""
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)


def sign(params: Mapping[str, str], secret: str) -> str:
    """HMAC-SHA512 of ``hash_data(params)`` as lower-case hex."""
    return hmac.new(secret.encode(), hash_data(params).encode(), hashlib.sha512).hexdigest()


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Is ``vnp_SecureHash`` the signature of the other parameters? Constant-time compare."""
    received = params.get("vnp_SecureHash") or ""
    if not isinstance(received, str) or not _HEX128.fullmatch(received):
        return False
    return hmac.compare_digest(received.lower(), sign(params, secret))


def payment_params(
    *,
    merchant: Merchant,
    txn_ref: str,
    amount: int,
    order_info: str,
    return_url: str,
    ip_addr: str,
    created_at: dt.datetime,
    order_type: str = "other",
    locale: str = "vn",
    bank_code: str = "",
) -> dict[str, str]:
    """The signed parameters of a payment request (``vnp_Amount`` = đồng × 100)."""
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": merchant.tmn_code,
        "vnp_Amount": str(int(amount) * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info,
        "vnp_OrderType": order_type,
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_addr or "127.0.0.1",
        "vnp_CreateDate": vnp_time(created_at),
        "vnp_ExpireDate": vnp_time(created_at + EXPIRES_AFTER),
    }
    if bank_code:
        params["vnp_BankCode"] = bank_code
    params["vnp_SecureHash"] = sign(params, merchant.hash_secret)
    return params


def payment_url(merchant: Merchant, params: Mapping[str, str]) -> str:
    query = "&".join(f"{quote_plus(k)}={quote_plus(str(v))}" for k, v in params.items())
    separator = "&" if "?" in merchant.pay_url else "?"
    return f"{merchant.pay_url}{separator}{query}"


def amount_in_dong(vnp_amount: str) -> int | None:
    """``vnp_Amount`` back to đồng; None if it is not a non-negative whole number of đồng × 100."""
    if not vnp_amount or not vnp_amount.isascii() or not vnp_amount.isdigit():
        return None
    value = int(vnp_amount)
    if value % 100:
        return None
    return value // 100
