"""Dossiers over HTTP: apply, upload components, follow a dossier, and every staff action.

A session (CSRF required for unsafe methods) or an API key (``api_auth``: reads need ``dossiers:read``,
applying ``dossiers:apply``, staff actions ``dossiers:process``; a key limited to units sees only their
dossiers). Each POST calls one service
of ``motcua.dossiers.services``; a refused action changes nothing and answers ``{code, message}`` with the
status of the domain error: 400 (rule), 403 (not allowed now), 404 (unknown or not visible: the two look the
same), 409 (wrong state, or ``expected_version`` is stale: someone else changed the dossier), 422 (bad input).
A dossier is addressed by its code (``H56.40-260302-0001``) or, before it has one (a draft), by its id.

``GET /{ref}`` answers the whole dossier (``DossierOut``: components, steps, history); creating and editing a
draft answer it too. An action (submit, receive, forward, decide, …) answers ``DossierActionOut``: the state
after the action, its new ``version``, the open step and the actions allowed next, built from the row the
service has just written, so its cost does not grow with the dossier's history.
"""

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import AccountKind, User
from motcua.catalogue.selectors import procedure_get_published
from motcua.dossiers.access import dossier_actions_for, dossier_get_for_user
from motcua.dossiers.errors import DossierError, InvalidDossierInput
from motcua.dossiers.models import Dossier, DossierComponent, DossierStep
from motcua.dossiers.portal_selectors import (
    dossier_component_list,
    dossier_event_list,
    dossier_get_by_ref,
    dossier_list_visible,
    dossier_step_list,
    dossier_timeline,
)
from motcua.dossiers.selectors import dossier_open_step
from motcua.dossiers.services import (
    dossier_apologise,
    dossier_create_draft,
    dossier_decide,
    dossier_forward,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_resume,
    dossier_return_result,
    dossier_route,
    dossier_send_back,
    dossier_submit,
    dossier_supplement,
    dossier_suspend,
    dossier_update_draft,
    dossier_withdraw,
)
from motcua.dossiers.services.components import dossier_component_attach
from motcua.dossiers.status import DossierStatus
from motcua.integrations.access import dossier_read_record
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_get_by_code

from .auth import api_auth, key_dossier_check, key_dossiers, key_unit_check
from .conventions import ErrorOut, rule_error, user_of
from .schemas import ApiIn, Id, PageNumberPagination

router = Router(auth=api_auth("dossiers:read"))

ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ERROR_DOC = (
    "Lỗi trả về dạng `{code, message}`: 400 vi phạm quy tắc, 403 không được phép thao tác lúc này, "
    "404 không tìm thấy hoặc không được xem, 409 sai trạng thái hoặc `expected_version` đã cũ (hồ sơ vừa "
    "được người khác cập nhật), 422 dữ liệu không hợp lệ."
)
ACTION_DOC = (
    "Trả về hồ sơ rút gọn sau thao tác (`DossierActionOut`): trạng thái, `version` mới (gửi làm "
    "`expected_version` ở thao tác sau), hạn giải quyết, bước đang xử lý và các thao tác được làm tiếp. "
    "Giấy tờ, các bước và lịch sử đầy đủ: `GET /api/v1/dossiers/{ref}`."
)


# -- output --------------------------------------------------------------------------------------------


class ComponentOut(Schema):
    id: int
    position: int
    name: str
    required: bool
    provided: bool
    original_name: str
    size: int = Field(description="Byte")
    page_count: int
    sha256: str
    origin: str
    digitised: bool
    checked: bool


class StepOut(Schema):
    seq: int
    step_code: str
    name: str
    unit_code: str
    unit_name: str
    inter_agency: bool
    handover_mode: str
    started_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str


class EventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    action: str
    from_status: str
    to_status: str
    from_step: str
    to_step: str
    unit_code: str
    note: str


class DossierSummaryOut(Schema):
    id: int
    code: str | None = Field(description="Null khi còn là bản nháp")
    status: DossierStatus
    status_label: str
    procedure_code: str
    procedure_name: str
    channel: str
    receiving_point_code: str
    resolving_unit_code: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    version: int = Field(
        description="Gửi lại làm `expected_version` khi thao tác để phát hiện cập nhật đồng thời"
    )

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(DossierStatus(obj.status).label)

    @staticmethod
    def resolve_procedure_code(obj: Dossier) -> str:
        return obj.procedure_version.code

    @staticmethod
    def resolve_procedure_name(obj: Dossier) -> str:
        return obj.procedure_version.name

    @staticmethod
    def resolve_receiving_point_code(obj: Dossier) -> str:
        return obj.receiving_point.code

    @staticmethod
    def resolve_resolving_unit_code(obj: Dossier) -> str:
        return obj.resolving_unit.code

    @staticmethod
    def resolve_version(obj: Dossier) -> int:
        return obj.lock_version


