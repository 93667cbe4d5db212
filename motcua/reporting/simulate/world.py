"""The world: what the simulation reads from the database once — units and their calendars, the published
procedures with the paths through their processes, the staff, the code counters; the stories read only
this."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.accounts.models import Membership
from motcua.calendar.engine.deadlines import Limit
from motcua.calendar.engine.snapshot import TZ, CalendarSnapshot
from motcua.calendar.selectors import calendar_snapshot, resolve_hours
from motcua.catalogue.choices import (
    END,
    PROCESS_ROLES,
    OnlineLevel,
    ResolvingRule,
    StepUnitKind,
)
from motcua.catalogue.conditions import ConditionFacts, available_actions
from motcua.catalogue.selectors import published_versions
from motcua.catalogue.spec import COMMUNE_AGENCY, ProcedureSpec, StepSpec
from motcua.core.text import fold
from motcua.dossiers.codes import DEFAULT_PATTERN
from motcua.dossiers.models import Channel, DossierCodeCounter
from motcua.dossiers.procedure import deadline_rules, procedure_spec
from motcua.dossiers.process import is_decision_action
from motcua.org.models import OrgUnit, OrgUnitKind

from .config import SimulationError
from .reference import FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, SECTOR_WEIGHTS, SURNAMES

_SHARED_CALENDARS: dict[Any, CalendarSnapshot] = {}


@dataclass(eq=False)
class _Unit:
    pk: int
    code: str
    name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @cached_property
    def cal(self) -> CalendarSnapshot:
        """The unit's calendar (its working hours), as ``procedure.calendar_for`` gives it to the services;
        units with the same working hours share one snapshot (building one takes tens of milliseconds)."""
        hours = resolve_hours(self.pk)
        shared = _SHARED_CALENDARS.get(hours)
        if shared is None:
            shared = _SHARED_CALENDARS[hours] = calendar_snapshot(org_unit=self.pk)
        return shared

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class _Path:
    """The way through the process for one kind of applicant and channel (``None`` step: no such step)."""

    intake: StepSpec | None  # the first step when it is at the receiving point
    chain: tuple[StepSpec, ...]  # from the routing target to the decision step
    ending: StepSpec | None  # the step the decision opens (the return step), None when the process ends
    back: dict[int, tuple[int, ...]]  # chain index → earlier chain indices the process may send back to


@dataclass(eq=False)
class _Plan:
    version_id: int
    code: str
    spec: ProcedureSpec
    weight: float
    limit: Limit
    due_cutoff: dt.time | None  # as ``procedure.dossier_due`` uses it
    deemed_cutoff: dt.time | None  # as ``services.intake._start_clock`` uses it
    restart: bool
    day_based: bool
    fee: bool
    agency: _Unit | None
    fixed_units: dict[str, _Unit]  # step code → unit, for steps at a named unit
    paths: dict[tuple[str, str], _Path | None] = field(default_factory=dict)

    @property
    def online(self) -> bool:
        return self.spec.online_level != OnlineLevel.NONE


@dataclass(frozen=True)
class _Actor:
    pk: int | None
    label: str


class _Picker:
    """Weighted choice from a fixed list by bisection over the cumulative weights."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass(frozen=True)
class _Pickers:
    plans: _Picker
    online_plans: _Picker
    communes: _Picker
    commune_weights: list[float]


