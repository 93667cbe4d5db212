"""Who may see a dossier and who may act on it: the only place these rules live.

- A citizen or business sees only the dossiers they applied for.
- Staff see the dossiers received at, resolved by, or with a step in one of their units; leaders
  (division head, agency leader, agency administrator) also those of their units' subtree.
- The province administrator and the auditor see everything; the auditor acts on nothing.
Acting needs the right role at the right unit (see ``ACTION_ROLES`` and ``dossier_can``); a dossier a user
may not see is reported as not found, so denials do not reveal that it exists.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, Role, User
from motcua.accounts.selectors import membership_list_active
from motcua.org.selectors import orgunit_subtrees_ids

from .errors import ActionNotAllowed, DossierNotFound
from .models import Dossier, DossierStep
from .status import TRANSITIONS, DossierAction, DossierStatus

A = DossierAction
LEADER_ROLES = frozenset({Role.DIVISION_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN})
SEE_ALL_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class StaffScope:
    """A staff user's roles per unit (unit id → roles), and the units they may see."""

    roles_by_unit: dict[int, frozenset[str]] = field(default_factory=dict)
    visible_units: frozenset[int] = frozenset()
    sees_all: bool = False
    province_admin: bool = False

    def roles_at(self, unit_id: int) -> frozenset[str]:
        return self.roles_by_unit.get(unit_id, frozenset())


