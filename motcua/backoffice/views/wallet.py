"""The data store at the counter: the applicant's reusable documents and counter digitisation.

* At counter intake (``dossiers/intake.py``) the form gains, per component, the page count of the paper
  original for its scan and — once the applicant's personal ID / tax code is known — the applicant's
  stored documents to reuse (``IntakeStoreForm``, ``intake_offers``).
* For a dossier at intake (awaiting intake, or received and not yet routed), ``dossier_store`` shows each
  component with its offers and a scan form (page count required), and attaches either.

Every display of a person's stored documents to an officer is logged in the access ledger
("Ai đã xem dữ liệu của tôi") with its purpose.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.catalogue.spec import ProcedureSpec
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.dossiers.services import dossier_component_attach
from motcua.org.models import OrgUnit
from motcua.wallet.errors import WalletError
from motcua.wallet.models import StoredDocument
from motcua.wallet.owners import Owner, owner_of_dossier
from motcua.wallet.services import (
    counter_applicant_owner,
    counter_intake_offers,
    wallet_offers_show,
    wallet_reuse,
)

from .. import forms as f
from ..access import staff_required
from .dossiers.common import dossier_or_404, officer


def offer_label(document: StoredDocument) -> str:
    parts = [document.title]
    if document.number:
        parts.append(_("số %(n)s") % {"n": document.number})
    if document.expires_on:
        parts.append(_("còn hiệu lực đến %(d)s") % {"d": document.expires_on.strftime("%d/%m/%Y")})
    else:
        parts.append(_("không thời hạn"))
    parts.append(str(document.get_origin_display()).lower())
    return ", ".join(parts)


# -- counter intake ----------------------------------------------------------------------------------------


class IntakeStoreForm(f.CounterIntakeForm):
    """The counter intake form with, per component, the page count of the paper original of its scan
    (``pages_<position>``, required with a scan) and the applicant's stored documents to reuse
    (``reuse_<position>``)."""

    def __init__(
        self, *args: Any, offers: dict[int, list[StoredDocument]] | None = None, **kwargs: Any
    ) -> None:
        names = {pos: str(name) for pos, name in kwargs.get("components", ())}
        super().__init__(*args, **kwargs)
        self.offers = offers or {}
        for name in [n for n in self.fields if n.startswith("scan_")]:
            position = int(name[len("scan_") :])
            self.fields[f"pages_{position}"] = f.pages_field(_("Số trang bản giấy"))
            self.fields[f"pages_{position}"].help_text = _(
                "Đếm số trang bản giấy; bản quét phải đủ chừng ấy trang."
            )
        for position, documents in self.offers.items():
            self.fields[f"reuse_{position}"] = forms.TypedChoiceField(
                label=_("Dùng giấy tờ trong kho dữ liệu cho: %(name)s") % {"name": names.get(position, "")},
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Không dùng")), *((d.pk, offer_label(d)) for d in documents)],
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Giấy tờ đã chọn không có trong kho dữ liệu của người nộp.")
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for position in self.scans():
            if not data.get(f"pages_{position}") and f"pages_{position}" not in self.errors:
                self.add_error(f"pages_{position}", f.PAGES_MISSING)
            if data.get(f"reuse_{position}"):
                self.add_error(
                    f"reuse_{position}",
                    _("Đã chọn giấy tờ trong kho dữ liệu: không cần đính kèm bản quét cho giấy tờ này."),
                )
        return data

    def scan_pages(self) -> dict[int, int]:
        """Position → the page count of the paper original, for the scans attached."""
        return {
            pos: int(self.cleaned_data[f"pages_{pos}"])
            for pos in self.scans()
            if self.cleaned_data.get(f"pages_{pos}")
        }

    def reuses(self) -> dict[int, int]:
        """Position → the stored document chosen for it."""
        return {
            pos: int(self.cleaned_data[f"reuse_{pos}"])
            for pos in self.offers
            if self.cleaned_data.get(f"reuse_{pos}")
        }

    def component_rows(self) -> list[dict[str, Any]]:
        """For the template: per component position, its scan field, page count field and reuse choices."""
        rows = []
        for name in [n for n in self.fields if n.startswith("scan_")]:
            position = int(name[len("scan_") :])
            rows.append(
                {
                    "position": position,
                    "scan": self[name],
                    "pages": self[f"pages_{position}"],
                    "reuse": self[f"reuse_{position}"] if f"reuse_{position}" in self.fields else None,
                }
            )
        return rows


def intake_offers(
    *, user: User, source: Any, spec: ProcedureSpec, point: OrgUnit, log: bool
) -> tuple[Owner | None, dict[int, list[StoredDocument]]]:
    """The applicant's stored documents per component position of ``spec`` (once their ID is known);
    with ``log`` the officer's look-up is written to the access ledger (``counter_intake_offers``)."""
    owner = (
        counter_applicant_owner(
            kind=source.get("kind") or ApplicantKind.CITIZEN,
            personal_id=source.get("personal_id") or "",
            tax_code=source.get("tax_code") or "",
        )
        if source
        else None
    )
    if owner is None:
        return None, {}
    return owner, counter_intake_offers(actor=user, owner=owner, spec=spec, point=point, log=log)


