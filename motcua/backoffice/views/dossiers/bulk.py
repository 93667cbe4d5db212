"""Bulk assignment: a division head gives the open steps of several dossiers to one officer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.access import dossier_visible_queryset
from motcua.dossiers.selectors import bulk_assignee_options
from motcua.dossiers.services import dossier_assign_many

from ...access import staff_required
from .common import officer


@staff_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or "backoffice:dossier_queue"
    try:
        ids = [int(value) for value in request.POST.getlist("dossier")]
        assignee_id = int(request.POST.get("assignee", ""))
    except ValueError:
        messages.error(request, _("Hãy chọn ít nhất một hồ sơ và người được phân công."))
        return redirect(back)
    assignee = bulk_assignee_options(user=user).filter(pk=assignee_id).first()
    if assignee is None or not ids:
        messages.error(
            request, _("Hãy chọn ít nhất một hồ sơ và người được phân công thuộc đơn vị bạn phụ trách.")
        )
        return redirect(back)
    dossiers = list(dossier_visible_queryset(user).filter(pk__in=ids[:200]))
    result = dossier_assign_many(dossiers=dossiers, actor=user, assignee=assignee)
    if result.assigned:
        messages.success(
            request,
            _("Đã phân công %(n)s hồ sơ cho %(name)s: %(codes)s.")
            % {"n": len(result.assigned), "name": assignee.full_name, "codes": ", ".join(result.assigned)},
        )
    for code, reason in result.refused.items():
        messages.error(
            request, _("Không phân công được %(code)s: %(reason)s") % {"code": code, "reason": reason}
        )
    missing = len(ids) - len(dossiers)
    if missing:
        messages.error(request, _("%(n)s hồ sơ không tìm thấy.") % {"n": missing})
    return redirect(back)
