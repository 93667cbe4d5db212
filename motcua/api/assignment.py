"""Assigning steps to specialists over HTTP (issue #10), like the back office's "Phân công" on a dossier and
its bulk assignment in the queue.

``dossier_router`` (mounted at ``/api/v1/dossiers``):

- ``GET /{ref}/assignees``: whom the open step may be given to (the staff of the step's unit), for those
  who may assign it now;
- ``POST /{ref}/assign``: give the open step to one of them (``dossier_assign``); answers the dossier's
  state after it, like every staff action (``DossierActionOut``, with ``version``).

``router`` (mounted at ``/api/v1/assignments``):

- ``GET /assignees``: the staff of the units the caller leads (division head, agency leader);
- ``POST /``: give the open steps of several dossiers (by code, at most 200) to one of them
  (``dossier_assign_many``): each dossier on its own, so one refusal does not undo the others; the answer
  lists what was assigned, what was refused (with the code and reason) and the codes not found.

Both need ``dossiers:process`` (a key: only dossiers of its units; another unit's is "not found"). The
services decide who may assign (leaders of the step's unit, the province administrator).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.dossiers.access import dossier_require, dossier_visible_queryset
from motcua.dossiers.errors import DossierError, InvalidDossierInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.portal_selectors import dossier_get_by_ref
from motcua.dossiers.selectors import bulk_assignee_options, dossier_assignee_options
from motcua.dossiers.services import dossier_assign, dossier_assign_many
from motcua.dossiers.status import DossierAction

from .auth import api_auth, key_dossier_check, key_dossiers
from .conventions import ErrorOut, error, rule_error, staff_only, user_of
from .dossiers import ACTION, ACTION_DOC, ERROR_DOC, VersionIn, _act
from .schemas import ApiIn, Id

router = Router(auth=api_auth("dossiers:process"))
dossier_router = Router(auth=api_auth("dossiers:process"))

#: Most dossiers one bulk assignment takes (the queue's page).
MAX_BULK = 200


class AssigneeOut(Schema):
    id: int
    username: str
    full_name: str


class AssignIn(VersionIn):
    assignee_id: Id = Field(description="Cán bộ nhận bước đang xử lý (một trong `GET …/assignees`)")


class BulkAssignIn(ApiIn):
    dossiers: list[str] = Field(min_length=1, max_length=MAX_BULK, description="Mã các hồ sơ")
    assignee_id: Id = Field(description="Cán bộ được phân công (một trong `GET /assignments/assignees`)")


class RefusedOut(Schema):
    dossier: str = Field(description="Mã hồ sơ")
    code: str = Field(description="Mã lỗi ổn định, ví dụ `action_not_allowed`, `assignee_not_in_unit`")
    message: str


class BulkAssignOut(Schema):
    assignee_id: int
    assigned: list[str] = Field(description="Mã các hồ sơ đã phân công")
    refused: list[RefusedOut] = Field(description="Hồ sơ không phân công được, với lý do")
    not_found: list[str] = Field(description="Mã không tìm thấy hoặc không được xem")


def _people(users: Any) -> list[dict[str, Any]]:
    return [{"id": u.pk, "username": u.username, "full_name": u.full_name} for u in users]


def _assignee_invalid() -> InvalidDossierInput:
    return InvalidDossierInput(
        _("Cán bộ được chọn không thuộc đơn vị đang xử lý bước này."), code="assignee_invalid"
    )


# -- one dossier ---------------------------------------------------------------------------------------


@dossier_router.get(
    "/{ref}/assignees",
    response={200: list[AssigneeOut], 403: ErrorOut, 404: ErrorOut},
    summary="Whom the open step of a dossier may be assigned to",
    description=f"Cán bộ của đơn vị đang xử lý bước; chỉ cho người được phân công lúc này (403 "
    f"`action_not_allowed`).\n\n{ERROR_DOC}",
)
def assignees_api(request: HttpRequest, ref: str) -> Status[object]:
    user = user_of(request)
    try:
        dossier = dossier_get_by_ref(user=user, ref=ref)
        key_dossier_check(request, dossier)
        dossier_require(user, dossier, DossierAction.ASSIGN)
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _people(dossier_assignee_options(dossier=dossier)))


@dossier_router.post(
    "/{ref}/assign",
    response=ACTION,
    summary="Assign the open step to a member of its unit",
    description=f"422 `assignee_invalid` cho người không thuộc đơn vị của bước.\n\n{ACTION_DOC}\n\n{ERROR_DOC}",
)
def assign_api(request: HttpRequest, ref: str, payload: AssignIn) -> Status[object]:
    def run(dossier: Dossier, user: User) -> Dossier:
        assignee = dossier_assignee_options(dossier=dossier).filter(pk=payload.assignee_id).first()
        if assignee is None:
            dossier_require(user, dossier, DossierAction.ASSIGN)  # who may not assign hears that first
            raise _assignee_invalid()
        return dossier_assign(
            dossier=dossier, actor=user, assignee=assignee, expected_version=payload.expected_version
        )

    return _act(request, ref, run)


# -- bulk ----------------------------------------------------------------------------------------------


@router.get(
    "/assignees",
    response={200: list[AssigneeOut], 403: ErrorOut},
    summary="Staff of the units I lead (whom I may assign steps to)",
)
def bulk_assignees_api(request: HttpRequest) -> Status[object]:
    """Empty for who leads no unit."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    return Status(200, _people(bulk_assignee_options(user=user)))


@router.post(
    "",
    response={200: BulkAssignOut, 403: ErrorOut, 422: ErrorOut},
    summary="Assign the open steps of several dossiers to one officer",
)
def bulk_assign_api(request: HttpRequest, payload: BulkAssignIn) -> Status[object]:
    """Each dossier on its own (a refusal does not undo the others). 422 ``assignee_invalid`` when the
    officer is not on the staff of a unit the caller leads (nothing assigned)."""
    user = user_of(request)
    refused = staff_only(user)
    if refused is not None:
        return refused
    assignee = bulk_assignee_options(user=user).filter(pk=payload.assignee_id).first()
    if assignee is None:
        return error(
            422,
            "assignee_invalid",
            _("Hãy chọn người được phân công thuộc đơn vị bạn phụ trách."),
        )
    refs = list(dict.fromkeys(ref.strip().upper() for ref in payload.dossiers if ref.strip()))
    found = {d.code: d for d in key_dossiers(request, dossier_visible_queryset(user).filter(code__in=refs))}
    dossiers = [found[ref] for ref in refs if ref in found]
    result = dossier_assign_many(dossiers=dossiers, actor=user, assignee=assignee)
    return Status(
        200,
        {
            "assignee_id": assignee.pk,
            "assigned": result.assigned,
            "refused": [
                {"dossier": code, "code": result.refused_codes.get(code, "dossier_error"), "message": message}
                for code, message in result.refused.items()
            ],
            "not_found": [ref for ref in refs if ref not in found],
        },
    )
