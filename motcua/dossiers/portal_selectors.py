"""Read-side questions the citizen portal and the API ask about dossiers.

Everything a signed-in user sees starts from ``motcua.dossiers.access.dossier_visible_queryset`` (or
``dossier_get_for_user``), so a dossier someone may not see is "not found". The public status page is
the one exception: it finds a dossier by its code plus a second factor and returns no personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.errors import CalendarError
from motcua.core.ratelimit import count_attempt
from motcua.org.models import OrgUnit

from .access import dossier_get_for_user, dossier_visible_queryset
from .errors import DossierNotFound, StatusLookupLimited
from .models import Dossier, DossierComponent, DossierEvent, DossierPause, DossierStep, PauseKind
from .procedure import calendar_for, supplement_deadline
from .status import FINAL_STATES, DossierAction, DossierStatus

#: How many trailing digits of the applicant's phone (or ID / tax code) the public status page asks for.
PUBLIC_SECRET_DIGITS = 4
#: Attempts at the public status per client address and per code in one window (seconds), unless the
#: settings ``MOTCUA_STATUS_LOOKUP_LIMIT`` / ``MOTCUA_STATUS_LOOKUP_WINDOW`` say otherwise.
PUBLIC_STATUS_LIMIT = 10
PUBLIC_STATUS_WINDOW = 600
#: Working days the applicant has to hand in a requested supplement (regulations §1).
#: Timeline actions that are internal to the agencies and not shown to the applicant.
INTERNAL_ACTIONS = frozenset({DossierAction.ASSIGN})
#: Actions whose note is addressed to the applicant (reasons they must know); other notes stay internal.
PUBLIC_NOTE_ACTIONS = frozenset(
    {
        DossierAction.REFUSE,
        DossierAction.REQUEST_SUPPLEMENT,
        DossierAction.SUSPEND,
        DossierAction.APOLOGISE,
        DossierAction.DECIDE,
        DossierAction.WITHDRAW,
        DossierAction.CLOSE,
    }
)

_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9./_\-]{2,59}$")


# -- lists and single dossiers ---------------------------------------------------------------------------


def _with_related(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related("procedure_version", "receiving_point", "resolving_unit")


def dossier_list_for_applicant(*, user: User, statuses: Collection[str] = ()) -> QuerySet[Dossier]:
    """The dossiers ``user`` applied for (drafts included), newest first; only ``statuses`` when given."""
    qs = _with_related(dossier_visible_queryset(user).filter(applicant_id=user.pk))
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    return qs.order_by("-created_at", "-pk")


def dossier_list_visible(*, user: User, status: str | None = None, q: str = "") -> QuerySet[Dossier]:
    """Every dossier ``user`` may see (their own for an applicant, their units' for staff), newest first."""
    qs = _with_related(dossier_visible_queryset(user))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    return qs.order_by("-created_at", "-pk")


def dossier_get_own(*, user: User, pk: int) -> Dossier:
    """A dossier ``user`` applied for; ``DossierNotFound`` for anyone else's (staff included)."""
    dossier = dossier_get_for_user(user=user, pk=pk)
    if dossier.applicant_id != user.pk:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    return dossier


def dossier_get_by_ref(*, user: User, ref: str) -> Dossier:
    """A visible dossier by its code, or by its number (drafts have no code yet)."""
    ref = (ref or "").strip()
    if ref.isdigit():
        return dossier_get_for_user(user=user, pk=int(ref))
    return dossier_get_for_user(user=user, code=ref.upper())


def dossier_component_list(dossier: Dossier) -> list[DossierComponent]:
    return list(DossierComponent.objects.filter(dossier=dossier).order_by("position"))


def dossier_component_get(dossier: Dossier, component_id: int) -> DossierComponent | None:
    return DossierComponent.objects.filter(dossier=dossier, pk=component_id).first()


def dossier_step_list(dossier: Dossier) -> list[DossierStep]:
    """Every runtime step of the dossier, in order, with its unit (the open one is remembered on the dossier,
    so the access checks that follow do not read it again)."""
    steps = list(DossierStep.objects.filter(dossier=dossier).select_related("unit").order_by("seq"))
    dossier._motcua_open_step = next((s for s in steps if s.finished_at is None), None)  # type: ignore[attr-defined]
    return steps


def dossier_event_list(dossier: Dossier) -> list[DossierEvent]:
    """The whole legal history, oldest first (for staff; applicants get ``dossier_timeline``)."""
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))


