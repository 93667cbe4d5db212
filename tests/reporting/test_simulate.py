"""``motcua simulate``: the bulk history obeys the rules of the dossier services.

One simulation of a few hundred dossiers over the demo catalogue is built for the module (in a transaction
rolled back at its end); the tests check it against the services' own functions: the hash chain, the
calendar engine's due moments and classifications, the transition table, the code counters.
"""

import dataclasses
import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from motcua.calendar.engine.deadlines import deemed_receipt, due_moment
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierPause, DossierStep
from motcua.dossiers.procedure import (
    ROUTING_CUTOFF,
    calendar_for,
    classify_finish,
    dossier_due,
    procedure_spec,
    step_limit,
)
from motcua.dossiers.status import FINAL_STATES, OPEN_STATES, TRANSITIONS
from motcua.reporting.simulate import (
    SIMULATED_KEY,
    SimulationConfig,
    SimulationError,
    World,
    seed_demo_history,
    simulate,
    simulated_in_range,
    stories,
)

from ..conftest import seed_people

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = dt.date(2026, 1, 5), dt.date(2026, 4, 30)
END_MOMENT = dt.datetime(2026, 4, 30, 23, 59, 59, tzinfo=VN)
CONFIG = SimulationConfig(dossiers=400, start=START, end=END, seed=11, batch=150)


@pytest.fixture(scope="module")
def simulated(django_db_setup, django_db_blocker):
    """The demo organisation, calendar and catalogue, and one simulation, for the whole module."""
    from motcua.catalogue.demo import seed_demo_catalogue

    with django_db_blocker.unblock(), transaction.atomic():
        seed_people()
        seed_demo_catalogue()
        result = simulate(CONFIG)
        try:
            yield result
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def dossiers(simulated, db):
    return list(
        Dossier.objects.filter(**{f"form_data__{SIMULATED_KEY}": True})
        .select_related("procedure_version", "resolving_unit", "receiving_point")
        .order_by("pk")
    )


def events_of(dossier):
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))


def fingerprint(story):
    d = dataclasses.asdict(story.dossier)
    d.pop("id")
    return (
        d,
        [dataclasses.astuple(r) for r in story.steps],
        [dataclasses.astuple(r) for r in story.pauses],
        [dataclasses.astuple(r) for r in story.components],
        [dataclasses.astuple(r) for r in story.events],
    )


def test_the_same_seed_gives_the_same_dossiers(simulated, db):
    config = SimulationConfig(dossiers=60, start=dt.date(2026, 5, 4), end=dt.date(2026, 6, 30), seed=5)
    first = [fingerprint(s) for s in stories(World(start=config.start, end=config.end), config)]
    again = [fingerprint(s) for s in stories(World(start=config.start, end=config.end), config)]
    other = [
        fingerprint(s)
        for s in stories(World(start=config.start, end=config.end), dataclasses.replace(config, seed=6))
    ]
    assert len(first) == 60
    assert first == again
    assert first != other


def test_it_creates_the_dossiers_asked_for(simulated, dossiers):
    assert simulated.dossiers == len(dossiers) == CONFIG.dossiers
    assert simulated.events == DossierEvent.objects.filter(dossier__in=dossiers).count()
    assert all(d.form_data == {SIMULATED_KEY: True} for d in dossiers)
    assert simulated_in_range(START, END) == CONFIG.dossiers


def test_every_history_verifies(dossiers):
    assert dossier_history_verify(dossier_ids=[d.pk for d in dossiers]) is None
    call_command("verify_dossier_history", verbosity=0)


def test_histories_follow_the_transition_table(dossiers):
    for d in dossiers:
        events = events_of(d)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].from_status == "draft"
        assert events[0].action in ("submit", "receive")
        for before, event in zip([None, *events], events, strict=False):
            transition = TRANSITIONS[event.action]
            assert event.from_status in transition.sources, (d.code, event.action, event.from_status)
            if before is not None:
                assert event.from_status == before.to_status
                assert event.occurred_at >= before.occurred_at
            if transition.target is not None:
                assert event.to_status == transition.target
            elif event.action != "supplement":
                assert event.to_status == event.from_status
        assert d.status == events[-1].to_status
        assert d.lock_version == len(events)


