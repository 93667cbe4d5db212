"""Arrivals: how many dossiers arrive on each day (in blocks of ``BLOCK_DAYS``, each from its own random
stream), and when, where, for which procedure, from whom and by which channel each one arrives."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from motcua.calendar.engine.snapshot import CalendarSnapshot, local_moment
from motcua.catalogue.choices import OnlineLevel, ResolvingRule
from motcua.dossiers.models import ApplicantKind, Channel
from motcua.org.models import OrgUnitKind

from .config import HOUR_US, SECOND_US, SimulationConfig
from .reference import WEEKDAY_LOAD
from .world import World, _Path, _Picker, _Plan, _Unit


@dataclass
class _Arrival:
    at: dt.datetime
    plan: _Plan
    path: _Path
    channel: str
    kind: str
    point: _Unit
    commune: _Unit
    resolving: _Unit
    position: float  # 0 at the start of the range, 1 at its end


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder: the counts add up exactly)."""
    whole = sum(weights)
    if total == 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    rest = total - sum(counts)
    for k in sorted(range(len(exact)), key=lambda k: (counts[k] - exact[k], k))[:rest]:
        counts[k] += 1
    return counts


#: Days simulated together from one random stream: the unit of work of a worker process. Changing it
#: changes the data a seed gives.
BLOCK_DAYS = 7


def day_counts(world: World, cfg: SimulationConfig) -> list[tuple[dt.date, int]]:
    """How many dossiers arrive on each day of the range (working days carry the counter load, and any day
    online submissions), from the seed's own stream."""
    rng = random.Random(cfg.seed)  # noqa: S311 - simulated data, reproducible by seed
    cal = world.province_cal
    span = max(1, (cfg.end - cfg.start).days)
    days = [cfg.start + dt.timedelta(days=k) for k in range((cfg.end - cfg.start).days + 1)]
    weights = []
    for day in days:
        pos = (day - cfg.start).days / span
        base = WEEKDAY_LOAD[day.weekday()] if cal.is_working_day(day) else 0.06
        weights.append(base * (0.9 + 0.2 * pos) * max(0.3, rng.gauss(1, 0.12)))
    return list(zip(days, _spread(cfg.dossiers, weights), strict=True))


def blocks(world: World, cfg: SimulationConfig) -> list[list[tuple[dt.date, int]]]:
    counts = day_counts(world, cfg)
    return [counts[k : k + BLOCK_DAYS] for k in range(0, len(counts), BLOCK_DAYS)]


def _arrivals(world: World, cfg: SimulationConfig, rng: random.Random,
              days: Sequence[tuple[dt.date, int]]) -> Iterator[_Arrival]:  # fmt: skip
    """The arrivals of ``days``, in time order."""
    cal = world.province_cal
    span = max(1, (cfg.end - cfg.start).days)
    pickers = world.pickers()
    for day, count in days:
        working = cal.is_working_day(day)
        if not count or not (working or pickers.online_plans):
            continue
        pos = (day - cfg.start).days / span
        share = cfg.online_start + (cfg.online_end - cfg.online_start) * pos
        valid = [k for k, u in enumerate(world.communes) if u.valid_on(day)]
        communes = (
            pickers.communes
            if len(valid) in (0, len(world.communes))
            else _Picker([world.communes[k] for k in valid], [pickers.commune_weights[k] for k in valid])
        )
        points = [u for u in world.one_stop if u.valid_on(day)] or world.one_stop
        centres = [u for u in world.centres if u.valid_on(day)]
        plans = pickers.plans if working else pickers.online_plans
        arrivals: list[_Arrival] = []
        for _n in range(count):
            arrival = _arrival(world, cfg, rng, day, pos, working, share, plans, communes, points, centres)
            if arrival is not None:
                arrivals.append(arrival)
        arrivals.sort(key=lambda x: x.at)
        yield from arrivals


def _arrival(world: World, cfg: SimulationConfig, rng: random.Random, day: dt.date, pos: float, working: bool,
             share: float, plans: _Picker, communes: _Picker, points: list[_Unit],
             centres: list[_Unit]) -> _Arrival | None:  # fmt: skip
    """One arrival on ``day`` (``plans``: the online-capable ones on a day off), or None when none fits."""
    for _attempt in range(20):
        plan: _Plan = plans.pick(rng)
        types = plan.spec.applicant_types
        business_share = 0.25 if len(types) > 1 else (1.0 if ApplicantKind.BUSINESS in types else 0.0)
        kind = ApplicantKind.BUSINESS if rng.random() < business_share else ApplicantKind.CITIZEN
        if kind not in types:
            kind = ApplicantKind(types[0])
        p_online = min(0.95, share * (1.3 if plan.spec.online_level == OnlineLevel.FULL else 0.8))
        if not working or (plan.online and rng.random() < p_online):
            channel = Channel.ONLINE
        else:
            channel = Channel.POSTAL if rng.random() < cfg.postal else Channel.COUNTER
        path = world.path(plan, kind, channel)
        if path is None:
            continue
        commune: _Unit = communes.pick(rng)
        point = _receiving_point(world, rng, plan, commune, points, centres)
        if point is None:
            continue
        rule = plan.spec.resolving_unit
        resolving = (
            plan.agency
            if rule == ResolvingRule.AGENCY
            else commune
            if rule == ResolvingRule.APPLICANT_COMMUNE
            else point
        )
        assert resolving is not None  # noqa: S101 - plans with the agency rule have an agency
        at = _arrival_moment(rng, point.cal, day, online=channel == Channel.ONLINE)
        return _Arrival(at, plan, path, channel, kind, point, commune, resolving, pos)
    return None


def _receiving_point(world: World, rng: random.Random, plan: _Plan, commune: _Unit, points: list[_Unit],
                     centres: list[_Unit]) -> _Unit | None:  # fmt: skip
    listed = plan.spec.receiving_points
    if listed:
        options = [u for u in points if u.code in listed] or [
            world.by_code[c] for c in listed if c in world.by_code
        ]
        return rng.choice(options) if options else None
    rule = plan.spec.resolving_unit
    local = [u for u in points if u.kind == OrgUnitKind.COMMUNE]
    if rule in (ResolvingRule.APPLICANT_COMMUNE, ResolvingRule.RECEIVING_POINT):
        r = rng.random()
        if r < 0.85 and commune in points:
            return commune
        if r < 0.9 and centres and rule == ResolvingRule.APPLICANT_COMMUNE:
            return rng.choice(centres)
        return rng.choice(local or points)
    if centres and rng.random() < 0.8:
        return rng.choice(centres)
    return rng.choice(local or points)


def _arrival_moment(rng: random.Random, cal: CalendarSnapshot, day: dt.date, *, online: bool) -> dt.datetime:
    if online and (not cal.is_working_day(day) or rng.random() < 0.25):
        hour = (
            rng.choice((0, 5, 6, 11, 12, 17, 18, 19, 20, 21, 22, 23))
            if rng.random() < 0.8
            else rng.randint(0, 23)
        )
        return local_moment(day, hour * HOUR_US + rng.randrange(0, 3600) * SECOND_US)
    start = cal.working_us(cal.day_start(day))
    span = cal.working_us(cal.day_end(day)) - start
    # mornings are busier
    offset = span * (rng.betavariate(1.3, 1.8) if rng.random() < 0.8 else rng.random())
    return cal.moment_at(start + max(SECOND_US, int(offset) // SECOND_US * SECOND_US))
