"""Reviews of T04's procedures and their compliance costs (the standard-cost-model estimates)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.catalogue.models import Procedure, Review

from ..figures import period_figures
from ..periods import parse_period
from ..plan_models import ReviewCost
from .selectors import plan_target_get
from .values import FIRST_YEAR


def plan_review_list(*, sector: str = "", q: str = "") -> QuerySet[Review]:
    """Reviews of the procedures of T04's sectors since the plan began, newest first, with their cost."""
    target = plan_target_get("T04")
    codes = list(target.scope.get("sectors") or []) if target else []
    reviews = (
        Review.objects.filter(procedure__sector__code__in=codes, reviewed_on__gte=dt.date(FIRST_YEAR, 1, 1))
        .select_related("procedure", "procedure__sector", "cost_estimate")
        .order_by("-reviewed_on", "-pk")
    )
    if sector:
        reviews = reviews.filter(procedure__sector__code=sector)
    if q:
        reviews = reviews.filter(Q(procedure__code__icontains=q) | Q(procedure__name__icontains=q))
    return reviews


def plan_review_get(pk: int) -> Review | None:
    return (
        Review.objects.select_related("procedure", "procedure__sector", "procedure__agency")
        .filter(pk=pk)
        .first()
    )


def review_cost_of(review: Review) -> ReviewCost | None:
    return ReviewCost.objects.filter(review=review).first()


def plan_sector_options() -> list[tuple[str, str]]:
    target = plan_target_get("T04")
    codes = list(target.scope.get("sectors") or []) if target else []
    found = dict(Procedure.objects.filter(sector__code__in=codes).values_list("sector__code", "sector__name"))
    return sorted(found.items(), key=lambda kv: kv[1])


def procedure_yearly_dossiers(procedure: Procedure, *, year: int | None = None) -> int:
    """Dossiers of the procedure received last year (the default yearly volume of a cost estimate)."""
    year = year or timezone.localdate().year - 1
    figures = period_figures(parse_period(str(year)), by_procedure=True)
    return sum(f["received"] for key, f in figures.items() if key[1] == procedure.pk)