def dossier_open_supplement_request(dossier: Dossier) -> DossierPause | None:
    """The open supplement request (what the agency asked for), when the dossier waits for it."""
    if dossier.status != DossierStatus.AWAITING_SUPPLEMENT:
        return None
    return (
        DossierPause.objects.filter(dossier=dossier, kind=PauseKind.SUPPLEMENT, ended_at__isnull=True)
        .order_by("-started_at")
        .first()
    )


def dossier_supplement_deadline(pause: DossierPause, dossier: Dossier) -> dt.datetime | None:
    """The last moment to hand in the supplement before the dossier is closed (15 working days); None when
    the calendar cannot say (a date beyond the loaded years)."""
    try:
        return supplement_deadline(requested_at=pause.started_at, unit=dossier.resolving_unit)
    except CalendarError:
        return None


# -- time left -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLeft:
    """Where a dossier stands against its due moment, in working time of the resolving unit's calendar.

    ``state``: ``none`` (no due date yet, or the story is over), ``paused`` (the clock is stopped),
    ``left`` (``days`` whole working days after today, or ``hours`` when due today), ``overdue``
    (``days`` working days late, or ``hours`` when late today), ``unknown`` (outside the calendar).
    """

    state: str
    days: int = 0
    hours: int = 0
    due_at: dt.datetime | None = None


def dossier_time_left(dossier: Dossier, *, at: dt.datetime | None = None) -> TimeLeft:
    due = dossier.due_at
    if due is None or dossier.status in FINAL_STATES or dossier.status == DossierStatus.RESULT_READY:
        return TimeLeft("none", due_at=due)
    if dossier.status in (DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.SUSPENDED):
        return TimeLeft("paused", due_at=due)
    moment = at or timezone.now()
    today = timezone.localdate(moment)
    due_day = timezone.localdate(due)
    try:
        cal = calendar_for(dossier.resolving_unit)
        if moment <= due:
            if due_day > today:
                return TimeLeft(
                    "left", days=cal.working_day_count(today + dt.timedelta(days=1), due_day), due_at=due
                )
            hours = cal.working_time(moment, due).total_seconds() / 3600
            return TimeLeft("left", hours=max(1, round(hours)), due_at=due)
        if today > due_day:
            days = cal.working_day_count(due_day + dt.timedelta(days=1), today)
            if days:
                return TimeLeft("overdue", days=days, due_at=due)
        hours = cal.working_time(due, moment).total_seconds() / 3600
        return TimeLeft("overdue", hours=max(1, round(hours)), due_at=due)
    except Exception:
        return TimeLeft("unknown", due_at=due)


