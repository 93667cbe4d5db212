"""“Hồ sơ của tôi”: the applicant's list, one dossier's page, uploads, supplement and withdrawal."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.blobs import blob_exists, blob_response
from motcua.documents.forms import form_pdf_response
from motcua.dossiers.access import dossier_actions_for
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier, FeeStatus
from motcua.dossiers.paperwork import FORM_TITLES, dossier_form_build, dossier_form_keys
from motcua.dossiers.portal_selectors import (
    dossier_component_get,
    dossier_component_list,
    dossier_current_unit,
    dossier_list_for_applicant,
    dossier_open_supplement_request,
    dossier_supplement_deadline,
    dossier_time_left,
    dossier_timeline,
)
from motcua.dossiers.services import dossier_supplement, dossier_withdraw
from motcua.dossiers.services.components import dossier_component_attach
from motcua.dossiers.status import FEE_PAYABLE, DossierAction, DossierStatus
from motcua.payments.selectors import order_latest

from ...forms import ComponentUploadForm, SupplementForm, WithdrawForm
from .common import (
    dossier_row,
    max_upload_mb,
    next_step,
    own_dossier,
    the_user,
    time_left_words,
    timeline_sentence,
)
from .wizard import render_components_step

PAGE_SIZE = 10
S = DossierStatus

#: The filter tabs of the list: slug → (label, statuses).
FILTERS: dict[str, tuple[object, tuple[str, ...]]] = {
    "": (gettext_lazy("Tất cả"), ()),
    "can-xu-ly": (gettext_lazy("Cần bạn xử lý"), (S.DRAFT, S.AWAITING_SUPPLEMENT)),
    "dang-giai-quyet": (
        gettext_lazy("Đang giải quyết"),
        (S.AWAITING_INTAKE, S.RECEIVED, S.PROCESSING, S.SUSPENDED),
    ),
    "da-co-ket-qua": (gettext_lazy("Đã có kết quả"), (S.RESULT_READY, S.RETURNED)),
    "da-dung": (gettext_lazy("Đã dừng, từ chối"), (S.REFUSED, S.STOPPED, S.CLOSED)),
}


@login_required
@require_http_methods(["GET"])
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = the_user(request)
    current = request.GET.get("loc", "")
    if current not in FILTERS:
        current = ""
    statuses = FILTERS[current][1]
    page = Paginator(dossier_list_for_applicant(user=user, statuses=statuses), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": [dossier_row(d) for d in page.object_list],
        "filters": [(slug, label) for slug, (label, _s) in FILTERS.items()],
        "current": current,
        "filtered": bool(current),
    }
    return render(request, "portal/dossiers/list.html", context)


def _draft_resume_url(dossier: Dossier) -> str:
    if not (dossier.form_data or {}) or not dossier.applicant_address:
        return reverse("dossier_draft_details", args=[dossier.pk])
    return reverse("dossier_draft_components", args=[dossier.pk])


def render_detail(
    request: HttpRequest,
    dossier: Dossier,
    *,
    upload_errors: Mapping[int, str] | None = None,
    supplement_form: SupplementForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The applicant's page of one dossier; a form's errors are shown next to it, or at the top when the
    form is no longer offered (the dossier moved on meanwhile)."""
    user = the_user(request)
    actions = set(dossier_actions_for(user, dossier))
    pause = dossier_open_supplement_request(dossier)
    supplement_due = dossier_supplement_deadline(pause, dossier) if pause is not None else None
    can_supplement = pause is not None and DossierAction.SUPPLEMENT in actions
    can_withdraw = DossierAction.WITHDRAW in actions
    left = dossier_time_left(dossier)
    page_errors: list[str] = []
    if supplement_form is not None and not can_supplement:
        page_errors += [str(e) for e in supplement_form.non_field_errors()]
    if withdraw_form is not None and not can_withdraw:
        page_errors += [str(e) for e in withdraw_form.non_field_errors()]
    context = {
        "page_errors": page_errors,
        "dossier": dossier,
        "row": dossier_row(dossier),
        "next": next_step(dossier, supplement_due=supplement_due),
        "time_left": time_left_words(left),
        "time_left_state": left.state,
        "component_items": [
            (c, (upload_errors or {}).get(c.pk, "")) for c in dossier_component_list(dossier)
        ],
        "current_unit": dossier_current_unit(dossier),
        "timeline": [(entry, timeline_sentence(entry)) for entry in reversed(dossier_timeline(dossier))],
        "pause": pause,
        "supplement_due": supplement_due,
        "can_supplement": can_supplement,
        "can_withdraw": can_withdraw,
        "upload_errors": dict(upload_errors or {}),
        "supplement_form": supplement_form or SupplementForm(initial={"version": dossier.lock_version}),
        "withdraw_form": withdraw_form or WithdrawForm(initial={"version": dossier.lock_version}),
        "max_mb": max_upload_mb(),
        "forms": [(key, FORM_TITLES[key]) for key in dossier_form_keys(dossier) if key in APPLICANT_FORMS],
        "payment": order_latest(dossier),
        "payable": dossier.fee_status == FeeStatus.UNPAID and dossier.status in FEE_PAYABLE,
    }
    return render(request, "portal/dossiers/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.status == DossierStatus.DRAFT:
        return redirect(_draft_resume_url(dossier))
    return render_detail(request, dossier)


def _is_xhr(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@login_required
@require_POST
def component_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to one component: a draft's (wizard step 3) or a requested supplement.

    With JavaScript the upload form posts here by XHR (showing progress) and gets back the component's
    block; without it, a normal POST that redirects back (or shows the page again with the error).
    """
    dossier = own_dossier(request, pk)
    in_draft = dossier.status == DossierStatus.DRAFT
    if not in_draft and dossier.status != DossierStatus.AWAITING_SUPPLEMENT:
        messages.error(request, _("Hồ sơ ở trạng thái này không nhận thêm tệp."))
        return redirect("my_dossier", pk=dossier.pk)
    form = ComponentUploadForm(request.POST, request.FILES)
    raw_id = request.POST.get("component", "")
    component = dossier_component_get(dossier, int(raw_id)) if raw_id.isdigit() else None
    if component is None:
        raise Http404
    error = ""
    if form.is_valid():
        try:
            component = dossier_component_attach(
                dossier=dossier,
                actor=the_user(request),
                component_id=component.pk,
                upload=form.cleaned_data["file"],
            )
        except DossierError as exc:
            error = exc.message
    else:
        messages_ = form.errors.get("file") or form.errors.get("component") or [_("Tệp không hợp lệ.")]
        error = str(next(iter(messages_)))
    if _is_xhr(request):
        context = {
            "c": component,
            "dossier": dossier,
            "error": error,
            "uploaded": not error,
            "show_form": True,
            "max_mb": max_upload_mb(),
        }
        response = render(request, "portal/dossiers/_component.html", context, status=422 if error else 200)
        response["X-Motcua-Fragment"] = "component"
        return response
    anchor = f"#giay-to-{component.pk}"
    if error:
        if in_draft:
            return render_components_step(request, dossier, errors={component.pk: error}, status=422)
        return render_detail(request, dossier, upload_errors={component.pk: error}, status=422)
    messages.success(request, _("Đã tải lên tệp cho “%(name)s”.") % {"name": component.name})
    if in_draft:
        return redirect(reverse("dossier_draft_components", args=[dossier.pk]) + anchor)
    return redirect(reverse("my_dossier", args=[dossier.pk]) + anchor)


@login_required
@require_http_methods(["GET"])
def component_download(request: HttpRequest, pk: int, component_id: int) -> FileResponse:
    """The applicant's own file, always as a download (never shown inline)."""
    dossier = own_dossier(request, pk)
    component = dossier_component_get(dossier, component_id)
    if component is None or not component.file:
        raise Http404
    stored = component.file.name or ""  # a blob name, or an older upload's dossiers/… name
    if not blob_exists(stored):
        raise Http404
    name = component.original_name or PurePosixPath(stored).name
    content_type = component.content_type or mimetypes.guess_type(stored)[0] or "application/octet-stream"
    return blob_response(stored, filename=name, content_type=content_type)


@login_required
@require_POST
def supplement_send(request: HttpRequest, pk: int) -> HttpResponse:
    """“Gửi bổ sung”: hand in the requested supplement (``dossier_supplement``); the clock restarts."""
    dossier = own_dossier(request, pk)
    form = SupplementForm(request.POST)
    if form.is_valid():
        try:
            dossier_supplement(
                dossier=dossier,
                actor=the_user(request),
                note=form.cleaned_data["note"].strip(),
                expected_version=form.cleaned_data["version"],
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Đã gửi hồ sơ bổ sung. Cơ quan giải quyết sẽ tiếp tục xử lý hồ sơ của bạn.")
            )
            return redirect("my_dossier", pk=dossier.pk)
    return render_detail(request, dossier, supplement_form=form, status=422)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """“Dừng giải quyết”: the applicant stops the dossier before a decision (``dossier_withdraw``)."""
    dossier = own_dossier(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            dossier_withdraw(
                dossier=dossier,
                actor=the_user(request),
                reason=form.cleaned_data["reason"].strip(),
                expected_version=form.cleaned_data["version"],
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Hồ sơ đã dừng giải quyết theo đề nghị của bạn."))
            return redirect("my_dossier", pk=dossier.pk)
    return render_detail(request, dossier, withdraw_form=form, status=422)


#: The forms an applicant receives (the control sheet is internal).
APPLICANT_FORMS = ("receipt", "supplement", "refusal", "apology", "stop")


@login_required
@require_http_methods(["GET"])
def dossier_form(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The applicant's copy of an official form of their dossier (PDF)."""
    dossier = own_dossier(request, pk)
    form = dossier_form_build(dossier, key) if key in APPLICANT_FORMS else None
    if form is None:
        raise Http404
    return form_pdf_response(request, form)
