"""Where motcua uses the registries (called by the edges):

- ``applicant_prefill``: the portal wizard pre-fills a signed-in citizen's (or business's) details;
- ``staff_lookup``: an officer's look-up with a stated purpose (the back office's page, the API);
- ``counter_lookup``: the counter intake form fills the applicant from a personal ID or tax code;
- ``component_from_registry``: a dossier component that is an ID card (CCCD) or a business registration
  certificate (GCN_DKDN) is taken from the registry instead of a copy
  (``motcua.dossiers.services.dossier_component_provide`` with origin ``registry``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind
from motcua.accounts.selectors import user_is_staff_member
from motcua.catalogue.choices import DocumentType
from motcua.dossiers.access import dossier_can_attach
from motcua.dossiers.errors import ActionNotAllowed
from motcua.dossiers.models import ApplicantKind, Dossier, DossierComponent
from motcua.dossiers.selectors import counter_points_for

from ..access import officer_home_unit, officer_unit_for
from .errors import LookupNotAllowed, LookupRefused, RegistryError
from .lookup import registry_lookup_business, registry_lookup_person
from .types import BUSINESS, POPULATION, SOURCE_NAMES, BusinessRecord, LookupContext, PersonRecord

PREFILL_PURPOSE = "Điền sẵn thông tin tờ khai"

#: Procedure form fields (``form_fields`` names) the pre-fill knows how to fill.
PERSON_FIELDS: dict[str, Callable[[PersonRecord], str]] = {
    "ho_ten": lambda p: p.full_name,
    "ngay_sinh": lambda p: p.birth_date.strftime("%d/%m/%Y"),
    "gioi_tinh": lambda p: p.sex_label,
    "so_dinh_danh": lambda p: p.personal_id,
    "dia_chi_thuong_tru": lambda p: p.permanent_address,
    "noi_o_hien_tai": lambda p: p.current_address,
    "chu_ho": lambda p: p.household_head,
}
BUSINESS_FIELDS: dict[str, Callable[[BusinessRecord], str]] = {
    "ten_doanh_nghiep": lambda b: b.name,
    "ma_so_thue": lambda b: b.tax_code,
    "dia_chi_tru_so": lambda b: b.address,
    "nguoi_dai_dien": lambda b: b.representative,
}

#: Component document types a registry can stand in for, and which registry.
REGISTRY_DOCUMENT_TYPES: dict[str, str] = {DocumentType.CCCD: POPULATION, DocumentType.GCN_DKDN: BUSINESS}


@dataclass(frozen=True)
class Prefill:
    source: str
    record: PersonRecord | BusinessRecord
    initial: dict[str, Any] = field(default_factory=dict)
    filled: tuple[str, ...] = ()  # form field names that were filled


def applicant_prefill(*, user: Any, field_names: list[str] | tuple[str, ...] = ()) -> Prefill | None:
    """Look the signed-in applicant up (purpose "Điền sẵn thông tin tờ khai") and build the form's initial
    data: the contact address and any procedure field of a known name. None when there is nobody to look
    up; registry errors propagate (the caller shows the message and the empty form)."""
    context = LookupContext(actor=user, purpose=PREFILL_PURPOSE)
    initial: dict[str, Any] = {}
    if user.kind == AccountKind.BUSINESS and user.tax_code:
        biz = registry_lookup_business(tax_code=user.tax_code, context=context)
        initial["address"] = biz.address
        for name, get_b in BUSINESS_FIELDS.items():
            if f"f_{name}" in field_names:
                initial[f"f_{name}"] = get_b(biz)
        return Prefill(SOURCE_NAMES[BUSINESS], biz, initial, tuple(initial))
    if user.kind == AccountKind.CITIZEN and user.personal_id:
        person = registry_lookup_person(personal_id=user.personal_id, context=context)
        initial["address"] = person.current_address or person.permanent_address
        for name, get_p in PERSON_FIELDS.items():
            if f"f_{name}" in field_names:
                initial[f"f_{name}"] = get_p(person)
        return Prefill(SOURCE_NAMES[POPULATION], person, initial, tuple(initial))
    return None


@dataclass(frozen=True)
class CounterFill:
    """What the counter form gets from a look-up (birth date and the rest are shown, not stored)."""

    kind: str  # ApplicantKind
    name: str
    address: str
    birth_date: dt.date | None
    source: str
    record: PersonRecord | BusinessRecord


def staff_lookup(
    *, actor: Any, registry: str, key: str, purpose: str, dossier_code: str = ""
) -> PersonRecord | BusinessRecord:
    """An officer looks a person (``registry`` "population", personal ID) or a business ("business", tax
    code) up with a stated purpose and, when there is one, the dossier it is for (the back office's "Tra cứu
    CSDL quốc gia"); logged in the subject's access ledger with the officer's first unit. Only staff members
    with a current unit, as the back office's pages: anybody else is refused before anything is sent
    (``LookupNotAllowed``)."""
    if not user_is_staff_member(user=actor):
        raise LookupNotAllowed()
    if registry not in (POPULATION, BUSINESS):
        raise LookupRefused(_("Cơ sở dữ liệu không hợp lệ."), code="registry_unknown")
    context = LookupContext(
        actor=actor,
        unit=officer_home_unit(actor),
        dossier_code=(dossier_code or "").strip().upper(),
        purpose=(purpose or "").strip(),
    )
    if registry == BUSINESS:
        return registry_lookup_business(tax_code=key, context=context)
    return registry_lookup_person(personal_id=key, context=context)


def counter_lookup(
    *, officer: Any, unit: Any, personal_id: str = "", tax_code: str = "", procedure_code: str = ""
) -> CounterFill:
    """The officer typed a personal ID (or a tax code) at the counter: look the applicant up.

    Only at one of the officer's one-stop points (``counter_points_for``): elsewhere ``ActionNotAllowed``
    is raised before anything is sent."""
    if unit is None or not counter_points_for(user=officer).filter(pk=unit.pk).exists():
        raise ActionNotAllowed(_("Bạn không tiếp nhận hồ sơ tại điểm này nên không tra cứu được người nộp."))
    purpose = "Tiếp nhận hồ sơ tại bộ phận một cửa"
    if procedure_code:
        purpose += f" (thủ tục {procedure_code})"
    context = LookupContext(actor=officer, unit=unit, purpose=purpose)
    personal_id, tax_code = (personal_id or "").strip(), (tax_code or "").strip()
    if personal_id:
        p = registry_lookup_person(personal_id=personal_id, context=context)
        return CounterFill(ApplicantKind.CITIZEN, p.full_name, p.current_address, p.birth_date,
                           SOURCE_NAMES[POPULATION], p)  # fmt: skip
    if tax_code:
        b = registry_lookup_business(tax_code=tax_code, context=context)
        return CounterFill(ApplicantKind.BUSINESS, b.name, b.address, None, SOURCE_NAMES[BUSINESS], b)
    raise LookupRefused(
        _("Nhập số định danh cá nhân hoặc mã số thuế rồi bấm tra cứu."), code="registry_no_key"
    )


def registry_for_component(component: DossierComponent) -> str | None:
    """Which registry can stand in for this component (None: none can)."""
    return REGISTRY_DOCUMENT_TYPES.get(component.document_type or "")


def holder_key(dossier: Dossier, registry: str) -> str:
    """The number to look up for the dossier's ID card (the applicant, or the business's representative
    who applied for it) or business registration (the applicant business)."""
    if registry == BUSINESS:
        return dossier.applicant_tax_code or ""
    if dossier.applicant_kind == ApplicantKind.CITIZEN:
        return dossier.applicant_personal_id or ""
    return dossier.representative_personal_id or ""


@dataclass(frozen=True)
class ComponentFill:
    component: DossierComponent
    record: PersonRecord | BusinessRecord
    reference: str


def component_from_registry(*, dossier: Dossier, actor: Any, component_id: int) -> ComponentFill:
    """Take an ID card / business registration component from the registry instead of a copy.

    The caller has already checked that ``actor`` may see ``dossier``; that they may change its components now
    (``dossier_can_attach``) is checked before the registry is asked (``ActionNotAllowed``), and again by
    ``dossier_component_provide``. Raises ``LookupRefused`` (not eligible, no number), the registry errors,
    or the dossier service's ``DossierError``.
    """
    from motcua.dossiers import services as dossier_services  # the service may land after this module

    if not dossier_can_attach(actor, dossier):  # refused before the person's data is read
        raise ActionNotAllowed(_("Không thể thêm giấy tờ vào hồ sơ ở trạng thái này."))
    component = next((c for c in dossier.components.all() if c.pk == component_id), None)
    registry = registry_for_component(component) if component is not None else None
    if component is None or registry is None:
        raise LookupRefused(
            _("Giấy tờ này không lấy được từ cơ sở dữ liệu quốc gia; hãy tải lên bản sao."),
            code="registry_component_not_eligible",
        )
    key = holder_key(dossier, registry)
    if not key:
        missing = _("mã số thuế") if registry == BUSINESS else _("số định danh cá nhân")
        raise LookupRefused(
            _("Hồ sơ chưa có %(what)s của người nộp nên không tra cứu được; hãy tải lên bản sao."),
            code="registry_no_key",
            what=missing,
        )
    label = DocumentType(component.document_type).label
    code = dossier.code or ""
    purpose = f"Thay bản sao {str(label).lower()} trong hồ sơ {code}".strip()
    unit = officer_unit_for(actor, dossier) if actor.kind == AccountKind.STAFF else None
    context = LookupContext(actor=actor, unit=unit, dossier_code=code, purpose=purpose)
    record: PersonRecord | BusinessRecord
    if registry == POPULATION:
        record = registry_lookup_person(personal_id=key, context=context)
        reference = f"CSDLQG dân cư — tra cứu {record.request_id}"
    else:
        record = registry_lookup_business(tax_code=key, context=context)
        reference = f"CSDLQG đăng ký doanh nghiệp — tra cứu {record.request_id}"
    provide = getattr(dossier_services, "dossier_component_provide", None)
    if provide is None:
        raise RegistryError(code="registry_provide_unavailable")
    updated = provide(
        dossier=dossier, actor=actor, component_id=component.pk, origin="registry", reference=reference
    )
    return ComponentFill(updated if isinstance(updated, DossierComponent) else component, record, reference)
