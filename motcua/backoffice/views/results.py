"""Issued results in the back office (issue 7), at /can-bo/ket-qua/.

- the list of results of the dossiers the officer sees (``results.access.results_visible_to_staff``), searched
  by result or dossier code and filtered by status;
- one result: its registry entry, verifications, the download (logged in the holder's access ledger), revoke
  and re-issue (leaders of the signing unit and the province administrator);
- digitising the paper result of a decided dossier at the counter.
A result or dossier the officer may not see is a 404; an action they may not take is refused with the reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.blobs import blob_response
from motcua.dossiers.access import dossier_get_for_user
from motcua.dossiers.errors import DossierError, DossierNotFound
from motcua.results.access import may_digitise_at, may_manage_result, results_visible_to_staff
from motcua.results.codes import normalise_code
from motcua.results.errors import ResultError
from motcua.results.models import IssuedResult, ResultKind, ResultStatus, RevokeReason
from motcua.results.services import (
    result_digitise_paper,
    result_file_read_record,
    result_revoke,
    result_supersede,
)

from ..access import staff_required
from .dossiers.common import dossier_or_404, officer

PAGE_SIZE = 50


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do thu hồi"), choices=RevokeReason.choices)
    note = forms.CharField(
        label=_("Ghi chú (nội bộ)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Không hiển thị trên trang xác thực công khai; bắt buộc với “Lý do khác”."),
    )


class SupersedeForm(forms.Form):
    title = forms.CharField(label=_("Tên kết quả"), max_length=500, required=False)
    decision_note = forms.CharField(
        label=_("Nội dung đã đính chính"), max_length=5000, widget=forms.Textarea({"rows": 4})
    )
    valid_until = forms.DateField(
        label=_("Có giá trị đến"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> object:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class DigitiseForm(forms.Form):
    scans = MultipleFileField(
        label=_("Bản quét kết quả"),
        help_text=_("Một tệp PDF, hoặc các ảnh JPEG/PNG theo thứ tự trang (cạnh ngắn ≥ 1000 điểm ảnh)."),
    )
    pages = forms.IntegerField(
        label=_("Số trang của bản giấy"),
        min_value=1,
        max_value=100,
        help_text=_("Đếm trên bản giấy: bản quét phải có đúng số trang này."),
    )
    valid_until = forms.DateField(
        label=_("Có giá trị đến (nếu có)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _result_or_404(request: HttpRequest, code: str) -> IssuedResult:
    result = (
        results_visible_to_staff(officer(request))
        .select_related("superseded_by", "replaces", "revoked_by", "issued_by")
        .filter(code=normalise_code(code))
        .first()
    )
    if result is None:
        raise Http404(_g("Không tìm thấy kết quả."))
    return result


@staff_required
@require_http_methods(["GET"])
def results_list(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    q = (request.GET.get("q") or "").strip()[:60]
    status = request.GET.get("status", "")
    rows = results_visible_to_staff(user).order_by("-created_at", "-id")
    if q:
        rows = rows.filter(Q(code=normalise_code(q)) | Q(dossier__code=q.upper()) | Q(dossier__code=q))
    if status in ResultStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"q": q, "status": status}.items() if v})
    return render(
        request,
        "backoffice/results/list.html",
        {
            "page": page,
            "rows": page.object_list,
            "q": q,
            "status": status,
            "statuses": ResultStatus.choices,
            "query": query,
        },
    )


@staff_required
@require_http_methods(["GET"])
def result_detail(request: HttpRequest, code: str) -> HttpResponse:
    result = _result_or_404(request, code)
    user = officer(request)
    manage = may_manage_result(user, result)
    return render(
        request,
        "backoffice/results/detail.html",
        {
            "r": result,
            "can_manage": manage,
            "revoke_form": RevokeForm() if manage and result.status == ResultStatus.VALID else None,
            "supersede_form": SupersedeForm(
                initial={"title": result.title, "decision_note": result.decision_note}
            )
            if manage and result.status == ResultStatus.VALID and result.kind == ResultKind.ELECTRONIC
            else None,
            "verifications": result.verifications.all()[:20],
            "replacements": result.replacements.all(),
        },
    )


@staff_required
@require_http_methods(["GET"])
def result_download(request: HttpRequest, code: str) -> HttpResponse:
    result = _result_or_404(request, code)
    if not result.file:
        raise Http404(_g("Kết quả chưa có tệp ký số."))
    result_file_read_record(result=result, reader=officer(request))
    response = blob_response(result.file, filename=result.filename, content_type="application/pdf")
    return response  # type: ignore[return-value]  # a FileResponse, streamed


@staff_required
@require_POST
def result_revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    result = _result_or_404(request, code)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("Hãy chọn lý do thu hồi."))
        return redirect("backoffice:result_detail", code=result.code)
    try:
        result_revoke(
            result=result,
            actor=officer(request),
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ResultError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _g("Đã thu hồi kết quả %(code)s.") % {"code": result.code})
    return redirect("backoffice:result_detail", code=result.code)


@staff_required
@require_POST
def result_supersede_view(request: HttpRequest, code: str) -> HttpResponse:
    result = _result_or_404(request, code)
    form = SupersedeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("Hãy ghi nội dung đã đính chính."))
        return redirect("backoffice:result_detail", code=result.code)
    try:
        new = result_supersede(
            result=result,
            actor=officer(request),
            decision_note=form.cleaned_data["decision_note"],
            title=form.cleaned_data["title"] or "",
            valid_until=form.cleaned_data["valid_until"],
        )
    except ResultError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:result_detail", code=result.code)
    messages.success(
        request,
        _g("Đã cấp lại kết quả mới %(new)s thay thế %(old)s.") % {"new": new.code, "old": result.code},
    )
    return redirect("backoffice:result_detail", code=new.code)


@staff_required
@require_http_methods(["GET"])
def digitise_find(request: HttpRequest) -> HttpResponse:
    """From a dossier code typed or scanned at the counter to its digitisation form."""
    code = (request.GET.get("ho_so") or "").strip()[:60]
    if not code:
        return redirect("backoffice:results")
    try:
        dossier = dossier_get_for_user(user=officer(request), code=code)
    except DossierNotFound:
        messages.error(request, _g("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
        return redirect("backoffice:results")
    return redirect("backoffice:result_digitise", pk=dossier.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def result_digitise_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer(request)
    dossier = dossier_or_404(user, pk)
    form = DigitiseForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = result_digitise_paper(
                dossier=dossier,
                officer=user,
                files=form.cleaned_data["scans"],
                stated_pages=form.cleaned_data["pages"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except (ResultError, DossierError) as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _g("Đã số hóa và ký số kết quả giấy của hồ sơ %(dossier)s: mã %(code)s.")
                % {"dossier": dossier.code, "code": result.code},
            )
            return redirect("backoffice:result_detail", code=result.code)
    existing = results_visible_to_staff(user).filter(dossier=dossier).order_by("-created_at")
    return render(
        request,
        "backoffice/results/digitise.html",
        {
            "dossier": dossier,
            "form": form,
            "error": error,
            "allowed": may_digitise_at(user, dossier.receiving_point_id),
            "existing": existing,
        },
        status=400 if error or form.errors else 200,  # a refused scan re-renders the form as a 400
    )
