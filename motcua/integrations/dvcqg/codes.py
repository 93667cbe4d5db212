"""The code tables motcua and the national portal (Cổng DVCQG) exchange, both ways.

The status codes are modelled on the public DVCQG integration guidance ("TrangThaiHoSo" in the dossier
synchronisation service) and on OpenCPS's ``DossierStatusMapping``; they **must be checked against the
province's connection contract** before production (a different numbering only changes ``STATUS_LABELS``
and the two tables below). docs/architecture/dvcqg-sync.md shows the same table.

motcua → DVCQG: every status except ``draft`` has exactly one DVCQG code (``dvcqg_status_for``); a
suspension is "Đang xử lý" with the sub-status "Tạm dừng" (the portal has no code of its own for it).
DVCQG → motcua: each code names the motcua statuses it stands for (``motcua_statuses_for``); codes 6 and 7
are the portal's own (a payment request; the citizen's request to withdraw) and map to the status the
dossier keeps while they are pending.
"""

from __future__ import annotations

from enum import IntEnum

from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ApplicantKind, Channel
from motcua.dossiers.status import DossierAction, DossierStatus


class PortalStatus(IntEnum):
    NEW = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    NOT_RECEIVED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Yêu cầu bổ sung giấy tờ
    FINANCIAL_OBLIGATION = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAW_REQUEST = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    DONE = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


STATUS_LABELS: dict[int, object] = {
    PortalStatus.NEW: _("Mới đăng ký"),
    PortalStatus.RECEIVED: _("Được tiếp nhận"),
    PortalStatus.NOT_RECEIVED: _("Không được tiếp nhận"),
    PortalStatus.PROCESSING: _("Đang xử lý"),
    PortalStatus.SUPPLEMENT: _("Yêu cầu bổ sung giấy tờ"),
    PortalStatus.FINANCIAL_OBLIGATION: _("Yêu cầu thực hiện nghĩa vụ tài chính"),
    PortalStatus.WITHDRAW_REQUEST: _("Công dân yêu cầu rút hồ sơ"),
    PortalStatus.STOPPED: _("Dừng xử lý"),
    PortalStatus.DONE: _("Đã xử lý xong"),
    PortalStatus.RETURNED: _("Đã trả kết quả"),
}

S = DossierStatus

#: motcua status → DVCQG status code (every status a submitted dossier can be in).
TO_PORTAL: dict[str, PortalStatus] = {
    S.AWAITING_INTAKE: PortalStatus.NEW,
    S.RECEIVED: PortalStatus.RECEIVED,
    S.REFUSED: PortalStatus.NOT_RECEIVED,
    S.PROCESSING: PortalStatus.PROCESSING,
    S.SUSPENDED: PortalStatus.PROCESSING,
    S.AWAITING_SUPPLEMENT: PortalStatus.SUPPLEMENT,
    S.RESULT_READY: PortalStatus.DONE,
    S.RETURNED: PortalStatus.RETURNED,
    S.STOPPED: PortalStatus.STOPPED,
    S.CLOSED: PortalStatus.STOPPED,
}

#: DVCQG status code → the motcua statuses it stands for (the first is the one a dossier takes).
FROM_PORTAL: dict[PortalStatus, tuple[str, ...]] = {
    PortalStatus.NEW: (S.AWAITING_INTAKE,),
    PortalStatus.RECEIVED: (S.RECEIVED,),
    PortalStatus.NOT_RECEIVED: (S.REFUSED,),
    PortalStatus.PROCESSING: (S.PROCESSING, S.SUSPENDED),
    PortalStatus.SUPPLEMENT: (S.AWAITING_SUPPLEMENT,),
    # A payment request made on the portal: the dossier stays in processing until the fee is paid.
    PortalStatus.FINANCIAL_OBLIGATION: (S.PROCESSING,),
    # The citizen asked on the portal to withdraw: motcua records the stop itself (status "stopped") once
    # the one-stop officer handles the request; until then the dossier keeps its status.
    PortalStatus.WITHDRAW_REQUEST: (),
    PortalStatus.STOPPED: (S.STOPPED, S.CLOSED),
    PortalStatus.DONE: (S.RESULT_READY,),
    PortalStatus.RETURNED: (S.RETURNED,),
}

#: Sub-status sent with code 4 for a suspended dossier ("TrangThaiCon").
SUB_STATUS: dict[str, str] = {S.SUSPENDED: "TAM_DUNG", S.CLOSED: "DONG_QUA_HAN_BO_SUNG"}

A = DossierAction

#: Update kinds ("LoaiCapNhat"): a status change, the electronic result, a new appointment (apology).
KIND_STATUS = "trang_thai"
KIND_RESULT = "ket_qua"
KIND_APPOINTMENT = "hen_lai"
KINDS = (KIND_STATUS, KIND_RESULT, KIND_APPOINTMENT)

#: The dossier actions reported to the portal and the kind of update each makes. Work inside a state
#: (assign, forward, send back, hand over and back between agencies) is the province's internal process
#: and is not reported: the portal shows "Đang xử lý" throughout; a fee payment is not a status change.
REPORTED_ACTIONS: dict[str, str] = {
    A.SUBMIT: KIND_STATUS,
    A.RECEIVE: KIND_STATUS,
    A.REFUSE: KIND_STATUS,
    A.ROUTE: KIND_STATUS,
    A.REQUEST_SUPPLEMENT: KIND_STATUS,
    A.SUPPLEMENT: KIND_STATUS,
    A.SUSPEND: KIND_STATUS,
    A.RESUME: KIND_STATUS,
    A.DECIDE: KIND_STATUS,
    A.RETURN_RESULT: KIND_STATUS,
    A.WITHDRAW: KIND_STATUS,
    A.CLOSE: KIND_STATUS,
    A.RESULT_ISSUED: KIND_RESULT,
    A.APOLOGISE: KIND_APPOINTMENT,
}

#: "KenhThucHien": how the dossier was submitted.
CHANNEL_TO_PORTAL: dict[str, int] = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}
CHANNEL_FROM_PORTAL: dict[int, str] = {v: k for k, v in CHANNEL_TO_PORTAL.items()}

#: "LoaiDoiTuong": who applies.
APPLICANT_TO_PORTAL: dict[str, int] = {ApplicantKind.CITIZEN: 1, ApplicantKind.BUSINESS: 2}
APPLICANT_FROM_PORTAL: dict[int, str] = {v: k for k, v in APPLICANT_TO_PORTAL.items()}


def dvcqg_status_for(status: str) -> PortalStatus:
    """The DVCQG code of a motcua status; ``KeyError`` for ``draft`` (a draft is never reported)."""
    return TO_PORTAL[status]


def motcua_statuses_for(code: int) -> tuple[str, ...]:
    """The motcua statuses a DVCQG code stands for (empty for a request that changes no status);
    ``ValueError`` for a code the table does not know."""
    return FROM_PORTAL[PortalStatus(code)]


def status_label(code: int) -> str:
    label = STATUS_LABELS.get(code)
    return str(label) if label is not None else str(code)


def update_kind(action: str, to_status: str) -> str | None:
    """The kind of update an event makes, or None when the event is not reported."""
    if to_status not in TO_PORTAL:
        return None
    return REPORTED_ACTIONS.get(action)
