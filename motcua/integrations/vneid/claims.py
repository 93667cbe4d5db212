"""What motcua takes from a VNeID sign-in: the person's typed claims, read from the provider's claim names.

The ID token and the userinfo answer are merged (userinfo wins for profile claims, OIDC Core §5.3.2 — its
``sub`` must equal the ID token's, checked in client.py). Each field is read from the first claim of its list
that is present; ``MOTCUA_VNEID["claims"]`` may name others (a string or a list) per field:

==============  ==================================================  ============================================
field           claims read (default)                               rule
==============  ==================================================  ============================================
subject         ``sub``                                             the provider's (pairwise) subject; required
personal_id     ``personal_id``, ``cccd``, ``so_dinh_danh``         12-digit personal ID (CCCD); required, valid
full_name       ``name``, else ``family_name`` ``middle_name``      as given, whitespace collapsed
                ``given_name`` joined
birth_date      ``birthdate``                                       ``YYYY-MM-DD`` (OIDC) or ``DD/MM/YYYY``; a
                                                                    year-only or malformed value is dropped, and
                                                                    so is a date whose year disagrees with the
                                                                    year the personal ID encodes
phone           ``phone_number``                                    Vietnamese number, stored E.164 (+84…);
                                                                    dropped when not a valid number
==============  ==================================================  ============================================

Only ``personal_id`` can refuse a sign-in: the rest fills empty account fields and may be missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from motcua.core.validators import cccd_birth_year, normalize_phone, validate_cccd

from .errors import VneidClaimsInvalid

logger = logging.getLogger("motcua.vneid")

DEFAULT_CLAIMS: dict[str, tuple[str, ...]] = {
    "subject": ("sub",),
    "personal_id": ("personal_id", "cccd", "so_dinh_danh"),
    "full_name": ("name",),
    "birth_date": ("birthdate",),
    "phone": ("phone_number",),
}
NAME_PARTS = ("family_name", "middle_name", "given_name")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class IdentityClaims:
    subject: str
    personal_id: str
    full_name: str
    birth_date: dt.date | None
    phone: str  # E.164, or "" when not given or not a valid Vietnamese number


def _names(field: str, overrides: Mapping[str, Any]) -> tuple[str, ...]:
    configured = overrides.get(field)
    if isinstance(configured, str) and configured:
        return (configured,)
    if isinstance(configured, list | tuple) and configured:
        return tuple(str(name) for name in configured)
    return DEFAULT_CLAIMS[field]


def _first(claims: Mapping[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def parse_birth_date(value: str) -> dt.date | None:
    """``1995-03-14`` (OIDC ``birthdate``) or ``14/03/1995``; None for ``0000-…``, a bare year, or nonsense."""
    dmy = _DMY.match(value)
    if dmy is None and len(value) != 10:
        return None
    try:
        if dmy is None:
            parsed = dt.date.fromisoformat(value)
        else:
            day, month, year = (int(p) for p in dmy.groups())
            parsed = dt.date(year, month, day)
    except ValueError:
        return None
    return parsed if parsed.year > 1900 else None


def identity_from_claims(
    claims: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> IdentityClaims:
    """The typed identity in ``claims``; ``VneidClaimsInvalid`` without a subject or a valid personal ID."""
    names = overrides or {}
    subject = _first(claims, _names("subject", names))
    raw_id = re.sub(r"\s", "", _first(claims, _names("personal_id", names)))
    if not subject or not raw_id:
        raise VneidClaimsInvalid(code="vneid_claims_missing")
    try:
        validate_cccd(raw_id)
    except ValidationError as exc:
        raise VneidClaimsInvalid(code="vneid_personal_id_invalid") from exc
    full_name = _first(claims, _names("full_name", names))
    if not full_name:
        full_name = " ".join(p for p in (_first(claims, (part,)) for part in NAME_PARTS) if p)
    full_name = " ".join(full_name.split())[:200]
    birth_date = parse_birth_date(_first(claims, _names("birth_date", names)))
    if birth_date is not None and birth_date.year != cccd_birth_year(raw_id):
        logger.warning("VNeID birth date disagrees with the personal ID's birth year: birth date dropped")
        birth_date = None
    phone = ""
    raw_phone = _first(claims, _names("phone", names))
    if raw_phone:
        try:
            phone = normalize_phone(raw_phone)
        except ValidationError:
            logger.info("VNeID phone number is not a valid Vietnamese number: dropped")
    return IdentityClaims(
        subject=subject, personal_id=raw_id, full_name=full_name, birth_date=birth_date, phone=phone
    )
