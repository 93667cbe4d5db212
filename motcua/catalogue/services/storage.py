"""Shared by the catalogue's services: look up the rows a spec refers to, and write a spec as the draft.

Not a use case of its own: callers (``procedure_create``, ``procedure_update``, the import) open the
transaction and write the audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.org.models import OrgUnit

from ..choices import END, StepUnitKind
from ..models import (
    Component,
    Fee,
    LegalBasis,
    Procedure,
    ProcessAction,
    ProcessActionCondition,
    ProcessStep,
    ProcessTemplate,
    Review,
    Sector,
)
from ..records import search_text_for
from ..spec import COMMUNE_AGENCY, Problem, ProcedureSpec, ReviewSpec


def commune_agency_label() -> str:
    return _("Ủy ban nhân dân cấp xã")


@dataclass
class References:
    """Sectors and org units by code, loaded once for a batch of specs (an import, a publish)."""

    sectors: dict[str, Sector]
    units: dict[str, OrgUnit]
    today: dt.date = field(default_factory=timezone.localdate)

    @classmethod
    def load(cls) -> References:
        return cls(
            sectors={s.code: s for s in Sector.objects.all()},
            units={u.code: u for u in OrgUnit.objects.select_related("successor")},
        )

    def unit_is_current(self, code: str) -> bool:
        unit = self.units.get(code)
        return unit is not None and unit.is_valid_on(self.today)


@dataclass(frozen=True)
class Resolved:
    """The rows a valid spec refers to. ``sector`` None: the sector is new and will be created."""

    sector: Sector | None
    agency: OrgUnit | None
    receiving_points: tuple[OrgUnit, ...]
    step_units: Mapping[str, OrgUnit]


def _unit_problem(refs: References, code: str, path: str, *, what: str) -> Problem | None:
    unit = refs.units.get(code)
    if unit is None:
        return Problem(
            path,
            "unit_unknown",
            _("%(what)s: không có đơn vị mã “%(code)s” trong danh mục tổ chức.")
            % {"what": what, "code": code},
        )
    if not unit.is_valid_on(refs.today):
        if unit.successor is not None:
            return Problem(
                path,
                "unit_not_current",
                _(
                    "%(what)s: đơn vị “%(code)s” (%(name)s) đã hết hiệu lực; đơn vị kế thừa là “%(successor)s”."
                )
                % {"what": what, "code": code, "name": unit.name, "successor": unit.successor.code},
            )
        return Problem(
            path,
            "unit_not_current",
            _("%(what)s: đơn vị “%(code)s” (%(name)s) không còn hiệu lực.")
            % {"what": what, "code": code, "name": unit.name},
        )
    return None


def resolve(
    spec: ProcedureSpec,
    refs: References,
    *,
    create_sectors: bool = False,
    declared_sectors: Mapping[str, str] | None = None,
    path: str = "",
) -> tuple[Resolved | None, list[Problem]]:
    """Look up the sector, agency, receiving points and step units of ``spec``; list what is unknown."""
    problems: list[Problem] = []
    prefix = f"{path}." if path else ""
    sector = refs.sectors.get(spec.sector.code)
    known_sector = sector is not None or not spec.sector.code
    if not known_sector and not (create_sectors or spec.sector.code in (declared_sectors or {})):
        problems.append(
            Problem(
                f"{prefix}sector",
                "sector_unknown",
                _("Lĩnh vực “%(code)s” chưa có trong danh mục lĩnh vực.") % {"code": spec.sector.code},
            )
        )
    agency: OrgUnit | None = None
    if spec.agency and spec.agency != COMMUNE_AGENCY:
        problem = _unit_problem(refs, spec.agency, f"{prefix}agency", what=_("Cơ quan thực hiện"))
        if problem:
            problems.append(problem)
        agency = refs.units.get(spec.agency)
    points: list[OrgUnit] = []
    for i, code in enumerate(spec.receiving_points):
        where = f"{prefix}receiving_points[{i}]"
        problem = _unit_problem(refs, code, where, what=_("Điểm tiếp nhận"))
        if problem:
            problems.append(problem)
            continue
        unit = refs.units[code]
        if not unit.has_one_stop:
            problems.append(
                Problem(
                    where,
                    "unit_not_one_stop",
                    _("Điểm tiếp nhận: đơn vị “%(code)s” (%(name)s) không có bộ phận một cửa.")
                    % {"code": code, "name": unit.name},
                )
            )
        points.append(unit)
    step_units: dict[str, OrgUnit] = {}
    for i, step in enumerate(spec.process.steps):
        if step.unit_kind != StepUnitKind.UNIT or not step.unit:
            continue
        step_unit = refs.units.get(step.unit)
        if step_unit is None:
            problems.append(
                Problem(
                    f"{prefix}process.steps[{i}].unit",
                    "unit_unknown",
                    _("Bước “%(step)s”: không có đơn vị mã “%(code)s” trong danh mục tổ chức.")
                    % {"step": step.label, "code": step.unit},
                )
            )
        else:
            step_units[step.code] = step_unit
    if problems:
        return None, problems
    return Resolved(sector, agency, tuple(points), step_units), []


def ensure_sector(code: str, name: str) -> Sector:
    sector = Sector.objects.filter(code=code).first()
    if sector is not None:
        return sector
    last = Sector.objects.aggregate(top=Max("position"))["top"] or 0
    return Sector.objects.create(code=code, name=name or code, position=last + 1)


def write_draft(procedure: Procedure, spec: ProcedureSpec, resolved: Resolved, *, sector: Sector) -> None:
    """Store ``spec`` as the draft of ``procedure`` (saved or new), replacing every part of it.

    Reviews are added, never removed (they are records, not part of the draft's content).
    """
    is_new = procedure.pk is None
    limit = spec.time_limit
    procedure.code = spec.code
    procedure.name = spec.name
    procedure.sector = sector
    procedure.level = spec.level
    procedure.agency = resolved.agency
    procedure.resolving_rule = spec.resolving_unit
    procedure.for_citizen = spec.for_citizen
    procedure.for_business = spec.for_business
    procedure.result_type = spec.result_type
    procedure.result_name = spec.result_name
    procedure.result_document_type = spec.result_document_type
    procedure.time_limit_amount = limit.amount
    procedure.time_limit_unit = limit.unit
    procedure.time_limit_after_cutoff = limit.after_cutoff
    procedure.time_limit_cutoff = limit.cutoff
    procedure.supplement_rule = spec.supplement_rule
    procedure.online_level = spec.online_level
    procedure.full_online_eligible = spec.full_online_eligible
    procedure.requirements = spec.requirements
    procedure.keywords = list(spec.keywords)
    procedure.decision_number = spec.publication.decision_number
    procedure.decision_date = spec.publication.decision_date
    procedure.published_on = spec.publication.published_on
    procedure.illustrative = spec.illustrative
    procedure.source_note = spec.source_note
    procedure.search_text = search_text_for(
        spec,
        sector_name=sector.name,
        agency_name=resolved.agency.name if resolved.agency else commune_agency_label(),
    )
    procedure.save()

    if not is_new:
        Component.objects.filter(procedure=procedure).delete()
    Component.objects.bulk_create(
        Component(
            procedure=procedure,
            position=i,
            name=c.name,
            originals=c.originals,
            copies=c.copies,
            required=c.required,
            document_type=c.document_type,
            template=c.template,
            template_url=c.template_url,
        )
        for i, c in enumerate(spec.components)
    )
    if not is_new:
        Fee.objects.filter(procedure=procedure).delete()
    Fee.objects.bulk_create(
        Fee(
            procedure=procedure,
            position=i,
            name=f.name,
            kind=f.kind,
            amount=f.amount,
            condition=f.condition,
            exemption=f.exemption,
            due=f.due,
        )
        for i, f in enumerate(spec.fees)
    )
    if not is_new:
        LegalBasis.objects.filter(procedure=procedure).delete()
    LegalBasis.objects.bulk_create(
        LegalBasis(procedure=procedure, position=i, title=b.title, effective_date=b.effective_date)
        for i, b in enumerate(spec.legal_basis)
    )
    if not is_new or resolved.receiving_points:
        procedure.receiving_points.set(resolved.receiving_points)
    if spec.reviews:
        add_reviews(procedure, spec.reviews)
    _write_process(procedure, spec, resolved, is_new=is_new)


def add_reviews(procedure: Procedure, reviews: tuple[ReviewSpec, ...]) -> int:
    """Add the reviews not yet recorded (same date and reviewer); returns how many were added."""
    known = set(Review.objects.filter(procedure=procedure).values_list("reviewed_on", "reviewed_by"))
    new = [r for r in reviews if (r.reviewed_on, r.reviewed_by) not in known]
    Review.objects.bulk_create(
        Review(
            procedure=procedure,
            reviewed_on=r.reviewed_on,
            reviewed_by=r.reviewed_by,
            simplification_proposed=r.simplification_proposed,
            note=r.note,
        )
        for r in new
    )
    return len(new)


def _write_process(procedure: Procedure, spec: ProcedureSpec, resolved: Resolved, *, is_new: bool) -> None:
    if is_new:
        template = ProcessTemplate.objects.create(procedure=procedure)
    else:
        template, _created = ProcessTemplate.objects.get_or_create(procedure=procedure)
        ProcessAction.objects.filter(template=template).delete()
        ProcessStep.objects.filter(template=template).delete()
    steps = ProcessStep.objects.bulk_create(
        ProcessStep(
            template=template,
            position=i,
            code=s.code,
            name=s.name,
            role=s.role,
            unit_kind=s.unit_kind,
            unit=resolved.step_units.get(s.code) if s.unit_kind == StepUnitKind.UNIT else None,
            budget_amount=s.budget.amount,
            budget_unit=s.budget.unit,
            inter_agency=s.inter_agency,
            can_request_supplement=s.can_request_supplement,
        )
        for i, s in enumerate(spec.process.steps)
    )
    by_code = {step.code: step for step in steps}
    actions = ProcessAction.objects.bulk_create(
        ProcessAction(
            template=template,
            position=i,
            from_step=by_code[a.from_step],
            to_step=None if a.to_step == END else by_code[a.to_step],
            name=a.name,
            roles=list(a.roles),
        )
        for i, a in enumerate(spec.process.actions)
    )
    ProcessActionCondition.objects.bulk_create(
        ProcessActionCondition(action=action, key=key)
        for action, a in zip(actions, spec.process.actions, strict=True)
        for key in a.conditions
    )
