"""Read-side questions about dossiers for the staff edges: queues, their counts, search, one dossier's page.

Everything starts from ``access.dossier_visible_queryset(user)``, so a queue never shows a dossier the
user may not see. The queues (``QUEUES``):

- ``intake``: online dossiers awaiting intake at the one-stop points where the user receives;
- ``mine``: dossiers whose open step is assigned to the user, or is unassigned at one of the user's units
  with a role the user holds there (received, processing or suspended);
- ``due_soon``: the clock runs and the dossier or its open step falls due within one working day
  (the calendar's working time from now), not yet overdue;
- ``overdue``: the clock runs and the dossier or its open step is past its due moment;
- ``supplement``: awaiting the applicant's supplement;
- ``inter_in``: an open inter-agency step at one of the user's units (another agency asks them);
- ``inter_out``: a dossier of the user's units (receiving or resolving) whose open step is an
  inter-agency step at another unit (they wait for it);
- ``result``: result ready, to return at the user's one-stop points;
- ``all``: every dossier the user may see (for search).

The counts of all queues come from one aggregate query (``dossier_queue_counts``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import membership_list_active
from motcua.calendar.engine.deadlines import add_working_time, elapsed_working_time
from motcua.calendar.engine.snapshot import CalendarSnapshot
from motcua.calendar.selectors import calendar_snapshot
from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.spec import ActionSpec
from motcua.core.text import fold
from motcua.org.models import OrgUnit

from .access import LEADER_ROLES, StaffScope, current_step, dossier_visible_queryset, staff_scope
from .errors import DossierNotFound
from .models import Dossier, DossierEvent, DossierStep, StepOutcome
from .procedure import procedure_spec
from .process import is_decision_action, is_receiving_step, next_targets, step_unit
from .status import OPEN_STATES, DossierStatus

S = DossierStatus
PAGE_SIZE = 25
MAX_QUERY_LENGTH = 200
PERSONAL_ID_WORD = re.compile(r"\d{12}")

#: The clock runs (a due moment exists and is not paused).
CLOCK_RUNNING: frozenset[str] = frozenset({S.RECEIVED, S.PROCESSING})
#: The clock is stopped by a pause; the due moment moves when it ends.
CLOCK_PAUSED: frozenset[str] = frozenset({S.AWAITING_SUPPLEMENT, S.SUSPENDED})
#: Statuses in which a step's own due moment still matters (the return step of a ready result too).
STEP_CLOCK_RUNNING: frozenset[str] = frozenset({S.RECEIVED, S.PROCESSING, S.RESULT_READY})
#: Statuses of the "my steps" queue: work the user can take up now.
WORKING: frozenset[str] = frozenset({S.RECEIVED, S.PROCESSING, S.SUSPENDED})


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    description: str | Promise
    empty: str | Promise


QUEUES: tuple[Queue, ...] = (
    Queue("intake", _("Chờ tiếp nhận"), _("Hồ sơ nộp trực tuyến chờ tiếp nhận tại bộ phận một cửa của bạn."),
          _("Không có hồ sơ nào chờ tiếp nhận.")),
    Queue("mine", _("Việc của tôi"), _("Các bước xử lý đang giao cho bạn hoặc cho vai trò của bạn tại đơn vị."),
          _("Bạn không có bước xử lý nào đang chờ.")),
    Queue("due_soon", _("Sắp đến hạn"), _("Hồ sơ hoặc bước xử lý đến hạn trong vòng 01 ngày làm việc."),
          _("Không có hồ sơ nào sắp đến hạn.")),
    Queue("overdue", _("Quá hạn"), _("Hồ sơ hoặc bước xử lý đã quá hạn."), _("Không có hồ sơ nào quá hạn.")),
    Queue("supplement", _("Chờ bổ sung"), _("Hồ sơ đang chờ người nộp bổ sung (tạm dừng tính thời gian)."),
          _("Không có hồ sơ nào chờ bổ sung.")),
    Queue("inter_in", _("Liên thông đến"), _("Hồ sơ của cơ quan khác chuyển đến đơn vị bạn để xử lý liên thông."),
          _("Không có hồ sơ liên thông nào chuyển đến.")),
    Queue("inter_out", _("Liên thông đi"), _("Hồ sơ của đơn vị bạn đang chờ cơ quan khác xử lý liên thông."),
          _("Không có hồ sơ nào đang chờ cơ quan khác.")),
    Queue("result", _("Chờ trả kết quả"), _("Hồ sơ đã có kết quả, chờ trả tại bộ phận một cửa của bạn."),
          _("Không có kết quả nào chờ trả.")),
    Queue("all", _("Tất cả hồ sơ"), _("Mọi hồ sơ bạn được xem, kể cả hồ sơ đã kết thúc."),
          _("Không có hồ sơ nào.")),
)  # fmt: skip
QUEUE_KEYS: tuple[str, ...] = tuple(q.key for q in QUEUES)
DEFAULT_QUEUE = "mine"


def queue_get(key: str) -> Queue:
    """The queue named ``key`` (the default queue for an unknown key)."""
    return next((q for q in QUEUES if q.key == key), next(q for q in QUEUES if q.key == DEFAULT_QUEUE))


# --------------------------------------------------------------------------------------------------
# The clock of the queues


def working_day_length(cal: CalendarSnapshot) -> dt.timedelta:
    """The working time of an ordinary day (07:00–11:30, 13:30–17:00 → 8 hours)."""
    return sum((session.duration for session in cal.sessions), dt.timedelta(0)) or dt.timedelta(hours=8)


@dataclass(frozen=True)
class QueueClock:
    """The moment the queues are computed at, and the end of the "due within one working day" window."""

    now: dt.datetime
    soon_until: dt.datetime
    calendar: CalendarSnapshot

    @property
    def day_length(self) -> dt.timedelta:
        return working_day_length(self.calendar)


def queue_clock(*, now: dt.datetime | None = None, org_unit: OrgUnit | None = None) -> QueueClock:
    """Now, and now plus one working day of the province calendar (or ``org_unit``'s working hours)."""
    moment = now or timezone.now()
    cal = calendar_snapshot(org_unit=org_unit)
    return QueueClock(moment, add_working_time(cal, moment, working_day_length(cal)), cal)


# --------------------------------------------------------------------------------------------------
# Queue conditions


@dataclass(frozen=True)
class _Units:
    """The user's units seen from the queues."""

    sees_all: bool
    member: frozenset[int]  # units of the user's current memberships
    counter: frozenset[int]  # units where the user receives and returns (one-stop officer or leader)
    roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, scope: StaffScope) -> _Units:
        counter = frozenset(
            unit
            for unit, roles in scope.roles_by_unit.items()
            if Role.ONE_STOP_OFFICER in roles or roles & LEADER_ROLES
        )
        return cls(scope.sees_all, frozenset(scope.roles_by_unit), counter, dict(scope.roles_by_unit))