def test_no_event_after_the_end_of_the_range(dossiers):
    last = DossierEvent.objects.filter(dossier__in=dossiers).order_by("-occurred_at").first()
    assert last.occurred_at <= END_MOMENT
    first = DossierEvent.objects.filter(dossier__in=dossiers).order_by("occurred_at").first()
    assert first.occurred_at >= dt.datetime(2026, 1, 5, tzinfo=VN)
    assert any(d.status in OPEN_STATES for d in dossiers)  # stories cut at the end stay open


def test_once_only_rules_and_open_steps(dossiers):
    for d in dossiers:
        assert d.supplement_count <= 1 and d.apology_count <= 1
        requests = DossierEvent.objects.filter(dossier=d, action="request_supplement").count()
        apologies = DossierEvent.objects.filter(dossier=d, action="apologise").count()
        assert (requests, apologies) == (d.supplement_count, d.apology_count)
        open_steps = DossierStep.objects.filter(dossier=d, finished_at__isnull=True).count()
        open_pauses = DossierPause.objects.filter(dossier=d, ended_at__isnull=True).count()
        if d.status in FINAL_STATES or d.status == "awaiting_intake":
            assert open_steps == 0, d.code
        elif d.status in ("processing", "suspended"):
            assert open_steps == 1, d.code
        else:
            assert open_steps <= 1, d.code
        assert open_pauses == (1 if d.status in ("awaiting_supplement", "suspended") else 0), d.code
        steps = list(DossierStep.objects.filter(dossier=d).order_by("seq"))
        assert [s.seq for s in steps] == list(range(1, len(steps) + 1))
        for step in steps:
            if step.outcome:
                assert step.finished_at is not None and step.finished_at >= step.started_at


def test_due_moments_are_the_calendar_engines(dossiers):
    checked = Counter()
    for d in dossiers:
        if d.received_at is None:
            assert d.status in ("awaiting_intake", "refused")
            continue
        spec = procedure_spec(d.procedure_version)
        cal = calendar_for(d.resolving_unit)
        original = dossier_due(spec=spec, unit=d.resolving_unit, received_at=d.received_at, pauses=[])
        assert d.original_due_at == original, d.code
        cutoff = (spec.time_limit.cutoff or None) if spec.time_limit.after_cutoff else None
        assert d.deemed_received_at == deemed_receipt(cal, d.received_at, cutoff=cutoff)
        apology = DossierEvent.objects.filter(dossier=d, action="apologise").first()
        if apology is None:
            expected = dossier_due(
                spec=spec, unit=d.resolving_unit, received_at=d.received_at, pauses=d.pauses()
            )
            assert d.due_at == expected, d.code
            checked["with pauses" if d.pauses() else "plain"] += 1
        else:
            assert dt.datetime.fromisoformat(apology.data["new_due_at"]) > dt.datetime.fromisoformat(
                apology.data["previous_due_at"]
            )
            assert apology.occurred_at.astimezone(VN).date() <= (
                dt.datetime.fromisoformat(apology.data["previous_due_at"]).astimezone(VN).date()
                - dt.timedelta(days=1)
            )
            checked["apology"] += 1
        if d.decision:
            assert d.outcome == classify_finish(
                spec=spec, unit=d.resolving_unit, finished=d.finished_at, due=d.due_at
            ), d.code
        receive = DossierEvent.objects.get(dossier=d, action="receive")
        assert receive.data["due_at"] is not None
        assert set(receive.data["components"]) == {"total", "digitised", "reused", "from_store"}
        assert receive.data["components"]["total"] == d.components.count()
    assert checked["plain"] > 100 and checked["with pauses"] > 0


def test_step_due_moments_are_the_calendar_engines(dossiers):
    paused = {p.dossier_id for p in DossierPause.objects.filter(dossier__in=dossiers)}
    routed = 0
    for d in dossiers[:200]:
        if d.pk in paused:
            continue  # pauses move the open step's due moment
        spec = procedure_spec(d.procedure_version)
        steps = list(DossierStep.objects.filter(dossier=d).select_related("unit").order_by("seq"))
        route = DossierEvent.objects.filter(dossier=d, action="route").first()
        if route is not None:  # the transfer rule: at or after 15:00, the step starts the next working day
            first = next(s for s in steps if s.step_code == route.to_step)
            assert first.started_at == deemed_receipt(
                calendar_for(first.unit), route.occurred_at, cutoff=ROUTING_CUTOFF
            ), d.code
            routed += 1
        for step in steps:
            limit = step_limit(spec.process.step(step.step_code))
            assert step.due_at == due_moment(calendar_for(step.unit), step.started_at, limit), d.code
            if step.outcome:
                assert step.outcome == classify_finish(
                    spec=spec, unit=step.unit, finished=step.finished_at, due=step.due_at
                )
    assert routed > 50


