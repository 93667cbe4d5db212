"""Feedback and complaints (PAKN, phản ánh kiến nghị) and the evaluation of a returned dossier over HTTP.

``router`` (mounted at ``/api/v1/feedback``):

- public, no login: send a PAKN (rate-limited per client address, like the portal), search the published
  answers, read one, follow one's own PAKN with its code and the phone or email given with it (and send the
  information the agency asked for), and like or dislike a published answer (signed in: once per account);
- public, the signed link of an email / SMS / counter tablet: what the dossier's evaluation is about, and
  giving it (once);
- staff (``feedback:read`` / ``feedback:write``): the handling queue with its tabs, one PAKN with the
  sender's contact, and each handling step (classify and route, refuse, ask for information, answer,
  publish, mark as repeated) — one service call each.

``evaluation_router`` (mounted at ``/api/v1/dossiers``): the applicant's evaluation of their own returned
dossier (read, give, change within the edit window) and, for staff, an evaluation link for the counter.

Errors are ``{code, message}``: 400 rule, 403 not allowed now (wrong status, not the handler), 404 not
found or not visible, 409 evaluation refused (not returned, already given, window closed, bad link), 422 bad
input, 429 too many attempts.
"""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.dossiers.access import dossier_get_for_user
from motcua.dossiers.errors import DossierError, DossierNotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.dossiers.status import DossierStatus
from motcua.feedback import criteria, selectors
from motcua.feedback.access import feedback_can_handle
from motcua.feedback.conf import setting
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import (
    Evaluation,
    Feedback,
    FeedbackCategory,
    FeedbackStatus,
    Satisfaction,
    SubjectKind,
    Vote,
)
from motcua.feedback.ratelimit import hit
from motcua.feedback.services import (
    evaluation_edit,
    evaluation_editable_until,
    evaluation_give,
    evaluation_link_issue,
    feedback_answer,
    feedback_mark_duplicate,
    feedback_provide_info,
    feedback_publish,
    feedback_react,
    feedback_refuse,
    feedback_request_info,
    feedback_route,
    feedback_submit,
)
from motcua.feedback.targets import evaluation_targets
from motcua.feedback.tokens import read_token
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_current_units

from .auth import api_auth, key_dossier_check, key_unit_ids
from .conventions import ApiIn, ErrorOut, PageHook, client_ip, error, rule_error, staff_only, user_of
from .schemas import Id, PageNumberPagination

router = Router()
evaluation_router = Router()

READ = api_auth("feedback:read")
WRITE = api_auth("feedback:write")

#: The staff queue's tabs: stable English names over the back office's tab keys.
TABS = {"to_handle": "", "awaiting_info": "cho-bo-sung", "to_publish": "cho-cong-khai", "done": "da-xong"}


# -- output --------------------------------------------------------------------------------------------


class UnitRefOut(Schema):
    code: str
    name: str


class FeedbackDueOut(Schema):
    """The next deadline of a PAKN, in words and as a state (the back office's badge)."""

    state: str = Field(description="late (quá hạn), soon (trong 1 ngày), ok, waiting (chờ người gửi), done")
    text: str = Field(description="Thời hạn viết bằng lời, theo ngôn ngữ của yêu cầu")
    at: dt.datetime | None = Field(description="Thời điểm hạn; null khi không có hạn đang chạy")


class FeedbackPublicOut(Schema):
    """A published answer: the subject, the content and the answer — never the sender's name or contact."""

    code: str = Field(description="Mã phản ánh, ví dụ PA260309-0001")
    subject_kind: SubjectKind
    subject_label: str
    subject_reference: str = Field(description="Mã thủ tục hoặc mã hồ sơ được phản ánh (nếu có)")
    title: str
    content: str
    handling_unit: UnitRefOut | None
    received_at: dt.datetime
    answered_at: dt.datetime | None
    answer: str
    published_at: dt.datetime | None
    likes: int
    dislikes: int


