"""Monitoring the synchronisation with the national portal (Cổng DVCQG), for leaders and administrators.

What it shows: the updates waiting to be sent and the lag (how long the oldest has waited), those being
retried and those given up with their last error, what was delivered today, the dossiers received from the
portal, and per unit the share of dossiers whose statuses and result reached the portal (766 item 1.4).
Who (``motcua.integrations.dvcqg.access``): staff who lead a unit or see every unit (agency leaders and
administrators, the province administrator, auditors), each within their units; sending a failed update
again or skipping it is for the province administrator.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.integrations.dvcqg import conf
from motcua.integrations.dvcqg.access import MonitorScope, monitor_scope
from motcua.integrations.dvcqg.codes import status_label
from motcua.integrations.dvcqg.models import MessageOutcome, UpdateState
from motcua.integrations.dvcqg.outbox import update_retry, update_skip
from motcua.integrations.dvcqg.selectors import (
    failures,
    message_counts,
    queue_figures,
    recent_messages,
    unit_shares,
)
from motcua.reporting.dashboard import period_options, period_or_year_to_date

from ..access import access_denied, staff_required
from .dossiers.common import officer

OUTCOME_TONES: dict[str, str] = {
    MessageOutcome.ACCEPTED: "ok",
    MessageOutcome.DUPLICATE: "info",
    MessageOutcome.REJECTED: "warn",
    MessageOutcome.REFUSED: "stop",
}


def _viewer(request: HttpRequest) -> MonitorScope:
    scope = monitor_scope(officer(request))
    if scope is None:
        raise access_denied(request, _("Trang này dành cho lãnh đạo và quản trị đơn vị."))
    return scope


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s ngày %(h)s giờ") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s giờ %(m)s phút") % {"h": hours, "m": mins}
    return _("%(m)s phút") % {"m": mins}


@staff_required
def monitor(request: HttpRequest) -> HttpResponse:
    scope = _viewer(request)
    unit_ids = scope.unit_ids
    key, period, period_error = period_or_year_to_date(request.GET.get("period"))
    now = timezone.now()
    figures = queue_figures(unit_ids=unit_ids, now=now)
    shares = unit_shares(period, unit_ids=unit_ids)
    total_synced = sum(s.synced for s in shares)
    total_received = sum(s.received for s in shares)
    rows = [
        {
            "u": u,
            "label": status_label(u.portal_status),
            "tone": "stop" if u.state == UpdateState.FAILED else "warn",
        }
        for u in failures(unit_ids=unit_ids)
    ]
    sees_all = unit_ids is None
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    context: dict[str, Any] = {
        "figures": figures,
        "lag": _duration(figures.lag_minutes),
        "lag_warning_minutes": conf.setting("lag_warning_minutes"),
        "rows": rows,
        "shares": shares,
        "total": {
            "synced": total_synced,
            "received": total_received,
            "percent": round(100 * total_synced / total_received, 1) if total_received else None,
        },
        "period": period,
        "period_key": key,
        "period_error": period_error,
        "period_options": period_options(),
        "connected": conf.enabled(),
        "backend": conf.backend(),
        "sees_all": sees_all,
        "can_act": scope.can_act,
        "messages_recent": [{"m": m, "tone": OUTCOME_TONES.get(m.outcome, "info")} for m in recent_messages()]
        if sees_all
        else [],
        "message_counts": message_counts(since=midnight) if sees_all else {},
    }
    return render(request, "backoffice/dvcqg/monitor.html", context)


@staff_required
@require_POST
def update_action(request: HttpRequest, pk: int) -> HttpResponse:
    if not _viewer(request).can_act:
        raise access_denied(request, _("Chỉ quản trị cấp tỉnh được gửi lại hoặc bỏ qua một cập nhật."))
    action = request.POST.get("action", "")
    if action == "retry":
        done = update_retry(actor=officer(request), update_id=pk)
        text = _("Đã đưa cập nhật vào hàng đợi để gửi lại.")
    elif action == "skip":
        done = update_skip(actor=officer(request), update_id=pk)
        text = _("Đã bỏ qua cập nhật; các cập nhật sau của hồ sơ sẽ được gửi tiếp.")
    else:
        done, text = False, ""
    if done:
        messages.success(request, text)
    else:
        messages.error(request, _("Không thực hiện được: cập nhật không còn ở trạng thái lỗi."))
    return redirect("backoffice:dvcqg_monitor")