class OpenStepOut(Schema):
    """Bước đang xử lý của hồ sơ."""

    seq: int
    step_code: str
    name: str
    unit_code: str
    unit_name: str
    inter_agency: bool = Field(description="Bước liên thông tại cơ quan khác")
    started_at: dt.datetime
    due_at: dt.datetime | None = Field(description="Hạn của bước")

    @staticmethod
    def resolve_unit_code(obj: DossierStep) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: DossierStep) -> str:
        return obj.unit.name


class DossierActionOut(DossierSummaryOut):
    """Hồ sơ sau một thao tác, rút gọn: không kèm giấy tờ, các bước và lịch sử (xem `DossierOut`)."""

    decision: str
    closing_reason: str
    return_method: str
    supplement_count: int
    apology_count: int
    open_step: OpenStepOut | None = Field(description="Bước đang xử lý; null khi không có bước nào mở")
    allowed_actions: list[str] = Field(description="Các thao tác người gọi được làm lúc này")

    # Computed by ``_action_result`` and carried on the instance.
    @staticmethod
    def resolve_open_step(obj: Any) -> DossierStep | None:
        return obj.open_step_out  # type: ignore[no-any-return]

    @staticmethod
    def resolve_allowed_actions(obj: Any) -> list[str]:
        return obj.allowed_actions_out  # type: ignore[no-any-return]


class DossierOut(DossierSummaryOut):
    applicant_kind: str
    applicant_name: str
    applicant_address: str
    form_data: dict[str, Any]
    fee_status: str
    decision: str
    decision_note: str
    return_method: str
    closing_reason: str
    supplement_count: int
    apology_count: int
    components: list[ComponentOut]
    steps: list[StepOut]
    events: list[EventOut]
    allowed_actions: list[str] = Field(description="Các thao tác người gọi được làm lúc này")

    # The nested lists are computed by ``_detail`` and carried on the instance.
    @staticmethod
    def resolve_components(obj: Any) -> list[dict[str, Any]]:
        return obj.components_out  # type: ignore[no-any-return]

    @staticmethod
    def resolve_steps(obj: Any) -> list[dict[str, Any]]:
        return obj.steps_out  # type: ignore[no-any-return]

    @staticmethod
    def resolve_events(obj: Any) -> list[dict[str, Any]]:
        return obj.events_out  # type: ignore[no-any-return]

    @staticmethod
    def resolve_allowed_actions(obj: Any) -> list[str]:
        return obj.allowed_actions_out  # type: ignore[no-any-return]


# -- input ---------------------------------------------------------------------------------------------


class DossierFilter(Schema):
    status: DossierStatus | None = Field(None, description="Chỉ hồ sơ ở trạng thái này")
    q: str = Field("", max_length=60, description="Một phần mã hồ sơ")


class DraftIn(ApiIn):
    procedure_code: str = Field(max_length=50, description="Mã thủ tục đã công bố")
    receiving_point_code: str = Field(max_length=35, description="Mã điểm tiếp nhận một cửa, ví dụ H56.40")
    applicant_commune_code: str | None = Field(
        None, max_length=35, description="Xã, phường nơi cư trú, khi thủ tục do UBND xã nơi cư trú giải quyết"
    )
    address: str = Field("", max_length=500)
    form_data: dict[str, Any] = Field(
        default_factory=dict, description="Nội dung đề nghị và các trường của thủ tục"
    )


class DraftUpdateIn(ApiIn):
    address: str | None = Field(None, max_length=500)
    form_data: dict[str, Any]


class VersionIn(ApiIn):
    expected_version: int | None = Field(
        None, ge=0, description="`version` đã đọc; khác với hiện tại thì trả 409 dossier_changed"
    )


class ReceiveIn(VersionIn):
    checked_component_ids: list[Id] = Field(description="Các giấy tờ cán bộ đã kiểm tra đủ")
    note: str = Field("", max_length=2000)


class ReasonIn(VersionIn):
    reason: str = Field(max_length=2000)


class RouteIn(VersionIn):
    to_step: str | None = Field(
        None, max_length=20, description="Bước xử lý đầu tiên (mặc định theo quy trình)"
    )
    paper: bool = Field(False, description="Chuyển hồ sơ giấy (không điện tử)")