class FeedbackTrackOut(FeedbackPublicOut):
    """The sender's own PAKN (found by its code and the contact given with it)."""

    status: FeedbackStatus
    status_label: str
    due: FeedbackDueOut
    info_request: str = Field(description="Nội dung cơ quan đề nghị bổ sung (khi trạng thái info_requested)")
    info_reply: str
    refusal_reason: str


class FeedbackSentOut(Schema):
    code: str = Field(description="Mã để tra cứu, kèm số điện thoại hoặc email đã gửi")
    status: FeedbackStatus
    status_label: str
    handling_unit: UnitRefOut | None
    received_at: dt.datetime
    answer_due_at: dt.datetime = Field(description="Hạn trả lời (15 ngày làm việc)")


class VotesOut(Schema):
    code: str
    likes: int
    dislikes: int


class FeedbackStaffRowOut(Schema):
    id: int
    code: str
    subject_kind: SubjectKind
    title: str
    status: FeedbackStatus
    status_label: str
    category: str = Field(description="Phân loại (766 mục 5.1); rỗng khi chưa phân loại")
    handling_unit: UnitRefOut | None
    received_at: dt.datetime
    due: FeedbackDueOut
    repeated_of: str | None = Field(description="Mã phản ánh gốc khi đây là phản ánh trùng")


class FeedbackStaffOut(FeedbackStaffRowOut):
    """Everything the back office shows about one PAKN, the sender's contact included (personal data)."""

    subject_reference: str
    procedure_code: str | None
    dossier_code: str | None
    unit: UnitRefOut | None = Field(description="Đơn vị bị phản ánh")
    content: str
    sender_name: str
    sender_phone: str
    sender_email: str
    refuse_due_at: dt.datetime
    info_due_at: dt.datetime
    answer_due_at: dt.datetime
    publish_due_at: dt.datetime | None
    routed_at: dt.datetime | None
    refused_at: dt.datetime | None
    refusal_reason: str
    info_requested_at: dt.datetime | None
    info_request: str
    info_provided_at: dt.datetime | None
    info_reply: str
    answered_at: dt.datetime | None
    answer: str
    substantiated: bool | None
    published_at: dt.datetime | None
    likes: int
    dislikes: int
    repeats: list[str] = Field(description="Mã các phản ánh trùng với phản ánh này")
    can_handle: bool = Field(description="Người gọi được xử lý phản ánh này")


class TabOut(Schema):
    key: str
    label: str
    count: int


class TargetOut(Schema):
    """A unit or officer of the dossier the applicant may like or dislike."""

    key: str = Field(description="Khóa gửi trong `votes`")
    kind: str = Field(description="unit hoặc officer")
    label: str
    unit_name: str


class CriterionOut(Schema):
    code: str
    label: str
    points: int | None = Field(description="2, 1 hoặc 0; null khi dữ liệu chưa trả lời được")
    reason: str


class ScoreOut(Schema):
    """The nine criteria of Decree 61/2018 computed from the data (out of 18)."""

    total: int
    max_total: int
    scored: int
    band: str
    band_label: str
    criteria: list[CriterionOut]


class EvaluationOut(Schema):
    satisfaction: Satisfaction
    satisfaction_label: str
    comment: str
    channel: str
    given_at: dt.datetime
    edited_at: dt.datetime | None
    editable_until: dt.datetime
    votes: dict[str, Vote] = Field(description="Khóa đối tượng → like / dislike")


class DossierEvaluationOut(Schema):
    dossier_code: str | None
    procedure_name: str
    status: str
    can_give: bool = Field(description="Hồ sơ đã trả kết quả và chưa được đánh giá")
    can_edit: bool = Field(description="Đã đánh giá và còn trong thời gian được sửa")
    evaluation: EvaluationOut | None
    targets: list[TargetOut]
    score: ScoreOut


class EvaluationLinkOut(Schema):
    token: str
    url: str = Field(description="Trang đánh giá trên Cổng (hiển thị thành mã QR trên máy tính bảng)")


