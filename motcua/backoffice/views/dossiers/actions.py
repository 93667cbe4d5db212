"""One view per staff action: check the officer may take it, parse the form, call the service with the
version the officer saw, then POST/redirect/GET with a success message — or the page again with the service's
message.

The permission comes before the form: an officer who may only look at the dossier gets 403 whatever the form
holds, not the form's errors (the service checks again, under the row lock)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.dossiers.access import dossier_can, dossier_require
from motcua.dossiers.errors import ConcurrentChange, DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.status import TRANSITIONS

from ...access import staff_required
from .common import dossier_or_404, moment_text, officer
from .detail import render_page
from .registry import ACTIONS, SAME_FORM, form_kwargs

#: The same words as the services' ``ConcurrentChange``.
CHANGED = gettext_lazy(
    "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới rồi thao tác lại."
)


def _stale(request: HttpRequest, key: str, version: int) -> bool:
    posted = request.POST.get(f"{key}-version", "")
    return posted.isdigit() and int(posted) != version


def _refusal(user: User, dossier: Dossier, key: str) -> DossierError | None:
    """Why the officer may not use the ``key`` form on this dossier now (role, unit or state), if so."""
    actions = [action for action in TRANSITIONS if SAME_FORM.get(action, action) == key]
    if not actions or any(dossier_can(user, dossier, action) for action in actions):
        return None
    try:
        dossier_require(user, dossier, actions[0])
    except DossierError as exc:
        return exc
    return None


def make_action_view(key: str) -> Callable[[HttpRequest, int], HttpResponse]:
    ui = ACTIONS[key]

    @staff_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = officer(request)
        dossier = dossier_or_404(user, pk)
        refusal = _refusal(user, dossier, key)
        if refusal is not None:
            return render_page(request, pk, error=refusal, status=refusal.http_status)
        form = ui.form(
            request.POST, request.FILES, prefix=key, **form_kwargs(key, dossier=dossier, user=user)
        )
        if not form.is_valid():
            if _stale(request, key, dossier.lock_version):  # choices may have changed under the officer
                error = ConcurrentChange(CHANGED)
                return render_page(request, pk, bound=(key, form), error=error, status=error.http_status)
            return render_page(
                request, pk, bound=(key, form), error=_("Vui lòng sửa các lỗi được đánh dấu."), status=400
            )
        try:
            dossier = ui.run(user, dossier, form.cleaned_data, form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render_page(request, pk, bound=(key, form), error=exc.messages[0], status=400)
        except DossierError as exc:
            return render_page(request, pk, bound=(key, form), error=exc, status=exc.http_status)
        messages.success(
            request, str(ui.success) % {"code": dossier.code, "due": moment_text(dossier.due_at)}
        )
        return redirect("backoffice:dossier_detail", pk=pk)

    view.__name__ = view.__qualname__ = f"dossier_{key}"
    return view


dossier_receive = make_action_view("receive")
dossier_refuse = make_action_view("refuse")
dossier_route = make_action_view("route")
dossier_assign = make_action_view("assign")
dossier_forward = make_action_view("forward")
dossier_send_back = make_action_view("send_back")
dossier_request_supplement = make_action_view("request_supplement")
dossier_supplement = make_action_view("supplement")
dossier_suspend = make_action_view("suspend")
dossier_resume = make_action_view("resume")
dossier_apologise = make_action_view("apologise")
dossier_decide = make_action_view("decide")
dossier_return_result = make_action_view("return_result")
dossier_withdraw = make_action_view("withdraw")
