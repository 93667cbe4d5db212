"""“Kho dữ liệu của tôi”: the citizen's (or business's) own data store — list, download, add, remove — and
reusing a stored document in a dossier without an upload.

A signed-in citizen sees only the store of their own personal ID, a business account only its tax code's;
anybody else's document is "not found" (404), never "forbidden".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalogue.choices import DocumentType
from motcua.core.blobs import blob_exists, blob_response
from motcua.dossiers.errors import DossierError
from motcua.dossiers.status import DossierStatus
from motcua.wallet.errors import WalletError
from motcua.wallet.models import DocumentOrigin, StoredDocument
from motcua.wallet.owners import NOT_REUSABLE, Owner, owner_of_user
from motcua.wallet.selectors import validity, wallet_document_get, wallet_documents, wallet_uses
from motcua.wallet.services import wallet_remove, wallet_reuse, wallet_upload

from .dossiers.common import max_upload_mb, own_dossier, the_user

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": gettext_lazy("Ngày không hợp lệ (ngày/tháng/năm).")}

VALIDITY_LABELS = {
    "valid": gettext_lazy("Còn hiệu lực"),
    "expiring": gettext_lazy("Sắp hết hạn"),
    "expired": gettext_lazy("Đã hết hạn"),
    "withdrawn": gettext_lazy("Đã bị thu hồi hoặc thay thế"),
}


class WalletUploadForm(forms.Form):
    document_type = forms.ChoiceField(
        label=gettext_lazy("Loại giấy tờ"),
        error_messages={"required": gettext_lazy("Hãy chọn loại giấy tờ."),
                        "invalid_choice": gettext_lazy("Hãy chọn loại giấy tờ trong danh sách.")},
    )  # fmt: skip
    title = forms.CharField(
        label=gettext_lazy("Tên giấy tờ"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Để trống thì dùng tên loại giấy tờ."),
    )
    number = forms.CharField(label=gettext_lazy("Số, ký hiệu"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Cơ quan cấp"), max_length=255, required=False)
    issued_on = forms.DateField(
        label=gettext_lazy("Ngày cấp"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Có giá trị đến"),
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text=gettext_lazy("Để trống nếu giấy tờ không có thời hạn."),
    )
    file = forms.FileField(
        label=gettext_lazy("Tệp giấy tờ"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp giấy tờ (PDF, JPEG hoặc PNG)."),
                        "empty": gettext_lazy("Tệp rỗng (0 byte): hãy chọn lại tệp.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(value, label) for value, label in DocumentType.choices if value not in NOT_REUSABLE]
        self.fields["document_type"].choices = [("", _("— Chọn loại giấy tờ —")), *choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and issued > timezone.localdate():
            self.add_error("issued_on", _("Ngày cấp không được sau ngày hôm nay."))
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("Ngày hết hạn phải sau ngày cấp."))
        elif expires and expires < timezone.localdate():
            self.add_error(
                "expires_on", _("Giấy tờ đã hết hạn nên không dùng lại được; hãy lưu giấy tờ còn hiệu lực.")
            )
        return data


def _owner(request: HttpRequest) -> Owner | None:
    return owner_of_user(the_user(request))


def _own_document(request: HttpRequest, pk: int) -> StoredDocument:
    owner = _owner(request)
    document = wallet_document_get(owner=owner, pk=pk) if owner is not None else None
    if document is None:
        raise Http404(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
    return document


def _rows(documents: list[StoredDocument], today: dt.date) -> list[dict[str, Any]]:
    uses = wallet_uses(documents)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in documents:
        state = validity(d, on=today)
        groups[d.document_type].append(
            {
                "doc": d,
                "validity": state,
                "validity_label": VALIDITY_LABELS[state],
                "uses": uses.get(d.pk, []),
            }
        )
    labels = dict(DocumentType.choices)
    return [
        {"type": t, "label": labels.get(t, t), "items": items}
        for t, items in sorted(groups.items(), key=lambda kv: str(labels.get(kv[0], kv[0])))
    ]


@login_required
@require_http_methods(["GET"])
def wallet_home(request: HttpRequest) -> HttpResponse:
    """The store grouped by document type, with validity, the dossiers that used each document, actions."""
    owner = _owner(request)
    documents = list(wallet_documents(owner=owner)) if owner is not None else []
    today = timezone.localdate()
    context = {
        "owner": owner,
        "groups": _rows(documents, today),
        "count": len(documents),
        "is_staff": the_user(request).kind == "staff",
    }
    return render(request, "portal/wallet/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def wallet_add(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    if owner is None:
        messages.error(request, _("Tài khoản của bạn không có kho dữ liệu."))
        return redirect("wallet_home")
    posted = request.method == "POST"
    form = WalletUploadForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = wallet_upload(
                    actor=the_user(request),
                    document_type=data["document_type"],
                    title=data["title"],
                    file=data["file"],
                    number=data["number"],
                    issuer=data["issuer"],
                    issued_on=data["issued_on"],
                    expires_on=data["expires_on"],
                )
            except WalletError as exc:
                form.add_error("file" if exc.code.startswith("upload_") else None, exc.message)
            else:
                messages.success(
                    request, _("Đã lưu “%(title)s” vào kho dữ liệu.") % {"title": document.title}
                )
                return redirect(reverse("wallet_home") + f"#giay-to-{document.pk}")
    return render(request, "portal/wallet/add.html", {"form": form, "max_mb": max_upload_mb()}, status=status)


@login_required
@require_http_methods(["GET"])
def wallet_download(request: HttpRequest, pk: int) -> FileResponse:
    """The holder's own document, always as a download with its real type."""
    document = _own_document(request, pk)
    if not document.file or not blob_exists(document.file):
        raise Http404
    extension = document.file.rsplit(".", 1)[-1]
    name = document.original_name or f"{document.title}.{extension}"
    return blob_response(
        document.file, filename=name, content_type=document.content_type or "application/octet-stream"
    )