# -- input ---------------------------------------------------------------------------------------------


class PublicFilter(Schema):
    q: str = Field("", max_length=100, description="Tìm không dấu trong mã, tiêu đề, nội dung, trả lời")


class FeedbackIn(ApiIn):
    subject_kind: SubjectKind = Field(description="Đối tượng phản ánh")
    reference: str = Field("", max_length=200, description="Mã hồ sơ, mã thủ tục hoặc tên cán bộ (nếu có)")
    unit_code: str | None = Field(
        None, max_length=35, description="Cơ quan, đơn vị liên quan (bắt buộc khi phản ánh cán bộ, đơn vị)"
    )
    title: str = Field(max_length=200)
    content: str = Field(max_length=10000)
    sender_name: str = Field(max_length=150)
    phone: str = Field("", max_length=30, description="Cần ít nhất số điện thoại hoặc email")
    email: str = Field("", max_length=254)
    consent: bool = Field(description="Đồng ý cho cơ quan dùng thông tin liên hệ để xử lý và trả lời")


class TrackIn(ApiIn):
    code: str = Field(max_length=20, description="Mã phản ánh")
    contact: str = Field(max_length=254, description="Số điện thoại hoặc email đã gửi kèm")


class ReplyIn(ApiIn):
    contact: str = Field(max_length=254, description="Số điện thoại hoặc email đã gửi kèm")
    reply: str = Field(max_length=5000, description="Thông tin bổ sung cơ quan đã đề nghị")


class VoteIn(ApiIn):
    vote: Vote


class StaffFilter(Schema):
    tab: str = Field(
        "to_handle",
        pattern="^(to_handle|awaiting_info|to_publish|done)$",
        description="to_handle, awaiting_info, to_publish hoặc done",
    )


class FeedbackRouteIn(ApiIn):
    category: FeedbackCategory
    unit_code: str | None = Field(None, max_length=35, description="Chuyển cho đơn vị này (nếu khác)")


class RefuseIn(ApiIn):
    reason: str = Field(max_length=2000)


class RequestInfoIn(ApiIn):
    request: str = Field(max_length=2000, description="Nội dung người gửi cần bổ sung (một lần)")


class AnswerIn(ApiIn):
    answer: str = Field(max_length=10000)
    substantiated: bool | None = Field(
        None, description="Phản ánh có cơ sở (true/false; null: chưa kết luận)"
    )


class DuplicateIn(ApiIn):
    original_code: str = Field(max_length=20, description="Mã phản ánh gốc")


class EvaluationIn(ApiIn):
    satisfaction: Satisfaction
    comment: str = Field("", max_length=5000)
    votes: dict[str, Vote] = Field(
        default_factory=dict, description="Khóa đối tượng (`targets[].key`) → like / dislike"
    )


# -- helpers -------------------------------------------------------------------------------------------


def _unit(unit: OrgUnit | None) -> dict[str, str] | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def _due(f: Feedback) -> dict[str, Any]:
    badge = selectors.feedback_due_badge(f)
    return {"state": badge.state, "text": badge.text, "at": badge.at}


def _public(f: Feedback) -> dict[str, Any]:
    shows_reference = f.subject_kind in (SubjectKind.PROCEDURE, SubjectKind.DOSSIER)
    return {
        "code": f.code,
        "subject_kind": f.subject_kind,
        "subject_label": str(SubjectKind(f.subject_kind).label),
        "subject_reference": f.subject_reference if shows_reference else "",
        "title": f.title,
        "content": f.content,
        "handling_unit": _unit(f.handling_unit),
        "received_at": f.received_at,
        "answered_at": f.answered_at if f.status == FeedbackStatus.PUBLISHED else None,
        "answer": f.answer if f.status == FeedbackStatus.PUBLISHED else "",
        "published_at": f.published_at,
        "likes": f.likes,
        "dislikes": f.dislikes,
    }


