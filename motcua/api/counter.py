"""The one-stop counter over HTTP (issue #10): a walk-in paper dossier received with its scans, the applicant's
data store at intake, counter scans of a paper component, and the digitised paper result.

``router`` (mounted at ``/api/v1/counter``):

- ``GET /points``: the one-stop points where the caller receives at the counter (a key: within its units);
- ``POST /offers``: the applicant's stored documents each component of a procedure may reuse, once their
  personal ID (or a business's tax code) is known; written in the applicant's access ledger;
- ``POST /dossiers`` (``multipart/form-data``): receive a paper dossier — applicant, procedure, the
  components handed in, scans of some of them (``scans`` with ``scan_positions`` and ``scan_pages``, in the
  same order) and stored documents reused (``reuse_positions`` with ``reuse_document_ids``). It answers the
  received dossier with its code and appointment (201).

``dossier_router`` (mounted at ``/api/v1/dossiers``):

- ``POST /{ref}/components/{component_id}/scan``: the scan of a paper component of a dossier at intake, with
  the page count of its paper original (the back office's "Số hóa" in the data-store page);
- ``POST /{ref}/result-scan``: digitise the paper result of a decided dossier (scans, page count): it is
  certified, signed and filed in the holder's data store (201, the registry entry).

The same services as the back office's pages (``motcua.wallet.services.counter_intake_*``,
``dossier_component_attach``, ``result_digitise_paper``), so the same rules and rights: staff only, at their
own one-stop points; a key needs ``dossiers:process`` and stays within its units (another unit's dossier is a
404, another unit's point a 403 ``api_key_scope``). Every file is checked by content, size, kind and page
count (``motcua.core.uploads``) before anything is stored: a refused file leaves no dossier, no result and
no file behind (422 ``upload_*``, ``scan_*``, ``page_count_mismatch``).
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from motcua.catalogue.selectors import procedure_get_published, version_spec
from motcua.catalogue.spec import ProcedureSpec
from motcua.dossiers.errors import DossierError, InvalidDossierInput
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.dossiers.selectors import counter_points_for
from motcua.dossiers.services import dossier_component_attach
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit
from motcua.results.access import may_manage_result
from motcua.results.errors import ResultError
from motcua.results.services import result_digitise_paper
from motcua.wallet.services import counter_applicant_owner, counter_intake_offers, counter_intake_receive

from .auth import api_auth, key_dossier_check, key_unit_check, key_unit_ids
from .conventions import ApiIn, ErrorOut, error, rule_error, staff_only, user_of
from .dossiers import ComponentOut, DossierOut, _component, _detail, _unit
from .results import StaffResultOut, _staff
from .schemas import Id
from .wallet import DocumentOut, _documents

router = Router(auth=api_auth("dossiers:process"))
dossier_router = Router(auth=api_auth("dossiers:process"))

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
#: Most scans one intake takes (one per component, the procedures have fewer).
MAX_SCANS = 30


# -- schemas -------------------------------------------------------------------------------------------


class PointOut(Schema):
    code: str
    name: str


class CounterOfferOut(Schema):
    position: int = Field(description="Số thứ tự thành phần hồ sơ của thủ tục (từ 1)")
    component_name: str
    documents: list[DocumentOut]


class ApplicantIn(ApiIn):
    procedure_code: str = Field(max_length=50, description="Mã thủ tục đã công bố")
    receiving_point_code: str = Field(max_length=35, description="Điểm tiếp nhận một cửa của người gọi")
    applicant_kind: Literal["citizen", "business"] = Field("citizen", description="Công dân hoặc tổ chức")
    personal_id: str = Field("", max_length=12, description="Số định danh cá nhân (bắt buộc với công dân)")
    tax_code: str = Field("", max_length=14, description="Mã số thuế (bắt buộc với tổ chức)")


class CounterIntakeIn(ApplicantIn):
    channel: Literal["counter", "postal"] = Field("counter", description="Nộp trực tiếp hoặc qua bưu chính")
    name: str = Field(max_length=255, description="Họ và tên / tên tổ chức")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)
    commune_code: str = Field(
        "", max_length=35, description="Xã, phường nơi cư trú, khi thủ tục do UBND xã nơi cư trú giải quyết"
    )
    provided: list[int] = Field(
        default_factory=list,
        description="Số thứ tự các thành phần người nộp đã nộp bản giấy (lặp lại trường)",
    )
    scan_positions: list[int] = Field(
        default_factory=list, description="Thành phần của từng tệp `scans`, theo đúng thứ tự"
    )
    scan_pages: list[int] = Field(
        default_factory=list, description="Số trang bản giấy của từng tệp `scans`, theo đúng thứ tự"
    )
    reuse_positions: list[int] = Field(
        default_factory=list, description="Thành phần dùng giấy tờ trong kho dữ liệu của người nộp"
    )
    reuse_document_ids: list[Id] = Field(
        default_factory=list, description="Giấy tờ trong kho dữ liệu cho từng `reuse_positions`, theo thứ tự"
    )
    note: str = Field("", max_length=2000)


class ScanIn(ApiIn):
    pages: int = Field(ge=1, le=5000, description="Số trang bản giấy; bản quét phải có đúng chừng ấy trang")


class ResultScanIn(ApiIn):
    pages: int = Field(ge=1, le=100, description="Số trang của bản giấy kết quả")
    valid_until: dt.date | None = Field(None, description="Có giá trị đến (nếu có)")


# -- helpers -------------------------------------------------------------------------------------------


def _procedure(code: str) -> tuple[Any, ProcedureSpec]:
    version = procedure_get_published(code=code) if code.strip() else None
    if version is None:
        raise InvalidDossierInput(
            _("Không tìm thấy thủ tục đã công bố có mã này."), code="procedure_not_found"
        )
    return version, version_spec(version)


def _point(request: HttpRequest, code: str) -> OrgUnit:
    point = _unit(code, field="receiving_point")
    assert point is not None  # noqa: S101 - the code is required
    key_unit_check(request, point)  # a key limited to units: 403 api_key_scope for another unit's point
    return point


def _pairs(keys: list[int], values: list[Any], *, code: str, what: str) -> dict[int, Any]:
    """``keys[i]`` → ``values[i]``; 422 ``code`` when the lists differ in length or a key repeats."""
    if len(keys) != len(values) or len(set(keys)) != len(keys):
        raise InvalidDossierInput(
            _("Danh sách %(what)s không khớp: mỗi thành phần một lần, cùng số phần tử, đúng thứ tự."),
            code=code,
            what=what,
        )
    return dict(zip(keys, values, strict=True))


# -- the counter ---------------------------------------------------------------------------------------


@router.get("/points", response={200: list[PointOut], 403: ErrorOut}, summary="My one-stop points")
def counter_points_api(request: HttpRequest) -> Status[object]:
    """Where the caller receives paper dossiers (any one-stop point of the province they work at)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    units = key_unit_ids(request)  # a key limited to units: their points only
    points = [p for p in counter_points_for(user=user) if units is None or p.pk in units]
    return Status(200, [{"code": p.code, "name": p.name} for p in points])