def _open_steps(condition: Q) -> Q:
    """Dossiers whose open step matches ``condition`` (an uncorrelated subquery)."""
    steps = DossierStep.objects.filter(finished_at__isnull=True).filter(condition).values("dossier_id")
    return Q(pk__in=steps)


def _nothing() -> Q:
    return Q(pk__in=[])


def _mine(user: User, units: _Units) -> Q:
    held = Q()
    for unit, roles in units.roles.items():
        if roles:
            held |= Q(unit_id=unit, role__in=sorted(roles))
    condition = Q(assignee_id=user.pk)
    if held:
        condition |= Q(assignee__isnull=True) & held
    return Q(status__in=sorted(WORKING)) & _open_steps(condition)


def _due(clock: QueueClock, *, lo: dt.datetime | None, hi: dt.datetime) -> Q:
    """The dossier (clock running) or its open step is due in (lo, hi) — ``lo`` None: before ``hi``."""
    window = Q(due_at__lt=hi) if lo is None else Q(due_at__gt=lo, due_at__lte=hi)
    return (Q(status__in=sorted(CLOCK_RUNNING)) & window) | (
        Q(status__in=sorted(STEP_CLOCK_RUNNING)) & _open_steps(window)
    )


def queue_condition(key: str, *, user: User, clock: QueueClock, units: _Units | None = None) -> Q:
    """The filter of queue ``key`` on top of the user's visible dossiers."""
    u = units or _Units.of(staff_scope(user))
    at_counter = Q() if u.sees_all else Q(receiving_point_id__in=sorted(u.counter))
    if key == "intake":
        return Q(status=S.AWAITING_INTAKE) & at_counter if (u.sees_all or u.counter) else _nothing()
    if key == "mine":
        return _mine(user, u)
    if key == "overdue":
        return _due(clock, lo=None, hi=clock.now)
    if key == "due_soon":
        return _due(clock, lo=clock.now, hi=clock.soon_until) & ~_due(clock, lo=None, hi=clock.now)
    if key == "supplement":
        return Q(status=S.AWAITING_SUPPLEMENT)
    if key == "inter_in":
        here = Q(inter_agency=True) if u.sees_all else Q(inter_agency=True, unit_id__in=sorted(u.member))
        return Q(status__in=sorted(OPEN_STATES)) & _open_steps(here)
    if key == "inter_out":
        if u.sees_all:
            return _open_steps(Q(inter_agency=True))
        ours = Q(resolving_unit_id__in=sorted(u.member)) | Q(receiving_point_id__in=sorted(u.member))
        return ours & _open_steps(Q(inter_agency=True) & ~Q(unit_id__in=sorted(u.member)))
    if key == "result":
        return Q(status=S.RESULT_READY) & at_counter if (u.sees_all or u.counter) else _nothing()
    return Q()