def staff_scope(user: User) -> StaffScope:
    cached: StaffScope | None = getattr(user, "_motcua_staff_scope", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    visible: set[int] = set()
    if user.is_authenticated and user.is_active and user.kind == AccountKind.STAFF:
        led: set[int] = set()
        # At most two queries whatever the tree: the memberships (unit, role), then every led subtree at once.
        for unit_id, role in membership_list_active(user=user).order_by().values_list("org_unit_id", "role"):
            roles.setdefault(unit_id, set()).add(role)
            visible.add(unit_id)
            if role in LEADER_ROLES:
                led.add(unit_id)
        visible |= orgunit_subtrees_ids(led)
    all_roles = set().union(*roles.values()) if roles else set()
    scope = StaffScope(
        roles_by_unit={unit: frozenset(r) for unit, r in roles.items()},
        visible_units=frozenset(visible),
        sees_all=bool(all_roles & SEE_ALL_ROLES),
        province_admin=Role.PROVINCE_ADMIN in all_roles,
    )
    user._motcua_staff_scope = scope  # type: ignore[attr-defined]
    return scope


def staff_leads_a_unit(user: User) -> bool:
    """Whether ``user`` leads a unit or sees every unit (province administrator, auditor): the leaders' views
    (early warning, bottlenecks, the national-portal monitor) are for them, in the back office and the API."""
    scope = staff_scope(user)
    return scope.sees_all or any(roles & LEADER_ROLES for roles in scope.roles_by_unit.values())


def dossier_visible_queryset(user: User) -> QuerySet[Dossier]:
    """Every dossier ``user`` may see (drafts only to their applicant)."""
    base = Dossier.objects.all()
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.kind != AccountKind.STAFF:
        return base.filter(applicant=user)
    scope = staff_scope(user)
    staff_view = base.exclude(status=DossierStatus.DRAFT)
    if scope.sees_all:
        return staff_view
    units = scope.visible_units
    if not units:
        return base.none()
    return dossiers_linked_to_units(staff_view, units)


def dossiers_linked_to_units(dossiers: QuerySet[Dossier], units: Collection[int]) -> QuerySet[Dossier]:
    """``dossiers`` received at, resolved by or with a step in one of ``units``: the three links of the staff
    visibility rule (also how an API key limited to units narrows what its owner sees)."""
    stepped = DossierStep.objects.filter(unit_id__in=units).values("dossier_id")
    return dossiers.filter(
        Q(receiving_point_id__in=units) | Q(resolving_unit_id__in=units) | Q(pk__in=stepped)
    )


def dossier_linked_to_units(dossier: Dossier, units: Collection[int]) -> bool:
    """The rule of ``dossiers_linked_to_units`` for one dossier already loaded (at most one small query)."""
    if dossier.receiving_point_id in units or dossier.resolving_unit_id in units:
        return True
    return bool(units) and DossierStep.objects.filter(dossier=dossier, unit_id__in=units).exists()


def dossier_visible_to(user: User, dossier: Dossier) -> bool:
    """The rule of ``dossier_visible_queryset`` for one dossier already loaded (at most one small query)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.kind != AccountKind.STAFF:
        return dossier.applicant_id == user.pk
    if dossier.status == DossierStatus.DRAFT:
        return False
    scope = staff_scope(user)
    return scope.sees_all or dossier_linked_to_units(dossier, scope.visible_units)


#: The columns ``dossier_visible_to`` reads (and the key): enough to find a dossier for a transition, whose
#: service locks and reloads the whole row first thing (``services.common.begin``).
ACCESS_FIELDS = ("id", "code", "status", "applicant_id", "receiving_point_id", "resolving_unit_id")


def dossier_get_for_user(
    *, user: User, pk: int | None = None, code: str | None = None, for_transition: bool = False
) -> Dossier:
    """The dossier if ``user`` may see it; ``DossierNotFound`` otherwise (same answer as a missing one).

    Looked up by its key first, then checked with ``dossier_visible_to``: one indexed read instead of the
    list's OR-of-subqueries, which matters on every action. With ``for_transition`` only ``ACCESS_FIELDS``
    are read, without the related rows: for handing the dossier to a transition service, which reloads it
    under its lock (any other field would be read again on access)."""
    if pk is None and not code:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    lookup: dict[str, Any] = {"pk": pk} if pk is not None else {"code": code}
    if for_transition:
        dossiers = Dossier.objects.only(*ACCESS_FIELDS)
    else:
        dossiers = Dossier.objects.select_related(
            "procedure_version", "receiving_point", "resolving_unit", "applicant"
        )
    found = list(dossiers.filter(**lookup).order_by()[:1])  # a unique key: no ordering to compute
    dossier = found[0] if found else None
    if dossier is None or not dossier_visible_to(user, dossier):
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    return dossier


_NO_STEP = object()


def current_step(dossier: Dossier) -> DossierStep | None:
    """The open step, read once per dossier instance (services drop the memo when they change steps)."""
    memo = getattr(dossier, "_motcua_open_step", _NO_STEP)
    if memo is not _NO_STEP:
        return memo  # type: ignore[return-value]
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    if "steps" in cache:
        step = next((s for s in cache["steps"] if s.finished_at is None), None)
    else:
        step = (
            DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).first()
            if dossier.pk
            else None
        )
    dossier._motcua_open_step = step  # type: ignore[attr-defined]
    return step


def forget_current_step(dossier: Dossier) -> None:
    dossier.__dict__.pop("_motcua_open_step", None)


def remember_current_step(dossier: Dossier, step: DossierStep | None) -> None:
    """A service that opened ``step`` (or closed the last one: None) keeps the memo right."""
    dossier._motcua_open_step = step  # type: ignore[attr-defined]


def settle_current_step(dossier: Dossier) -> None:
    """After a change: keep a remembered step that is still open, forget one closed since."""
    memo = dossier.__dict__.get("_motcua_open_step")
    if memo is not None and memo.finished_at is not None:
        forget_current_step(dossier)


def _holds_step(scope: StaffScope, step: DossierStep | None, user: User) -> bool:
    """The user works the open step: the step's role at its unit (or its assignee), or leads that unit."""
    if step is None:
        return False
    roles = scope.roles_at(step.unit_id)
    if step.assignee_id is not None and step.assignee_id == user.pk:
        return True
    return bool(step.role and step.role in roles) or bool(roles & LEADER_ROLES)


def _officer_at(scope: StaffScope, unit_id: int) -> bool:
    return Role.ONE_STOP_OFFICER in scope.roles_at(unit_id) or bool(scope.roles_at(unit_id) & LEADER_ROLES)


def _leads(scope: StaffScope, unit_id: int) -> bool:
    return bool(scope.roles_at(unit_id) & {Role.AGENCY_LEADER, Role.DIVISION_HEAD})


def dossier_can(user: User, dossier: Dossier, action: str) -> bool:
    """May ``user`` take ``action`` on ``dossier`` now? (role, unit and source state; not once-only limits)."""
    transition = TRANSITIONS.get(action)
    if transition is None or dossier.status not in transition.sources:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.kind != AccountKind.STAFF:
        is_applicant = dossier.applicant_id == user.pk
        return is_applicant and action in (A.SUBMIT, A.SUPPLEMENT, A.WITHDRAW)
    scope = staff_scope(user)
    if Role.AUDITOR in set().union(*scope.roles_by_unit.values()) and not scope.province_admin:
        return False
    if scope.province_admin:
        return action not in (A.SUBMIT, A.FEE_PAID)
    step = current_step(dossier) if dossier.status != DossierStatus.DRAFT else None
    receiving = dossier.receiving_point_id
    if action in (A.RECEIVE, A.REFUSE, A.ROUTE, A.RETURN_RESULT):
        return _officer_at(scope, receiving)
    if action == A.SUPPLEMENT or action == A.WITHDRAW:
        return _officer_at(scope, receiving)  # at the counter, on the applicant's behalf
    if action == A.REQUEST_SUPPLEMENT:
        if dossier.status in (DossierStatus.AWAITING_INTAKE, DossierStatus.RECEIVED):
            return _officer_at(scope, receiving)
        return _holds_step(scope, step, user)
    if action == A.ASSIGN:
        return step is not None and bool(scope.roles_at(step.unit_id) & LEADER_ROLES)
    if action in (A.FORWARD, A.SEND_BACK, A.HAND_OVER, A.HAND_BACK, A.DECIDE, A.SUSPEND, A.RESUME):
        if action == A.RESUME:
            return _leads(scope, dossier.resolving_unit_id) or _holds_step(scope, step, user)
        return _holds_step(scope, step, user)
    if action == A.APOLOGISE:
        return _leads(scope, dossier.resolving_unit_id)
    return False


def dossier_require(user: User, dossier: Dossier, action: str) -> None:
    """Raise ``ActionNotAllowed`` naming why: the dossier's state, or the user's role and unit."""
    if dossier_can(user, dossier, action):
        return
    label = str(DossierAction(action).label) if action in DossierAction.values else action
    transition = TRANSITIONS.get(action)
    if transition is None or dossier.status not in transition.sources:
        raise ActionNotAllowed(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”."),
            action=label,
            status=str(DossierStatus(dossier.status).label),
        )
    raise ActionNotAllowed(_("Bạn không có quyền thực hiện “%(action)s” với hồ sơ này."), action=label)


def dossier_can_attach(user: User, dossier: Dossier) -> bool:
    """May ``user`` give a component its document now (an upload, a scan, a reused document, a registry
    record)? The applicant on their draft; on a requested supplement whoever may hand it in; at intake
    (awaiting intake, received) the staff who may receive or route it. The attach services check it; views ask
    it first when the way to the change reads someone's data (a national-registry look-up)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if dossier.status == DossierStatus.DRAFT:
        return dossier.applicant_id == user.pk
    if dossier.status == DossierStatus.AWAITING_SUPPLEMENT:
        return dossier_can(user, dossier, A.SUPPLEMENT)
    if user.kind == AccountKind.STAFF and dossier.status in (
        DossierStatus.RECEIVED,
        DossierStatus.AWAITING_INTAKE,
    ):
        return dossier_can(user, dossier, A.ROUTE) or dossier_can(user, dossier, A.RECEIVE)
    return False


def dossier_actions_for(user: User, dossier: Dossier) -> list[str]:
    """The actions the user may take now, for showing only those buttons."""
    return [action for action in TRANSITIONS if dossier_can(user, dossier, action)]
