"""Apologise and reschedule: at most once, no later than one day before the due date (form 04)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User

from ..announce import announce
from ..errors import InvalidDossierInput
from ..models import Dossier
from ..status import DossierAction
from .common import begin, commit_change, now, require_text, transition


@transition
def dossier_apologise(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    new_due_at: dt.datetime,
    expected_version: int | None = None,
) -> Dossier:
    dossier = begin(dossier, actor=actor, action=DossierAction.APOLOGISE, expected_version=expected_version)
    reason = require_text(reason, field="reason", message=_("Cần nêu lý do chậm trễ trong văn bản xin lỗi."))
    if timezone.is_naive(new_due_at):
        raise InvalidDossierInput(_("Ngày hẹn mới phải có múi giờ."), code="naive_datetime")
    if dossier.apology_count >= 1:
        raise InvalidDossierInput(
            _("Hồ sơ đã được xin lỗi và hẹn lại một lần; theo quy định chỉ được hẹn lại một lần."),
            code="apology_once",
        )
    if dossier.due_at is None:
        raise InvalidDossierInput(_("Hồ sơ chưa có ngày hẹn trả."), code="no_due_date")
    moment = now()
    if timezone.localdate(moment) > timezone.localdate(dossier.due_at) - dt.timedelta(days=1):
        raise InvalidDossierInput(
            _("Phải xin lỗi và hẹn lại chậm nhất 01 ngày trước ngày hẹn trả (%(due)s)."),
            code="apology_too_late",
            due=timezone.localtime(dossier.due_at).strftime("%d/%m/%Y"),
        )
    if new_due_at <= dossier.due_at:
        raise InvalidDossierInput(_("Ngày hẹn mới phải sau ngày hẹn trả hiện tại."), code="new_due_not_later")
    previous = dossier.due_at
    dossier.due_at = new_due_at
    dossier.apology_count += 1
    announce(dossier, "dossier.apology", new_due_at=new_due_at, old_due_at=previous, reason=reason)
    return commit_change(
        dossier,
        actor=actor,
        action=DossierAction.APOLOGISE,
        note=reason,
        at=moment,
        fields=["due_at", "apology_count"],
        data={"previous_due_at": previous.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
