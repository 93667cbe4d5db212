"""One dossier's story: its fortune drawn once (pace, supplement, suspension, withdrawal, send-back,
apology), played through the transitions up to the end of the simulated range; and the stories of a block
of days, or of the whole range, in arrival order."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from contextlib import suppress

from motcua.calendar.engine.deadlines import Limit, due_moment
from motcua.calendar.engine.snapshot import TZ
from motcua.catalogue.choices import ResultType
from motcua.catalogue.spec import StepSpec
from motcua.dossiers.bulk import Story
from motcua.dossiers.models import Channel, Decision, ReturnMethod
from motcua.dossiers.procedure import SUPPLEMENT_WAIT_DAYS

from .arrivals import _arrivals, blocks
from .config import CLOSE_JOB_TIME, DAY_US, HOUR_US, SimulationConfig
from .replay import _after, _step_limit, _Stop
from .transitions import _Transitions
from .world import World


class _Sim(_Transitions):
    """Plays one dossier through the services' transitions, writing what each would write."""

    def play(self) -> Story:
        with suppress(_Stop):
            self._story()
        return Story(self.d, self.steps, self.pauses, self.components, self.events)

    def _story(self) -> None:
        rng, cfg, a = self.rng, self.cfg, self.a
        if a.channel == Channel.ONLINE:
            self.submit(a.at)
            received = _after(a.point.cal, a.at, min(rng.expovariate(1 / (3 * HOUR_US)), 3 * DAY_US))
            if rng.random() < cfg.refused:
                self.refuse(received)
                return
        else:
            received = a.at
        self.receive(received)

        # The dossier's fortune, drawn once: its pace against the step budgets, and where (station 0 is the
        # intake step, station i + 1 the chain's step i) the exceptional things happen, each at most once.
        chain = a.path.chain
        stations: list[StepSpec | None] = [a.path.intake, *chain]
        slow = rng.random() < cfg.slow
        self.pace = rng.uniform(1.15, 1.9) if slow else 0.04 + 0.6 * rng.betavariate(2, 5)
        if slow and rng.random() < cfg.apology:
            self.apology_u = rng.uniform(0.05, 0.9)
        self.supplement_at = self.suspend_at = self.withdraw_at = -1
        if rng.random() < cfg.supplement:
            able = [i for i, s in enumerate(stations) if s is not None and s.can_request_supplement]
            self.supplement_at = rng.choice(able) if able else -1
        if rng.random() < cfg.suspension:
            self.suspend_at = rng.randrange(1, len(stations))
        if rng.random() < cfg.withdrawal:
            self.withdraw_at = rng.randrange(0 if a.path.intake else 1, len(stations))
        send_back = rng.random() < cfg.send_back and bool(a.path.back)

        if a.path.intake is not None:
            done = self._work(0, a.path.intake)
        else:
            done = _after(a.point.cal, received, rng.uniform(0.2, 2) * HOUR_US)
        self.route(done, chain[0], paper=rng.random() < 0.02)
        i = 0
        while True:
            done = self._work(i + 1, chain[i])
            targets = a.path.back.get(i, ())
            if send_back and targets:
                send_back = False
                j = rng.choice(targets)
                self.send_back(done, chain[j])
                i = j
                continue
            if i == len(chain) - 1:
                break
            nxt = chain[i + 1]
            handover = nxt.inter_agency != chain[i].inter_agency
            paper = handover and rng.random() < cfg.paper_handover * (1.3 - 0.6 * a.position)
            self.forward(done, nxt, paper=paper)
            i += 1
        self._decide_and_return(done)

    def _work(self, station: int, spec_step: StepSpec) -> dt.datetime:
        """The open step's work, with what happens inside it; returns the moment it is done."""
        rng, cfg = self.rng, self.cfg
        step, unit = self.open, self.open_unit
        assert step is not None and unit is not None  # noqa: S101 - a step is open while work goes on
        duration = self.pace * math.exp(rng.gauss(0, 0.35)) * _step_limit(spec_step)[1]
        t = step.started_at
        if station == self.supplement_at:
            self.supplement_at = -1
            u = rng.uniform(0.1, 0.9)
            t = _after(unit.cal, t, u * duration)
            duration *= 1 - u
            self.request_supplement(t)
            if rng.random() < cfg.supplement_never:
                if rng.random() < 0.3:  # the applicant gives up
                    self.withdraw(_after(self.rcal, t, rng.uniform(2, 12) * DAY_US))
                else:  # the nightly job closes it the night after the 15th working day
                    deadline = due_moment(self.rcal, t, Limit.working_days(SUPPLEMENT_WAIT_DAYS))
                    night = deadline.astimezone(TZ).date() + dt.timedelta(days=1)
                    self.close(dt.datetime.combine(night, CLOSE_JOB_TIME, tzinfo=TZ))
                raise _Stop
            t = _after(self.rcal, t, min(rng.expovariate(1 / (3 * DAY_US)), 14 * DAY_US))
            self.supplement(t)
        if station == self.suspend_at:
            self.suspend_at = -1
            u = rng.uniform(0.1, 0.9)
            t = _after(unit.cal, t, u * duration)
            duration *= 1 - u
            self.suspend(t)
            t = _after(self.rcal, t, rng.uniform(2, 10) * DAY_US)
            self.resume(t)
        if station == self.withdraw_at:
            self.withdraw(_after(unit.cal, t, rng.uniform(0.1, 0.9) * duration))
            raise _Stop
        return _after(unit.cal, t, duration)

    def _decide_and_return(self, at: dt.datetime) -> None:
        rng, cfg, a = self.rng, self.cfg, self.a
        decision = Decision.NOT_ELIGIBLE if rng.random() < cfg.not_eligible else Decision.APPROVED
        result_type = self.spec.result_type
        if result_type == ResultType.ELECTRONIC:
            e_result = rng.random() < 0.95
        elif result_type == ResultType.NONE:
            e_result = False
        else:
            e_result = (
                rng.random() < cfg.e_result_start + (cfg.e_result_end - cfg.e_result_start) * a.position
            )
        e_result = e_result and decision == Decision.APPROVED
        self.decide(at, decision=decision, e_result=e_result)
        cal = a.point.cal
        if a.channel == Channel.ONLINE and e_result and rng.random() < 0.85:
            method, wait = ReturnMethod.ONLINE, rng.uniform(0.05, 4) * HOUR_US
        elif a.channel == Channel.POSTAL or rng.random() < 0.08:
            method, wait = ReturnMethod.POST, rng.uniform(0.5, 2) * DAY_US
        else:
            method, wait = ReturnMethod.COUNTER, min(rng.expovariate(1 / (1.5 * DAY_US)), 40 * DAY_US)
        if rng.random() < 0.02:
            wait += 60 * DAY_US  # the applicant does not come for a long time
        self.return_result(_after(cal, at, wait), method)


def block_stories(world: World, cfg: SimulationConfig, index: int,
                  days: Sequence[tuple[dt.date, int]]) -> Iterator[Story]:  # fmt: skip
    """The stories of one block of days, from the block's own random stream."""
    rng = random.Random(f"{cfg.seed}/{index}")  # noqa: S311 - simulated data, reproducible by seed
    end_moment = dt.datetime.combine(cfg.end, dt.time(23, 59, 59), tzinfo=TZ)
    for arrival in _arrivals(world, cfg, rng, days):
        yield _Sim(world, cfg, rng, arrival, end_moment).play()


def stories(world: World, cfg: SimulationConfig) -> Iterator[Story]:
    """Every dossier's story, in arrival order. Pure given ``world`` (which it updates: the code counters)."""
    for index, days in enumerate(blocks(world, cfg)):
        yield from block_stories(world, cfg, index, days)