def dossier_queue_counts(*, user: User, clock: QueueClock) -> dict[str, int]:
    """How many dossiers each queue holds for ``user``: one aggregate query whatever the number of queues."""
    units = _Units.of(staff_scope(user))
    aggregates: dict[str, Any] = {
        key: Count("pk", filter=queue_condition(key, user=user, clock=clock, units=units))
        for key in QUEUE_KEYS
    }
    counts = dossier_visible_queryset(user).order_by().aggregate(**aggregates)
    return {key: int(counts.get(key) or 0) for key in QUEUE_KEYS}


# --------------------------------------------------------------------------------------------------
# Queue pages


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    procedure: str = ""  # procedure code
    status: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.procedure or self.status)


def _search(dossiers: QuerySet[Dossier], q: str) -> QuerySet[Dossier]:
    """Every folded word in the code, applicant name or tax code, or the procedure's name; a word that is a
    whole personal ID (12 digits) also finds the dossiers of that applicant or representative, by equality
    on the encrypted column (docs/architecture/personal-data.md: no partial search of personal IDs)."""
    for word in fold(q[:MAX_QUERY_LENGTH]).split():
        match = Q(search_text__contains=word) | Q(procedure_version__name_folded__contains=word)
        if PERSONAL_ID_WORD.fullmatch(word):
            match |= Q(applicant_personal_id=word) | Q(representative_personal_id=word)
        dossiers = dossiers.filter(match)
    return dossiers


def _ordering(key: str) -> list[Any]:
    from django.db.models import F

    if key == "intake":
        return [F("submitted_at").asc(nulls_last=True), "pk"]
    if key == "all":
        return ["-created_at", "-pk"]
    return [F("due_at").asc(nulls_last=True), "received_at", "pk"]


def open_step_prefetch() -> Prefetch[Any]:
    steps = DossierStep.objects.filter(finished_at__isnull=True).select_related("unit", "assignee")
    return Prefetch("steps", queryset=steps, to_attr="open_steps")


