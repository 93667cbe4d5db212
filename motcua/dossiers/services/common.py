"""What every transition shares: lock the row, check the table and the actor, move, record."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_snapshot_memo

from ..access import current_step, dossier_require, settle_current_step
from ..errors import ConcurrentChange, DossierNotFound, InvalidDossierInput, InvalidTransition
from ..events import dossier_event_record
from ..hooks import run_event_hooks
from ..models import Dossier, DossierStep
from ..status import TRANSITIONS, DossierAction, DossierStatus

P = ParamSpec("P")
R = TypeVar("R")


def transition(service: Callable[P, R]) -> Callable[P, R]:
    """One transition service: one transaction, and the calendar checked once for all its deadlines
    (closing a step and opening the next each ask for a calendar), whichever edge calls it."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with calendar_snapshot_memo(), transaction.atomic():
            return service(*args, **kwargs)

    return run


def lock_dossier(dossier: Dossier, *, expected_version: int | None = None) -> Dossier:
    """Lock and reload the row; refuse when someone changed it since the caller read it."""
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_point", "resolving_unit")
        .filter(pk=dossier.pk)
        .order_by()  # a key lookup: no need to sort by the model's ordering
        .first()
    )
    if locked is None:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    if expected_version is not None and locked.lock_version != expected_version:
        raise ConcurrentChange(
            _(
                "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới rồi thao tác lại."
            )
        )
    return locked


def begin(
    dossier: Dossier, *, actor: User | None, action: str, expected_version: int | None = None
) -> Dossier:
    """Lock the dossier, then check the transition table and (for a person) the access rules."""
    locked = lock_dossier(dossier, expected_version=expected_version)
    transition = TRANSITIONS[action]
    if locked.status not in transition.sources:
        raise InvalidTransition(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”."),
            action=str(DossierAction(action).label),
            status=str(DossierStatus(locked.status).label),
        )
    # The open step, locked with the dossier and remembered on it, so the access check and the service
    # read it once.
    locked._motcua_open_step = (  # type: ignore[attr-defined]
        DossierStep.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(dossier=locked, finished_at__isnull=True)
        .order_by()
        .first()
    )
    if actor is not None:
        dossier_require(actor, locked, action)
    return locked


def commit_change(
    dossier: Dossier,
    *,
    actor: User | None,
    action: str,
    to_status: str | None = None,
    from_step: str = "",
    to_step: str = "",
    unit_code: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    fields: list[str] | None = None,
) -> Dossier:
    """Write the new state (and ``fields``) and append the event. The one place ``status`` is assigned.

    The event hooks of layers above (the scorecard's facts) run in the same transaction, between the
    event and the save of the row, so the dossier is written once.
    """
    from_status = dossier.status
    settle_current_step(dossier)
    if to_status is not None:
        dossier.status = to_status
    dossier.lock_version += 1
    event = dossier_event_record(
        dossier=dossier,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        from_step=from_step,
        to_step=to_step,
        unit_code=unit_code,
        note=note,
        data=data,
        at=at,
    )
    update = {"status", "lock_version", "search_text", *(fields or []), *run_event_hooks(dossier, event)}
    dossier.save(update_fields=sorted(update))
    return dossier


def open_step(dossier: Dossier) -> DossierStep | None:
    """The open step of a dossier locked by ``begin`` (read and locked there)."""
    return current_step(dossier)


def require_open_step(dossier: Dossier) -> DossierStep:
    step = open_step(dossier)
    if step is None:
        raise InvalidTransition(_("Hồ sơ không có bước đang xử lý."), code="no_open_step")
    return step


def now() -> dt.datetime:
    return timezone.now()


def require_text(value: str, *, field: str, message: Any) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidDossierInput(message, code=f"{field}_required")
    return text
