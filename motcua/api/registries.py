"""National registry look-ups for staff over HTTP (issue #10), like the back office's "Tra cứu CSDL quốc gia".

``router`` (mounted at ``/api/v1/registries``):

- ``POST /lookup``: look a person (population database, personal ID) or a business (business registry, tax
  code) up, with the purpose (required, shown to the person) and the dossier it is for, if any;
- ``POST /counter-lookup``: at counter intake, the applicant by personal ID or tax code, at one of the
  caller's one-stop points (fills name and address).

``dossier_router`` (mounted at ``/api/v1/dossiers``):

- ``GET /{ref}/registry-components``: the dossier's components a registry can stand in for (ID card,
  business registration);
- ``POST /{ref}/components/{component_id}/registry-fetch``: take one of them from the registry instead of a
  copy — only who may change the dossier's components now (the one-stop officer at intake).

``registries:read``; staff only. Every look-up that reaches a registry (found, not found or failed) is
written in the person's access ledger ("Ai đã xem dữ liệu của tôi") exactly as the pages do
(``motcua.integrations.registries``); a refused request — not staff, no purpose, an invalid number, a point
or dossier the caller may not act on — asks the registry nothing and logs nothing. Errors: 400
``registry_lookup_refused`` / ``registry_purpose_required`` / ``registry_bad_key`` /
``registry_component_not_eligible`` / ``registry_no_key``, 403 ``staff_only`` / ``registry_not_allowed`` (staff
without a current unit) / ``action_not_allowed``,
404 ``registry_not_found`` (nobody with that number) or ``dossier_not_found``, 502 ``registry_error``, 503
``registry_unavailable``.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.dossiers.errors import DossierError
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.integrations.registries import BusinessRecord, PersonRecord, RegistryError
from motcua.integrations.registries.uses import (
    component_from_registry,
    counter_lookup,
    holder_key,
    registry_for_component,
    staff_lookup,
)

from .auth import api_auth, key_dossier_check, key_unit_check
from .conventions import ApiIn, ErrorOut, error, rule_error, staff_only, user_of
from .dossiers import ComponentOut, _component, _unit

router = Router(auth=api_auth("registries:read"))
dossier_router = Router(auth=api_auth("registries:read"))

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    502: ErrorOut,
    503: ErrorOut,
}


# -- schemas -------------------------------------------------------------------------------------------


class HouseholdMemberOut(Schema):
    full_name: str
    personal_id: str
    relation: str
    birth_date: dt.date | None


class PersonOut(Schema):
    personal_id: str
    full_name: str
    birth_date: dt.date
    sex: str
    permanent_address: str
    current_address: str
    id_card_number: str
    id_card_issued_on: dt.date
    id_card_expires_on: dt.date | None
    id_card_issuer: str
    household_head: str
    household: list[HouseholdMemberOut]


class BusinessOut(Schema):
    tax_code: str
    name: str
    legal_form: str
    registration_number: str
    registered_on: dt.date
    address: str
    representative: str
    representative_title: str
    status: str
    status_label: str


class LookupOut(Schema):
    registry: Literal["population", "business"]
    request_id: str = Field(description="Mã tra cứu (ghi trong nhật ký truy cập của người được tra cứu)")
    person: PersonOut | None = None
    business: BusinessOut | None = None


class CounterFillOut(LookupOut):
    kind: str = Field(description="citizen hoặc business: loại người nộp")
    name: str
    address: str
    birth_date: dt.date | None


class RegistryComponentOut(Schema):
    component_id: int
    name: str
    registry: Literal["population", "business"]
    has_key: bool = Field(description="Hồ sơ có số định danh / mã số thuế để tra cứu")
    provided: bool
    origin: str


class FetchOut(Schema):
    component: ComponentOut
    reference: str = Field(description="Lần tra cứu đã dùng (ghi vào thành phần hồ sơ)")


class LookupIn(ApiIn):
    registry: Literal["population", "business"] = Field(
        "population",
        description="population (CSDLQG về dân cư) hoặc business (CSDLQG về đăng ký doanh nghiệp)",
    )
    key: str = Field(max_length=14, description="Số định danh cá nhân hoặc mã số thuế")
    purpose: str = Field(max_length=300, description="Mục đích tra cứu (bắt buộc; người được tra cứu thấy)")
    dossier_code: str = Field("", max_length=60, description="Mã hồ sơ (nếu có)")


class CounterLookupIn(ApiIn):
    receiving_point_code: str = Field(max_length=35, description="Điểm tiếp nhận một cửa của người gọi")
    personal_id: str = Field("", max_length=12)
    tax_code: str = Field("", max_length=14, description="Khi không có số định danh: tra doanh nghiệp")
    procedure_code: str = Field("", max_length=50, description="Thủ tục đang tiếp nhận (ghi vào mục đích)")


# -- helpers -------------------------------------------------------------------------------------------


def _record(record: PersonRecord | BusinessRecord) -> dict[str, Any]:
    if isinstance(record, PersonRecord):
        return {"registry": "population", "request_id": record.request_id, "person": record}
    return {"registry": "business", "request_id": record.request_id, "business": record}


def _registry_error(exc: RegistryError) -> Status[object]:
    return error(int(getattr(exc, "http_status", 502)), exc.code, str(exc))


# -- look-ups ------------------------------------------------------------------------------------------


@router.post("/lookup", response={200: LookupOut, **ERRORS}, summary="Look a person or a business up")
def registry_lookup_api(request: HttpRequest, payload: LookupIn) -> Status[object]:
    """The record the registry holds. The purpose is required (400 ``registry_purpose_required``)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        record = staff_lookup(
            actor=user,
            registry=payload.registry,
            key=payload.key,
            purpose=payload.purpose,
            dossier_code=payload.dossier_code,
        )
    except RegistryError as exc:
        return _registry_error(exc)
    return Status(200, _record(record))