def test_decisions_and_returns(dossiers):
    decided = [d for d in dossiers if d.decision]
    assert decided
    for d in decided:
        decide = DossierEvent.objects.get(dossier=d, action="decide")
        assert decide.data["decision"] == d.decision
        assert decide.data["outcome"] == d.outcome
        assert isinstance(decide.data["e_result"], bool)
        assert d.finished_at == decide.occurred_at
    returned = [d for d in dossiers if d.status == "returned"]
    assert returned and all(d.return_method and d.returned_at >= d.finished_at for d in returned)
    assert Counter(d.decision for d in decided)["approved"] > 0.85 * len(decided)


def test_codes_follow_the_pattern_and_the_counters(dossiers):
    codes = [d.code for d in dossiers]
    assert len(set(codes)) == len(codes)
    highest: dict[tuple[str, dt.date], int] = {}
    for d in dossiers:
        match = re.fullmatch(r"(H56(?:\.\d+)+)-(\d{6})-(\d{4,})", d.code)
        assert match, d.code
        local = d.submitted_at.astimezone(VN)
        assert match[1] == d.receiving_point.code
        assert match[2] == local.strftime("%y%m%d")
        key = (match[1], local.date())
        highest[key] = max(highest.get(key, 0), int(match[3]))
    for (prefix, day), top in highest.items():
        assert DossierCodeCounter.objects.get(prefix=prefix, day=day).last == top


def test_realistic_mix(simulated, dossiers):
    total = len(dossiers)
    channels = Counter(d.channel for d in dossiers)
    assert 0.3 < channels["online"] / total < 0.6
    assert channels["postal"] < 0.06 * total
    assert channels["counter"] > 0.3 * total
    counter = [d for d in dossiers if d.channel != "online"]
    assert all(7 <= d.submitted_at.astimezone(VN).hour < 17 for d in counter)
    assert all(
        calendar_for(d.receiving_point).is_working_day(d.submitted_at.astimezone(VN).date()) for d in counter
    )
    assert sum(d.supplement_count for d in dossiers) < 0.2 * total
    assert simulated.late_share < 0.15
    assert all(
        re.fullmatch(r"038[0-3]\d{8}", d.applicant_personal_id)
        for d in dossiers
        if d.applicant_kind == "citizen"
    )
    assert all(d.resolving_unit.kind == "commune" for d in dossiers if d.procedure_version.level == "commune"
               and d.procedure_version.snapshot.get("resolving_unit") == "applicant_commune")  # fmt: skip


def test_it_refuses_a_range_already_simulated_unless_appending(simulated, db):
    overlapping = SimulationConfig(dossiers=5, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 31), seed=2)
    with pytest.raises(SimulationError):
        simulate(overlapping)
    result = simulate(overlapping, append=True)
    assert result.dossiers == 5
    assert dossier_history_verify() is None


def test_the_command(simulated, db, capsys):
    call_command(
        "simulate", "--dossiers", "30", "--start", "2026-06-01", "--end", "2026-06-30", "--seed", "3"
    )
    out = capsys.readouterr().out
    assert "30/30" in out and "hồ sơ/giây" in out
    assert simulated_in_range(dt.date(2026, 6, 1), dt.date(2026, 6, 30)) == 30
    with pytest.raises(Exception, match="--append"):
        call_command(
            "simulate", "--dossiers", "3", "--start", "2026-06-10", "--end", "2026-06-12", "--no-facts"
        )


def test_workers_need_their_own_transactions_so_a_caller_in_one_gets_a_single_process(simulated, db):
    config = SimulationConfig(dossiers=12, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 20), seed=8)
    assert simulate(config, workers=2).dossiers == 12
    assert simulated_in_range(config.start, config.end) == 12


def test_the_demo_history_is_added_once(simulated, db):
    assert seed_demo_history(dossiers=20) == 0  # simulated dossiers exist already
