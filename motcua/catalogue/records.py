"""Reading a stored draft back as a ``ProcedureSpec`` (the exchange format's typed form)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from motcua.core.text import fold

from .choices import END, StepUnitKind
from .models import Procedure, ProcessAction, ProcessStep
from .spec import (
    COMMUNE_AGENCY,
    ActionSpec,
    BudgetSpec,
    ComponentSpec,
    FeeSpec,
    LegalBasisSpec,
    ProcedureSpec,
    ProcessSpec,
    PublicationSpec,
    ReviewSpec,
    SectorRef,
    StepSpec,
    TimeLimitSpec,
)


def procedures_with_parts() -> QuerySet[Procedure]:
    """Procedures with everything ``spec_from_procedure`` reads, in a fixed number of queries."""
    return Procedure.objects.select_related(
        "sector", "agency", "current_version", "process"
    ).prefetch_related(
        "components",
        "fees",
        "legal_basis",
        "reviews",
        "receiving_points",
        Prefetch("process__steps", queryset=ProcessStep.objects.select_related("unit").order_by("position")),
        Prefetch(
            "process__actions",
            queryset=ProcessAction.objects.select_related("from_step", "to_step")
            .prefetch_related("conditions")
            .order_by("position"),
        ),
    )


def _process(procedure: Procedure) -> ProcessSpec:
    try:
        template = procedure.process
    except Procedure.process.RelatedObjectDoesNotExist:
        return ProcessSpec()
    steps = tuple(
        StepSpec(
            code=s.code,
            name=s.name,
            role=s.role,
            unit=(s.unit.code if s.unit is not None else "")
            if s.unit_kind == StepUnitKind.UNIT
            else s.unit_kind,
            budget=BudgetSpec(s.budget_amount, s.budget_unit),
            inter_agency=s.inter_agency,
            can_request_supplement=s.can_request_supplement,
        )
        for s in sorted(template.steps.all(), key=lambda s: s.position)
    )
    actions = tuple(
        ActionSpec(
            from_step=a.from_step.code,
            to_step=a.to_step.code if a.to_step is not None else END,
            name=a.name,
            roles=tuple(a.roles),
            conditions=tuple(c.key for c in sorted(a.conditions.all(), key=lambda c: c.pk)),
        )
        for a in sorted(template.actions.all(), key=lambda a: a.position)
    )
    return ProcessSpec(steps, actions)


def spec_from_procedure(procedure: Procedure) -> ProcedureSpec:
    """The draft as a spec; use ``procedures_with_parts()`` to load it in a fixed number of queries."""
    applicants = tuple(procedure.applicant_types)
    return ProcedureSpec(
        code=procedure.code,
        name=procedure.name,
        sector=SectorRef(procedure.sector.code, procedure.sector.name),
        level=procedure.level,
        agency=procedure.agency.code if procedure.agency is not None else COMMUNE_AGENCY,
        resolving_unit=procedure.resolving_rule,
        applicant_types=applicants,
        result_type=procedure.result_type,
        result_name=procedure.result_name,
        result_document_type=procedure.result_document_type,
        time_limit=TimeLimitSpec(
            procedure.time_limit_amount,
            procedure.time_limit_unit,
            procedure.time_limit_after_cutoff,
            procedure.time_limit_cutoff,
        ),
        supplement_rule=procedure.supplement_rule,
        online_level=procedure.online_level,
        full_online_eligible=procedure.full_online_eligible,
        fees=tuple(
            FeeSpec(f.name, f.amount, f.kind, f.condition, f.exemption, f.due)
            for f in sorted(procedure.fees.all(), key=lambda f: f.position)
        ),
        components=tuple(
            ComponentSpec(
                c.name, c.originals, c.copies, c.required, c.document_type, c.template, c.template_url
            )
            for c in sorted(procedure.components.all(), key=lambda c: c.position)
        ),
        requirements=procedure.requirements,
        legal_basis=tuple(
            LegalBasisSpec(b.title, b.effective_date)
            for b in sorted(procedure.legal_basis.all(), key=lambda b: b.position)
        ),
        publication=PublicationSpec(
            procedure.decision_number, procedure.decision_date, procedure.published_on
        ),
        process=_process(procedure),
        keywords=tuple(procedure.keywords or ()),
        receiving_points=tuple(sorted(u.code for u in procedure.receiving_points.all())),
        reviews=tuple(
            ReviewSpec(r.reviewed_on, r.reviewed_by, r.simplification_proposed, r.note)
            for r in sorted(procedure.reviews.all(), key=lambda r: (r.reviewed_on, r.pk))
        ),
        illustrative=procedure.illustrative,
        source_note=procedure.source_note,
    )


def search_text_for(spec: ProcedureSpec, *, sector_name: str, agency_name: str) -> str:
    """The folded text a procedure is found by: name, code, sector, agency and keywords."""
    return fold(" ".join([spec.name, spec.code, sector_name, agency_name, *spec.keywords]))