class ForwardIn(VersionIn):
    to_step: str = Field(max_length=20)
    note: str = Field("", max_length=2000)
    paper: bool = False


class SendBackIn(VersionIn):
    to_step: str = Field(max_length=20)
    note: str = Field(max_length=2000)


class SupplementRequestIn(VersionIn):
    reason: str = Field(max_length=2000)
    items: list[str] = Field(description="Từng nội dung phải bổ sung")


class NoteIn(VersionIn):
    note: str = Field("", max_length=2000)


class SuspendIn(VersionIn):
    reason: str = Field(max_length=2000)
    legal_basis: str = Field(max_length=500)


class ApologiseIn(VersionIn):
    reason: str = Field(max_length=2000)
    new_due_at: dt.datetime


class DecideIn(VersionIn):
    decision: str = Field(
        description="approved (giải quyết) hoặc not_eligible (không đủ điều kiện, cần note)"
    )
    note: str = Field("", max_length=4000)


class ReturnIn(VersionIn):
    method: str = Field(description="counter, post hoặc online")
    note: str = Field("", max_length=2000)


# -- helpers -------------------------------------------------------------------------------------------


def _component(c: DossierComponent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "position": c.position,
        "name": c.name,
        "required": c.required,
        "provided": c.provided,
        "original_name": c.original_name,
        "size": c.size,
        "page_count": c.page_count,
        "sha256": c.sha256,
        "origin": c.origin,
        "digitised": c.digitised,
        "checked": c.checked,
    }


def _events(dossier: Dossier, user: User) -> list[dict[str, Any]]:
    """Staff see the whole history (without names); an applicant sees it as the portal shows it."""
    if user.kind == AccountKind.STAFF:
        return [
            {
                "seq": e.seq,
                "occurred_at": e.occurred_at,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "from_step": e.from_step,
                "to_step": e.to_step,
                "unit_code": e.unit_code,
                "note": e.note,
            }
            for e in dossier_event_list(dossier)
        ]
    raw_events = {e.seq: e for e in dossier_event_list(dossier)}
    out = []
    for entry in dossier_timeline(dossier):
        raw = raw_events[entry.seq]
        out.append(
            {
                "seq": entry.seq,
                "occurred_at": entry.at,
                "action": entry.action,
                "from_status": raw.from_status,
                "to_status": raw.to_status,
                "from_step": raw.from_step,
                "to_step": raw.to_step,
                "unit_code": raw.unit_code,
                "note": entry.note,
            }
        )
    return out


def _detail(dossier: Dossier, user: User) -> Dossier:
    """The dossier with the nested lists of ``DossierOut`` attached."""
    steps = dossier_step_list(dossier)
    dossier.components_out = [_component(c) for c in dossier_component_list(dossier)]  # type: ignore[attr-defined]
    dossier.steps_out = [  # type: ignore[attr-defined]
        {
            "seq": s.seq,
            "step_code": s.step_code,
            "name": s.name,
            "unit_code": s.unit.code,
            "unit_name": s.unit.name,
            "inter_agency": s.inter_agency,
            "handover_mode": s.handover_mode,
            "started_at": s.started_at,
            "due_at": s.due_at,
            "finished_at": s.finished_at,
            "outcome": s.outcome,
        }
        for s in steps
    ]
    dossier.events_out = _events(dossier, user)  # type: ignore[attr-defined]
    dossier.allowed_actions_out = dossier_actions_for(user, dossier)  # type: ignore[attr-defined]
    return dossier


def _action_result(dossier: Dossier, user: User) -> Dossier:
    """The dossier a service returned (its procedure version and units already loaded) with what
    ``DossierActionOut`` adds: the open step (one query) and the allowed actions (no query: the scope is on
    the user, the step on the dossier)."""
    dossier.open_step_out = dossier_open_step(dossier)  # type: ignore[attr-defined]
    dossier.allowed_actions_out = dossier_actions_for(user, dossier)  # type: ignore[attr-defined]
    return dossier


def _find_for_transition(user: User, ref: str) -> Dossier:
    """``dossier_get_by_ref`` (a code, or a draft's id) reading only what the access rule needs: the
    transition service locks and reloads the row itself."""
    ref = (ref or "").strip()
    if ref.isdigit():
        return dossier_get_for_user(user=user, pk=int(ref), for_transition=True)
    return dossier_get_for_user(user=user, code=ref.upper(), for_transition=True)


