"""One interface over the payment gateways, and which gateway each collecting agency uses.

``gateway_for(agency_code)`` reads ``settings.MOTCUA_PAYMENT_GATEWAYS[agency_code]`` (or ``["default"]``);
its ``"gateway"`` key names the adapter — ``"vnpay"`` (the default, keys ``tmn_code``, ``hash_secret``,
``pay_url``) or ``"national"`` (the national payment platform, keys ``merchant_code``, ``secret_key``,
``pay_url``)::

    MOTCUA_PAYMENT_GATEWAYS = {
        "default": {"tmn_code": "…", "hash_secret": "…", "pay_url": "https://…/vpcpay.html"},
        "H56.19": {"gateway": "national", "merchant_code": "…", "secret_key": "…", "pay_url": "https://…"},
    }

Both adapters build the signed payment URL the same way and turn a callback into the same ``Callback``
(``None`` when its signature is wrong), so a caller never looks at ``vnp_*`` or ``pg_*`` parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import GatewayNotConfigured
from ..models import PayChannel
from . import national, vnpay
from .national import Callback

__all__ = ["Callback", "Gateway", "NationalGateway", "VnpayGateway", "gateway_channel_for", "gateway_for"]

VNPAY = "vnpay"
NATIONAL = "national"
#: Adapter name (the ``"gateway"`` key) → the order channel its payments carry.
CHANNELS: dict[str, str] = {VNPAY: PayChannel.VNPAY, NATIONAL: PayChannel.NATIONAL}


class Gateway(Protocol):
    channel: str

    def payment_url(
        self,
        *,
        txn_ref: str,
        amount: int,
        order_info: str,
        return_url: str,
        ip_addr: str,
        created_at: dt.datetime,
    ) -> str: ...

    def parse_callback(self, params: Mapping[str, str]) -> Callback | None: ...


class _ProtocolGateway:
    """A gateway whose protocol module builds the signed parameters and the URL (``payment_params``,
    ``payment_url``): both adapters below differ only in the module and in how a callback is read."""

    channel: str
    protocol: Any

    def __init__(self, merchant: Any) -> None:
        self.merchant = merchant

    def payment_url(
        self,
        *,
        txn_ref: str,
        amount: int,
        order_info: str,
        return_url: str,
        ip_addr: str,
        created_at: dt.datetime,
    ) -> str:
        params = self.protocol.payment_params(
            merchant=self.merchant, txn_ref=txn_ref, amount=amount, order_info=order_info,
            return_url=return_url, ip_addr=ip_addr, created_at=created_at,
        )  # fmt: skip
        return str(self.protocol.payment_url(self.merchant, params))


class VnpayGateway(_ProtocolGateway):
    channel: str = PayChannel.VNPAY
    protocol = vnpay
    merchant: vnpay.Merchant

    def parse_callback(self, params: Mapping[str, str]) -> Callback | None:
        if not vnpay.verify(params, self.merchant.hash_secret):
            return None
        code = params.get("vnp_ResponseCode", "")
        paid_at: dt.datetime | None
        try:
            paid_at = dt.datetime.strptime(params.get("vnp_PayDate", ""), "%Y%m%d%H%M%S").replace(
                tzinfo=vnpay.VN
            )
        except ValueError:
            paid_at = None
        return Callback(
            merchant_code=params.get("vnp_TmnCode", ""),
            txn_ref=params.get("vnp_TxnRef", ""),
            amount=vnpay.amount_in_dong(params.get("vnp_Amount", "")),
            success=code == "00" and params.get("vnp_TransactionStatus") == "00",
            cancelled=code == "24",
            gateway_txn_no=params.get("vnp_TransactionNo", "")[:64],
            bank_code=params.get("vnp_BankCode", "")[:32],
            response_code=code[:8],
            paid_at=paid_at,
        )


class NationalGateway(_ProtocolGateway):
    channel: str = PayChannel.NATIONAL
    protocol = national
    merchant: national.Merchant

    def parse_callback(self, params: Mapping[str, str]) -> Callback | None:
        result: Callback | None = national.parse_callback(params, self.merchant.secret_key)
        return result


def _conf(agency_code: str) -> dict[str, str]:
    gateways: dict[str, dict[str, str]] = settings.MOTCUA_PAYMENT_GATEWAYS
    return gateways.get(agency_code) or gateways.get("default") or {}


def gateway_name_for(agency_code: str) -> str:
    """``"vnpay"`` or ``"national"``: the adapter the agency's settings name (VNPay when they name none)."""
    return _conf(agency_code).get("gateway") or VNPAY


def gateway_channel_for(agency_code: str) -> str:
    """The order channel of the agency's online payments (``PayChannel.VNPAY`` or ``PayChannel.NATIONAL``)."""
    return CHANNELS.get(gateway_name_for(agency_code), PayChannel.VNPAY)


def gateway_for(agency_code: str) -> Gateway:
    """The configured gateway of a collecting agency; ``GatewayNotConfigured`` when its credentials are missing
    or the adapter name is unknown."""
    conf = _conf(agency_code)
    name = conf.get("gateway") or VNPAY
    if name == VNPAY and conf.get("tmn_code") and conf.get("hash_secret"):
        return VnpayGateway(vnpay.Merchant(conf["tmn_code"], conf["hash_secret"], conf.get("pay_url", "")))
    if name == NATIONAL and conf.get("merchant_code") and conf.get("secret_key"):
        return NationalGateway(
            national.Merchant(conf["merchant_code"], conf["secret_key"], conf.get("pay_url", ""))
        )
    raise GatewayNotConfigured(_("Cổng thanh toán trực tuyến chưa được cấu hình cho đơn vị thu."))