def _tracked(f: Feedback) -> dict[str, Any]:
    return {
        **_public(f),
        "answered_at": f.answered_at,
        "answer": f.answer,
        "status": f.status,
        "status_label": str(FeedbackStatus(f.status).label),
        "due": _due(f),
        "info_request": f.info_request,
        "info_reply": f.info_reply,
        "refusal_reason": f.refusal_reason if f.status == FeedbackStatus.REFUSED else "",
    }


def _row(f: Feedback) -> dict[str, Any]:
    return {
        "id": f.pk,
        "code": f.code,
        "subject_kind": f.subject_kind,
        "title": f.title,
        "status": f.status,
        "status_label": str(FeedbackStatus(f.status).label),
        "category": f.category,
        "handling_unit": _unit(f.handling_unit),
        "received_at": f.received_at,
        "due": _due(f),
        "repeated_of": f.duplicate_of.code if f.duplicate_of_id and f.duplicate_of else None,
    }


def _staff(f: Feedback, user: User) -> dict[str, Any]:
    return {
        **_row(f),
        "subject_reference": f.subject_reference,
        "procedure_code": f.procedure.code if f.procedure else None,
        "dossier_code": f.dossier.code if f.dossier else None,
        "unit": _unit(f.unit),
        "content": f.content,
        "sender_name": f.sender_name,
        "sender_phone": f.sender_phone,
        "sender_email": f.sender_email,
        **{
            name: getattr(f, name)
            for name in (
                "refuse_due_at",
                "info_due_at",
                "answer_due_at",
                "publish_due_at",
                "routed_at",
                "refused_at",
                "refusal_reason",
                "info_requested_at",
                "info_request",
                "info_provided_at",
                "info_reply",
                "answered_at",
                "answer",
                "substantiated",
                "published_at",
                "likes",
                "dislikes",
            )
        },
        "repeats": list(f.repeats.order_by("received_at").values_list("code", flat=True)),
        "can_handle": feedback_can_handle(user, f),
    }


def _not_published() -> Status[object]:
    return error(404, "feedback_not_found", _("Không tìm thấy câu trả lời đã công khai."))


def _not_found() -> Status[object]:
    return error(404, "feedback_not_found", _("Không tìm thấy phản ánh, kiến nghị."))


def _track_limited(request: HttpRequest) -> Status[object] | None:
    """The portal's tracking budget per client address (the same counter: the two faces share it)."""
    window = int(setting("MOTCUA_FEEDBACK_TRACK_WINDOW"))
    if hit("track", client_ip(request), limit=int(setting("MOTCUA_FEEDBACK_TRACK_LIMIT")), window=window):
        message = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.") % {
            "minutes": max(1, window // 60)
        }
        return error(429, "rate_limited", message)
    return None


def _current_unit(code: str | None) -> OrgUnit | None:
    if not code:
        return None
    return orgunit_current_units().filter(code=code.strip().upper()).first()


def _unit_not_found(code: str) -> Status[object]:
    return error(422, "unit_not_found", _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code})


PUBLIC_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
STAFF_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# -- staff handling (registered first: ``/handling`` must win over ``/{code}``) --------------------------


@router.get(
    "/handling/tabs",
    response={200: list[TabOut], 403: ErrorOut},
    auth=READ,
    summary="Staff: the PAKN queue's tabs with their counts",
)
def feedback_tabs_api(request: HttpRequest) -> Status[object]:
    user = user_of(request)
    if (refused := staff_only(user)) is not None:
        return refused
    units = key_unit_ids(request)
    if units is None:
        counts = selectors.feedback_queue_counts(user=user)
    else:  # a key limited to units: count within them (one query per tab)
        counts = {
            slug: selectors.feedback_queue(user=user, tab=slug).filter(handling_unit_id__in=units).count()
            for slug in TABS.values()
        }
    labels = {key: label for key, (label, _statuses) in selectors.QUEUE_TABS.items()}
    return Status(
        200, [{"key": tab, "label": str(labels[slug]), "count": counts[slug]} for tab, slug in TABS.items()]
    )