def _act(
    request: HttpRequest, ref: str, action: Callable[[Dossier, User], Dossier], *, compact: bool = True
) -> Status[object]:
    """Find the dossier through the access rules (404 for one the user may not see), run ``action`` on it
    and answer the dossier it returns: compact (``DossierActionOut``) for a transition, or the whole detail.
    """
    user = user_of(request)
    try:
        dossier = _find_for_transition(user, ref) if compact else dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)  # a key limited to units: 404 outside them
        dossier = action(dossier, user)  # a transition checks the calendar once (services.common)
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _action_result(dossier, user) if compact else _detail(dossier, user))


DETAIL = {200: DossierOut, **ERRORS}
ACTION = {200: DossierActionOut, **ERRORS}

View = TypeVar("View", bound=Callable[..., Any])


def _action(path: str, *, summary: str, operation: str = "dossiers:process") -> Callable[[View], View]:
    """Register a POST action on a dossier: it answers ``DossierActionOut``, which its description says."""

    def register(view: View) -> View:
        description = f"{inspect.getdoc(view) or ''}\n\n{ACTION_DOC}".strip()
        return router.post(
            path, response=ACTION, summary=summary, description=description, auth=api_auth(operation)
        )(view)

    return register


def _unit(code: str | None, *, field: str) -> OrgUnit | None:
    if not code:
        return None
    try:
        unit = orgunit_get_by_code(code)
    except ValidationError as exc:
        raise InvalidDossierInput(exc.messages[0], code=exc.code or "org_code_invalid") from exc
    if unit is None:
        raise InvalidDossierInput(
            _("Không tìm thấy đơn vị có mã %(unit_code)s."), code=f"{field}_not_found", unit_code=code
        )
    return unit


# -- reading -------------------------------------------------------------------------------------------


@router.get("", response=list[DossierSummaryOut], summary="List the dossiers I may see")
@paginate(PageNumberPagination, page_size=20)
def dossier_list_api(request: HttpRequest, filters: Query[DossierFilter]) -> Any:
    """An applicant sees their own dossiers (drafts included); staff the dossiers of their units."""
    status = filters.status.value if filters.status else None
    return key_dossiers(request, dossier_list_visible(user=user_of(request), status=status, q=filters.q))


@router.get("/{ref}", response=DETAIL, summary="Get one dossier by its code (or a draft by its id)")
def dossier_get_api(request: HttpRequest, ref: str) -> Status[object]:
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
    except DossierError as exc:
        return rule_error(exc)
    dossier_read_record(user=user, dossier=dossier, via="API")  # the applicant's access ledger (issue 7)
    return Status(200, _detail(dossier, user))


# -- applying ------------------------------------------------------------------------------------------


