"""The JSON both sides of the registry gateway speak: what the sandbox sends and the http backend parses.

An answer is ``{"request_id": "...", "data": {...}}`` (200) or ``{"error": {"code": ..., "message": ...}}``
(4xx/5xx). Anything else is a malformed answer (``RegistryError`` code ``registry_malformed``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import RegistryError
from .types import BusinessRecord, HouseholdMember, PersonRecord


def _malformed(what: str) -> RegistryError:
    err = RegistryError(code="registry_malformed")
    err.detail = what  # type: ignore[attr-defined]
    return err


def _text(data: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _malformed(f"field {key!r} missing or not text")
    return value.strip()


def _date(data: dict[str, Any], key: str, *, required: bool = True) -> dt.date | None:
    value = data.get(key)
    if value in (None, "") and not required:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise _malformed(f"field {key!r} is not a date") from exc


def data_of(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise _malformed("no data object")
    data: dict[str, Any] = payload["data"]
    return data


def person_from_json(data: dict[str, Any], *, request_id: str = "") -> PersonRecord:
    household_raw = data.get("household", [])
    if not isinstance(household_raw, list):
        raise _malformed("household is not a list")
    members = []
    for item in household_raw:
        if not isinstance(item, dict):
            raise _malformed("household member is not an object")
        members.append(
            HouseholdMember(
                full_name=_text(item, "full_name"),
                personal_id=_text(item, "personal_id", required=False),
                relation=_text(item, "relation"),
                birth_date=_date(item, "birth_date", required=False),
            )
        )
    sex = _text(data, "sex")
    if sex not in ("male", "female"):
        raise _malformed("sex is neither male nor female")
    born = _date(data, "birth_date")
    issued = _date(data, "id_card_issued_on")
    assert born is not None and issued is not None  # noqa: S101 - required above
    return PersonRecord(
        personal_id=_text(data, "personal_id"),
        full_name=_text(data, "full_name"),
        birth_date=born,
        sex=sex,
        permanent_address=_text(data, "permanent_address"),
        current_address=_text(data, "current_address", required=False) or _text(data, "permanent_address"),
        id_card_number=_text(data, "id_card_number"),
        id_card_issued_on=issued,
        id_card_expires_on=_date(data, "id_card_expires_on", required=False),
        id_card_issuer=_text(data, "id_card_issuer", required=False),
        household_head=_text(data, "household_head", required=False),
        household=tuple(members),
        request_id=request_id,
    )


def business_from_json(data: dict[str, Any], *, request_id: str = "") -> BusinessRecord:
    registered = _date(data, "registered_on")
    assert registered is not None  # noqa: S101
    return BusinessRecord(
        tax_code=_text(data, "tax_code"),
        name=_text(data, "name"),
        legal_form=_text(data, "legal_form"),
        registration_number=_text(data, "registration_number"),
        registered_on=registered,
        address=_text(data, "address"),
        representative=_text(data, "representative"),
        representative_title=_text(data, "representative_title", required=False),
        status=_text(data, "status"),
        status_label=_text(data, "status_label", required=False),
        request_id=request_id,
    )
