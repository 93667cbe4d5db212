"""Stop at the applicant's request before a decision (Decree 118 Art 21; form 05)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..announce import announce
from ..models import Dossier, DossierStep
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, open_step, require_text, transition
from .pauses import pause_close


@transition
def dossier_withdraw(
    *, dossier: Dossier, actor: User, reason: str, expected_version: int | None = None
) -> Dossier:
    dossier = begin(dossier, actor=actor, action=DossierAction.WITHDRAW, expected_version=expected_version)
    reason = require_text(reason, field="reason", message=_("Cần ghi lý do dừng giải quyết hồ sơ."))
    moment = now()
    pause_close(dossier, at=moment)
    step: DossierStep | None = open_step(dossier)
    if step is not None:
        step.finished_at = max(moment, step.started_at)
        step.note = reason
        step.save(update_fields=["finished_at", "note"])
    dossier.closing_reason = reason
    dossier.finished_at = moment
    announce(dossier, "dossier.stopped", reason=reason, stopped_at=moment)
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.WITHDRAW,
        to_status=DossierStatus.STOPPED,
        from_step=step.step_code if step else "",
        note=reason,
        at=moment,
        fields=["closing_reason", "finished_at", "due_at", "paused_from"],
        # The due moment as the closed pause left it: the scorecard judges the stop against it.
        data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
    )
