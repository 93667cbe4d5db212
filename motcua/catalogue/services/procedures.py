"""Use cases on one procedure: create and update the draft, publish it, record a review.

Each is one transaction with one audit row. Inputs are ``ProcedureSpec`` values (parsed and checked by
``motcua.catalogue.spec``); references to sectors and units are resolved here and reported as problems.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.core.text import fold

from ..errors import NothingToPublish, PublishRefused, SpecError, StaleDraft
from ..lint import LintProblem, publish_lint
from ..models import CatalogueEntry, Procedure, ProcedureVersion, Review
from ..records import procedures_with_parts, search_text_for, spec_from_procedure
from ..spec import Problem, ProcedureSpec, missing_parts, spec_to_dict
from .storage import References, add_reviews, commune_agency_label, ensure_sector, resolve, write_draft


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _content(spec: ProcedureSpec) -> dict[str, object]:
    return spec_to_dict(spec, include_reviews=False)


def with_sector_name(spec: ProcedureSpec, refs: References) -> ProcedureSpec:
    """The spec with the stored name of its sector (the file's name is only used to create it)."""
    sector = refs.sectors.get(spec.sector.code)
    if sector is None or sector.name == spec.sector.name:
        return spec
    return dataclasses.replace(spec, sector=dataclasses.replace(spec.sector, name=sector.name))


def procedure_create(
    *,
    actor: User | None,
    spec: ProcedureSpec,
    create_sectors: bool = False,
    refs: References | None = None,
) -> Procedure:
    """Create the draft of a new procedure. Raises ``SpecError`` (nothing written) when the code is taken
    or the spec names an unknown sector or unit."""
    refs = refs or References.load()
    with transaction.atomic():
        if Procedure.objects.filter(code=spec.code).exists():
            raise SpecError(
                [
                    Problem(
                        "code",
                        "procedure_code_taken",
                        _("Đã có thủ tục mã “%(code)s” trong danh mục.") % {"code": spec.code},
                    )
                ]
            )
        resolved, problems = resolve(spec, refs, create_sectors=create_sectors)
        if resolved is None:
            raise SpecError(problems)
        sector = resolved.sector or ensure_sector(spec.sector.code, spec.sector.name)
        refs.sectors[sector.code] = sector
        spec = with_sector_name(spec, refs)
        procedure = Procedure()
        write_draft(procedure, spec, resolved, sector=sector)
        audit_record(
            action="catalogue.procedure_created",
            actor=_actor(actor),
            obj=procedure,
            data={"code": procedure.code, "name": procedure.name, "revision": procedure.draft_revision},
        )
    return procedure


def procedure_update(
    *,
    actor: User | None,
    procedure: Procedure,
    spec: ProcedureSpec,
    expected_revision: int | None = None,
    create_sectors: bool = False,
    refs: References | None = None,
) -> Procedure:
    """Replace the draft of ``procedure`` with ``spec`` (the code cannot change).

    ``expected_revision`` (the revision the editor loaded) refuses the save with ``StaleDraft`` when
    someone saved in between. A spec equal to the draft changes nothing but adds new reviews.
    """
    refs = refs or References.load()
    if spec.code != procedure.code:
        raise SpecError(
            [
                Problem(
                    "code",
                    "procedure_code_immutable",
                    _("Không được đổi mã thủ tục (“%(old)s” thành “%(new)s”).")
                    % {"old": procedure.code, "new": spec.code},
                )
            ]
        )
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if expected_revision is not None and locked.draft_revision != expected_revision:
            raise StaleDraft(
                _(
                    "Bản nháp đã được người khác sửa (lần sửa %(now)s, bạn mở lần %(then)s). Hãy mở lại và sửa tiếp."
                )
                % {"now": locked.draft_revision, "then": expected_revision}
            )
        resolved, problems = resolve(spec, refs, create_sectors=create_sectors)
        if resolved is None:
            raise SpecError(problems)
        sector = resolved.sector or ensure_sector(spec.sector.code, spec.sector.name)
        refs.sectors[sector.code] = sector
        spec = with_sector_name(spec, refs)
        current = procedures_with_parts().get(pk=locked.pk)
        if _content(spec_from_procedure(current)) == _content(spec):
            added = add_reviews(current, spec.reviews)
            if added:
                audit_record(
                    action="catalogue.procedure_reviews_added",
                    actor=_actor(actor),
                    obj=current,
                    data={"code": current.code, "added": added},
                )
            procedure.refresh_from_db()
            return procedure
        current.draft_revision += 1
        write_draft(current, spec, resolved, sector=sector)
        audit_record(
            action="catalogue.procedure_updated",
            actor=_actor(actor),
            obj=current,
            data={"code": current.code, "revision": current.draft_revision},
        )
    procedure.refresh_from_db()
    return procedure


def publish_problems(spec: ProcedureSpec, refs: References) -> list[LintProblem]:
    """Every reason ``spec`` cannot be published (see ``motcua.catalogue.lint.publish_lint``)."""
    return publish_lint(spec, unit_is_current=refs.unit_is_current)


def procedure_publish(
    *,
    actor: User | None,
    procedure: Procedure,
    note: str = "",
    refs: References | None = None,
) -> ProcedureVersion:
    """Freeze the draft as the next immutable version and make it the one the public sees.

    Refused with ``PublishRefused`` (listing every lint problem, each naming its step) or
    ``NothingToPublish`` (the draft equals the current version); nothing is written then.
    """
    refs = refs or References.load()
    with transaction.atomic():
        locked = procedures_with_parts().select_for_update(of=("self",)).get(pk=procedure.pk)
        current = locked.current_version
        if current is not None and current.draft_revision == locked.draft_revision:
            raise NothingToPublish(
                _("Bản nháp chưa thay đổi so với phiên bản %(number)s đang công bố.")
                % {"number": current.number}
            )
        spec = spec_from_procedure(locked)
        problems = publish_problems(spec, refs)
        if problems:
            raise PublishRefused(
                _("Chưa thể công bố thủ tục “%(code)s”: %(count)s lỗi cần sửa.")
                % {"code": locked.code, "count": len(problems)},
                problems,
            )
        number = (
            ProcedureVersion.objects.filter(procedure=locked).aggregate(top=Max("number"))["top"] or 0
        ) + 1
        limit = spec.time_limit
        agency = locked.agency
        version = ProcedureVersion(
            procedure=locked,
            number=number,
            draft_revision=locked.draft_revision,
            published_at=timezone.now(),
            published_by=_actor(actor),
            note=note.strip(),
            snapshot=spec_to_dict(spec, include_reviews=False),
            code=spec.code,
            name=spec.name,
            name_folded=fold(spec.name),
            sector=locked.sector,
            level=spec.level,
            agency=agency,
            for_citizen=spec.for_citizen,
            for_business=spec.for_business,
            result_type=spec.result_type,
            time_limit_amount=limit.amount,
            time_limit_unit=limit.unit,
            time_limit_after_cutoff=limit.after_cutoff,
            time_limit_cutoff=limit.cutoff,
            supplement_rule=spec.supplement_rule,
            online_level=spec.online_level,
            full_online_eligible=spec.full_online_eligible,
            has_fees=any(fee.amount > 0 for fee in spec.fees),
            decision_number=spec.publication.decision_number,
            decision_date=spec.publication.decision_date,
            published_on=spec.publication.published_on,
            parts_complete=not missing_parts(spec),
            search_text=search_text_for(
                spec,
                sector_name=locked.sector.name,
                agency_name=agency.name if agency is not None else commune_agency_label(),
            ),
        )
        version.save(force_insert=True)
        Procedure.objects.filter(pk=locked.pk).update(current_version=version, updated_at=timezone.now())
        entry_refresh(version=version)
        audit_record(
            action="catalogue.procedure_published",
            actor=_actor(actor),
            obj=locked,
            data={"code": locked.code, "version": number, "revision": locked.draft_revision},
        )
    procedure.refresh_from_db()
    return version


def entry_refresh(*, version: ProcedureVersion) -> CatalogueEntry:
    """Make ``version`` its procedure's row of the public catalogue (part of publishing; also used by
    ``motcua catalogue_reindex``)."""
    entry, _created = CatalogueEntry.objects.update_or_create(
        procedure_id=version.procedure_id,
        defaults={
            "version": version,
            "number": version.number,
            "published_at": version.published_at,
            "code": version.code,
            "name": version.name,
            "name_folded": version.name_folded,
            "sector_id": version.sector_id,
            "level": version.level,
            "agency_id": version.agency_id,
            "for_citizen": version.for_citizen,
            "for_business": version.for_business,
            "online_level": version.online_level,
            "time_limit_amount": version.time_limit_amount,
            "time_limit_unit": version.time_limit_unit,
            "time_limit_after_cutoff": version.time_limit_after_cutoff,
            "time_limit_cutoff": version.time_limit_cutoff,
            "has_fees": version.has_fees,
            "search_text": version.search_text,
        },
    )
    return entry


def procedure_review_record(
    *,
    actor: User | None,
    procedure: Procedure,
    reviewed_on: dt.date,
    reviewed_by: str,
    simplification_proposed: bool = False,
    note: str = "",
) -> Review:
    """Record that the procedure was reviewed (plan target T04)."""
    reviewer = " ".join(reviewed_by.split())
    problems: list[Problem] = []
    if not reviewer:
        problems.append(Problem("reviewed_by", "required", _("Cần ghi người hoặc đơn vị rà soát.")))
    if reviewed_on > timezone.localdate():
        problems.append(Problem("reviewed_on", "review_in_future", _("Ngày rà soát không được sau hôm nay.")))
    if problems:
        raise SpecError(problems)
    with transaction.atomic():
        review = Review.objects.create(
            procedure=procedure,
            reviewed_on=reviewed_on,
            reviewed_by=reviewer[:200],
            simplification_proposed=simplification_proposed,
            note=note.strip(),
            recorded_by=_actor(actor),
        )
        audit_record(
            action="catalogue.procedure_reviewed",
            actor=_actor(actor),
            obj=procedure,
            data={
                "code": procedure.code,
                "reviewed_on": reviewed_on.isoformat(),
                "simplification_proposed": simplification_proposed,
            },
        )
    return review