@router.get(
    "/handling",
    response=list[FeedbackStaffRowOut],
    auth=READ,
    summary="Staff: the PAKN of my units in one tab of the queue",
)
@paginate(PageNumberPagination, page_size=20)
def feedback_queue_api(request: HttpRequest, filters: Query[StaffFilter]) -> Any:
    """Most urgent first (by answer due); ``done`` newest first. Only the PAKN handled by the caller's
    units (leaders: their subtree; the province administrator and the inspector: all). A citizen sees none."""
    rows = selectors.feedback_queue(user=user_of(request), tab=TABS[filters.tab])
    units = key_unit_ids(request)
    if units is not None:
        rows = rows.filter(handling_unit_id__in=units)
    return PageHook(rows.select_related("duplicate_of"), lambda page: [_row(f) for f in page])


@router.get(
    "/handling/{feedback_id}",
    response={200: FeedbackStaffOut, **STAFF_ERRORS},
    auth=READ,
    summary="Staff: one PAKN with the sender's contact",
)
def feedback_staff_get_api(request: HttpRequest, feedback_id: Id) -> Status[object]:
    user = user_of(request)
    f = _staff_feedback(request, user, feedback_id)
    if f is None:
        return _not_found()
    return Status(200, _staff(f, user))


def _staff_feedback(request: HttpRequest, user: User, feedback_id: int) -> Feedback | None:
    """A PAKN the caller may see, within the units of the request's API key when it is limited to some."""
    f = selectors.feedback_get_for_user(user=user, pk=feedback_id)
    units = key_unit_ids(request)
    if f is None or (units is not None and f.handling_unit_id not in units):
        return None
    return f


def _handle(request: HttpRequest, feedback_id: Id, run: Any) -> Status[object]:
    """Find the PAKN among the caller's (404 otherwise), run one handling service, answer the result."""
    user = user_of(request)
    f = _staff_feedback(request, user, feedback_id)
    if f is None:
        return _not_found()
    try:
        run(f, user)
    except FeedbackError as exc:
        return rule_error(exc)
    f = selectors.feedback_get_for_user(user=user, pk=feedback_id) or f
    return Status(200, _staff(f, user))


STAFF_ACTION = {200: FeedbackStaffOut, **STAFF_ERRORS}


@router.post(
    "/handling/{feedback_id}/route",
    response=STAFF_ACTION,
    auth=WRITE,
    summary="Staff: classify a PAKN and route it (to another unit if given)",
)
def feedback_route_api(request: HttpRequest, feedback_id: Id, payload: FeedbackRouteIn) -> Status[object]:
    unit = _current_unit(payload.unit_code)
    if payload.unit_code and unit is None:
        return _unit_not_found(payload.unit_code)
    return _handle(
        request,
        feedback_id,
        lambda f, u: feedback_route(feedback=f, officer=u, category=payload.category.value, unit=unit),
    )


@router.post(
    "/handling/{feedback_id}/refuse",
    response=STAFF_ACTION,
    auth=WRITE,
    summary="Staff: refuse to handle a PAKN, with the reason",
)
def feedback_refuse_api(request: HttpRequest, feedback_id: Id, payload: RefuseIn) -> Status[object]:
    return _handle(
        request, feedback_id, lambda f, u: feedback_refuse(feedback=f, officer=u, reason=payload.reason)
    )


@router.post(
    "/handling/{feedback_id}/request-info",
    response=STAFF_ACTION,
    auth=WRITE,
    summary="Staff: ask the sender for more information (once)",
)
def feedback_request_info_api(
    request: HttpRequest, feedback_id: Id, payload: RequestInfoIn
) -> Status[object]:
    return _handle(
        request,
        feedback_id,
        lambda f, u: feedback_request_info(feedback=f, officer=u, request=payload.request),
    )


