"""Public verification of issued results (no login): ``/verify/<code>/`` (the QR code's URL) and
``/verify/`` (upload a PDF). Shows whether the document is authentic and why not, and only what is printed
on the document — never the holder's personal ID or contact data. Rate-limited per client."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.core.uploads import KIND_PDF, UploadRejected, check_upload
from motcua.results.services import (
    client_fingerprint,
    result_verify_code,
    result_verify_upload,
    verification_allowed,
)

from .dossiers.public import client_ip

MAX_VERIFY_BYTES = 25 * 1024 * 1024
#: An altered file may no longer parse: it is still verified (and fails with "signature broken").
_VERIFY_ANYWAY = frozenset({"upload_pdf_corrupt", "upload_polyglot"})


class VerifyUploadForm(forms.Form):
    tep = forms.FileField(
        label=_("Tệp kết quả (PDF)"),
        help_text=_("Tệp PDF kết quả giải quyết đã nhận (tối đa 25 MB). Tệp không được lưu lại."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_tep(self) -> bytes:
        upload = self.cleaned_data["tep"]
        try:
            check_upload(upload, max_bytes=MAX_VERIFY_BYTES, allowed=(KIND_PDF,))
        except UploadRejected as exc:
            if exc.code not in _VERIFY_ANYWAY:
                raise
        upload.seek(0)
        return bytes(upload.read(MAX_VERIFY_BYTES + 1))


def _limited(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/results/verify_limited.html",
        {"message": _g("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau một phút.")},
        status=429,
    )


@never_cache
@require_http_methods(["GET"])
def verify_result(request: HttpRequest, code: str) -> HttpResponse:
    client = client_fingerprint(client_ip(request))
    if not verification_allowed(client):
        return _limited(request)
    verdict = result_verify_code(code=code, client=client)
    status = 404 if verdict.result is None else 200
    return render(
        request,
        "portal/results/verify.html",
        {"verdict": verdict, "r": verdict.result, "code": code, "form": VerifyUploadForm()},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    verdict = None
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            client = client_fingerprint(client_ip(request))
            if not verification_allowed(client):
                return _limited(request)
            verdict = result_verify_upload(data=form.cleaned_data["tep"], client=client)
            form = VerifyUploadForm()
    else:
        form = VerifyUploadForm()
    return render(
        request,
        "portal/results/verify_upload.html",
        {"verdict": verdict, "r": verdict.result if verdict else None, "form": form},
    )
