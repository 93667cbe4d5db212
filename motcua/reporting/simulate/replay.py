"""Replaying one dossier: its row and components, the event log, the steps (``services.steps``), the pauses
(``services.pauses``) and the apology (``services.apology``) — what the services write, in memory; the
transitions (``transitions``) and the story (``story``) build on it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from motcua.calendar.engine.deadlines import (
    Limit,
    Pause,
    classify,
    deemed_receipt,
    due_moment,
    shift_by_pauses,
)
from motcua.calendar.engine.snapshot import TZ, CalendarSnapshot
from motcua.catalogue.choices import StepUnitKind
from motcua.catalogue.spec import StepSpec
from motcua.core.text import fold
from motcua.dossiers.bulk import ComponentRow, DossierRow, EventRow, PauseRow, StepRow
from motcua.dossiers.models import ApplicantKind, Channel, ComponentOrigin, FeeStatus, HandoverMode
from motcua.dossiers.procedure import ROUTING_CUTOFF, step_limit
from motcua.dossiers.status import DossierAction as A
from motcua.dossiers.status import DossierStatus as S

from .arrivals import _Arrival
from .config import DAY_US, SECOND_US, SIMULATED_KEY, SimulationConfig
from .reference import (
    APOLOGY_REASONS,
    BUSINESS_FORMS,
    BUSINESS_NAMES,
    MOBILE_PREFIXES,
    NOT_REUSABLE_TYPES,
    REGISTRY_TYPES,
    STREETS,
    _person,
    _tax_code,
)
from .world import World, _Actor, _Unit


class _Stop(Exception):
    """The story is over: it reached its end, or the next event would fall after the simulated range."""


_STEP_LIMITS: dict[int, tuple[StepSpec, Limit, int]] = {}


def _step_limit(step: StepSpec) -> tuple[Limit, int]:
    """``procedure.step_limit`` of a step and its nominal working time, memoised (specs are immutable)."""
    found = _STEP_LIMITS.get(id(step))
    if found is None or found[0] is not step:
        limit = step_limit(step)
        nominal = limit.days * DAY_US if limit.is_day_based else limit.microseconds
        found = _STEP_LIMITS[id(step)] = (step, limit, nominal)
    return found[1], found[2]


def _after(cal: CalendarSnapshot, moment: dt.datetime, work_us: float) -> dt.datetime:
    """The moment when ``work_us`` of working time has passed since ``moment`` (whole seconds, >= 1 min)."""
    us = max(60 * SECOND_US, int(work_us) // SECOND_US * SECOND_US)
    return cal.moment_at(cal.working_us(moment) + us)


def _utc_iso(moment: dt.datetime) -> str:
    """A moment as the services write one they read back from the database (UTC)."""
    return moment.astimezone(dt.UTC).isoformat()


class _Replay:
    """One dossier's rows and what the transitions share: the event log, the steps, the pauses, the
    apology."""

    def __init__(self, world: World, config: SimulationConfig, rng: random.Random, arrival: _Arrival,
                 end_moment: dt.datetime) -> None:  # fmt: skip
        self.w, self.cfg, self.rng, self.a = world, config, rng, arrival
        self.end = end_moment
        self.plan = arrival.plan
        self.spec = arrival.plan.spec
        self.rcal = arrival.resolving.cal
        self.steps: list[StepRow] = []
        self.pauses: list[PauseRow] = []
        self.events: list[EventRow] = []
        self.open: StepRow | None = None
        self.open_unit: _Unit | None = None
        self.pause: PauseRow | None = None
        self.last = arrival.at
        self.apology_u: float | None = None
        self.pace = 0.0
        self.supplement_at = self.suspend_at = self.withdraw_at = -1
        self.scan_share = 0.5 + 0.35 * arrival.position  # paper components scanned after a counter intake
        self.d = self._dossier()
        self.components = self._components()

    # -- the dossier row and its components -------------------------------------------------------------

    def _dossier(self) -> DossierRow:
        rng, a = self.rng, self.a
        if a.kind == ApplicantKind.BUSINESS:
            name = f"{rng.choice(BUSINESS_FORMS)} {rng.choice(BUSINESS_NAMES)}"
            personal_id, tax_code = "", _tax_code(rng)
        else:
            name, personal_id = _person(rng)
            tax_code = ""
        if a.commune.name.startswith("Phường"):
            address = f"Số {rng.randint(1, 250)} phố {rng.choice(STREETS)}, {a.commune.name}, tỉnh Thanh Hóa"
        else:
            address = f"Thôn {rng.randint(1, 15)}, {a.commune.name}, tỉnh Thanh Hóa"
        email = ""
        if a.channel == Channel.ONLINE and rng.random() < 0.45:
            email = f"{fold(name).replace(' ', '.')}{rng.randint(1, 999)}@example.com"
        return DossierRow(
            procedure_version_id=self.plan.version_id,
            channel=a.channel,
            applicant_kind=a.kind,
            applicant_name=name,
            applicant_personal_id=personal_id,
            applicant_tax_code=tax_code,
            applicant_phone=f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}",
            applicant_email=email,
            applicant_address=address,
            applicant_commune_id=a.commune.pk,
            receiving_point_id=a.point.pk,
            resolving_unit_id=a.resolving.pk,
            form_data={SIMULATED_KEY: True},
            fee_status=FeeStatus.UNPAID if self.plan.fee else FeeStatus.NONE,
            created_at=a.at - dt.timedelta(minutes=rng.randint(5, 90))
            if a.channel == Channel.ONLINE
            else a.at,
        )

    def _components(self) -> list[ComponentRow]:
        rng, pos, online = self.rng, self.a.position, self.a.channel == Channel.ONLINE
        p_registry, p_reused = 0.2 + 0.2 * pos, 0.15 + 0.2 * pos
        out = []
        for i, c in enumerate(self.spec.components, start=1):
            provided = c.required or rng.random() < 0.5
            origin, digitised, pages = "", False, 0
            if provided and online:
                if c.document_type in REGISTRY_TYPES and rng.random() < p_registry:
                    origin = ComponentOrigin.REGISTRY
                elif c.document_type not in NOT_REUSABLE_TYPES and rng.random() < p_reused:
                    origin, digitised, pages = ComponentOrigin.REUSED, True, rng.randint(1, 4)
                else:
                    origin, digitised, pages = ComponentOrigin.UPLOAD, True, rng.randint(1, 8)
            elif provided:
                origin = ComponentOrigin.PAPER
            out.append(
                ComponentRow(
                    i, c.name, c.required, c.document_type, c.originals, c.copies, origin, digitised, pages
                )
            )
        return out

    def _component_summary(self) -> dict[str, int]:
        rows = self.components
        return {
            "total": len(rows),
            "digitised": sum(1 for c in rows if c.digitised),
            "reused": sum(1 for c in rows if c.origin == ComponentOrigin.REUSED),
            "from_store": sum(1 for c in rows if c.origin == ComponentOrigin.REGISTRY),
        }

    # -- the event log ----------------------------------------------------------------------------------

    def _at(self, moment: dt.datetime) -> dt.datetime:
        """Before a transition at ``moment``: stop when it is past the range, apologise when it is due."""
        if moment > self.end:
            self._maybe_apologise(self.end)
            raise _Stop
        self._maybe_apologise(moment)
        return moment

    def _record(self, at: dt.datetime, action: str, actor: _Actor, *, to_status: str | None = None,
                from_step: str = "", to_step: str = "", unit_code: str = "", note: str = "",
                data: dict[str, Any] | None = None) -> None:  # fmt: skip
        d = self.d
        from_status = d.status
        if to_status is not None:
            d.status = to_status
        d.lock_version += 1
        row = EventRow(len(self.events) + 1, at, actor.pk, actor.label, action, from_status, d.status,
                        from_step, to_step, unit_code, note, data or {})  # fmt: skip
        self.events.append(row)
        self.last = at

    def _officer(self, unit: _Unit, role: str, at: dt.datetime) -> _Actor:
        if (unit.pk, role) not in self.w.staff:
            return self.w.actor(unit, role, self.end.date())  # an invented officer, whatever the day
        return self.w.actor(unit, role, at.astimezone(TZ).date())

    def _applicant(self) -> _Actor:
        return _Actor(None, self.d.applicant_name)

    # -- steps (services.steps) -------------------------------------------------------------------------

    def _unit_of(self, step: StepSpec) -> _Unit:
        kind = step.unit_kind
        if kind == StepUnitKind.RECEIVING:
            return self.a.point
        if kind == StepUnitKind.RESOLVING:
            return self.a.resolving
        return self.plan.fixed_units[step.code]

    def _open_step(self, step: StepSpec, *, at: dt.datetime, by: _Actor | None, mode: str = HandoverMode.ELECTRONIC,
                   routing: bool = False) -> StepRow:  # fmt: skip
        unit = self._unit_of(step)
        start = deemed_receipt(unit.cal, at, cutoff=ROUTING_CUTOFF) if routing else at
        row = StepRow(
            len(self.steps) + 1, step.code, step.name, step.role, unit.pk, step.inter_agency, mode,
            by.pk if by else None, step.budget.amount, step.budget.unit, start,
            due_moment(unit.cal, start, _step_limit(step)[0]),
        )  # fmt: skip
        self.steps.append(row)
        self.open, self.open_unit = row, unit
        return row

    def _close_step(self, at: dt.datetime, actor: _Actor | None, note: str = "") -> StepRow:
        step, unit = self.open, self.open_unit
        assert step is not None and unit is not None  # noqa: S101 - callers hold an open step
        step.finished_at = max(at, step.started_at)
        step.finished_by_id = actor.pk if actor else None
        if step.due_at is not None:
            step.outcome = str(
                classify(unit.cal, finished=step.finished_at, due=step.due_at, day_based=self.plan.day_based)
            )
        step.note = note or step.note
        self.open = self.open_unit = None
        return step

    def _end_open_step(self, at: dt.datetime, *, note: str = "") -> str:
        """The open step ends without an outcome: at ``at`` for a closure, not before its start for a
        withdrawal (which also notes the reason), as those two services do."""
        step = self.open
        if step is None:
            return ""
        step.finished_at = max(at, step.started_at) if note else at
        step.note = note or step.note
        self.open = self.open_unit = None
        return step.step_code

    # -- pauses (services.pauses) -----------------------------------------------------------------------

    def _pause_open(self, kind: str, at: dt.datetime, reason: str, items: list[str] | None = None) -> None:
        self.d.paused_from = self.d.status
        self.pause = PauseRow(kind, at, reason, items or [])
        self.pauses.append(self.pause)

    def _pause_close(self, at: dt.datetime) -> str | None:
        """End the open pause and move the due moments by it; returns the ``due_at`` the event shows (as
        the services write it: a moment computed now in local time, one read back from the row in UTC)."""
        d, pause = self.d, self.pause
        if pause is None:
            return None
        self.pause = None
        pause.ended_at = max(at, pause.started_at)
        assert d.due_at is not None and d.received_at is not None  # noqa: S101 - pauses come after receipt
        if pause.ended_at == pause.started_at:
            return _utc_iso(d.due_at)
        moved = Pause(pause.started_at, pause.ended_at)
        fresh = False
        if pause.started_at >= d.received_at:
            if d.apology_count:  # the agreed new date moves by the same pause
                due = shift_by_pauses(self.rcal, d.due_at.astimezone(dt.UTC), [moved])
            else:
                closed = [
                    Pause(p.started_at, p.ended_at)
                    for p in self.pauses
                    if p.ended_at and p.ended_at > p.started_at
                ]
                due = due_moment(self.rcal, d.received_at, self.plan.limit, cutoff=self.plan.due_cutoff,
                                 pauses=closed, restart=self.plan.restart)  # fmt: skip
            fresh = due.tzinfo is not dt.UTC
            d.due_at = due
        step, unit = self.open, self.open_unit
        if (
            step is not None
            and unit is not None
            and step.due_at is not None
            and pause.started_at >= step.started_at
        ):
            step.due_at = shift_by_pauses(unit.cal, step.due_at, [moved])
        return d.due_at.isoformat() if fresh else _utc_iso(d.due_at)

    # -- apology (services.apology) ---------------------------------------------------------------------

    def _maybe_apologise(self, until: dt.datetime) -> None:
        d = self.d
        if self.apology_u is None or d.apology_count or d.due_at is None:
            return
        if d.status not in (S.RECEIVED, S.PROCESSING, S.SUSPENDED):
            return
        cal = self.rcal
        due_day = d.due_at.astimezone(TZ).date()
        day = due_day - dt.timedelta(days=1)
        while not cal.is_working_day(day):
            day -= dt.timedelta(days=1)
        base = cal.working_us(cal.day_start(day))
        moment = cal.moment_at(
            base + int(self.apology_u * (cal.working_us(cal.day_end(day)) - base)) // SECOND_US * SECOND_US
        )
        if not (self.last <= moment <= until):
            return
        new_due = cal.day_end(cal.nth_working_day_after(due_day, self.rng.randint(3, 8)))
        previous = d.due_at
        d.due_at = new_due
        d.apology_count += 1
        leader = self._officer(self.a.resolving, "agency_leader", moment)
        self._record(moment, A.APOLOGISE, leader, note=self.rng.choice(APOLOGY_REASONS),
                     data={"previous_due_at": _utc_iso(previous), "new_due_at": new_due.isoformat()})  # fmt: skip
