"""Template filters for catalogue pages: ``{% load catalogue %}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from motcua.catalogue import formatting
from motcua.catalogue.choices import (
    ApplicantType,
    BudgetUnit,
    ConditionKey,
    DocumentType,
    FeeDue,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    StepUnitKind,
    SupplementRule,
    TimeUnit,
)

register = template.Library()

_CHOICES: dict[str, Any] = {
    "level": ProcedureLevel,
    "applicant": ApplicantType,
    "result": ResultType,
    "time_unit": TimeUnit,
    "budget_unit": BudgetUnit,
    "supplement": SupplementRule,
    "online": OnlineLevel,
    "resolving": ResolvingRule,
    "fee_kind": FeeKind,
    "fee_due": FeeDue,
    "step_unit": StepUnitKind,
    "condition": ConditionKey,
    "document_type": DocumentType,
}


@register.filter
def vnd(amount: int | Decimal | None) -> str:
    """1000000 → "1.000.000 đồng"."""
    return formatting.vnd(amount)


@register.filter
def limit_words(obj: Any) -> str:
    """A time limit in words, from a spec's ``time_limit`` or a row with ``time_limit_amount``/``_unit``."""
    if obj is None:
        return ""
    if hasattr(obj, "time_limit_amount"):
        return formatting.time_limit_words(obj.time_limit_amount, obj.time_limit_unit)
    return formatting.time_limit_words(obj.amount, obj.unit)


@register.filter
def budget_words(budget: Any) -> str:
    return formatting.budget_words(budget.amount, budget.unit)


@register.filter
def cutoff_words(limit: Any) -> str:
    return formatting.cutoff_words(limit.cutoff if limit.after_cutoff else None)


@register.filter
def label(value: Any, kind: str) -> str:
    """The Vietnamese label of a stored value: ``{{ spec.level|label:"level" }}``."""
    choices = _CHOICES.get(kind)
    if choices is None or value in (None, ""):
        return "" if value is None else str(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def role_label(value: str) -> str:
    from motcua.accounts.models import Role

    try:
        return str(Role(value).label)
    except ValueError:
        return value
