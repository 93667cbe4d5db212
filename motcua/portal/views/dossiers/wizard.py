"""The online application wizard: 1 receiving point → 2 details → 3 components → 4 review and submit.

Step 1 is a GET form (nothing is stored); step 2 creates the draft (``dossier_create_draft``) or edits it
(``dossier_update_draft``); step 3 attaches one file per component (``dossier_component_attach``, see
``mine.component_upload``); step 4 submits (``dossier_submit``) and shows the confirmation with the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import AccountKind, User
from motcua.catalogue.choices import OnlineLevel, ProcedureLevel, ResolvingRule
from motcua.catalogue.formatting import time_limit_words
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.routing import can_receive_at
from motcua.catalogue.selectors import procedure_get_published, version_spec
from motcua.catalogue.spec import ProcedureSpec
from motcua.core.text import fold
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.portal_selectors import dossier_component_list
from motcua.dossiers.procedure import procedure_spec
from motcua.dossiers.services import dossier_create_draft, dossier_submit, dossier_update_draft
from motcua.dossiers.status import DossierStatus
from motcua.integrations.registries import RegistryError
from motcua.integrations.registries.uses import applicant_prefill
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_current_units, orgunit_list
from motcua.wallet.selectors import wallet_offers_for_dossier

from ...forms import REQUEST_TEXT_KEY, DossierDetailsForm, ReceivingPointForm, SubmitForm
from .common import max_upload_mb, own_dossier, the_user

DEFAULT_POINT = "H56.40"


def _steps(current: int, dossier: Dossier | None = None) -> list[dict[str, Any]]:
    names = [_("Nơi nộp"), _("Thông tin"), _("Giấy tờ"), _("Kiểm tra và nộp")]
    links: dict[int, str] = {}
    if dossier is not None:
        links = {
            2: reverse("dossier_draft_details", args=[dossier.pk]),
            3: reverse("dossier_draft_components", args=[dossier.pk]),
            4: reverse("dossier_draft_review", args=[dossier.pk]),
        }
    return [
        {"n": n, "name": name, "current": n == current, "done": n < current, "url": links.get(n, "")}
        for n, name in enumerate(names, start=1)
    ]


def _published(code: str) -> tuple[ProcedureVersion, ProcedureSpec]:
    version = procedure_get_published(code=code)
    if version is None:
        raise Http404
    return version, version_spec(version)


def _start_problem(user: User, spec: ProcedureSpec) -> str:
    """Why this user cannot apply online for this procedure ("" when they can)."""
    if user.kind == AccountKind.STAFF:
        return _("Tài khoản cán bộ không dùng để nộp hồ sơ trực tuyến. Hãy đăng nhập bằng tài khoản công dân "
                 "hoặc doanh nghiệp, hoặc tiếp nhận hồ sơ tại quầy.")  # fmt: skip
    if spec.online_level == OnlineLevel.NONE:
        return _("Thủ tục này chưa cung cấp dịch vụ nộp hồ sơ trực tuyến. Mời bạn nộp tại bộ phận một cửa.")
    kind = "business" if user.kind == AccountKind.BUSINESS else "citizen"
    if kind not in spec.applicant_types:
        if kind == "business":
            return _("Thủ tục này dành cho công dân; tài khoản doanh nghiệp không nộp được.")
        return _("Thủ tục này dành cho tổ chức, doanh nghiệp; hãy đăng nhập bằng tài khoản doanh nghiệp.")
    return ""


def _needs_commune(spec: ProcedureSpec) -> bool:
    return spec.resolving_unit == ResolvingRule.APPLICANT_COMMUNE


def _point_form(spec: ProcedureSpec, data: Mapping[str, Any] | None) -> ReceivingPointForm:
    today = timezone.localdate()
    points = [
        u
        for u in orgunit_current_units(today).filter(has_one_stop=True)
        if can_receive_at(u, listed=spec.receiving_points)
    ]
    needs_commune = _needs_commune(spec)
    communes: list[OrgUnit] = []
    if needs_commune:
        communes = sorted(orgunit_list(on=today, kind=OrgUnitKind.COMMUNE), key=lambda u: fold(u.name))
    defaults_to_commune = needs_commune and spec.level == ProcedureLevel.COMMUNE
    initial: dict[str, str] = {}
    default_point = getattr(settings, "MOTCUA_DEFAULT_RECEIVING_POINT", DEFAULT_POINT)
    if not defaults_to_commune and any(u.code == default_point for u in points):
        initial["receiving_point"] = default_point
    return ReceivingPointForm(
        data,
        initial=initial,
        points=points,
        communes=communes,
        needs_commune=needs_commune,
        point_defaults_to_commune=defaults_to_commune,
    )


def _point_params(source: QueryDict) -> dict[str, str] | None:
    keys = ("receiving_point", "commune")
    if not any(k in source for k in keys):
        return None
    return {k: source.get(k, "") for k in keys}


def _field_specs(version: ProcedureVersion) -> list[Mapping[str, Any]]:
    """The procedure's own form fields, when its snapshot declares them (``form_fields``)."""
    raw = version.snapshot.get("form_fields") if isinstance(version.snapshot, dict) else None
    return [f for f in raw if isinstance(f, Mapping)] if isinstance(raw, list) else []


