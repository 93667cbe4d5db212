"""What the dossier screens share: the signed-in officer, the dossier or 404, dates as officers write them."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.access import dossier_get_for_user
from motcua.dossiers.errors import DossierNotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.status import DossierStatus

#: Status → tone of its badge (the badge always carries the status's name too).
STATUS_TONES: dict[str, str] = {
    DossierStatus.AWAITING_INTAKE: "info",
    DossierStatus.RECEIVED: "info",
    DossierStatus.PROCESSING: "work",
    DossierStatus.AWAITING_SUPPLEMENT: "warn",
    DossierStatus.SUSPENDED: "warn",
    DossierStatus.RESULT_READY: "ok",
    DossierStatus.RETURNED: "done",
    DossierStatus.REFUSED: "stop",
    DossierStatus.STOPPED: "stop",
    DossierStatus.CLOSED: "stop",
}


def officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # staff_required let only signed-in staff in  # noqa: S101
    return user


def dossier_or_404(user: User, pk: int) -> Dossier:
    """The dossier if the officer may see it; 404 otherwise (never 403: no hint that it exists)."""
    try:
        return dossier_get_for_user(user=user, pk=pk)
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc


def moment_text(value: dt.datetime | None) -> str:
    """``17:00 ngày 09/03/2026``, in the province's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}
