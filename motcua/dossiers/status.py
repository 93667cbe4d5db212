"""Dossier statuses and the one table of allowed transitions.

Every change of ``Dossier.status`` goes through ``motcua.dossiers.services.transition.apply_transition``,
which checks this table; each use case (``dossier_receive``, ``dossier_decide``…) is one service.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    AWAITING_INTAKE = "awaiting_intake", _("Chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung")
    SUSPENDED = "suspended", _("Tạm dừng")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    STOPPED = "stopped", _("Dừng xử lý theo yêu cầu")
    CLOSED = "closed", _("Đóng do quá hạn bổ sung")


class DossierAction(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    ROUTE = "route", _("Chuyển xử lý")
    ASSIGN = "assign", _("Phân công")
    FORWARD = "forward", _("Chuyển bước")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    HAND_OVER = "hand_over", _("Chuyển liên thông")
    HAND_BACK = "hand_back", _("Trả kết quả liên thông")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    SUSPEND = "suspend", _("Tạm dừng")
    RESUME = "resume", _("Tiếp tục xử lý")
    APOLOGISE = "apologise", _("Xin lỗi, hẹn lại")
    DECIDE = "decide", _("Quyết định")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Dừng theo yêu cầu")
    CLOSE = "close", _("Đóng hồ sơ")
    FEE_PAID = "fee_paid", _("Nộp phí, lệ phí")
    RESULT_ISSUED = "result_issued", _("Ban hành kết quả điện tử")
    #: The history that follows was imported from an earlier system (``motcua import_history``); an import
    #: event later in the history means the source changed the dossier: what follows replaces what came before.
    IMPORT = "import", _("Nhập lịch sử từ hệ thống khác")


S = DossierStatus
A = DossierAction

#: States in which the dossier is still open (counted as "in progress" by the reports).
OPEN_STATES: frozenset[str] = frozenset(
    {S.AWAITING_INTAKE, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.SUSPENDED, S.RESULT_READY}
)
#: States reached when the dossier's story is over.
FINAL_STATES: frozenset[str] = frozenset({S.RETURNED, S.REFUSED, S.STOPPED, S.CLOSED})
#: States before a decision exists: the applicant may still stop the dossier.
BEFORE_DECISION: frozenset[str] = frozenset(
    {S.AWAITING_INTAKE, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.SUSPENDED}
)


#: States in which a fee may be paid (and the payment recorded on the dossier).
FEE_PAYABLE: frozenset[str] = frozenset(
    {S.AWAITING_INTAKE, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.SUSPENDED, S.RESULT_READY}
)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change (work inside a state, e.g. forward a step)


def _t(action: str, sources: set[str] | frozenset[str], target: str | None) -> Transition:
    return Transition(action, frozenset(sources), target)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(A.SUBMIT, {S.DRAFT}, S.AWAITING_INTAKE),
        _t(
            A.RECEIVE, {S.DRAFT, S.AWAITING_INTAKE}, S.RECEIVED
        ),  # DRAFT: a counter dossier is received at once
        _t(A.REFUSE, {S.AWAITING_INTAKE}, S.REFUSED),
        _t(A.ROUTE, {S.RECEIVED}, S.PROCESSING),
        _t(A.ASSIGN, {S.PROCESSING}, None),
        _t(A.FORWARD, {S.PROCESSING}, None),
        _t(A.SEND_BACK, {S.PROCESSING}, None),
        _t(A.HAND_OVER, {S.PROCESSING}, None),
        _t(A.HAND_BACK, {S.PROCESSING}, None),
        _t(A.REQUEST_SUPPLEMENT, {S.AWAITING_INTAKE, S.RECEIVED, S.PROCESSING}, S.AWAITING_SUPPLEMENT),
        _t(A.SUPPLEMENT, {S.AWAITING_SUPPLEMENT}, None),  # back to the state it was paused from
        _t(A.SUSPEND, {S.PROCESSING}, S.SUSPENDED),
        _t(A.RESUME, {S.SUSPENDED}, S.PROCESSING),
        _t(A.APOLOGISE, {S.RECEIVED, S.PROCESSING, S.SUSPENDED}, None),
        _t(A.DECIDE, {S.PROCESSING}, S.RESULT_READY),
        _t(A.RETURN_RESULT, {S.RESULT_READY}, S.RETURNED),
        _t(A.WITHDRAW, BEFORE_DECISION, S.STOPPED),
        _t(A.CLOSE, {S.AWAITING_SUPPLEMENT}, S.CLOSED),
        # Recorded by the payments app (a gateway's confirmed payment, or a counter receipt); the status
        # does not change. Not while a draft (nothing is due yet) nor after the story is over.
        _t(A.FEE_PAID, FEE_PAYABLE, None),
        # Recorded by the results app once the signed electronic result (or the certified scan of a paper
        # result) is in the registry; the status does not change.
        _t(A.RESULT_ISSUED, {S.RESULT_READY, S.RETURNED}, None),
    )
}


def allowed_actions(status: str) -> list[str]:
    """The actions the table allows from ``status`` (before role, unit and once-only checks)."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
