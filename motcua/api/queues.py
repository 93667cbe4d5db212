"""The officer's work queues over HTTP, like the back office's ``/can-bo/ho-so/`` (staff only).

- ``GET ""``: every queue with its count (one aggregate query), in the back office's order;
- ``GET /{queue}``: one page of a queue, most urgent first, each dossier with its open step and the working
  time left on the dossier and on the step. ``all`` with ``q`` is the staff dossier search (every word,
  without diacritics, in the code, the applicant's name, personal ID or tax code, the procedure's name).

Queues: ``intake``, ``mine``, ``due_soon``, ``overdue``, ``supplement``, ``inter_in``, ``inter_out``,
``result``, ``all`` (see ``motcua.dossiers.selectors``). Only dossiers the caller may see are ever counted
or listed. A caller who is not staff gets 403 ``staff_only`` for the counts and an empty page.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import AccountKind
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.selectors import (
    QUEUE_KEYS,
    QUEUES,
    QueueClock,
    QueueFilters,
    TimeLeft,
    dossier_queue,
    dossier_queue_counts,
    dossier_time_left,
    queue_clock,
    step_time_left,
)
from motcua.dossiers.status import DossierStatus

from .auth import api_auth, key_dossiers, key_unit_ids
from .conventions import ErrorOut, PageHook, staff_only, user_of
from .dossiers import DossierSummaryOut
from .schemas import PageNumberPagination

router = Router(auth=api_auth("dossiers:read"))


class QueueKey(StrEnum):
    """The queues of ``motcua.dossiers.selectors.QUEUES`` (checked against them at import)."""

    INTAKE = "intake"
    MINE = "mine"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUPPLEMENT = "supplement"
    INTER_IN = "inter_in"
    INTER_OUT = "inter_out"
    RESULT = "result"
    ALL = "all"


if tuple(QueueKey) != QUEUE_KEYS:  # pragma: no cover - a new queue must be named here too
    raise ImportError(f"motcua.api.queues.QueueKey differs from the queues {QUEUE_KEYS}")


class QueueOut(Schema):
    key: str
    label: str
    description: str
    count: int


class TimeLeftOut(Schema):
    """The working time left on a due moment, now."""

    state: str = Field(description="none, paused, done, ok, soon (trong 1 ngày làm việc) hoặc late")
    label: str = Field(description="Bằng lời, ví dụ “còn 2 ngày 3 giờ làm việc”")
    working_seconds: int = Field(description="Thời gian làm việc còn lại (hoặc đã quá, khi late), giây")
    outcome: str = Field(description="early, on_time hoặc late khi đã kết thúc")


class QueueStepOut(Schema):
    seq: int
    step_code: str
    name: str
    unit_code: str
    unit_name: str
    role: str
    assignee: str | None = Field(description="Họ tên người được giao; null: chưa giao")
    inter_agency: bool
    started_at: dt.datetime
    due_at: dt.datetime | None
    time_left: TimeLeftOut


class QueueDossierOut(DossierSummaryOut):
    applicant_name: str
    open_step: QueueStepOut | None
    time_left: TimeLeftOut


class QueueFilter(Schema):
    q: str = Field(
        "", max_length=200, description="Tìm không dấu: mã hồ sơ, tên, số định danh người nộp, tên thủ tục"
    )
    procedure: str = Field("", max_length=50, description="Mã thủ tục")
    status: DossierStatus | None = Field(None, description="Chỉ hồ sơ ở trạng thái này")


def _left(left: TimeLeft) -> dict[str, Any]:
    return {
        "state": left.state,
        "label": left.label,
        "working_seconds": int(left.working.total_seconds()),
        "outcome": left.outcome,
    }


def _step(step: DossierStep, dossier: Dossier, clock: QueueClock) -> dict[str, Any]:
    return {
        "seq": step.seq,
        "step_code": step.step_code,
        "name": step.name,
        "unit_code": step.unit.code,
        "unit_name": step.unit.name,
        "role": step.role,
        "assignee": (step.assignee.full_name or step.assignee.get_username()) if step.assignee else None,
        "inter_agency": step.inter_agency,
        "started_at": step.started_at,
        "due_at": step.due_at,
        "time_left": _left(step_time_left(step, dossier=dossier, clock=clock)),
    }


def _rows(dossiers: list[Dossier], clock: QueueClock) -> list[Dossier]:
    for dossier in dossiers:
        steps = getattr(dossier, "open_steps", None)  # prefetched by the queue selector
        dossier.open_step = _step(steps[0], dossier, clock) if steps else None  # type: ignore[attr-defined]
        dossier.time_left = _left(dossier_time_left(dossier, clock=clock))  # type: ignore[attr-defined]
    return dossiers


@router.get(
    "", response={200: list[QueueOut], 403: ErrorOut}, summary="Staff: my work queues with their counts"
)
def queue_list_api(request: HttpRequest) -> Status[object]:
    user = user_of(request)
    if (refused := staff_only(user)) is not None:
        return refused
    clock = queue_clock()
    if key_unit_ids(request) is None:
        counts = dossier_queue_counts(user=user, clock=clock)
    else:  # a key limited to units: count each queue within them
        counts = {
            key: key_dossiers(request, dossier_queue(user=user, queue=key, clock=clock)).count()
            for key in QUEUE_KEYS
        }
    return Status(
        200,
        [
            {"key": q.key, "label": str(q.label), "description": str(q.description), "count": counts[q.key]}
            for q in QUEUES
        ],
    )


@router.get(
    "/{queue}", response=list[QueueDossierOut], summary="Staff: one page of a work queue (and dossier search)"
)
@paginate(PageNumberPagination, page_size=25)
def queue_page_api(
    request: HttpRequest,
    filters: Query[QueueFilter],
    queue: QueueKey,
) -> Any:
    """Most urgent first (by due moment; ``intake`` by submission, ``all`` newest first). Empty for a
    caller who is not staff."""
    user = user_of(request)
    if user.kind != AccountKind.STAFF:
        return []
    clock = queue_clock()
    status = filters.status.value if filters.status else ""
    rows = dossier_queue(
        user=user,
        queue=queue.value,
        clock=clock,
        filters=QueueFilters(q=filters.q.strip(), procedure=filters.procedure.strip().upper(), status=status),
    )
    return PageHook(key_dossiers(request, rows), lambda page: _rows(page, clock))