@router.post(
    "/handling/{feedback_id}/answer", response=STAFF_ACTION, auth=WRITE, summary="Staff: answer a PAKN"
)
def feedback_answer_api(request: HttpRequest, feedback_id: Id, payload: AnswerIn) -> Status[object]:
    return _handle(
        request,
        feedback_id,
        lambda f, u: feedback_answer(
            feedback=f, officer=u, answer=payload.answer, substantiated=payload.substantiated
        ),
    )


@router.post(
    "/handling/{feedback_id}/publish",
    response=STAFF_ACTION,
    auth=WRITE,
    summary="Staff: publish the answer on the portal",
)
def feedback_publish_api(request: HttpRequest, feedback_id: Id) -> Status[object]:
    return _handle(request, feedback_id, lambda f, u: feedback_publish(feedback=f, officer=u))


@router.post(
    "/handling/{feedback_id}/duplicate",
    response=STAFF_ACTION,
    auth=WRITE,
    summary="Staff: mark a PAKN as repeating an earlier one",
)
def feedback_duplicate_api(request: HttpRequest, feedback_id: Id, payload: DuplicateIn) -> Status[object]:
    return _handle(
        request,
        feedback_id,
        lambda f, u: feedback_mark_duplicate(feedback=f, officer=u, original_code=payload.original_code),
    )


# -- evaluation through a signed link (registered before ``/{code}``) ------------------------------------


def _score(dossier: Dossier) -> dict[str, Any]:
    result = criteria.score(dossier)
    return {
        "total": result.total,
        "max_total": result.max_total,
        "scored": result.scored,
        "band": result.band,
        "band_label": result.band_label,
        "criteria": [
            {"code": c.code, "label": c.label, "points": c.points, "reason": c.reason}
            for c in result.criteria
        ],
    }


def _evaluation(evaluation: Evaluation | None) -> dict[str, Any] | None:
    if evaluation is None:
        return None
    return {
        "satisfaction": evaluation.satisfaction,
        "satisfaction_label": str(Satisfaction(evaluation.satisfaction).label),
        "comment": evaluation.comment,
        "channel": evaluation.channel,
        "given_at": evaluation.given_at,
        "edited_at": evaluation.edited_at,
        "editable_until": evaluation_editable_until(evaluation),
        "votes": selectors.evaluation_vote_map(evaluation),
    }


def _evaluation_view(dossier: Dossier, *, may_edit: bool) -> dict[str, Any]:
    evaluation = selectors.evaluation_for_dossier(dossier)
    return {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "status": dossier.status,
        "can_give": evaluation is None and dossier.status == DossierStatus.RETURNED,
        "can_edit": may_edit and selectors.evaluation_can_edit(evaluation),
        "evaluation": _evaluation(evaluation),
        "targets": [
            {
                "key": t.key,
                "kind": "unit" if t.officer_id is None else "officer",
                "label": t.label,
                "unit_name": t.unit_name,
            }
            for t in evaluation_targets(dossier)
        ],
        "score": _score(dossier),
    }


def _link_dossier(token: str) -> Dossier:
    claim = read_token(token)  # EvaluationNotAllowed (409) for a bad or expired link
    dossier = selectors.evaluation_link_dossier(claim.dossier_id)
    if dossier is None:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    return dossier


LINK_ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get(
    "/evaluation-links/{token}",
    response={200: DossierEvaluationOut, **LINK_ERRORS},
    summary="What a signed evaluation link (email, SMS, counter tablet) lets one rate",
)
def evaluation_link_get_api(request: HttpRequest, token: str) -> Status[object]:
    try:
        dossier = _link_dossier(token)
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _evaluation_view(dossier, may_edit=False))


