"""The supplement request (at most once), the applicant's supplement, and closure after 15 working days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..announce import announce
from ..errors import InvalidDossierInput
from ..models import Dossier, DossierPause, PauseKind
from ..procedure import SUPPLEMENT_WAIT_DAYS, procedure_spec, supplement_deadline
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, open_step, require_text, transition
from .pauses import pause_close, pause_open


@transition
def dossier_request_supplement(
    *, dossier: Dossier, actor: User, reason: str, items: list[str], expected_version: int | None = None
) -> Dossier:
    """Ask the applicant, once, for everything missing (form 02). The clock stops until they answer."""
    dossier = begin(
        dossier, actor=actor, action=DossierAction.REQUEST_SUPPLEMENT, expected_version=expected_version
    )
    reason = require_text(reason, field="reason", message=_("Cần ghi lý do yêu cầu bổ sung."))
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise InvalidDossierInput(_("Cần liệt kê đầy đủ các nội dung phải bổ sung."), code="items_required")
    if dossier.supplement_count >= 1:
        raise InvalidDossierInput(
            _("Hồ sơ đã được yêu cầu bổ sung một lần; theo quy định chỉ được yêu cầu bổ sung một lần."),
            code="supplement_once",
        )
    step = open_step(dossier)
    if step is not None and dossier.status == DossierStatus.PROCESSING:
        spec_step = procedure_spec(dossier.procedure_version).process.step(step.step_code)
        if spec_step is not None and not spec_step.can_request_supplement:
            raise InvalidDossierInput(
                _("Bước “%(step)s” không được yêu cầu bổ sung hồ sơ theo quy trình."),
                code="step_cannot_request_supplement",
                step=step.name,
            )
    moment = now()
    pause = pause_open(dossier, kind=PauseKind.SUPPLEMENT, at=moment, reason=reason, items=items)
    dossier.supplement_count += 1
    announce(dossier, "dossier.supplement_requested", items=items, note=reason,
             deadline=supplement_deadline(requested_at=pause.started_at, unit=dossier.resolving_unit))  # fmt: skip
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.REQUEST_SUPPLEMENT,
        to_status=DossierStatus.AWAITING_SUPPLEMENT,
        from_step=step.step_code if step else "",
        to_step=step.step_code if step else "",
        note=reason,
        at=moment,
        fields=["paused_from", "supplement_count"],
        data={"items": items},
    )


@transition
def dossier_supplement(
    *, dossier: Dossier, actor: User, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The applicant (online) or an officer (at the counter) hands in the supplement; the clock restarts.

    Files are attached to the components before this call; the procedure's rule decides whether the time
    limit continues (waiting time excluded) or counts again from now.
    """
    dossier = begin(dossier, actor=actor, action=DossierAction.SUPPLEMENT, expected_version=expected_version)
    moment = now()
    back_to = dossier.paused_from or DossierStatus.PROCESSING
    pause_close(dossier, at=moment)
    dossier.paused_from = ""
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.SUPPLEMENT,
        to_status=back_to,
        note=note,
        at=moment,
        fields=["paused_from", "due_at"],
        data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
    )


def dossier_close_expired_supplements(*, at: dt.datetime | None = None) -> list[str]:
    """Close every dossier still awaiting its supplement after 15 working days. Idempotent; returns codes."""
    moment = at or now()
    closed: list[str] = []
    waiting = DossierPause.objects.filter(
        kind=PauseKind.SUPPLEMENT, ended_at__isnull=True, dossier__status=DossierStatus.AWAITING_SUPPLEMENT
    ).select_related("dossier", "dossier__resolving_unit")
    for pause in waiting:
        if supplement_deadline(requested_at=pause.started_at, unit=pause.dossier.resolving_unit) >= moment:
            continue
        with transaction.atomic():
            dossier = begin(pause.dossier, actor=None, action=DossierAction.CLOSE)
            pause_close(dossier, at=moment)
            dossier.closing_reason = str(
                _("Quá %(days)s ngày làm việc không nhận được hồ sơ bổ sung.")
                % {"days": SUPPLEMENT_WAIT_DAYS}
            )
            dossier.finished_at = moment
            step = open_step(dossier)
            if step is not None:
                step.finished_at = moment
                step.save(update_fields=["finished_at"])
            commit_change(
                dossier,
                actor=None,
                action=DossierAction.CLOSE,
                to_status=DossierStatus.CLOSED,
                note=dossier.closing_reason,
                at=moment,
                fields=["closing_reason", "finished_at", "due_at"],
                data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
            )
            closed.append(dossier.code or "")
    return closed
