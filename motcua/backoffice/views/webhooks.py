"""Monitoring the webhooks sent to client systems, for the province administrator and auditors.

What it shows: each endpoint with its deliveries waiting, being retried and given up, the oldest waiting
one and the last success; the last 50 deliveries with the receiver's answers. Endpoints are registered and
their secrets rotated in the Django admin (the secret is shown there once). Sending a failed or given-up
delivery again is for the province administrator.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.dossiers.access import staff_scope
from motcua.integrations.webhooks.models import DeliveryStatus
from motcua.integrations.webhooks.selectors import endpoint_rows, recent_deliveries
from motcua.integrations.webhooks.services import delivery_retry

from ..access import access_denied, staff_required
from .dossiers.common import officer

TONES: dict[str, str] = {
    DeliveryStatus.PENDING: "info",
    DeliveryStatus.DELIVERED: "ok",
    DeliveryStatus.FAILED: "warn",
    DeliveryStatus.GAVE_UP: "stop",
}


def _viewer(request: HttpRequest) -> User:
    user = officer(request)
    if not staff_scope(user).sees_all:
        raise access_denied(request, _("Trang này dành cho quản trị cấp tỉnh."))
    return user


@staff_required
def monitor(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    status = request.GET.get("trang_thai", "")
    context: dict[str, Any] = {
        "endpoints": endpoint_rows(),
        "deliveries": [
            {"d": d, "tone": TONES.get(d.status, "info")} for d in recent_deliveries(status=status)
        ],
        "status": status if status in DeliveryStatus.values else "",
        "statuses": DeliveryStatus.choices,
        "can_act": staff_scope(user).province_admin,
    }
    return render(request, "backoffice/webhooks/monitor.html", context)


@staff_required
@require_POST
def delivery_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    if not staff_scope(user).province_admin:
        raise access_denied(request, _("Chỉ quản trị cấp tỉnh được gửi lại."))
    if delivery_retry(actor=user, delivery_id=pk):
        messages.success(request, _("Đã xếp lần gửi vào hàng đợi để gửi lại."))
    else:
        messages.error(request, _("Không gửi lại được: lần gửi không còn ở trạng thái lỗi."))
    return redirect("backoffice:webhooks_monitor")