@router.post(
    "/evaluation-links/{token}",
    response={201: DossierEvaluationOut, **LINK_ERRORS},
    summary="Give a returned dossier's evaluation through a signed link (once)",
)
def evaluation_link_give_api(request: HttpRequest, token: str, payload: EvaluationIn) -> Status[object]:
    try:
        dossier = _link_dossier(token)
        evaluation_give(dossier=dossier, token=token, **_evaluation_args(payload))
    except DossierError as exc:
        return rule_error(exc)
    return Status(201, _evaluation_view(dossier, may_edit=False))


def _evaluation_args(payload: EvaluationIn) -> dict[str, Any]:
    return {
        "satisfaction": payload.satisfaction.value,
        "comment": payload.comment,
        "votes": {key: vote.value for key, vote in payload.votes.items()},
    }


# -- public PAKN ---------------------------------------------------------------------------------------


@router.get("", response=list[FeedbackPublicOut], summary="Search the published answers")
@paginate(PageNumberPagination, page_size=10)
def feedback_public_list_api(request: HttpRequest, filters: Query[PublicFilter]) -> Any:
    """Newest first; ``q`` matches without diacritics, every word. The sender is never shown."""
    return PageHook(selectors.feedback_public_list(q=filters.q), lambda page: [_public(f) for f in page])


@router.post(
    "",
    response={201: FeedbackSentOut, 422: ErrorOut, 429: ErrorOut},
    summary="Send feedback or a complaint (PAKN)",
)
def feedback_submit_api(request: HttpRequest, payload: FeedbackIn) -> Status[object]:
    """No login. Answers the tracking code; keep it with the phone or email to follow the PAKN. Limited per
    client address (the portal's limit, shared). The contact is personal data: never published."""
    unit = _current_unit(payload.unit_code)
    if payload.unit_code and unit is None:
        return _unit_not_found(payload.unit_code)
    try:
        f = feedback_submit(
            subject_kind=payload.subject_kind.value,
            reference=payload.reference,
            unit=unit,
            title=payload.title,
            content=payload.content,
            sender_name=payload.sender_name,
            phone=payload.phone,
            email=payload.email,
            consent=payload.consent,
            client=client_ip(request),
        )
    except FeedbackError as exc:
        return rule_error(exc)
    return Status(
        201,
        {
            "code": f.code,
            "status": f.status,
            "status_label": str(FeedbackStatus(f.status).label),
            "handling_unit": _unit(f.handling_unit),
            "received_at": f.received_at,
            "answer_due_at": f.answer_due_at,
        },
    )


@router.post(
    "/track",
    response={200: FeedbackTrackOut, **PUBLIC_ERRORS},
    summary="Follow my PAKN with its code and my phone or email",
)
def feedback_track_api(request: HttpRequest, payload: TrackIn) -> Status[object]:
    """A POST so that the contact stays out of URLs and logs. An unknown code and a wrong contact get the
    same 404."""
    if (limited := _track_limited(request)) is not None:
        return limited
    f = selectors.feedback_track(code=payload.code, contact=payload.contact)
    if f is None:
        return error(
            404, "feedback_not_found", _("Không tìm thấy phản ánh với mã và thông tin liên hệ đã nhập.")
        )
    return Status(200, _tracked(f))


@router.get("/{code}", response={200: FeedbackPublicOut, 404: ErrorOut}, summary="One published answer")
def feedback_public_get_api(request: HttpRequest, code: str) -> Status[object]:
    f = selectors.feedback_public_get(code)
    return Status(200, _public(f)) if f is not None else _not_published()


@router.post(
    "/{code}/reply",
    response={200: FeedbackTrackOut, **PUBLIC_ERRORS},
    summary="Send the information the agency asked for",
)
def feedback_reply_api(request: HttpRequest, code: str, payload: ReplyIn) -> Status[object]:
    """Proved by the code and the contact given with the PAKN; the answer's clock restarts."""
    if (limited := _track_limited(request)) is not None:
        return limited
    try:
        f = feedback_provide_info(code=code.strip().upper(), contact=payload.contact, reply=payload.reply)
    except FeedbackError as exc:
        return rule_error(exc)
    return Status(200, _tracked(f))


