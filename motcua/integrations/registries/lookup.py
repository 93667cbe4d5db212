"""Look a person or a business up in the national registries: one function per registry.

Every look-up carries a ``LookupContext`` (who, which unit, which dossier, why); a look-up without a purpose
or with an invalid key is refused before anything is sent. Each look-up that reaches the registry — found,
not found or failed — is written to the access ledger (``motcua.wallet.services.ledger_record``, kind
``registry_lookup``) and so to the audit chain, and shown to the person on "Ai đã xem dữ liệu của tôi".

The backend is chosen per registry by ``settings.MOTCUA_REGISTRIES[<name>]["backend"]``: ``fake`` (in process,
``fake.py``) or ``http`` (``http.py``, with ``url`` and ``timeout``).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError

from motcua.core.validators import validate_cccd, validate_mst
from motcua.wallet.services import ledger_record

from ..http import Transport
from .errors import LookupRefused, RegistryError, RegistryNotFound
from .fake import FakeBusinessRegistry, FakePopulationRegistry
from .http import HttpBusinessRegistry, HttpPopulationRegistry
from .types import BUSINESS, POPULATION, SOURCE_NAMES, BusinessRecord, LookupContext, PersonRecord

R = TypeVar("R", covariant=True)


class PopulationRegistry(Protocol):
    name: str

    def lookup(self, personal_id: str, *, context: LookupContext, request_id: str) -> PersonRecord: ...


class BusinessRegistry(Protocol):
    name: str

    def lookup(self, tax_code: str, *, context: LookupContext, request_id: str) -> BusinessRecord: ...


#: Tests may set a transport for the http backend (e.g. one that calls the Django test client).
_transport_override: dict[str, Transport | None] = {"value": None}


def _conf(registry: str) -> dict[str, Any]:
    return dict(getattr(settings, "MOTCUA_REGISTRIES", {}).get(registry) or {})


def _http_kwargs(conf: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": str(conf.get("url") or ""),
        "timeout": float(conf.get("timeout") or 8),
        "client_id": str(getattr(settings, "MOTCUA_REGISTRY_CLIENT_ID", "")),
        "transport": _transport_override["value"],
    }


def population_registry() -> PopulationRegistry:
    conf = _conf(POPULATION)
    if conf.get("backend", "fake") == "http":
        return HttpPopulationRegistry(**_http_kwargs(conf))
    return FakePopulationRegistry()


def business_registry() -> BusinessRegistry:
    conf = _conf(BUSINESS)
    if conf.get("backend", "fake") == "http":
        return HttpBusinessRegistry(**_http_kwargs(conf))
    return FakeBusinessRegistry()


def _check(context: LookupContext, key: str, validate: Any) -> None:
    if not (context.purpose or "").strip():
        raise LookupRefused(code="registry_purpose_required")
    try:
        validate(key)
    except ValidationError as exc:
        raise LookupRefused(exc.messages[0], code="registry_bad_key") from exc


def _log(subject_kind: str, key: str, registry: str, context: LookupContext, outcome: str) -> None:
    ledger_record(
        subject_kind=subject_kind,
        subject_key=key,
        kind="registry_lookup",
        actor=context.actor,
        purpose=context.purpose.strip(),
        unit=context.unit,
        dossier_code=context.dossier_code or "",
        source=SOURCE_NAMES[registry],
        outcome=outcome,
    )


def _lookup(registry: Any, *, kind: str, source: str, key: str, validate: Any, context: LookupContext) -> Any:
    """Check the request (purpose, key), ask ``registry``, log the answer (found / not found / error) in the
    subject's access ledger; a refused request sends and logs nothing."""
    _check(context, key, validate)
    request_id = uuid.uuid4().hex
    try:
        record = registry.lookup(key, context=context, request_id=request_id)
    except RegistryError as exc:
        _log(kind, key, source, context, "not_found" if isinstance(exc, RegistryNotFound) else "error")
        raise
    _log(kind, key, source, context, "found")
    return dataclasses.replace(record, request_id=request_id)


def registry_lookup_person(*, personal_id: str, context: LookupContext) -> PersonRecord:
    """The population registry's record for ``personal_id``; raises ``RegistryNotFound``,
    ``RegistryUnavailable``, ``RegistryError`` (all logged) or ``LookupRefused`` (nothing sent, not logged)."""
    record: PersonRecord = _lookup(
        population_registry(), kind="person", source=POPULATION, key=(personal_id or "").strip(),
        validate=validate_cccd, context=context,
    )  # fmt: skip
    return record


def registry_lookup_business(*, tax_code: str, context: LookupContext) -> BusinessRecord:
    """The business registry's record for ``tax_code`` (same errors and logging as the person look-up)."""
    record: BusinessRecord = _lookup(
        business_registry(), kind="business", source=BUSINESS, key=(tax_code or "").strip(),
        validate=validate_mst, context=context,
    )  # fmt: skip
    return record
