"""The national payment platform (Nền tảng thanh toán trực tuyến của Cổng Dịch vụ công quốc gia, "PayGov"):
build the signed payment request, verify a signed callback.

Its published specification could not be obtained (security.md §3: "not found"), so this is a **stand-in
with the same shape as** ``gateways/vnpay.py`` — ``Merchant``, ``sign``, ``verify``, ``payment_params``,
``payment_url``, ``amount_in_dong`` — that signs its own way, so the rest of the system (and its tests) can
treat the two gateways alike. When the real specification arrives only this module changes.

Signature of the stand-in: HMAC-SHA256 under the merchant's secret key over the values of a **fixed list of
fields, in that order** (``REQUEST_FIELDS`` for a payment request, ``CALLBACK_FIELDS`` for the platform's
callback), each value as text (missing → empty), joined with ``|``; the upper-case hex digest goes into
``pg_checksum``. Amounts are whole đồng (no ×100). Times are ISO 8601 with the +07:00 offset.

Verification recomputes the digest and compares with ``hmac.compare_digest``; a checksum that is not
exactly 64 hex characters is refused first (either case accepted, as for VNPay).

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

VERSION = "1.0"
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CHECKSUM = "pg_checksum"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
EXPIRES_AFTER = dt.timedelta(minutes=15)
#: ``pg_status`` of a callback: the payment went through / the payer cancelled / anything else failed.
SUCCESS = "SUCCESS"
CANCELLED = "CANCELLED"

#: The signed fields of a payment request, in signing order.
REQUEST_FIELDS = (
    "pg_version",
    "pg_merchant",
    "pg_txn_ref",
    "pg_amount",
    "pg_currency",
    "pg_order_info",
    "pg_return_url",
    "pg_ip",
    "pg_created_at",
    "pg_expire_at",
)
#: The signed fields of the platform's callback (server-to-server and browser return), in signing order.
CALLBACK_FIELDS = (
    "pg_version",
    "pg_merchant",
    "pg_txn_ref",
    "pg_amount",
    "pg_status",
    "pg_txn_no",
    "pg_bank",
    "pg_paid_at",
)


@dataclass(frozen=True)
class Merchant:
    merchant_code: str
    secret_key: str
    pay_url: str


@dataclass(frozen=True)
class Callback:
    """What a verified callback says, in the system's terms."""

    merchant_code: str
    txn_ref: str
    amount: int | None
    success: bool
    cancelled: bool
    gateway_txn_no: str
    bank_code: str
    response_code: str
    paid_at: dt.datetime | None


def pg_time(moment: dt.datetime) -> str:
    """ISO 8601 to the second in GMT+7, e.g. ``2026-03-02T09:15:00+07:00``."""
    return moment.astimezone(VN).replace(microsecond=0).isoformat()


def _fields_for(params: Mapping[str, str]) -> tuple[str, ...]:
    return CALLBACK_FIELDS if "pg_status" in params else REQUEST_FIELDS


def hash_data(params: Mapping[str, str], fields: tuple[str, ...] | None = None) -> str:
    """The string that is signed: the values of ``fields`` (request or callback list) joined with ``|``."""
    names = fields if fields is not None else _fields_for(params)
    return "|".join(str(params.get(name) or "") for name in names)


def sign(params: Mapping[str, str], secret: str, fields: tuple[str, ...] | None = None) -> str:
    """HMAC-SHA256 of ``hash_data(params)`` as upper-case hex."""
    return hmac.new(secret.encode(), hash_data(params, fields).encode(), hashlib.sha256).hexdigest().upper()


def verify(params: Mapping[str, str], secret: str, fields: tuple[str, ...] | None = None) -> bool:
    """Is ``pg_checksum`` the signature of the other fields? Constant-time compare."""
    received = params.get(CHECKSUM) or ""
    if not isinstance(received, str) or not _HEX64.fullmatch(received):
        return False
    return hmac.compare_digest(received.upper(), sign(params, secret, fields))


def payment_params(
    *,
    merchant: Merchant,
    txn_ref: str,
    amount: int,
    order_info: str,
    return_url: str,
    ip_addr: str,
    created_at: dt.datetime,
) -> dict[str, str]:
    """The signed parameters of a payment request (``pg_amount`` in whole đồng)."""
    params = {
        "pg_version": VERSION,
        "pg_merchant": merchant.merchant_code,
        "pg_txn_ref": txn_ref,
        "pg_amount": str(int(amount)),
        "pg_currency": "VND",
        "pg_order_info": order_info,
        "pg_return_url": return_url,
        "pg_ip": ip_addr or "127.0.0.1",
        "pg_created_at": pg_time(created_at),
        "pg_expire_at": pg_time(created_at + EXPIRES_AFTER),
    }
    params[CHECKSUM] = sign(params, merchant.secret_key, REQUEST_FIELDS)
    return params


def payment_url(merchant: Merchant, params: Mapping[str, str]) -> str:
    query = "&".join(f"{quote_plus(k)}={quote_plus(str(v))}" for k, v in params.items())
    separator = "&" if "?" in merchant.pay_url else "?"
    return f"{merchant.pay_url}{separator}{query}"


def amount_in_dong(pg_amount: str) -> int | None:
    """``pg_amount`` as đồng; None unless it is a non-negative whole number."""
    if not pg_amount or not pg_amount.isascii() or not pg_amount.isdigit():
        return None
    return int(pg_amount)


def _parse_time(value: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def callback_params(
    *,
    merchant: Merchant,
    txn_ref: str,
    amount: int,
    status: str = SUCCESS,
    txn_no: str = "",
    bank: str = "",
    paid_at: dt.datetime | None = None,
) -> dict[str, str]:
    """A signed callback as the platform sends it (for the sandbox and the tests)."""
    params = {
        "pg_version": VERSION,
        "pg_merchant": merchant.merchant_code,
        "pg_txn_ref": txn_ref,
        "pg_amount": str(int(amount)),
        "pg_status": status,
        "pg_txn_no": txn_no,
        "pg_bank": bank,
        "pg_paid_at": pg_time(paid_at) if paid_at else "",
    }
    params[CHECKSUM] = sign(params, merchant.secret_key, CALLBACK_FIELDS)
    return params


def parse_callback(params: Mapping[str, str], secret: str) -> Callback | None:
    """The verified callback in the system's terms; None when the checksum does not match."""
    if not verify(params, secret, CALLBACK_FIELDS):
        return None
    status = params.get("pg_status", "")
    return Callback(
        merchant_code=params.get("pg_merchant", ""),
        txn_ref=params.get("pg_txn_ref", ""),
        amount=amount_in_dong(params.get("pg_amount", "")),
        success=status == SUCCESS,
        cancelled=status == CANCELLED,
        gateway_txn_no=params.get("pg_txn_no", "")[:64],
        bank_code=params.get("pg_bank", "")[:32],
        response_code=status[:8],
        paid_at=_parse_time(params.get("pg_paid_at", "")),
    )