@router.post(
    "/counter-lookup",
    response={200: CounterFillOut, **ERRORS},
    summary="At counter intake: the applicant by personal ID or tax code",
)
def counter_lookup_api(request: HttpRequest, payload: CounterLookupIn) -> Status[object]:
    """With a personal ID the population database, otherwise the business registry by tax code; the
    purpose logged is the counter intake (of the procedure, when given). 403 when the caller does not
    receive at the point (nothing asked)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        point = _unit(payload.receiving_point_code, field="receiving_point")
        key_unit_check(request, point)
        fill = counter_lookup(
            officer=user,
            unit=point,
            personal_id=payload.personal_id,
            tax_code=payload.tax_code,
            procedure_code=payload.procedure_code.strip().upper(),
        )
    except DossierError as exc:
        return rule_error(exc)
    except RegistryError as exc:
        return _registry_error(exc)
    return Status(
        200,
        {
            **_record(fill.record),
            "kind": fill.kind,
            "name": fill.name,
            "address": fill.address,
            "birth_date": fill.birth_date,
        },
    )


# -- a dossier's components ----------------------------------------------------------------------------


@dossier_router.get(
    "/{ref}/registry-components",
    response={200: list[RegistryComponentOut], 403: ErrorOut, 404: ErrorOut},
    summary="Components of a dossier a national registry can stand in for",
)
def registry_components_api(request: HttpRequest, ref: str) -> Status[object]:
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
    except DossierError as exc:
        return rule_error(exc)
    rows = []
    for component in dossier.components.order_by("position"):
        registry = registry_for_component(component)
        if registry is not None:
            rows.append(
                {
                    "component_id": component.pk,
                    "name": component.name,
                    "registry": registry,
                    "has_key": bool(holder_key(dossier, registry)),
                    "provided": component.provided,
                    "origin": component.origin,
                }
            )
    return Status(200, rows)


@dossier_router.post(
    "/{ref}/components/{component_id}/registry-fetch",
    response={200: FetchOut, **ERRORS},
    summary="Take a component (ID card, business registration) from the national registry",
)
def registry_fetch_api(request: HttpRequest, ref: str, component_id: int) -> Status[object]:
    # ``int``, not ``Id``: the component is looked for among the dossier's own (no query takes the number),
    # and any number that is not one of them is the same refusal (400 ``registry_component_not_eligible``).
    """Instead of a copy: the holder (the applicant, or the business's representative) is looked up and the
    component marked as taken from the registry. Only who may change the dossier's components now (403
    ``action_not_allowed`` otherwise, and the registry is not asked)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        fill = component_from_registry(dossier=dossier, actor=user, component_id=component_id)
    except DossierError as exc:
        return rule_error(exc)
    except RegistryError as exc:
        return _registry_error(exc)
    return Status(200, {"component": _component(fill.component), "reference": fill.reference})