def dossier_queue(
    *, user: User, queue: str, clock: QueueClock, filters: QueueFilters | None = None
) -> QuerySet[Dossier]:
    """The dossiers of one queue for ``user``, filtered and ordered (most urgent first), ready to page.

    Each dossier carries ``open_steps`` (its open step, with unit and assignee, or nothing).
    """
    filters = filters or QueueFilters()
    key = queue if queue in QUEUE_KEYS else DEFAULT_QUEUE
    dossiers = dossier_visible_queryset(user).filter(queue_condition(key, user=user, clock=clock))
    if filters.procedure:
        dossiers = dossiers.filter(procedure_version__code=filters.procedure)
    if filters.status in S.values:
        dossiers = dossiers.filter(status=filters.status)
    if filters.q.strip():
        dossiers = _search(dossiers, filters.q)
    return (
        dossiers.select_related("procedure_version", "receiving_point", "resolving_unit")
        .prefetch_related(open_step_prefetch())
        .order_by(*_ordering(key))
    )


def dossier_queue_page(
    *, user: User, queue: str, clock: QueueClock, filters: QueueFilters | None = None, page: Any = 1
) -> Page[Dossier]:
    """One page (``PAGE_SIZE`` rows) of ``dossier_queue``; an out-of-range page gives the last page."""
    paginator = Paginator(dossier_queue(user=user, queue=queue, clock=clock, filters=filters), PAGE_SIZE)
    return paginator.get_page(page)