# -- the applicant's timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the legal history as the applicant sees it (no staff names, unit names only)."""

    seq: int
    at: dt.datetime
    action: str
    unit_name: str = ""
    from_unit_name: str = ""
    step_name: str = ""
    to_status: str = ""
    note: str = ""
    requested: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def dossier_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The dossier's events, oldest first, without internal actions and internal notes."""
    events = list(
        DossierEvent.objects.filter(dossier=dossier).exclude(action__in=INTERNAL_ACTIONS).order_by("seq")
    )
    codes = {e.unit_code for e in events if e.unit_code} | {
        str(e.data.get("from_unit")) for e in events if isinstance(e.data, dict) and e.data.get("from_unit")
    }
    names = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    step_names = dict(dossier.steps.values_list("step_code", "name"))
    entries = []
    for e in events:
        data = e.data if isinstance(e.data, dict) else {}
        entries.append(
            TimelineEntry(
                seq=e.seq,
                at=e.occurred_at,
                action=e.action,
                unit_name=names.get(e.unit_code, ""),
                from_unit_name=names.get(str(data.get("from_unit", "")), ""),
                step_name=step_names.get(e.to_step, "") if e.to_step else "",
                to_status=e.to_status,
                note=e.note if e.action in PUBLIC_NOTE_ACTIONS else "",
                requested=tuple(str(i) for i in data.get("items") or [] if str(i).strip()),
                data={k: v for k, v in data.items() if k in ("decision", "method", "new_due_at", "due_at")},
            )
        )
    return entries


def dossier_current_unit(dossier: Dossier) -> OrgUnit | None:
    """The unit holding the dossier now (the open step's unit), for "where is my dossier"."""
    step = dossier.steps.filter(finished_at__isnull=True).select_related("unit").first()
    return step.unit if step is not None else None


# -- public status page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the second factor may see: no name, no ID, no address."""

    code: str
    status: str
    procedure_code: str
    procedure_name: str
    receiving_point_name: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None

    @property
    def status_label(self) -> str:
        return str(DossierStatus(self.status).label)


def normalize_public_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch in "0123456789")


def public_secret_of(dossier: Dossier) -> str:
    """The last digits of the applicant's phone; without a phone, of their personal ID or tax code."""
    for source in (dossier.applicant_phone, dossier.applicant_personal_id, dossier.applicant_tax_code):
        digits = _digits(source)
        if len(digits) >= PUBLIC_SECRET_DIGITS:
            return digits[-PUBLIC_SECRET_DIGITS:]
    return ""


def dossier_public_status(*, code: str, secret: str) -> PublicStatus | None:
    """The public view of the dossier ``code`` when ``secret`` matches; None otherwise.

    An unknown code and a wrong second factor give the same answer (None), and the comparison takes
    the same time either way.
    """
    code = normalize_public_code(code)
    given = _digits(secret)
    dossier = None
    if _CODE_RE.match(code):
        dossier = (
            Dossier.objects.exclude(status=DossierStatus.DRAFT)
            .select_related("procedure_version", "receiving_point")
            .filter(code=code)
            .first()
        )
    expected = public_secret_of(dossier) if dossier is not None else "\x00" * PUBLIC_SECRET_DIGITS
    matches = hmac.compare_digest(expected.encode(), given.encode())
    if dossier is None or not expected or len(given) != PUBLIC_SECRET_DIGITS or not matches:
        return None
    return PublicStatus(
        code=dossier.code or "",
        status=dossier.status,
        procedure_code=dossier.procedure_version.code,
        procedure_name=dossier.procedure_version.name,
        receiving_point_name=dossier.receiving_point.name,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
    )


def public_status_attempt(*, client: str, code: str) -> None:
    """Count one attempt at the public status from ``client`` (its address) for ``code`` (normalised);
    raise ``StatusLookupLimited`` once either is over the limit in the window. Call it before
    ``dossier_public_status``. The portal's page and the API count on the same keys: one budget for both."""
    limit = int(getattr(settings, "MOTCUA_STATUS_LOOKUP_LIMIT", PUBLIC_STATUS_LIMIT))
    window = int(getattr(settings, "MOTCUA_STATUS_LOOKUP_WINDOW", PUBLIC_STATUS_WINDOW))
    by_ip = count_attempt(f"motcua:status-lookup:ip:{client}", window=window)
    digest = hashlib.sha256(code.encode()).hexdigest()[:32]  # any characters, a safe cache key
    by_code = count_attempt(f"motcua:status-lookup:code:{digest}", window=window) if code else 0
    if by_ip > limit or by_code > limit:
        raise StatusLookupLimited(retry_after=window)
