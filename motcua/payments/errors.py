"""Payment errors with stable codes (the API answers ``{code, message}`` with ``http_status``)."""

from __future__ import annotations

from motcua.dossiers.errors import DossierError


class PaymentError(DossierError):
    code = "payment_error"
    http_status = 400


class NothingToPay(PaymentError):
    code = "nothing_to_pay"
    http_status = 409


class GatewayNotConfigured(PaymentError):
    code = "gateway_not_configured"
    http_status = 503
