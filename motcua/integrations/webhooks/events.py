"""Which dossier events become webhook events, and what a receiver is told about each (no personal data).

One dossier event makes at most one webhook event. Its type comes from the dossier action: a dedicated type
for the moments client systems wait for (submitted, received, refused, result ready, result issued,
returned), ``dossier.status_changed`` for every other change of status (routed, supplement requested and
given, suspended, resumed, withdrawn, closed), ``dossier.step_changed`` for work between units inside
"processing", ``dossier.appointment_changed`` for a new due date (apology) and ``dossier.fee_paid``. Every
payload carries the status before and after, so a receiver that only follows statuses can subscribe to
every type and read ``dossier.status``.

Personal data never leaves in a webhook: no applicant or representative name, personal ID or tax code,
phone, email, address, form content, notes or reasons (free text may name people), nor staff names. A
receiver that needs the dossier's content asks the API with its own credentials, where access is checked
and logged. ``PAYLOAD_DOSSIER_KEYS`` is the whole list of what is sent; a test holds it to that.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.status import DossierAction

A = DossierAction

SUBMITTED = "dossier.submitted"
RECEIVED = "dossier.received"
REFUSED = "dossier.refused"
STATUS_CHANGED = "dossier.status_changed"
STEP_CHANGED = "dossier.step_changed"
APPOINTMENT_CHANGED = "dossier.appointment_changed"
FEE_PAID = "dossier.fee_paid"
RESULT_READY = "dossier.result_ready"
RESULT_ISSUED = "dossier.result_issued"
RETURNED = "dossier.returned"
#: The test event an administrator sends from the admin ("send test event"); never subscribed to.
PING = "ping"
#: In an endpoint's list: every dossier event type, present and future.
ALL = "*"

EVENT_TYPES: dict[str, Any] = {
    SUBMITTED: _("Hồ sơ được nộp trực tuyến"),
    RECEIVED: _("Hồ sơ được tiếp nhận"),
    REFUSED: _("Hồ sơ bị từ chối tiếp nhận"),
    STATUS_CHANGED: _("Hồ sơ đổi trạng thái (chuyển xử lý, bổ sung, tạm dừng, tiếp tục, dừng, đóng)"),
    STEP_CHANGED: _("Hồ sơ chuyển bước, chuyển liên thông"),
    APPOINTMENT_CHANGED: _("Hẹn lại ngày trả kết quả"),
    FEE_PAID: _("Đã nộp phí, lệ phí"),
    RESULT_READY: _("Có kết quả giải quyết, chờ trả"),
    RESULT_ISSUED: _("Ban hành kết quả điện tử"),
    RETURNED: _("Đã trả kết quả"),
}

#: Dossier action → webhook event type. Actions not here (assigning a person, imported history) make none.
ACTION_TYPES: dict[str, str] = {
    A.SUBMIT: SUBMITTED,
    A.RECEIVE: RECEIVED,
    A.REFUSE: REFUSED,
    A.ROUTE: STATUS_CHANGED,
    A.REQUEST_SUPPLEMENT: STATUS_CHANGED,
    A.SUPPLEMENT: STATUS_CHANGED,
    A.SUSPEND: STATUS_CHANGED,
    A.RESUME: STATUS_CHANGED,
    A.WITHDRAW: STATUS_CHANGED,
    A.CLOSE: STATUS_CHANGED,
    A.FORWARD: STEP_CHANGED,
    A.SEND_BACK: STEP_CHANGED,
    A.HAND_OVER: STEP_CHANGED,
    A.HAND_BACK: STEP_CHANGED,
    A.APOLOGISE: APPOINTMENT_CHANGED,
    A.FEE_PAID: FEE_PAID,
    A.DECIDE: RESULT_READY,
    A.RESULT_ISSUED: RESULT_ISSUED,
    A.RETURN_RESULT: RETURNED,
}

#: Everything ``payload["dossier"]`` may hold (docs/api/webhooks.md, "Payload").
PAYLOAD_DOSSIER_KEYS = frozenset(
    {
        "code", "sequence", "action", "status", "previous_status", "channel", "applicant_kind",
        "procedure_code", "unit_code", "receiving_unit_code", "step", "step_unit_code", "submitted_at",
        "received_at", "due_at", "finished_at", "returned_at", "decision", "fee_status",
    }
)  # fmt: skip

_NAMESPACE = uuid.UUID("7d3f4c52-8e0b-5a57-9d1e-6f0a2b9c4e11")


def event_type_for(action: str) -> str | None:
    return ACTION_TYPES.get(action)


def validate_event_types(value: object) -> list[str]:
    """The list as stored (known types, each once, in the table's order); ``ValueError`` naming the
    first unknown entry, or when the list is empty or not a list of strings."""
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("event_types must be a non-empty list")
    chosen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or (item != ALL and item not in EVENT_TYPES):
            raise ValueError(f"unknown event type: {item!r}")
        chosen.add(item)
    if ALL in chosen:
        return [ALL]
    return [t for t in EVENT_TYPES if t in chosen]


def subscribed(event_types: list[str], event_type: str) -> bool:
    return ALL in event_types or event_type in event_types


def event_id(event: DossierEvent) -> str:
    """The event's id, the same whenever it is computed (a UUID named by the dossier and the event's place
    in its history), and the same for every endpoint — it does not reveal the internal row ids."""
    return str(uuid.uuid5(_NAMESPACE, f"dossier-event:{event.dossier_id}:{event.seq}"))


def iso(value: dt.datetime | None) -> str | None:
    """Local time (Asia/Ho_Chi_Minh) with its offset, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def dossier_payload(dossier: Dossier, event: DossierEvent, event_type: str) -> dict[str, Any]:
    """What a receiver is told about ``event`` (the dossier as it stands after it). Pure: the dossier
    comes locked with its procedure version and units (``services.common.lock_dossier``)."""
    moved = event_type == STEP_CHANGED
    return {
        "id": event_id(event),
        "type": event_type,
        "occurred_at": iso(event.occurred_at),
        "dossier": {
            "code": dossier.code,
            "sequence": event.seq,
            "action": event.action,
            "status": event.to_status or dossier.status,
            "previous_status": event.from_status,
            "channel": dossier.channel,
            "applicant_kind": dossier.applicant_kind,
            "procedure_code": dossier.procedure_version.code,
            "unit_code": dossier.resolving_unit.code,
            "receiving_unit_code": dossier.receiving_point.code,
            "step": event.to_step if moved else "",
            "step_unit_code": event.unit_code if moved else "",
            "submitted_at": iso(dossier.submitted_at),
            "received_at": iso(dossier.received_at),
            "due_at": iso(dossier.due_at),
            "finished_at": iso(dossier.finished_at),
            "returned_at": iso(dossier.returned_at),
            "decision": dossier.decision,
            "fee_status": dossier.fee_status,
        },
    }


def ping_payload(*, event_id: str, at: dt.datetime, endpoint_name: str) -> dict[str, Any]:
    return {"id": event_id, "type": PING, "occurred_at": iso(at), "endpoint": {"name": endpoint_name}}
