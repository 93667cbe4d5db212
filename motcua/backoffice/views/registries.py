"""National registry look-ups for staff (issue 7):

- ``/can-bo/tra-cuu-csdl/``: look a person (personal ID) or a business (tax code) up, with a stated purpose
  and, when there is one, the dossier it is for;
- ``/can-bo/tra-cuu-csdl/ho-so/<pk>/``: the dossier's ID-card / business-registration components, each with
  “Lấy từ CSDL quốc gia” (instead of a copy);
- ``intake_lookup``: the counter intake form's “Tra cứu CSDL quốc gia” button (a normal form submit).

Every look-up is logged in the person's access ledger by ``motcua.integrations.registries``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.audit import audit_record
from motcua.dossiers.access import dossier_can_attach
from motcua.dossiers.errors import DossierError
from motcua.integrations.registries import (
    BusinessRecord,
    PersonRecord,
    RegistryError,
)
from motcua.integrations.registries.uses import (
    component_from_registry,
    counter_lookup,
    holder_key,
    registry_for_component,
    staff_lookup,
)
from motcua.org.models import OrgUnit

from .. import forms as f
from ..access import staff_required
from .dossiers.common import dossier_or_404, officer


class RegistryLookupForm(forms.Form):
    registry = forms.ChoiceField(
        label=gettext_lazy("Cơ sở dữ liệu"),
        choices=[
            ("population", gettext_lazy("CSDLQG về dân cư (số định danh cá nhân)")),
            ("business", gettext_lazy("CSDLQG về đăng ký doanh nghiệp (mã số thuế)")),
        ],
        initial="population",
        widget=forms.RadioSelect,
    )
    key = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân / mã số thuế"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Mục đích tra cứu"),
        max_length=300,
        help_text=gettext_lazy("Bắt buộc. Người được tra cứu sẽ thấy mục đích này trên Cổng dịch vụ công."),
        error_messages={"required": gettext_lazy("Hãy nêu mục đích tra cứu.")},
    )
    dossier_code = forms.CharField(label=gettext_lazy("Mã hồ sơ (nếu có)"), max_length=60, required=False)


@staff_required
def registry_lookup(request: HttpRequest) -> HttpResponse:
    """A look-up with a stated purpose (POST, so that reloading the page does not look the person up again)."""
    user = officer(request)
    form = RegistryLookupForm(request.POST or None)
    record: PersonRecord | BusinessRecord | None = None
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = staff_lookup(
                    actor=user,
                    registry=data["registry"],
                    key=data["key"],
                    purpose=data["purpose"],
                    dossier_code=data["dossier_code"],
                )
            except RegistryError as exc:
                error, status = str(exc), exc.http_status
        else:
            status = 400
    context_ = {"form": form, "record": record, "error": error}
    return render(request, "backoffice/registries/lookup.html", context_, status=status)


@staff_required
def dossier_registry_components(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's components a registry can stand in for (ID card, business registration)."""
    user = officer(request)
    dossier = dossier_or_404(user, pk)
    rows = []
    for component in dossier.components.all():
        registry = registry_for_component(component)
        if registry is not None:
            rows.append({"component": component, "registry": registry,
                         "has_key": bool(holder_key(dossier, registry))})  # fmt: skip
    return render(
        request, "backoffice/registries/dossier.html", {"dossier": dossier, "rows": rows, "user_": user}
    )


@staff_required
@require_POST
def dossier_component_fetch(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    """“Lấy từ CSDL quốc gia”: look the holder up and, when found, mark the component as from the registry.

    Only who may change the components now (``dossier_can_attach``: the one-stop officer at intake) may start
    it: the look-up reads the person's data, so it is refused before it happens, not after."""
    user = officer(request)
    dossier = dossier_or_404(user, pk)
    if not dossier_can_attach(user, dossier):
        audit_record(action="access.denied", actor=user, obj=dossier, data={"path": request.path})
        raise PermissionDenied
    try:
        fill = component_from_registry(dossier=dossier, actor=user, component_id=component_id)
    except (RegistryError, DossierError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã lấy “%(name)s” từ cơ sở dữ liệu quốc gia (%(ref)s); không cần bản sao.")
            % {"name": fill.component.name, "ref": fill.reference},
        )
    target = request.POST.get("next", "")
    if target == "registry":
        return redirect("backoffice:registry_dossier", pk=dossier.pk)
    return redirect("backoffice:dossier_detail", pk=dossier.pk)


def intake_lookup(
    request: HttpRequest,
    *,
    user: Any,
    point: OrgUnit,
    form_class: type[f.CounterIntakeForm] = f.CounterIntakeForm,
    form_kwargs: dict[str, Any],
    context: dict[str, Any],
) -> HttpResponse:
    """The counter form's look-up button: keep what the officer typed, fill name and address from the
    registry, show the rest (birth date, sex, household, ID card) beside the form. Works without JavaScript."""
    post = request.POST
    initial: dict[str, Any] = {
        k: post.get(k) for k in post if not k.startswith(("csrf", "_")) and k != "lookup"
    }
    initial["provided"] = post.getlist("provided")
    fill = None
    error = ""
    version = context.get("version")
    try:
        fill = counter_lookup(
            officer=user,
            unit=point,
            # A business applicant with a tax code: the business registry; otherwise the person first.
            personal_id=""
            if post.get("kind") == "business" and post.get("tax_code")
            else post.get("personal_id", ""),
            tax_code=post.get("tax_code", ""),
            procedure_code=getattr(version, "code", ""),
        )
    except RegistryError as exc:
        error = str(exc)
    else:
        initial["name"] = fill.name
        initial["address"] = fill.address
        kinds = [k for k, _label in form_kwargs.get("kinds", [])]
        if fill.kind in kinds:
            initial["kind"] = fill.kind
    form = form_class(initial=initial, **form_kwargs)
    context = {**context, "form": form, "point": point, "registry_fill": fill, "registry_error": error,
               "files_dropped": bool(request.FILES)}  # fmt: skip
    return render(request, "backoffice/dossiers/intake.html", context)