@router.post(
    "",
    response={201: DossierOut, **ERRORS},
    summary="Start an online application (draft)",
    auth=api_auth("dossiers:apply"),
)
def dossier_create_api(request: HttpRequest, payload: DraftIn) -> Status[object]:
    """Creates a draft for a published procedure; nothing reaches the agency until it is submitted."""
    user = user_of(request)
    try:
        version = procedure_get_published(code=payload.procedure_code)
        if version is None:
            raise InvalidDossierInput(
                _("Không tìm thấy thủ tục đã công bố có mã này."), code="procedure_not_found"
            )
        point = _unit(payload.receiving_point_code, field="receiving_point")
        assert point is not None  # noqa: S101 - the code is required
        key_unit_check(request, point)
        dossier = dossier_create_draft(
            applicant=user,
            procedure_version=version,
            receiving_point=point,
            applicant_commune=_unit(payload.applicant_commune_code, field="applicant_commune"),
            form_data=payload.form_data,
            address=payload.address,
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(201, _detail(dossier, user))


@router.put(
    "/{ref}", response=DETAIL, summary="Edit a draft's form data and address", auth=api_auth("dossiers:apply")
)
def dossier_update_api(request: HttpRequest, ref: str, payload: DraftUpdateIn) -> Status[object]:
    return _act(
        request,
        ref,
        lambda d, u: dossier_update_draft(
            dossier=d, applicant=u, form_data=payload.form_data, address=payload.address
        ),
        compact=False,
    )


@router.post(
    "/{ref}/components/{component_id}",
    response={200: ComponentOut, **ERRORS, 503: ErrorOut},  # 503: the file store cannot write
    summary="Upload the file of one component (multipart)",
    auth=api_auth("dossiers:apply"),
)
def dossier_component_upload_api(
    request: HttpRequest, ref: str, component_id: Id, file: File[UploadedFile]
) -> Status[object]:
    """PDF, JPEG or PNG, checked by content (not by name); a refused file leaves nothing behind (422
    ``upload_*``). Allowed for the applicant's draft, a requested supplement, and scans at intake."""
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        component = dossier_component_attach(
            dossier=dossier, actor=user, component_id=component_id, upload=file
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _component(component))


def _transition(
    request: HttpRequest, ref: str, service: Callable[..., Dossier], payload: Schema, *, actor: str = "actor"
) -> Status[object]:
    """Call one transition service with the payload's fields, which are named as its keyword arguments."""
    return _act(request, ref, lambda d, u: service(dossier=d, **{actor: u}, **payload.model_dump()))


@_action("/{ref}/submit", summary="Submit a draft to the receiving point", operation="dossiers:apply")
def dossier_submit_api(request: HttpRequest, ref: str, payload: VersionIn) -> Status[object]:
    return _transition(request, ref, dossier_submit, payload, actor="applicant")


@_action("/{ref}/supplement", summary="Hand in the requested supplement", operation="dossiers:apply")
def dossier_supplement_api(request: HttpRequest, ref: str, payload: NoteIn) -> Status[object]:
    """The applicant (online) or a one-stop officer (at the counter); upload the files first."""
    return _transition(request, ref, dossier_supplement, payload)


@_action("/{ref}/withdraw", summary="Stop the dossier at the applicant's request", operation="dossiers:apply")
def dossier_withdraw_api(request: HttpRequest, ref: str, payload: ReasonIn) -> Status[object]:
    """Before a decision only; by the applicant, or by an officer of the receiving point on their behalf."""
    return _transition(request, ref, dossier_withdraw, payload)


# -- staff actions -------------------------------------------------------------------------------------


@_action("/{ref}/receive", summary="Receive (intake): issues the appointment")
def dossier_receive_api(request: HttpRequest, ref: str, payload: ReceiveIn) -> Status[object]:
    return _transition(request, ref, dossier_receive, payload, actor="officer")


@_action("/{ref}/refuse", summary="Refuse at intake, with the reason")
def dossier_refuse_api(request: HttpRequest, ref: str, payload: ReasonIn) -> Status[object]:
    return _transition(request, ref, dossier_refuse, payload, actor="officer")


@_action("/{ref}/route", summary="Transfer a received dossier to the resolving unit")
def dossier_route_api(request: HttpRequest, ref: str, payload: RouteIn) -> Status[object]:
    return _transition(request, ref, dossier_route, payload, actor="officer")


@_action("/{ref}/forward", summary="Finish the open step and forward (incl. inter-agency)")
def dossier_forward_api(request: HttpRequest, ref: str, payload: ForwardIn) -> Status[object]:
    return _transition(request, ref, dossier_forward, payload)


@_action("/{ref}/send-back", summary="Send back to an earlier step")
def dossier_send_back_api(request: HttpRequest, ref: str, payload: SendBackIn) -> Status[object]:
    return _transition(request, ref, dossier_send_back, payload)


@_action("/{ref}/request-supplement", summary="Ask the applicant for a supplement (once)")
def dossier_request_supplement_api(
    request: HttpRequest, ref: str, payload: SupplementRequestIn
) -> Status[object]:
    return _transition(request, ref, dossier_request_supplement, payload)


@_action("/{ref}/suspend", summary="Suspend where the law excludes the time")
def dossier_suspend_api(request: HttpRequest, ref: str, payload: SuspendIn) -> Status[object]:
    return _transition(request, ref, dossier_suspend, payload)


@_action("/{ref}/resume", summary="Resume a suspended dossier")
def dossier_resume_api(request: HttpRequest, ref: str, payload: NoteIn) -> Status[object]:
    return _transition(request, ref, dossier_resume, payload)


@_action("/{ref}/apologise", summary="Apologise and set a new due date (once)")
def dossier_apologise_api(request: HttpRequest, ref: str, payload: ApologiseIn) -> Status[object]:
    return _transition(request, ref, dossier_apologise, payload)


@_action("/{ref}/decide", summary="Decide: approved or not eligible")
def dossier_decide_api(request: HttpRequest, ref: str, payload: DecideIn) -> Status[object]:
    return _transition(request, ref, dossier_decide, payload)


@_action("/{ref}/return", summary="Return the result (counter, post or online)")
def dossier_return_api(request: HttpRequest, ref: str, payload: ReturnIn) -> Status[object]:
    return _transition(request, ref, dossier_return_result, payload, actor="officer")


# Every operation documents the shape of its errors next to its own description.
for _path_view in router.path_operations.values():
    for _operation in _path_view.operations:
        _operation.description = f"{_operation.description or ''}\n\n{ERROR_DOC}".strip()