@router.post(
    "/offers",
    response={200: list[CounterOfferOut], **ERRORS},
    summary="The applicant's stored documents each component may reuse (counter intake)",
)
def counter_offers_api(request: HttpRequest, payload: ApplicantIn) -> Status[object]:
    """Valid documents of each component's type in the data store of the applicant named by
    ``personal_id`` (or ``tax_code``); only components with offers are listed. The look is written in the
    applicant's access ledger with its purpose. 422 ``personal_id_invalid`` / ``tax_code_invalid`` when the
    number cannot be an applicant's; 403 when the caller does not receive at the point (nothing read)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        _version, spec = _procedure(payload.procedure_code)
        point = _point(request, payload.receiving_point_code)
        owner = counter_applicant_owner(
            kind=payload.applicant_kind, personal_id=payload.personal_id, tax_code=payload.tax_code
        )
        if owner is None:
            business = payload.applicant_kind == "business"
            return error(
                422,
                "tax_code_invalid" if business else "personal_id_invalid",
                _("Mã số thuế không hợp lệ.") if business else _("Số định danh cá nhân không hợp lệ."),
            )
        offers = counter_intake_offers(actor=user, owner=owner, spec=spec, point=point, log=True)
    except DossierError as exc:
        return rule_error(exc)
    return Status(
        200,
        [
            {
                "position": position,
                "component_name": spec.components[position - 1].name,
                "documents": _documents(documents),
            }
            for position, documents in sorted(offers.items())
        ],
    )


@router.post(
    "/dossiers",
    response={201: DossierOut, **ERRORS, 503: ErrorOut},
    summary="Receive a paper dossier at the counter (multipart: the fields and the scans)",
)
def counter_intake_api(
    request: HttpRequest,
    payload: Form[CounterIntakeIn],
    scans: File[list[UploadedFile] | None] = None,
) -> Status[object]:
    """Creates and receives the dossier in one step: its code and appointment are issued, the components
    in ``provided`` (and those reused) are checked, the scans attached as counter digitisations. Every
    required component must be provided (422 ``components_missing``); a scan's pages must match
    ``scan_pages`` (422 ``scan_page_count_mismatch``…). Nothing is created when anything is refused."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    files = list(scans or [])
    try:
        if len(files) > MAX_SCANS:
            raise InvalidDossierInput(
                _("Tối đa %(n)s tệp bản quét cho một hồ sơ."), code="upload_too_many", n=MAX_SCANS
            )
        by_position = _pairs(payload.scan_positions, files, code="scans_mismatch", what="bản quét")
        pages = (
            _pairs(payload.scan_positions, payload.scan_pages, code="scans_mismatch", what="số trang")
            if files or payload.scan_pages
            else {}
        )
        reuses = _pairs(
            payload.reuse_positions,
            payload.reuse_document_ids,
            code="reuses_mismatch",
            what="giấy tờ dùng lại",
        )
        if payload.email:
            try:
                validate_email(payload.email)
            except ValidationError as exc:
                raise InvalidDossierInput(_("Địa chỉ email không hợp lệ."), code="email_invalid") from exc
        version, _spec = _procedure(payload.procedure_code)
        point = _point(request, payload.receiving_point_code)
        commune = _unit(payload.commune_code, field="applicant_commune")
        dossier = counter_intake_receive(
            officer=user,
            receiving_point=point,
            procedure_version=version,
            applicant=CounterApplicant(
                kind=payload.applicant_kind,
                name=payload.name,
                personal_id=payload.personal_id.strip(),
                tax_code=payload.tax_code.strip(),
                phone=payload.phone.strip(),
                email=payload.email.strip(),
                address=payload.address.strip(),
                commune=commune,
            ),
            provided_positions=payload.provided,
            channel=payload.channel,
            note=payload.note,
            scans=by_position,
            scan_pages=pages,
            reuses=reuses,
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(201, _detail(dossier, user))


# -- one dossier ---------------------------------------------------------------------------------------


@dossier_router.post(
    "/{ref}/components/{component_id}/scan",
    response={200: ComponentOut, **ERRORS, 503: ErrorOut},
    summary="Digitise a paper component at intake (multipart: `file` and `pages`)",
)
def component_scan_api(
    request: HttpRequest, ref: str, component_id: Id, payload: Form[ScanIn], file: File[UploadedFile]
) -> Status[object]:
    """The one-stop officer of a dossier at intake (awaiting intake, or received and not yet transferred)
    attaches the scan of a paper component; the scan must have ``pages`` pages and be legible. Recorded as
    a counter digitisation (who, when), filed in the applicant's data store when the dossier is received."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        component = dossier_component_attach(
            dossier=dossier, actor=user, component_id=component_id, upload=file, declared_pages=payload.pages
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _component(component))


@dossier_router.post(
    "/{ref}/result-scan",
    response={201: StaffResultOut, 400: ErrorOut, **ERRORS, 503: ErrorOut},
    summary="Digitise the paper result of a decided dossier (multipart: `scans`, `pages`)",
)
def result_scan_api(
    request: HttpRequest,
    ref: str,
    payload: Form[ResultScanIn],
    scans: File[list[UploadedFile] | None] = None,
) -> Status[object]:
    """One PDF, or JPEG/PNG images in page order (short side ≥ 1000 px); the scan must have ``pages``
    pages. The one-stop officers (and leaders) of the dossier's receiving point. The scan and a
    certification page are signed by the resolving agency and registered as a result (a second scan
    replaces the first). 400 (a rule of the digitisation; nothing stored): ``scan_required`` (no file),
    ``scan_*``, ``page_count_mismatch``,
    ``upload_*``, ``dossier_not_decided``, ``not_approved``, ``result_not_paper``; 403 ``result_not_allowed``
    (not an officer of the receiving point); 503 ``signing_unavailable``."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        result = result_digitise_paper(
            dossier=dossier,
            officer=user,
            files=list(scans or []),
            stated_pages=payload.pages,
            valid_until=payload.valid_until,
        )
    except (ResultError, DossierError) as exc:
        return rule_error(exc)
    return Status(201, _staff(result, can_manage=may_manage_result(user, result)))