@login_required
@require_http_methods(["GET", "POST"])
def wallet_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove (own uploads and submitted copies only; results and registry data stay)."""
    document = _own_document(request, pk)
    error = ""
    if request.method == "POST":
        try:
            wallet_remove(actor=the_user(request), document_id=document.pk)
        except WalletError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã gỡ “%(title)s” khỏi kho dữ liệu.") % {"title": document.title})
            return redirect("wallet_home")
    elif not document.removable:
        error = _refusal(document)
    context = {"doc": document, "error": error}
    return render(request, "portal/wallet/remove.html", context, status=403 if error else 200)


def _refusal(document: StoredDocument) -> str:
    if document.origin == DocumentOrigin.RESULT:
        return _("Không thể gỡ “%(title)s”: đây là kết quả giải quyết thủ tục do cơ quan nhà nước cấp, "
                 "được lưu lâu dài trong kho dữ liệu của bạn.") % {"title": document.title}  # fmt: skip
    if document.origin == DocumentOrigin.REGISTRY:
        return _("Không thể gỡ “%(title)s”: đây là dữ liệu lấy từ cơ sở dữ liệu quốc gia.") % {
            "title": document.title
        }
    return _("Không thể gỡ “%(title)s”: đây là bản số hóa do bộ phận một cửa thực hiện từ bản giấy.") % {
        "title": document.title
    }


@login_required
@require_POST
def wallet_reuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """“Dùng giấy tờ này”: attach a stored document to a component of the applicant's draft (or requested
    supplement) without an upload."""
    dossier = own_dossier(request, pk)
    raw_component, raw_document = request.POST.get("component", ""), request.POST.get("document", "")
    if not raw_component.isdigit() or not raw_document.isdigit():
        raise Http404
    in_draft = dossier.status == DossierStatus.DRAFT
    back = reverse("dossier_draft_components" if in_draft else "my_dossier", args=[dossier.pk])
    try:
        component = wallet_reuse(
            dossier=dossier,
            actor=the_user(request),
            component_id=int(raw_component),
            document_id=int(raw_document),
        )
    except WalletError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return redirect(f"{back}#giay-to-{raw_component}")
    except DossierError as exc:
        if exc.http_status == 404 or exc.code == "component_unknown":
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("Đã dùng giấy tờ trong kho dữ liệu cho “%(name)s”; không cần tải lên.") % {"name": component.name},
    )
    return redirect(f"{back}#giay-to-{component.pk}")
