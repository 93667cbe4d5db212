"""Online payment of a dossier's fees: the citizen's button, the gateway's IPN and return URL, the receipt,
and the local VNPay-like sandbox (dev, demo and tests only: ``MOTCUA_PAYMENT_SANDBOX``).

The IPN (``/thanh-toan/vnpay/ipn/``) is server-to-server: GET, CSRF-exempt, no session, JSON answer. The
return URL only shows the result (it verifies the signature to choose the message) and changes nothing.

The sandbox calls the IPN **in-process** (``vnpay_ipn(params)``, the same function the IPN view calls)
before redirecting the browser: no HTTP request to itself, so it works under the test client and a
single-threaded dev server. Query flags on the sandbox POST: ``ipn=twice`` sends the IPN twice,
``ipn=delay`` sends it 2 seconds later from a background thread (the return page then shows "pending"),
``ipn=none`` sends none.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.documents.pdf import pdf_response, render_pdf
from motcua.payments import services as pay
from motcua.payments.errors import PaymentError
from motcua.payments.gateways import vnpay
from motcua.payments.receipt import receipt_context
from motcua.payments.selectors import order_paid

from .dossiers.common import own_dossier


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")


# -- citizen ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def pay_online(request: HttpRequest, pk: int) -> HttpResponse:
    """“Thanh toán trực tuyến”: open a gateway transaction and send the browser to the gateway."""
    dossier = own_dossier(request, pk)
    try:
        order = pay.payment_order_for(dossier, actor=request.user)
        if order is None:
            raise PaymentError(_("Hồ sơ không có khoản phí, lệ phí cần thanh toán."), code="nothing_to_pay")
        url = pay.vnpay_start(order=order, ip_addr=client_ip(request), actor=request.user)
    except PaymentError as exc:
        messages.error(request, exc.message)
        return redirect("my_dossier", pk=dossier.pk)
    return HttpResponseRedirect(url)


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """“Biên lai thu phí, lệ phí điện tử” of the dossier's paid order, as a PDF."""
    dossier = own_dossier(request, pk)
    order = order_paid(dossier)
    if order is None:
        raise Http404(_("Hồ sơ chưa có biên lai."))
    context = receipt_context(order)
    return pdf_response(
        request,
        lambda: render_pdf("payments/receipt.html", context),
        filename=f"bien-lai-{order.receipt_number}.pdf",
    )


# -- gateway callbacks ------------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    """VNPay's server-to-server confirmation (JSON ``{RspCode, Message}``, always HTTP 200)."""
    return JsonResponse(pay.vnpay_ipn(request.GET).as_json())


@never_cache
@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the browser back: shows the result, changes nothing."""
    view = pay.vnpay_return_view(request.GET)
    order = view.order
    if order is not None and request.user.is_authenticated and order.dossier.applicant_id != request.user.pk:
        order = None  # someone else's order: show only the generic message
    return render(
        request,
        "payments/return.html",
        {"valid": view.valid, "success": view.success, "order": order},
    )


# -- sandbox ----------------------------------------------------------------------------------------------


def _sandbox_enabled() -> None:
    if not getattr(settings, "MOTCUA_PAYMENT_SANDBOX", False):
        raise Http404


def _signed_request(request: HttpRequest) -> tuple[dict[str, str], vnpay.Merchant] | None:
    params = {k: request.GET.get(k, "") for k in request.GET}
    found = pay.merchant_by_tmn_code(params.get("vnp_TmnCode", ""))
    if found is None or not vnpay.verify(params, found[1].hash_secret):
        return None
    return params, found[1]


def sandbox_result_params(params: dict[str, str], merchant: vnpay.Merchant, outcome: str) -> dict[str, str]:
    """The signed parameters VNPay sends back (IPN and return URL) for ``outcome`` paid|failed|cancelled."""
    code = {"paid": "00", "failed": "51", "cancelled": pay.VNP_CANCELLED}[outcome]
    result = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP" + timezone.now().strftime("%y%m%d%H%M%S"),
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": vnpay.vnp_time(timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TransactionNo": str(int(time.time() * 1000) % 10**9),
        "vnp_TransactionStatus": "00" if outcome == "paid" else "02",
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = vnpay.sign(result, merchant.hash_secret)
    return result


@require_http_methods(["GET", "POST"])
def sandbox_vnpay(request: HttpRequest) -> HttpResponse:
    """A VNPay-like payment page: GET shows the signed request, POST (a button) settles it."""
    _sandbox_enabled()
    signed = _signed_request(request)
    if signed is None:
        return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
    params, merchant = signed
    if request.method == "GET":
        context: dict[str, Any] = {
            "params": params,
            "amount": vnpay.amount_in_dong(params.get("vnp_Amount", "")),
            "query": request.GET.urlencode(),
        }
        return render(request, "payments/sandbox.html", context)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("paid", "failed", "cancelled"):
        return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
    result = sandbox_result_params(params, merchant, outcome)
    mode = request.GET.get("ipn", "") or request.POST.get("ipn", "")
    if mode == "delay":
        threading.Timer(2.0, pay.vnpay_ipn, args=(result,)).start()
    elif mode != "none":
        for _i in range(2 if mode == "twice" else 1):
            pay.vnpay_ipn(result)
    query = "&".join(f"{k}={vnpay.quote_plus(v)}" for k, v in result.items())
    return_url = params.get("vnp_ReturnUrl", "")
    return HttpResponseRedirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")
