"""What the registries answer, and what every look-up must carry (the X-Road-like context)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

POPULATION = "population"
BUSINESS = "business"

#: The registries' official names, as shown in the access ledger's "source" column.
SOURCE_NAMES = {
    POPULATION: "CSDLQG về dân cư",
    BUSINESS: "CSDLQG về đăng ký doanh nghiệp",
}


@dataclass(frozen=True)
class LookupContext:
    """Who asks, from which unit, for which dossier, and why (X-Road's UserId / Issue / Purpose headers).

    ``actor`` is a user (an officer, or the citizen themself) or None for the system; ``unit`` an
    ``OrgUnit`` or None. A look-up without a ``purpose`` is refused.
    """

    actor: Any
    purpose: str
    unit: Any = None
    dossier_code: str = ""

    def user_id(self) -> str:
        """``X-Road-UserId``: the officer's username, ``citizen:<personal id>`` for a citizen, else system."""
        actor = self.actor
        if actor is None or not getattr(actor, "is_authenticated", False):
            return "system"
        if getattr(actor, "kind", "") == "staff":
            return str(actor.get_username())
        key = getattr(actor, "personal_id", None) or getattr(actor, "tax_code", None) or actor.get_username()
        prefix = "business" if getattr(actor, "kind", "") == "business" else "citizen"
        return f"{prefix}:{key}"


@dataclass(frozen=True)
class HouseholdMember:
    full_name: str
    personal_id: str
    relation: str  # "Chủ hộ", "Vợ", "Con", …
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class PersonRecord:
    personal_id: str
    full_name: str
    birth_date: dt.date
    sex: str  # "male" | "female" (motcua.core.validators.SEX_*)
    permanent_address: str
    current_address: str
    id_card_number: str
    id_card_issued_on: dt.date
    id_card_expires_on: dt.date | None
    id_card_issuer: str
    household_head: str
    household: tuple[HouseholdMember, ...] = field(default_factory=tuple)
    request_id: str = ""

    @property
    def sex_label(self) -> str:
        return "Nữ" if self.sex == "female" else "Nam"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("request_id")
        result: dict[str, Any] = _dates_to_text(data)
        return result


@dataclass(frozen=True)
class BusinessRecord:
    tax_code: str
    name: str
    legal_form: str
    registration_number: str
    registered_on: dt.date
    address: str
    representative: str
    representative_title: str
    status: str  # "active" | "suspended" | "dissolved"
    status_label: str
    request_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("request_id")
        result: dict[str, Any] = _dates_to_text(data)
        return result


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
