"""Typed action conditions and the small pure function that evaluates them.

A condition is a ``ConditionKey`` (never free text); the facts about a dossier are a ``ConditionFacts``
value the dossier app fills in. Unknown keys are an error, not "false".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .choices import END, ApplicantType, ConditionKey, ResultType
from .spec import ActionSpec, ProcessSpec


@dataclass(frozen=True)
class ConditionFacts:
    fee_paid: bool
    result_type: str  # a ResultType value
    applicant_type: str  # an ApplicantType value
    channel: str  # "online", "counter" or "post"


def condition_holds(key: str, facts: ConditionFacts) -> bool:
    """Whether one condition holds; raises ``ValueError`` for a key outside ``ConditionKey``."""
    match ConditionKey(key):
        case ConditionKey.FEE_PAID:
            return facts.fee_paid
        case ConditionKey.RESULT_PAPER:
            return facts.result_type == ResultType.PAPER
        case ConditionKey.RESULT_ELECTRONIC:
            return facts.result_type == ResultType.ELECTRONIC
        case ConditionKey.APPLICANT_BUSINESS:
            return facts.applicant_type == ApplicantType.BUSINESS
        case ConditionKey.APPLICANT_CITIZEN:
            return facts.applicant_type == ApplicantType.CITIZEN
        case ConditionKey.ONLINE_DOSSIER:
            return facts.channel == "online"
        case ConditionKey.COUNTER_DOSSIER:
            return facts.channel == "counter"
    raise ValueError(key)  # pragma: no cover - ConditionKey(key) already refused unknown keys


def conditions_hold(keys: Iterable[str], facts: ConditionFacts) -> bool:
    """All conditions hold (no condition = always)."""
    return all(condition_holds(key, facts) for key in keys)


def available_actions(
    process: ProcessSpec, *, step: str, facts: ConditionFacts, roles: Iterable[str]
) -> list[ActionSpec]:
    """The actions from ``step`` that one of ``roles`` may take now, in process order."""
    held = set(roles)
    return [
        action
        for action in process.actions
        if action.from_step == step
        and held.intersection(action.roles)
        and conditions_hold(action.conditions, facts)
    ]


def is_end(action: ActionSpec) -> bool:
    return action.to_step == END