@router.post(
    "/{code}/vote",
    response={200: VotesOut, **PUBLIC_ERRORS},
    auth=WRITE,
    summary="Like or dislike a published answer (once per account)",
)
def feedback_vote_api(request: HttpRequest, code: str, payload: VoteIn) -> Status[object]:
    """The portal counts one vote per browser; the API one per account (a keyed digest of it, never the
    account itself, is what is stored)."""
    f = selectors.feedback_public_get(code)
    if f is None:
        return _not_published()
    user = user_of(request)
    voter = hashlib.sha256(f"motcua_pakn_api:{settings.SECRET_KEY}:{user.pk}".encode()).hexdigest()
    try:
        f = feedback_react(feedback=f, voter=voter, vote=payload.vote.value, client=client_ip(request))
    except FeedbackError as exc:
        return rule_error(exc)
    return Status(200, {"code": f.code, "likes": f.likes, "dislikes": f.dislikes})


# -- the applicant's evaluation of their dossier (mounted under /dossiers) -------------------------------


def _own_dossier(request: HttpRequest, user: User, ref: str) -> Dossier:
    """The caller's own dossier by code (or a draft's id); anyone else's is "not found", staff included."""
    dossier = dossier_get_by_ref(user=user, ref=ref)
    if dossier.applicant_id != user.pk:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    key_dossier_check(request, dossier)
    return dossier


EVALUATION_ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@evaluation_router.get(
    "/{ref}/evaluation",
    response={200: DossierEvaluationOut, **EVALUATION_ERRORS},
    auth=READ,
    summary="My returned dossier's evaluation, what I may rate, the nine criteria",
)
def evaluation_get_api(request: HttpRequest, ref: str) -> Status[object]:
    try:
        dossier = _own_dossier(request, user_of(request), ref)
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _evaluation_view(dossier, may_edit=True))


@evaluation_router.post(
    "/{ref}/evaluation",
    response={200: DossierEvaluationOut, 201: DossierEvaluationOut, **EVALUATION_ERRORS},
    auth=WRITE,
    summary="Rate my returned dossier (or change my rating within the window)",
)
def evaluation_give_api(request: HttpRequest, ref: str, payload: EvaluationIn) -> Status[object]:
    """201 when the evaluation is given, 200 when it is changed (within ``MOTCUA_EVALUATION_EDIT_HOURS``).
    Once per dossier; only its applicant; only once the result is returned."""
    user = user_of(request)
    try:
        dossier = _own_dossier(request, user, ref)
        if selectors.evaluation_for_dossier(dossier) is None:
            evaluation_give(dossier=dossier, actor=user, **_evaluation_args(payload))
            status = 201
        else:
            evaluation_edit(dossier=dossier, actor=user, **_evaluation_args(payload))
            status = 200
    except DossierError as exc:
        return rule_error(exc)
    return Status(status, _evaluation_view(dossier, may_edit=True))


@evaluation_router.post(
    "/{ref}/evaluation-link",
    response={201: EvaluationLinkOut, **EVALUATION_ERRORS},
    auth=WRITE,
    summary="Staff: a one-use evaluation link for the counter tablet",
)
def evaluation_link_issue_api(request: HttpRequest, ref: str) -> Status[object]:
    """For a returned dossier the caller may see and that is not yet rated (the back office's tablet page)."""
    user = user_of(request)
    if (refused := staff_only(user)) is not None:
        return refused
    try:
        dossier = dossier_get_for_user(user=user, code=ref.strip().upper())
        key_dossier_check(request, dossier)
        token = evaluation_link_issue(dossier=dossier, channel="kiosk", actor=user)
    except DossierError as exc:
        return rule_error(exc)
    url = request.build_absolute_uri(reverse("evaluation_link", args=[token]))
    return Status(201, {"token": token, "url": url})