class World:
    """Units, calendars, procedures, staff and code counters, read once; the stories read only this."""

    def __init__(self, *, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        _SHARED_CALENDARS.clear()  # the calendar tables may have changed since the last simulation
        self.pattern: str = getattr(settings, "MOTCUA_DOSSIER_CODE_PATTERN", DEFAULT_PATTERN)
        self.province_cal = calendar_snapshot(org_unit=None)
        for day in (start, end + dt.timedelta(days=400)):
            self.province_cal.index(day)  # raises OutOfCalendarRange early
        self.units: dict[int, _Unit] = {}
        self.by_code: dict[str, _Unit] = {}
        flags: dict[int, bool] = {}
        for unit in OrgUnit.objects.order_by("code"):
            u = _Unit(unit.pk, unit.code, unit.name, unit.kind, unit.valid_from, unit.valid_to)
            self.units[unit.pk] = u
            self.by_code[unit.code] = u
            flags[unit.pk] = unit.has_one_stop
        self.one_stop = [u for u in self.units.values() if flags[u.pk]]
        self.communes = [u for u in self.units.values() if u.kind == OrgUnitKind.COMMUNE]
        self.centres = [u for u in self.one_stop if u.kind == OrgUnitKind.ONE_STOP_CENTRE]
        self.plans = self._plans()
        if not self.plans:
            raise SimulationError(
                _("Không có thủ tục đã công bố nào có quy trình nội bộ dùng được để mô phỏng hồ sơ.")
            )
        if not self.communes or not self.one_stop:
            raise SimulationError(_("Chưa có đơn vị hành chính cấp xã hoặc điểm tiếp nhận một cửa."))
        self.staff = self._staff()
        self.counters: dict[tuple[str, dt.date], int] = {
            (prefix, day): last
            for prefix, day, last in DossierCodeCounter.objects.filter(day__range=(start, end)).values_list(
                "prefix", "day", "last"
            )
        }
        self.touched: set[tuple[str, dt.date]] = set()
        self._synthetic: dict[tuple[int, str], _Actor] = {}
        self._pickers: _Pickers | None = None

    def pickers(self) -> _Pickers:
        if self._pickers is None:
            online = [p for p in self.plans if p.online]
            weights = [1.5 if u.name.startswith("Phường") else 1.0 for u in self.communes]
            self._pickers = _Pickers(
                plans=_Picker(self.plans, [p.weight for p in self.plans]),
                online_plans=_Picker(online, [p.weight for p in online]),
                communes=_Picker(self.communes, weights),
                commune_weights=weights,
            )
        return self._pickers

    # procedures

    def _plans(self) -> list[_Plan]:
        plans = []
        for version in published_versions().select_related("sector").order_by("code"):
            spec = procedure_spec(version)
            if not spec.process.steps or not spec.components:
                continue
            agency = self.by_code.get(spec.agency) if spec.agency and spec.agency != COMMUNE_AGENCY else None
            if spec.resolving_unit == ResolvingRule.AGENCY and agency is None:
                continue
            fixed = {s.code: self.by_code.get(s.unit) for s in spec.process.steps if s.unit_kind == "unit"}
            if any(unit is None for unit in fixed.values()):
                continue
            sector = fold(version.sector.name)
            weight = next((w for key, w in SECTOR_WEIGHTS if key in sector), 1.0)
            rules = deadline_rules(spec)
            plans.append(
                _Plan(
                    version_id=version.pk,
                    code=spec.code,
                    spec=spec,
                    weight=weight,
                    limit=rules.limit,
                    due_cutoff=rules.due_cutoff,
                    deemed_cutoff=rules.deemed_cutoff,
                    restart=rules.restart,
                    day_based=rules.day_based,
                    fee=any(f.amount > 0 for f in spec.fees),
                    agency=agency,
                    fixed_units={code: unit for code, unit in fixed.items() if unit is not None},
                )
            )
        return [p for p in plans if any(self.path(p, k, c) for k in p.spec.applicant_types for c in Channel)]

    def path(self, plan: _Plan, kind: str, channel: str) -> _Path | None:
        key = (kind, channel)
        if key not in plan.paths:
            plan.paths[key] = _walk(plan.spec, kind, channel)
        return plan.paths[key]

    # people

    def _staff(self) -> dict[tuple[int, str], list[tuple[_Actor, dt.date | None, dt.date | None]]]:
        staff: dict[tuple[int, str], list[tuple[_Actor, dt.date | None, dt.date | None]]] = {}
        rows = Membership.objects.select_related("user").filter(user__is_active=True).order_by("pk")
        for m in rows:
            label = m.user.get_full_name() or m.user.get_username()
            staff.setdefault((m.org_unit_id, m.role), []).append(
                (_Actor(m.user.pk, label), m.valid_from, m.valid_to)
            )
        return staff

    def actor(self, unit: _Unit, role: str, day: dt.date) -> _Actor:
        """The demo officer holding ``role`` at ``unit`` on ``day``, else an invented officer (no account)."""
        key = (unit.pk, role)
        for actor, valid_from, valid_to in self.staff.get(key, ()):
            if (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to):
                return actor
        found = self._synthetic.get(key)
        if found is None:
            h = zlib.crc32(f"{unit.code}/{role}".encode())
            female = h % 2 == 1
            surname = SURNAMES[h % len(SURNAMES)][0]
            middle = (FEMALE_MIDDLE if female else MALE_MIDDLE)[(h >> 3) % 10]
            given = (FEMALE_GIVEN if female else MALE_GIVEN)[(h >> 7) % len(MALE_GIVEN)]
            found = self._synthetic[key] = _Actor(None, f"{surname} {middle} {given}")
        return found

    def next_code(self, point: _Unit, moment: dt.datetime) -> str:
        local = moment.astimezone(TZ)
        key = (point.code, local.date())
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        self.touched.add(key)
        return self.pattern.format(agency=point.code, yymmdd=local.strftime("%y%m%d"), seq=seq)


def _walk(spec: ProcedureSpec, kind: str, channel: str) -> _Path | None:
    """The forward path through the process, as ``dossiers.demo`` walks it: the first available action to a
    step not visited yet, and the first decision action when none is left. None when there is no way."""
    process = spec.process
    facts = ConditionFacts(
        fee_paid=True,  # fee-bearing dossiers are paid at intake in the simulation
        result_type=spec.result_type,
        applicant_type=kind,
        channel="post" if channel == Channel.POSTAL else channel,
    )

    def actions(code: str) -> list[Any]:
        return available_actions(process, step=code, facts=facts, roles=PROCESS_ROLES)

    first = process.steps[0]
    intake: StepSpec | None = None
    target: StepSpec | None = first
    if first.unit_kind == StepUnitKind.RECEIVING:
        intake = first
        # ``dossier_route`` takes the first action of the process from the intake step, if available
        wanted = next((a.to_step for a in process.actions if a.from_step == first.code), "")
        if wanted not in {a.to_step for a in actions(first.code)}:
            return None
        target = process.step(wanted)
        if target is None or target.unit_kind == StepUnitKind.RECEIVING:
            return None
    assert target is not None  # noqa: S101 - steps[0] exists
    chain = [target]
    visited = {target.code, *([intake.code] if intake else [])}
    while True:
        available = actions(chain[-1].code)
        onward = [a for a in available if not is_decision_action(spec, a) and a.to_step not in visited]
        if onward:
            nxt = process.step(onward[0].to_step)
            if nxt is None:
                return None
            chain.append(nxt)
            visited.add(nxt.code)
            continue
        endings = [a for a in available if is_decision_action(spec, a)]
        if not endings:
            return None
        ending = None if endings[0].to_step == END else process.step(endings[0].to_step)
        break
    index = {s.code: i for i, s in enumerate(chain)}
    back: dict[int, tuple[int, ...]] = {}
    for i, step in enumerate(chain):
        targets = tuple(
            sorted(
                {index[a.to_step] for a in actions(step.code) if a.to_step in index and index[a.to_step] < i}
            )
        )
        if targets:
            back[i] = targets
    return _Path(intake=intake, chain=tuple(chain), ending=ending, back=back)
