"""The units and officers a dossier's applicant may like or dislike: those that took one of its steps."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.accounts.models import AccountKind
from motcua.dossiers.models import Dossier, DossierStep


@dataclass(frozen=True)
class Target:
    key: str  # "u<unit id>" or "o<officer id>-<unit id>"
    unit_id: int
    officer_id: int | None
    label: str
    unit_name: str


def evaluation_targets(dossier: Dossier) -> list[Target]:
    """Each unit once, then each officer (assignee or the one who moved the step) once, in step order."""
    units: dict[int, Target] = {}
    officers: dict[int, Target] = {}
    steps = (
        DossierStep.objects.filter(dossier=dossier)
        .select_related("unit", "assignee", "finished_by")
        .order_by("seq")
    )
    for step in steps:
        unit = step.unit
        units.setdefault(unit.pk, Target(f"u{unit.pk}", unit.pk, None, unit.name, unit.name))
        for person in (step.assignee, step.finished_by):
            if person is None or person.kind != AccountKind.STAFF or person.pk in officers:
                continue
            name = person.full_name or person.get_username()
            officers[person.pk] = Target(f"o{person.pk}-{unit.pk}", unit.pk, person.pk, name, unit.name)
    return [*units.values(), *officers.values()]