# -- one dossier at intake ---------------------------------------------------------------------------------


class ScanForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bản quét"),
        error_messages={"required": gettext_lazy("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG).")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
    )
    pages = f.pages_field(gettext_lazy("Số trang bản giấy"), required=True)


def _dossier_at_intake(request: HttpRequest, pk: int) -> Dossier:
    dossier = dossier_or_404(officer(request), pk)
    return dossier


def _render_dossier_store(
    request: HttpRequest,
    dossier: Dossier,
    *,
    errors: dict[int, str] | None = None,
    bound: tuple[int, ScanForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = officer(request)
    owner = owner_of_dossier(dossier)
    # Only the one-stop officers who may attach to this dossier now see (and are logged reading) the store.
    shown = wallet_offers_show(dossier=dossier, viewer=user)
    at_intake, offers = shown is not None, shown or {}
    rows = []
    for c in dossier.components.all():
        form = bound[1] if bound is not None and bound[0] == c.pk else ScanForm(prefix=f"c{c.pk}")
        rows.append(
            {"c": c, "offers": offers.get(c.pk, []), "form": form, "error": (errors or {}).get(c.pk, "")}
        )
    context = {"dossier": dossier, "rows": rows, "at_intake": at_intake, "owner": owner}
    return render(request, "backoffice/wallet/dossier.html", context, status=status)


@staff_required
@require_http_methods(["GET"])
def dossier_store(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_dossier_store(request, _dossier_at_intake(request, pk))


@staff_required
@require_POST
def dossier_store_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_at_intake(request, pk)
    raw_component, raw_document = request.POST.get("component", ""), request.POST.get("document", "")
    if not raw_component.isdigit() or not raw_document.isdigit():
        raise Http404
    try:
        component = wallet_reuse(
            dossier=dossier,
            actor=officer(request),
            component_id=int(raw_component),
            document_id=int(raw_document),
        )
    except WalletError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        return _render_dossier_store(
            request, dossier, errors={int(raw_component): exc.message}, status=exc.http_status
        )
    except DossierError as exc:
        if exc.code == "component_unknown":
            raise Http404(exc.message) from exc
        return _render_dossier_store(
            request, dossier, errors={int(raw_component): exc.message}, status=exc.http_status
        )
    messages.success(
        request, _("Đã dùng giấy tờ trong kho dữ liệu cho “%(name)s”.") % {"name": component.name}
    )
    return redirect(reverse("backoffice:wallet_dossier", args=[dossier.pk]) + f"#tp-{component.pk}")


@staff_required
@require_POST
def dossier_store_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the scan of a paper component, with the page count of the paper original."""
    dossier = _dossier_at_intake(request, pk)
    raw = request.POST.get("component", "")
    component = next((c for c in dossier.components.all() if raw.isdigit() and c.pk == int(raw)), None)
    if component is None:
        raise Http404
    form = ScanForm(request.POST, request.FILES, prefix=f"c{component.pk}")
    if form.is_valid():
        try:
            dossier_component_attach(
                dossier=dossier,
                actor=officer(request),
                component_id=component.pk,
                upload=form.cleaned_data["file"],
                declared_pages=form.cleaned_data["pages"],
            )
        except DossierError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Đã số hóa “%(name)s”.") % {"name": component.name})
            return redirect(reverse("backoffice:wallet_dossier", args=[dossier.pk]) + f"#tp-{component.pk}")
    return _render_dossier_store(request, dossier, bound=(component.pk, form), status=422)
