"""Public read-only catalogue: search published procedures, get one by code, list and get its versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from motcua.catalogue.choices import ApplicantType, OnlineLevel, ProcedureLevel
from motcua.catalogue.formatting import budget_words, time_limit_words
from motcua.catalogue.models import CatalogueEntry, ProcedureVersion
from motcua.catalogue.selectors import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    SearchFilters,
    procedure_get_published,
    procedure_search,
    procedure_sector_counts,
    procedure_version_get,
    procedure_version_list,
    version_spec,
)
from motcua.catalogue.spec import COMMUNE_AGENCY

from .schemas import ErrorOut

router = Router()


class SectorOut(Schema):
    code: str
    name: str


class SectorCountOut(SectorOut):
    count: int


class TimeLimitOut(Schema):
    amount: float
    unit: str
    after_cutoff: bool
    cutoff: str | None
    words: str = Field(description="Thời hạn viết bằng lời, ví dụ “05 ngày làm việc”")


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    sector: SectorOut
    level: str
    agency_code: str | None = Field(description="Mã cơ quan thực hiện; null = UBND cấp xã")
    agency_name: str
    applicant_types: list[str]
    online_level: str
    time_limit: TimeLimitOut
    has_fees: bool
    version: int
    published_at: dt.datetime
    url: str


class ProcedurePageOut(Schema):
    count: int
    page: int
    page_size: int
    num_pages: int
    fuzzy: bool = Field(description="true khi không có kết quả khớp đủ các từ và đây là kết quả gần đúng")
    items: list[ProcedureSummaryOut]


class FeeOut(Schema):
    name: str
    kind: str
    amount: int = Field(description="Đồng; 0 = miễn")
    condition: str
    exemption: str
    due: str


class ProcedureComponentOut(Schema):
    name: str
    originals: int
    copies: int
    required: bool
    document_type: str
    template: str
    template_url: str


class LegalBasisOut(Schema):
    title: str
    effective_date: dt.date | None


class PublicationOut(Schema):
    decision_number: str
    decision_date: dt.date | None
    published_on: dt.date | None


class BudgetOut(Schema):
    amount: float
    unit: str
    words: str


class ProcessStepOut(Schema):
    code: str
    name: str
    role: str
    unit: str = Field(description="receiving, resolving hoặc mã đơn vị (bước liên thông)")
    budget: BudgetOut
    inter_agency: bool
    can_request_supplement: bool


class ActionOut(Schema):
    from_step: str
    to_step: str = Field(description="Mã bước, hoặc END")
    name: str
    roles: list[str]
    conditions: list[str]


class ProcessOut(Schema):
    steps: list[ProcessStepOut]
    actions: list[ActionOut]


class ProcedureOut(Schema):
    code: str
    name: str
    version: int
    published_at: dt.datetime
    sector: SectorOut
    level: str
    agency_code: str | None
    agency_name: str
    resolving_unit: str
    receiving_points: list[str] = Field(description="Rỗng = mọi điểm tiếp nhận một cửa của tỉnh")
    applicant_types: list[str]
    result_type: str
    result_name: str
    time_limit: TimeLimitOut
    supplement_rule: str
    online_level: str
    full_online_eligible: bool
    fees: list[FeeOut]
    components: list[ProcedureComponentOut]
    requirements: str
    legal_basis: list[LegalBasisOut]
    publication: PublicationOut
    parts_complete: bool
    process: ProcessOut
    keywords: list[str]
    illustrative: bool
    source_note: str


class VersionOut(Schema):
    number: int
    published_at: dt.datetime
    published_by: str | None
    note: str
    name: str
    time_limit: TimeLimitOut
    online_level: str
    url: str


class ProcedureFilter(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Tìm có dấu hoặc không dấu, chịu lỗi gõ")
    sector: str = Field("", max_length=40, description="Mã lĩnh vực, ví dụ HO_TICH")
    level: ProcedureLevel | None = Field(None, description="Cấp thực hiện")
    agency: str = Field("", max_length=35, description="Mã cơ quan thực hiện, hoặc commune")
    online_level: OnlineLevel | None = Field(None, description="Mức độ dịch vụ công trực tuyến")
    applicant_type: ApplicantType | None = Field(None, description="Đối tượng thực hiện")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _limit(amount: Any, unit: str, after_cutoff: bool, cutoff: dt.time | str | None) -> dict[str, Any]:
    shown = cutoff.strftime("%H:%M") if isinstance(cutoff, dt.time) else cutoff
    return {
        "amount": float(amount),
        "unit": unit,
        "after_cutoff": after_cutoff,
        "cutoff": shown if after_cutoff else None,
        "words": time_limit_words(amount, unit),
    }


def _agency_name(version: CatalogueEntry | ProcedureVersion) -> str:
    return version.agency.name if version.agency is not None else _("Ủy ban nhân dân cấp xã")


def _summary(version: CatalogueEntry) -> dict[str, Any]:
    return {
        "code": version.code,
        "name": version.name,
        "sector": {"code": version.sector.code, "name": version.sector.name},
        "level": version.level,
        "agency_code": version.agency.code if version.agency is not None else None,
        "agency_name": _agency_name(version),
        "applicant_types": version.applicant_types,
        "online_level": version.online_level,
        "time_limit": _limit(
            version.time_limit_amount,
            version.time_limit_unit,
            version.time_limit_after_cutoff,
            version.time_limit_cutoff,
        ),
        "has_fees": version.has_fees,
        "version": version.number,
        "published_at": version.published_at,
        "url": reverse("procedure_detail", args=[version.code]),
    }


def _detail(version: ProcedureVersion) -> dict[str, Any]:
    spec = version_spec(version)
    limit = spec.time_limit
    return {
        "code": spec.code,
        "name": spec.name,
        "version": version.number,
        "published_at": version.published_at,
        "sector": {"code": version.sector.code, "name": version.sector.name},
        "level": spec.level,
        "agency_code": None if spec.agency == COMMUNE_AGENCY else spec.agency,
        "agency_name": _agency_name(version),
        "resolving_unit": spec.resolving_unit,
        "receiving_points": list(spec.receiving_points),
        "applicant_types": list(spec.applicant_types),
        "result_type": spec.result_type,
        "result_name": spec.result_name,
        "time_limit": _limit(limit.amount, limit.unit, limit.after_cutoff, limit.cutoff),
        "supplement_rule": spec.supplement_rule,
        "online_level": spec.online_level,
        "full_online_eligible": spec.full_online_eligible,
        "fees": [vars(f) for f in spec.fees],
        "components": [vars(c) for c in spec.components],
        "requirements": spec.requirements,
        "legal_basis": [vars(b) for b in spec.legal_basis],
        "publication": vars(spec.publication),
        "parts_complete": version.parts_complete,
        "process": {
            "steps": [
                {
                    **{k: v for k, v in vars(s).items() if k != "budget"},
                    "budget": {
                        "amount": float(s.budget.amount),
                        "unit": s.budget.unit,
                        "words": budget_words(s.budget.amount, s.budget.unit),
                    },
                }
                for s in spec.process.steps
            ],
            "actions": [
                {
                    "from_step": a.from_step,
                    "to_step": a.to_step,
                    "name": a.name,
                    "roles": list(a.roles),
                    "conditions": list(a.conditions),
                }
                for a in spec.process.actions
            ],
        },
        "keywords": list(spec.keywords),
        "illustrative": spec.illustrative,
        "source_note": spec.source_note,
    }


def _not_found(code: str) -> Status[dict[str, str]]:
    return Status(
        404,
        {
            "code": "procedure_not_found",
            "message": _("Không có thủ tục đã công bố mang mã “%(code)s”.") % {"code": code[:60]},
        },
    )


def _filters(filters: ProcedureFilter) -> SearchFilters:
    return SearchFilters(
        q=filters.q,
        sector=filters.sector.strip().upper(),
        level=filters.level.value if filters.level else "",
        agency=filters.agency.strip()
        if filters.agency.strip() == COMMUNE_AGENCY
        else filters.agency.strip().upper(),
        online_level=filters.online_level.value if filters.online_level else "",
        applicant_type=filters.applicant_type.value if filters.applicant_type else "",
    )


@router.get("", response=ProcedurePageOut, summary="Search published procedures")
def procedure_list_api(request: HttpRequest, filters: Query[ProcedureFilter]) -> dict[str, Any]:
    """Diacritic-insensitive, typo-tolerant search over the published catalogue, ranked; an empty ``q``
    lists every procedure by name. Pages beyond the last give the last page."""
    page = procedure_search(filters=_filters(filters), page=filters.page, page_size=filters.page_size)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "num_pages": page.num_pages,
        "fuzzy": page.fuzzy,
        "items": [_summary(v) for v in page.items],
    }


@router.get("/sectors", response=list[SectorCountOut], summary="Sectors with published procedures")
def sector_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": s.code, "name": s.name, "count": s.count}
        for s in procedure_sector_counts(filters=SearchFilters())
    ]


@router.get(
    "/{code}",
    response={200: ProcedureOut, 404: ErrorOut},
    summary="Get the published version of a procedure by its code",
)
def procedure_get_api(request: HttpRequest, code: str) -> Status[Any]:
    version = procedure_get_published(code=code)
    if version is None:
        return _not_found(code)
    return Status(200, _detail(version))


@router.get(
    "/{code}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    summary="List the published versions of a procedure, newest first",
)
def procedure_versions_api(request: HttpRequest, code: str) -> Status[Any]:
    versions = procedure_version_list(code=code)
    if not versions:
        return _not_found(code)
    return Status(
        200,
        [
            {
                "number": v.number,
                "published_at": v.published_at,
                "published_by": (v.published_by.full_name or v.published_by.username)
                if v.published_by
                else None,
                "note": v.note,
                "name": v.name,
                "time_limit": _limit(
                    v.time_limit_amount, v.time_limit_unit, v.time_limit_after_cutoff, v.time_limit_cutoff
                ),
                "online_level": v.online_level,
                "url": reverse("api-v1:procedure_version_get_api", args=[v.code, v.number]),
            }
            for v in versions
        ],
    )


@router.get(
    "/{code}/versions/{number}",
    response={200: ProcedureOut, 404: ErrorOut},
    summary="Get one published version of a procedure",
    url_name="procedure_version_get_api",
)
def procedure_version_get_api(request: HttpRequest, code: str, number: int) -> Status[Any]:
    version = procedure_version_get(code=code, number=number)
    if version is None:
        message = _("Thủ tục “%(code)s” không có phiên bản %(number)s.") % {
            "code": code[:60],
            "number": number,
        }
        return Status(404, {"code": "procedure_version_not_found", "message": message})
    return Status(200, _detail(version))
