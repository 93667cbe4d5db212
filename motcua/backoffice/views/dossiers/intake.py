"""Counter intake: the officer picks the point and the procedure, enters the applicant, ticks the
components handed in, optionally uploads scans, and the dossier is received with its code and appointment.

Receiving, attaching the scans and the documents reused from the data store happen in one service call
(``motcua.wallet.services.counter_intake_receive``, also behind the API): a refused scan leaves no dossier
and no file behind.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalogue.choices import ApplicantType, ResolvingRule
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.routing import can_receive_at
from motcua.catalogue.selectors import SearchFilters, procedure_get_published, procedure_search, version_spec
from motcua.catalogue.spec import ProcedureSpec
from motcua.core.audit import audit_record
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import counter_points_for
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_list
from motcua.wallet.services import counter_intake_receive

from ...access import staff_required
from ..registries import intake_lookup
from ..wallet import IntakeStoreForm, intake_offers
from .common import moment_text, officer


def _points(user: User) -> list[OrgUnit]:
    points = list(counter_points_for(user=user))
    if not points:
        audit_record(action="access.denied", actor=user, data={"path": "counter_intake"})
        raise PermissionDenied
    return points


def _point(points: list[OrgUnit], raw: Any) -> OrgUnit:
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        return points[0]
    return next((p for p in points if p.pk == wanted), points[0])


def _form_kwargs(spec: ProcedureSpec, points: list[OrgUnit]) -> dict[str, Any]:
    commune_rule = spec.resolving_unit == ResolvingRule.APPLICANT_COMMUNE
    communes = orgunit_list(on=timezone.localdate(), kind=OrgUnitKind.COMMUNE) if commune_rule else []
    return {
        "points": [(p.pk, p.name) for p in points],
        "kinds": [(k, ApplicantType(k).label) for k in spec.applicant_types if k in ApplicantType.values],
        "components": [
            (i, c.name if c.required else _("%(name)s (không bắt buộc)") % {"name": c.name})
            for i, c in enumerate(spec.components, start=1)
        ],
        "communes": [(u.pk, u.name) for u in communes],
        "commune_required": commune_rule,
    }


def _receive(user: User, form: IntakeStoreForm, version: ProcedureVersion, point: OrgUnit) -> Dossier:
    data = form.cleaned_data
    commune = (
        orgunit_list(on=timezone.localdate(), kind=OrgUnitKind.COMMUNE).filter(pk=data["commune"]).first()
        if data["commune"]
        else None
    )
    applicant = CounterApplicant(
        kind=data["kind"],
        name=data["name"],
        personal_id=data["personal_id"],
        tax_code=data["tax_code"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        commune=commune,
    )
    return counter_intake_receive(
        officer=user,
        receiving_point=point,
        procedure_version=version,
        applicant=applicant,
        provided_positions=data["provided"],
        channel=data["channel"],
        note=data["note"],
        scans=form.scans(),
        scan_pages=form.scan_pages(),
        # A component taken from the applicant's data store is provided too (no paper copy).
        reuses=form.reuses(),
    )


@staff_required
def counter_intake(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    points = _points(user)
    source = request.POST if request.method == "POST" else request.GET
    point = _point(points, source.get("point"))
    code = (source.get("procedure") or "").strip()[:50]
    version = procedure_get_published(code=code) if code else None
    context: dict[str, Any] = {"points": points, "point": point}
    if version is None:
        if code:
            messages.error(request, _("Không tìm thấy thủ tục đã công bố có mã %(code)s.") % {"code": code})
        q = request.GET.get("q", "").strip()[:200]
        results = procedure_search(filters=SearchFilters(q=q), page=1, page_size=15) if q else None
        context.update({"q": q, "results": results})
        return render(request, "backoffice/dossiers/intake.html", context)
    spec = version_spec(version)
    kwargs = _form_kwargs(spec, points)
    if request.method == "POST" and request.POST.get("lookup"):  # "Tra cứu CSDL quốc gia" (issue 7)
        ctx = {**context, "version": version, "spec": spec}
        return intake_lookup(
            request, user=user, point=point, form_class=IntakeStoreForm, form_kwargs=kwargs, context=ctx
        )
    if request.method == "POST" and "_store" in request.POST:  # "Tra kho dữ liệu": show the offers only
        _owner, offers = intake_offers(user=user, source=request.POST, spec=spec, point=point, log=True)
        initial: dict[str, Any] = {
            k: request.POST.get(k) for k in request.POST if not k.startswith(("csrf", "_"))
        }
        initial["provided"] = request.POST.getlist("provided")
        form = IntakeStoreForm(initial=initial, offers=offers, **kwargs)
        context.update({"form": form, "version": version, "spec": spec, "store_checked": True,
                        "store_owner": _owner})  # fmt: skip
        return render(request, "backoffice/dossiers/intake.html", context)
    if request.method == "POST":
        _owner, offers = intake_offers(user=user, source=request.POST, spec=spec, point=point, log=False)
        form = IntakeStoreForm(request.POST, request.FILES, offers=offers, **kwargs)
        status = 400
        if form.is_valid():
            point = _point(points, form.cleaned_data["point"])
            if not can_receive_at(point, listed=spec.receiving_points):
                form.add_error(
                    "point", _("Thủ tục này không tiếp nhận tại %(point)s.") % {"point": point.name}
                )
            else:
                try:
                    dossier = _receive(user, form, version, point)
                except DossierError as exc:
                    form.add_error(None, exc.message)
                    status = exc.http_status
                else:
                    messages.success(
                        request,
                        _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(due)s.")
                        % {"code": dossier.code, "due": moment_text(dossier.due_at)},
                    )
                    return redirect("backoffice:dossier_detail", pk=dossier.pk)
        context.update({"form": form, "version": version, "spec": spec, "point": point})
        return render(request, "backoffice/dossiers/intake.html", context, status=status)
    form = IntakeStoreForm(initial={"point": point.pk, "procedure": version.code}, **kwargs)
    warning = (
        ""
        if can_receive_at(point, listed=spec.receiving_points)
        else _("Thủ tục này không tiếp nhận tại %(point)s; hãy chọn điểm tiếp nhận khác.")
        % {"point": point.name}
    )
    context.update({"form": form, "version": version, "spec": spec, "warning": warning})
    return render(request, "backoffice/dossiers/intake.html", context)