@login_required
@require_http_methods(["GET"])
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: choose where the dossier is received (and the applicant's commune when it decides)."""
    version, spec = _published(code)
    problem = _start_problem(the_user(request), spec)
    params = _point_params(request.GET)
    form = _point_form(spec, params)
    if params is not None and not problem and form.is_valid():
        query = urlencode({k: v for k, v in params.items() if v})
        return redirect(f"{reverse('dossier_apply_details', args=[version.code])}?{query}")
    context = {"version": version, "spec": spec, "form": form, "problem": problem, "steps": _steps(1)}
    return render(request, "portal/dossiers/wizard/start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def apply_details(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2 of a new application: the details; saving them creates the draft."""
    version, spec = _published(code)
    user = the_user(request)
    source = request.POST if request.method == "POST" else request.GET
    params = _point_params(source) or {}
    point_form = _point_form(spec, params)
    start_url = reverse("dossier_apply", args=[version.code])
    if _start_problem(user, spec) or not point_form.is_valid():
        return redirect(f"{start_url}?{urlencode(params)}" if params else start_url)
    point: OrgUnit = point_form.cleaned_data["point_unit"]
    commune: OrgUnit | None = point_form.cleaned_data["commune_unit"]
    form = DossierDetailsForm(request.POST or None, field_specs=_field_specs(version))
    prefill, prefill_error = None, ""
    if request.method == "GET":  # pre-fill from the national registry (issue 7); on error: the empty form
        try:
            prefill = applicant_prefill(user=user, field_names=list(form.fields))
        except RegistryError as exc:
            prefill_error = str(exc)
        if prefill is not None:
            form = DossierDetailsForm(initial=prefill.initial, field_specs=_field_specs(version))
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_create_draft(
                applicant=user,
                procedure_version=version,
                receiving_point=point,
                applicant_commune=commune,
                form_data=form.form_data(),
                address=form.cleaned_data["address"].strip(),
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Đã lưu bản nháp hồ sơ. Bạn có thể quay lại hoàn tất bất cứ lúc nào.")
            )
            return redirect("dossier_draft_components", pk=dossier.pk)
    context = {
        "version": version,
        "spec": spec,
        "form": form,
        "point": point,
        "commune": commune,
        "params": params,
        "start_url": f"{start_url}?{urlencode(params)}",
        "steps": _steps(2),
        "dossier": None,
        "prefill": prefill,
        "prefill_error": prefill_error,
    }
    return render(request, "portal/dossiers/wizard/details.html", context)


def _own_draft(request: HttpRequest, pk: int) -> Dossier | HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.status != DossierStatus.DRAFT:
        return redirect("my_dossier", pk=dossier.pk)
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def draft_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2 of a saved draft: edit the details (``dossier_update_draft``)."""
    dossier = _own_draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    version = dossier.procedure_version
    initial = DossierDetailsForm.initial_from(dossier.form_data or {}, dossier.applicant_address)
    form = DossierDetailsForm(request.POST or None, initial=initial, field_specs=_field_specs(version))
    if request.method == "POST" and form.is_valid():
        try:
            dossier_update_draft(
                dossier=dossier,
                applicant=the_user(request),
                form_data=form.form_data(),
                address=form.cleaned_data["address"].strip(),
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu thông tin hồ sơ."))
            return redirect("dossier_draft_components", pk=dossier.pk)
    context = {
        "version": version,
        "spec": procedure_spec(version),
        "form": form,
        "point": dossier.receiving_point,
        "commune": dossier.applicant_commune,
        "params": {},
        "steps": _steps(2, dossier),
        "dossier": dossier,
    }
    return render(request, "portal/dossiers/wizard/details.html", context)


def render_components_step(
    request: HttpRequest, dossier: Dossier, *, errors: Mapping[int, str] | None = None, status: int = 200
) -> HttpResponse:
    components = dossier_component_list(dossier)
    # The applicant's stored documents each component may reuse ("Dùng giấy tờ đã có trong kho").
    offers = wallet_offers_for_dossier(dossier=dossier)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "items": [(c, (errors or {}).get(c.pk, ""), offers.get(c.pk, [])) for c in components],
        "errors": dict(errors or {}),
        "missing": [c for c in components if c.required and not c.provided],
        "steps": _steps(3, dossier),
        "max_mb": max_upload_mb(),
    }
    return render(request, "portal/dossiers/wizard/components.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def draft_components(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: one upload per component, with progress (the form posts to ``mine.component_upload``)."""
    dossier = _own_draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    return render_components_step(request, dossier)


def _form_rows(dossier: Dossier) -> list[tuple[str, str]]:
    data = dict(dossier.form_data or {})
    rows = []
    labels = {
        str(f.get("name")): str(f.get("label") or f.get("name"))
        for f in _field_specs(dossier.procedure_version)
        if f.get("name")
    }
    for key, value in data.items():
        if key == REQUEST_TEXT_KEY:
            continue
        rows.append((labels.get(key) or key, str(value)))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 4: everything on one page, the declaration, and "Nộp hồ sơ" (``dossier_submit``)."""
    dossier = _own_draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    components: list[DossierComponent] = dossier_component_list(dossier)
    form = SubmitForm(request.POST or None, initial={"version": dossier.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_submit(
                dossier=dossier, applicant=the_user(request), expected_version=form.cleaned_data["version"]
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("dossier_confirmation", pk=dossier.pk)
    spec = procedure_spec(dossier.procedure_version)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "spec": spec,
        "components": components,
        "missing": [c for c in components if c.required and not c.provided],
        "request_text": (dossier.form_data or {}).get(REQUEST_TEXT_KEY, ""),
        "form_rows": _form_rows(dossier),
        "form": form,
        "steps": _steps(4, dossier),
        "time_limit": time_limit_words(spec.time_limit.amount, spec.time_limit.unit),
        "has_fees": any(f.amount > 0 for f in spec.fees),
    }
    return render(request, "portal/dossiers/wizard/review.html", context)


@login_required
@require_http_methods(["GET"])
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """After submitting: the code in large type, the receiving point, what happens next, and links."""
    dossier = own_dossier(request, pk)
    if dossier.status == DossierStatus.DRAFT:
        return redirect("dossier_draft_review", pk=dossier.pk)
    spec = procedure_spec(dossier.procedure_version)
    context = {
        "dossier": dossier,
        "spec": spec,
        "time_limit": time_limit_words(spec.time_limit.amount, spec.time_limit.unit),
        "status_url": f"{reverse('dossier_status_lookup')}?{urlencode({'ma': dossier.code or ''})}",
        "components": dossier_component_list(dossier),
    }
    return render(request, "portal/dossiers/wizard/confirmation.html", context)