def dossier_procedure_options(*, user: User) -> list[tuple[str, str]]:
    """(code, name) of the procedures of the dossiers ``user`` may see, for the filter; one query.

    Asked per procedure version (does one visible dossier exist?) rather than as the distinct procedures of
    every visible dossier: for whoever sees every dossier that is one index probe per version instead of a
    scan of the whole table on each queue page (benchmarks/load: 170 ms → 1 ms at 100,000 dossiers).
    """
    visible = dossier_visible_queryset(user).filter(procedure_version_id=OuterRef("pk")).order_by()
    rows = (
        ProcedureVersion.objects.filter(Exists(visible))
        .order_by("code", "-pk")  # the newest version's name for a code
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return sorted(seen.items(), key=lambda item: fold(item[1]))


# --------------------------------------------------------------------------------------------------
# Time left, in working time


@dataclass(frozen=True)
class TimeLeft:
    """What the clock says about a due moment now.

    ``state``: ``none`` (no due moment yet), ``paused`` (the clock is stopped), ``done`` (finished;
    ``outcome`` says early / on time / late), ``ok``, ``soon`` (within one working day) or ``late``.
    ``working`` is the working time left (or past due, when late).
    """

    state: str
    working: dt.timedelta = dt.timedelta(0)
    day_length: dt.timedelta = dt.timedelta(hours=8)
    outcome: str = ""

    @property
    def label(self) -> str:
        if self.state == "none":
            return str(_("Chưa có hạn"))
        if self.state == "paused":
            return str(_("Đang dừng tính thời gian"))
        if self.state == "done":
            return (
                str(StepOutcome(self.outcome).label)
                if self.outcome in StepOutcome.values
                else str(_("Đã kết thúc"))
            )
        days, rest = divmod(self.working, self.day_length)
        hours = rest // dt.timedelta(hours=1)
        minutes = rest // dt.timedelta(minutes=1)
        if self.state == "late":
            return _late(days, hours, minutes)
        return _left(days, hours, minutes)


def _left(days: int, hours: int, minutes: int) -> str:
    if days and hours:
        return ngettext(
            "còn %(days)s ngày %(hours)s giờ làm việc", "còn %(days)s ngày %(hours)s giờ làm việc", days
        ) % {"days": days, "hours": hours}
    if days:
        return ngettext("còn %(days)s ngày làm việc", "còn %(days)s ngày làm việc", days) % {"days": days}
    if hours:
        return ngettext("còn %(hours)s giờ làm việc", "còn %(hours)s giờ làm việc", hours) % {"hours": hours}
    return ngettext("còn %(minutes)s phút làm việc", "còn %(minutes)s phút làm việc", minutes) % {
        "minutes": minutes
    }


def _late(days: int, hours: int, minutes: int) -> str:
    if days and hours:
        return ngettext(
            "quá hạn %(days)s ngày %(hours)s giờ", "quá hạn %(days)s ngày %(hours)s giờ", days
        ) % {
            "days": days,
            "hours": hours,
        }
    if days:
        return ngettext("quá hạn %(days)s ngày làm việc", "quá hạn %(days)s ngày làm việc", days) % {
            "days": days
        }
    if hours:
        return ngettext("quá hạn %(hours)s giờ", "quá hạn %(hours)s giờ", hours) % {"hours": hours}
    if minutes:
        return ngettext("quá hạn %(minutes)s phút", "quá hạn %(minutes)s phút", minutes) % {
            "minutes": minutes
        }
    return str(_("vừa quá hạn"))


def time_left(
    *,
    due: dt.datetime | None,
    clock: QueueClock,
    paused: bool = False,
    finished: bool = False,
    outcome: str = "",
) -> TimeLeft:
    """The working time left until ``due`` (or past it) at ``clock.now``."""
    day = clock.day_length
    if finished:
        return TimeLeft("done", day_length=day, outcome=outcome)
    if due is None:
        return TimeLeft("none", day_length=day)
    if paused:
        return TimeLeft("paused", day_length=day)
    if clock.now > due:
        return TimeLeft("late", elapsed_working_time(clock.calendar, due, clock.now), day)
    left = elapsed_working_time(clock.calendar, clock.now, due)
    return TimeLeft("soon" if due <= clock.soon_until else "ok", left, day)


def dossier_time_left(dossier: Dossier, *, clock: QueueClock) -> TimeLeft:
    """Time left on the dossier's appointment (due_at)."""
    return time_left(
        due=dossier.due_at,
        clock=clock,
        paused=dossier.status in CLOCK_PAUSED,
        finished=dossier.finished_at is not None,
        outcome=dossier.outcome,
    )


def step_time_left(step: DossierStep, *, dossier: Dossier, clock: QueueClock) -> TimeLeft:
    """Time left on one step's own budget."""
    return time_left(
        due=step.due_at,
        clock=clock,
        paused=dossier.status in CLOCK_PAUSED,
        finished=step.finished_at is not None,
        outcome=step.outcome,
    )


# --------------------------------------------------------------------------------------------------
# One dossier


def dossier_detail(*, user: User, pk: int) -> Dossier:
    """The dossier with everything its page shows (steps, components, events, pauses) in five queries;
    ``DossierNotFound`` when it does not exist or the user may not see it."""
    steps = DossierStep.objects.select_related("unit", "assignee", "handed_over_by", "finished_by").order_by(
        "seq"
    )
    dossier = (
        dossier_visible_queryset(user)
        .select_related(
            "procedure_version", "receiving_point", "resolving_unit", "applicant", "applicant_commune"
        )
        .prefetch_related(
            Prefetch("steps", queryset=steps),
            "components",
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor").order_by("seq")),
            "pause_set",
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    return dossier


def dossier_open_step(dossier: Dossier) -> DossierStep | None:
    """The open step with its unit: the one ``current_step`` remembers on this instance if any (services
    drop that memo when they change steps), else read in one query (none for a draft, which has no steps)
    and remembered, so that the access checks which follow (``dossier_actions_for``) do not read it again."""
    if "_motcua_open_step" in dossier.__dict__:
        return current_step(dossier)
    step = None
    if dossier.pk and dossier.status != S.DRAFT:
        open_steps = DossierStep.objects.select_related("unit").filter(
            dossier=dossier, finished_at__isnull=True
        )
        step = next(iter(open_steps.order_by()[:1]), None)  # at most one (constraint dossierstep_one_open)
    dossier._motcua_open_step = step  # type: ignore[attr-defined]
    return step


def dossier_open_pause_items(dossier: Dossier) -> list[str]:
    """What the applicant was asked to supplement (the open supplement pause), if any."""
    for pause in dossier.pause_set.all():
        if pause.ended_at is None:
            return [str(item) for item in pause.items]
    return []


@dataclass(frozen=True)
class StepTarget:
    code: str
    label: str
    inter_agency: bool = False


def _target_label(dossier: Dossier, action: ActionSpec) -> StepTarget:

    spec = procedure_spec(dossier.procedure_version)
    target = spec.process.step(action.to_step)
    if target is None:
        return StepTarget(action.to_step, action.name)
    unit = step_unit(dossier, target)
    label = f"{action.name}: {target.name} — {unit.short_name or unit.name}"
    return StepTarget(target.code, label, target.inter_agency)


def dossier_forward_targets(*, dossier: Dossier, user: User) -> list[StepTarget]:
    """The next steps ``user`` may forward the open step to (decisions excluded: they are "decide")."""

    step = current_step(dossier)
    if step is None:
        return []
    spec = procedure_spec(dossier.procedure_version)
    actions = [a for a in next_targets(dossier, step, actor=user) if not is_decision_action(spec, a)]
    return [_target_label(dossier, a) for a in actions]


def dossier_can_decide_here(*, dossier: Dossier, user: User) -> bool:
    """The open step is one that ends the processing for ``user`` (a signing step)."""

    step = current_step(dossier)
    if step is None:
        return False
    spec = procedure_spec(dossier.procedure_version)
    return any(is_decision_action(spec, a) for a in next_targets(dossier, step, actor=user))


def dossier_send_back_targets(*, dossier: Dossier) -> list[StepTarget]:
    """Earlier processing steps the dossier has passed (not the intake step), newest pass first."""

    step = current_step(dossier)
    spec = procedure_spec(dossier.procedure_version)
    seen: dict[str, StepTarget] = {}
    for past in sorted(dossier.steps.all(), key=lambda s: -s.seq):
        if step is not None and (past.pk == step.pk or past.step_code == step.step_code):
            continue
        target = spec.process.step(past.step_code)
        if target is None or is_receiving_step(target) or past.step_code in seen:
            continue
        seen[past.step_code] = StepTarget(
            past.step_code, f"{past.name} — {past.unit.short_name or past.unit.name}"
        )
    return list(seen.values())


def dossier_assignee_options(*, dossier: Dossier) -> QuerySet[User]:
    """Staff with a current membership at the unit of the open step (whom a leader may assign it to)."""
    step = current_step(dossier)
    if step is None:
        return User.objects.none()
    day = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True,
            memberships__org_unit_id=step.unit_id,
            memberships__valid_from__lte=day,
        )
        .filter(Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=day))
        .distinct()
        .order_by("full_name", "username")
    )


