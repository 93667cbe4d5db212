"""Suspend and resume where the law excludes the time (verification, consultation, …)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..models import Dossier, PauseKind
from ..status import DossierAction, DossierStatus
from .common import begin, commit_change, now, open_step, require_text, transition
from .pauses import pause_close, pause_open


@transition
def dossier_suspend(
    *, dossier: Dossier, actor: User, reason: str, legal_basis: str, expected_version: int | None = None
) -> Dossier:
    dossier = begin(dossier, actor=actor, action=DossierAction.SUSPEND, expected_version=expected_version)
    reason = require_text(reason, field="reason", message=_("Cần ghi lý do tạm dừng."))
    basis = require_text(
        legal_basis,
        field="legal_basis",
        message=_("Cần nêu căn cứ pháp lý cho phép không tính thời gian này."),
    )
    moment = now()
    pause_open(dossier, kind=PauseKind.SUSPENSION, at=moment, reason=f"{reason} ({basis})")
    step = open_step(dossier)
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.SUSPEND,
        to_status=DossierStatus.SUSPENDED,
        from_step=step.step_code if step else "",
        note=reason,
        at=moment,
        fields=["paused_from"],
        data={"legal_basis": basis},
    )


@transition
def dossier_resume(
    *, dossier: Dossier, actor: User, note: str = "", expected_version: int | None = None
) -> Dossier:
    dossier = begin(dossier, actor=actor, action=DossierAction.RESUME, expected_version=expected_version)
    moment = now()
    pause_close(dossier, at=moment)
    dossier.paused_from = ""
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.RESUME,
        to_status=DossierStatus.PROCESSING,
        note=note,
        at=moment,
        fields=["paused_from", "due_at"],
        data={"due_at": dossier.due_at.isoformat() if dossier.due_at else None},
    )
