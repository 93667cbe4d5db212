"""Read-side questions about the organisation tree."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import OrgUnit, OrgUnitKind


def orgunit_list(*, on: dt.date | None = None, kind: str | None = None, q: str = "") -> QuerySet[OrgUnit]:
    from motcua.core.text import fold

    units = OrgUnit.objects.all()
    if on is not None:
        units = units.valid_on(on)
    if kind:
        units = units.filter(kind=kind)
    for word in fold(q).split():
        units = units.filter(search_text__contains=word)
    return units.select_related("parent", "successor").order_by("code")


def orgunit_stats(*, on: dt.date | None = None) -> dict[str, int]:
    """Counts of current units for the home page."""
    day = on or timezone.localdate()
    current = OrgUnit.objects.valid_on(day)
    return {
        "agencies": current.filter(kind__in=[OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY]).count(),
        "communes": current.filter(kind=OrgUnitKind.COMMUNE).count(),
        "one_stop_points": current.filter(has_one_stop=True).count(),
    }