def bulk_assignee_options(*, user: User) -> QuerySet[User]:
    """Staff of the units ``user`` leads (division head, agency leader): whom they may give steps to."""
    scope = staff_scope(user)
    led = [
        unit
        for unit, roles in scope.roles_by_unit.items()
        if roles & {Role.DIVISION_HEAD, Role.AGENCY_LEADER}
    ]
    if not led:
        return User.objects.none()
    day = timezone.localdate()
    return (
        User.objects.filter(
            is_active=True, memberships__org_unit_id__in=led, memberships__valid_from__lte=day
        )
        .filter(Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=day))
        .distinct()
        .order_by("full_name", "username")
    )


# --------------------------------------------------------------------------------------------------
# Counter intake


def counter_points_for(*, user: User) -> QuerySet[OrgUnit]:
    """The current one-stop points where ``user`` may receive dossiers at the counter."""
    scope = staff_scope(user)
    points = OrgUnit.objects.valid_on(timezone.localdate()).filter(has_one_stop=True)
    if scope.province_admin:
        return points.order_by("code")
    units = _Units.of(scope).counter
    return points.filter(pk__in=sorted(units)).order_by("code")


def staff_units(*, user: User) -> list[OrgUnit]:
    """The units of the user's current memberships (for the page header)."""
    return list({m.org_unit_id: m.org_unit for m in membership_list_active(user=user)}.values())
