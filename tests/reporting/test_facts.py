"""The fact tables: the pure fold and its contribution, the same-transaction hook through the real services,
``facts_verify`` and ``motcua facts --rebuild/--verify``, and random histories that always rebuild equal."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers import hooks
from motcua.dossiers import services as s
from motcua.dossiers.access import dossier_actions_for
from motcua.dossiers.errors import InvalidTransition
from motcua.dossiers.models import Dossier
from motcua.reporting.facts import TZ, Event, Static, contribution, difference, event_flows, fold
from motcua.reporting.facts_store import table_rows, unit_rows, unit_table_rows
from motcua.reporting.figures import period_figures
from motcua.reporting.models import DossierFact, UnitFact
from motcua.reporting.naive import naive_period_figures
from motcua.reporting.periods import Period
from motcua.reporting.rebuild import facts_compute, facts_verify, facts_write

from ..dossiers.test_invariants import ACTIONS, ACTORS, attempt
from ..dossiers.test_lifecycle import centre, online_dossier, received, upload_all
from .conftest import vn

# -- the pure fold ---------------------------------------------------------------------------------------

ONLINE = Static(unit_id=7, procedure_id=3, channel="online", full_online=True, fee=False, paper_result=False)
PAPER_FEE = Static(
    unit_id=7, procedure_id=4, channel="counter", full_online=False, fee=True, paper_result=True
)


def at(day, hour=9, minute=0, month=3):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def d(day, month=3):
    return dt.date(2026, month, day)


def receive(moment, due, **components):
    counts = {"total": 3, "digitised": 0, "reused": 0, "from_store": 0, **components}
    return ("receive", moment, {"due_at": due.isoformat(), "components": counts})


def run(*events, static=ONLINE):
    """Fold ``events`` = (action, moment, data) from an empty state, as the hook and the rebuild do."""
    state = {}
    for action, moment, data in events:
        state = fold(state, Event(action, moment, data or {}), static)
    return state


def stock(changes, name, on):
    """The stock ``name`` at the end of day ``on``: the sum of its changes up to that day."""
    return sum(v for (day, n), v in changes.items() if n == name and day <= on)


def flows(changes, on):
    """The flows of day ``on`` (stocks left out)."""
    stocks = {"open", "overdue", "pending_ok", "pending_late"}
    return {n: v for (day, n), v in changes.items() if day == on and n not in stocks and v}


def stock_days(changes, name, first, last):
    """The days from ``first`` to ``last`` on which the stock ``name`` holds (is 1 at the end of the day)."""
    days, day = [], first
    while day <= last:
        if stock(changes, name, day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def test_a_received_dossier_counts_its_receipt_and_is_open_then_overdue_from_its_due_day():
    state = run(("submit", at(2, 8), None), receive(at(2), at(9, 17), digitised=2, reused=1))
    changes = contribution(state)
    assert flows(changes, d(2)) == {
        "received": 1, "received_online": 1, "received_full_online": 1, "received_digitised": 1,
        "received_reused": 1,
    }  # fmt: skip
    assert stock(changes, "open", d(1)) == 0 and stock(changes, "open", d(2)) == 1
    assert stock(changes, "open", d(30)) == 1
    # Due Mon 9/3 17:00: at the end of 9/3 the due moment has passed (before the start of 10/3).
    assert stock_days(changes, "overdue", d(2), d(12)) == [d(9), d(10), d(11), d(12)]
    assert json.loads(json.dumps(state)) == state  # the state is stored as JSON on the dossier


def test_a_dossier_never_received_counts_nothing():
    assert run(("submit", at(2), None), ("refuse", at(3), None)) == {}
    assert run(("submit", at(2), None), ("withdraw", at(3), None)) == {}
    assert contribution({}) == {}
    assert event_flows(Event("hand_over", at(3), {"mode": "paper"}), {}) == {}


def test_decided_late_leaves_the_open_and_overdue_stocks_on_its_day():
    state = run(receive(at(2), at(9, 17)), ("decide", at(12, 10), {"outcome": "late", "e_result": False}))
    changes = contribution(state)
    assert flows(changes, d(12)) == {"resolved": 1, "resolved_late": 1}
    assert stock_days(changes, "open", d(1), d(14)) == [
        d(2),
        d(3),
        d(4),
        d(5),
        d(6),
        d(7),
        d(8),
        d(9),
        d(10),
        d(11),
    ]
    assert stock_days(changes, "overdue", d(1), d(14)) == [d(9), d(10), d(11)]
    assert sum(changes[(day, "open")] for day in (d(2), d(12))) == 0  # +1 then −1: nothing left


def test_decided_on_the_day_of_receipt_is_never_open_at_a_day_end():
    state = run(receive(at(2), at(9, 17)), ("decide", at(2, 15), {"outcome": "early"}))
    changes = contribution(state)
    assert stock_days(changes, "open", d(1), d(5)) == []
    assert flows(changes, d(2))["resolved_early"] == 1


def test_a_supplement_pauses_the_dossier_and_its_new_due_moment_counts_after():
    state = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(3, 10), {"items": ["Đơn"]}),
        ("supplement", at(5, 10), {"due_at": at(11, 17).isoformat()}),
        ("decide", at(11, 9), {"outcome": "on_time"}),
    )
    changes = contribution(state)
    assert stock_days(changes, "open", d(1), d(12)) == [d(2), d(5), d(6), d(7), d(8), d(9), d(10)]
    assert stock_days(changes, "pending_ok", d(1), d(12)) == [d(3), d(4)]
    assert stock_days(changes, "overdue", d(1), d(12)) == []  # due moved to 11/3, decided that day
    assert flows(changes, d(11)) == {"resolved": 1, "resolved_on_time": 1}
    assert state["sc"] == 1
    assert event_flows(Event("request_supplement", at(3, 10), {}), state) == {
        (d(3), "supplement_requests"): 1
    }


def test_a_supplement_asked_after_the_due_waits_late_and_the_open_interval_keeps_the_due_of_then():
    state = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(10, 9), None),
        ("supplement", at(12, 9), {"due_at": at(20, 17).isoformat()}),  # e.g. the restart rule
    )
    changes = contribution(state)
    assert stock_days(changes, "pending_late", d(1), d(31)) == [d(10), d(11)]
    assert stock_days(changes, "pending_ok", d(1), d(31)) == []
    # Before the request: judged by the due moment then (9/3); after the supplement: by 20/3.
    overdue = stock_days(changes, "overdue", d(1), d(31))
    assert overdue == [d(9), *[d(n) for n in range(20, 32)]]


def test_a_request_and_its_supplement_on_the_same_day_leave_no_waiting_day():
    state = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(3, 9), None),
        ("supplement", at(3, 15), {"due_at": at(9, 17).isoformat()}),
    )
    changes = contribution(state)
    assert stock_days(changes, "pending_ok", d(1), d(8)) == []
    assert stock_days(changes, "open", d(1), d(5)) == [d(2), d(3), d(4), d(5)]


def test_an_apology_moves_the_due_moment_and_counts_once():
    events = [receive(at(2), at(9, 17)), ("apologise", at(6), {"new_due_at": at(13, 17).isoformat()})]
    state = run(*events)
    changes = contribution(state)
    assert stock_days(changes, "overdue", d(1), d(14)) == [d(13), d(14)]
    assert event_flows(Event(*events[1]), state) == {(d(6), "apologies"): 1}


def test_a_suspension_resumed_later_moves_the_due_moment_of_the_whole_open_interval():
    state = run(
        receive(at(2), at(9, 17)),
        ("suspend", at(5), {"legal_basis": "Luật"}),
        ("resume", at(20), {"due_at": at(24, 17).isoformat()}),
    )
    # Judged by the due moment in force at the end of the interval: the suspended days are not overdue.
    assert stock_days(contribution(state), "overdue", d(1), d(25)) == [d(24), d(25)]


def test_a_stop_that_closes_a_pause_is_judged_by_the_due_moment_it_moved():
    pending = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(5), None),
        ("withdraw", at(11, 10), {"due_at": at(13, 17).isoformat()}),
    )
    assert (pending["cls"], pending["sup"][-1][1]) == ("early", at(11, 10).astimezone(dt.UTC).isoformat())
    assert stock_days(contribution(pending), "pending_ok", d(1), d(12)) == [
        d(5),
        d(6),
        d(7),
        d(8),
        d(9),
        d(10),
    ]
    suspended = run(
        receive(at(2), at(9, 17)),
        ("suspend", at(5), None),
        ("withdraw", at(11, 10), {"due_at": at(13, 17).isoformat()}),
    )
    assert suspended["cls"] == "early"
    assert stock_days(contribution(suspended), "overdue", d(1), d(12)) == []
    # A closure keeps its own rule: the request against the due moment then, whatever the close carries.
    closed = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(10), None),
        ("close", at(31), {"due_at": at(9, 17).isoformat()}),
    )
    assert closed["cls"] == "late"


def test_a_stop_is_judged_by_its_moment_against_the_due():
    early = run(receive(at(2), at(9, 17)), ("withdraw", at(4), None))
    assert (early["k"], early["cls"]) == ("stopped", "early")
    assert flows(contribution(early), d(4)) == {"resolved": 1, "resolved_early": 1, "resolved_stopped": 1}
    assert run(receive(at(2), at(9, 17)), ("withdraw", at(9, 10), None))["cls"] == "on_time"
    assert run(receive(at(2), at(9, 17)), ("withdraw", at(10, 8), None))["cls"] == "late"


def test_a_close_for_want_of_the_supplement_is_judged_at_the_request():
    def closed(requested):
        return run(
            receive(at(2), at(9, 17)), ("request_supplement", requested, None), ("close", at(25, 10), None)
        )

    state = closed(at(3))
    assert (state["k"], state["cls"]) == ("closed", "early")
    changes = contribution(state)
    assert stock_days(changes, "pending_ok", d(1), d(31)) == [d(n) for n in range(3, 25)]
    assert flows(changes, d(25)) == {"resolved": 1, "resolved_early": 1, "resolved_stopped": 1}
    assert closed(at(9, 10))["cls"] == "on_time"  # asked on the due day, before the due moment
    assert closed(at(10))["cls"] == "late"


def test_more_than_one_supplement_request_makes_any_ending_late():
    state = run(
        receive(at(2), at(9, 17)),
        ("request_supplement", at(3), None),
        ("supplement", at(4), {"due_at": at(10, 17).isoformat()}),
        ("request_supplement", at(4, 14), None),
        ("supplement", at(5, 14), {"due_at": at(11, 17).isoformat()}),
        ("decide", at(9), {"outcome": "early"}),
    )
    assert (state["sc"], state["cls"]) == (2, "late")
    assert flows(contribution(state), d(9)) == {"resolved": 1, "resolved_late": 1}


def test_a_request_before_the_receipt_does_not_count():
    state = run(
        ("submit", at(2, 8), None),
        ("request_supplement", at(2, 9), None),
        ("supplement", at(3, 8), None),
        receive(at(3, 10), at(10, 17)),
    )
    assert (state["sc"], state["sup"]) == (0, [])
    assert event_flows(Event("request_supplement", at(2, 9), {}), {}) == {}


def test_events_after_the_end_change_nothing_but_the_return_counts_on_its_day():
    state = run(receive(at(2), at(9, 17)), ("decide", at(5), {"outcome": "early"}))
    returned = Event("return_result", at(6), {"method": "online"})
    assert fold(state, returned, ONLINE) is state
    assert fold(state, Event("withdraw", at(6), {}), ONLINE) is state
    assert event_flows(returned, state) == {(d(6), "returned"): 1, (d(6), "returned_online"): 1}


def test_hand_overs_count_by_their_mode():
    state = run(receive(at(2), at(9, 17)))
    assert event_flows(Event("hand_over", at(3), {"mode": "paper"}), state) == {(d(3), "handover_paper"): 1}
    assert event_flows(Event("hand_back", at(4), {"mode": "electronic"}), state) == {
        (d(4), "handover_electronic"): 1
    }
    assert event_flows(Event("forward", at(4), {"mode": "paper"}), state) == {}


def test_the_flags_of_the_procedure_and_the_channel_of_the_event():
    state = run(
        ("receive", at(2), {"channel": "postal", "due_at": at(9, 17).isoformat(),
                            "components": {"total": 2, "digitised": 1, "from_store": 1}}),
        ("decide", at(5), {"outcome": "early", "e_result": False}),
        static=PAPER_FEE,
    )  # fmt: skip
    changes = contribution(state)
    assert flows(changes, d(2)) == {
        "received": 1, "received_postal": 1, "received_fee": 1, "received_paper_result": 1,
        "received_digitised": 1, "received_from_store": 1,
    }  # fmt: skip
    # A paper result without an electronic copy: not "digitised components and result" (766 item 4.2).
    assert flows(changes, d(5)) == {"resolved": 1, "resolved_early": 1, "resolved_paper_result": 1}
    with_e_result = run(
        ("receive", at(2), {"due_at": at(9, 17).isoformat(), "components": {"digitised": 1}}),
        ("decide", at(5), {"outcome": "early", "e_result": True}),
        static=PAPER_FEE,
    )
    assert flows(contribution(with_e_result), d(5)) == {
        "resolved": 1, "resolved_early": 1, "resolved_paper_result": 1, "resolved_e_result": 1,
        "resolved_digitised_complete": 1,
    }  # fmt: skip


def test_difference_keeps_only_the_changes():
    old = contribution(run(receive(at(2), at(9, 17))))
    new = contribution(run(receive(at(2), at(9, 17)), ("decide", at(5), {"outcome": "early"})))
    assert difference(new, old) == {
        (d(5), "open"): -1, (d(5), "resolved"): 1, (d(5), "resolved_early"): 1, (d(9), "overdue"): -1,
    }  # fmt: skip
    assert difference(old, old) == {}


# -- the hook through the real services -------------------------------------------------------------------


def day_row(dossier, day):
    return (
        DossierFact.objects.filter(
            grain="d",
            period=day,
            unit_id=dossier.resolving_unit_id,
            procedure_id=dossier.procedure_version.procedure_id,
        )
        .values("received", "received_online", "open", "resolved", "resolved_early", "supplement_requests")
        .first()
    )


@pytest.mark.django_db
def test_the_facts_follow_each_event_in_its_transaction(people, version, clock):
    d_ = received(people, version, clock)  # received Mon 2/3 10:00, due Mon 9/3
    row = day_row(d_, d(2))
    assert row == {"received": 1, "received_online": 1, "open": 1, "resolved": 0, "resolved_early": 0,
                   "supplement_requests": 0}  # fmt: skip
    assert Dossier.objects.get(pk=d_.pk).fact_state["r"] is not None
    # Month and year rows carry the same sums.
    month = DossierFact.objects.get(grain="m", period=d(1), unit_id=d_.resolving_unit_id)
    year = DossierFact.objects.get(grain="y", period=dt.date(2026, 1, 1), unit_id=d_.resolving_unit_id)
    assert month.received == year.received == 1
    # Inside a transaction the event and its facts appear together, and go together.
    before = table_rows()
    state_before = Dossier.objects.get(pk=d_.pk).fact_state
    clock(vn(2026, 3, 3, 9, 0))
    with transaction.atomic():
        s.dossier_request_supplement(dossier=d_, actor=people["officer"], reason="Thiếu", items=["Đơn"])
        assert day_row(d_, d(3))["supplement_requests"] == 1
        transaction.set_rollback(True)
    assert table_rows() == before
    assert Dossier.objects.get(pk=d_.pk).fact_state == state_before
    assert facts_verify(facts_compute()).differences == []


@pytest.mark.django_db
def test_a_transition_that_fails_leaves_the_facts_untouched(people, version, clock, monkeypatch):
    d_ = received(people, version, clock)
    before, state_before = table_rows(), Dossier.objects.get(pk=d_.pk).fact_state

    def failing(dossier, event):
        raise RuntimeError("a later hook fails")

    # The facts hook runs first (and writes), then this one fails: the whole transition rolls back.
    monkeypatch.setattr(hooks, "_hooks", [*hooks.registered_event_hooks(), failing])
    clock(vn(2026, 3, 2, 11, 0))
    with pytest.raises(RuntimeError):
        s.dossier_withdraw(dossier=d_, actor=people["citizen"], reason="Thôi")
    # A transition the table refuses never reaches the hooks.
    with pytest.raises(InvalidTransition):
        s.dossier_decide(dossier=d_, actor=people["leader"], decision="approved")
    fresh = Dossier.objects.get(pk=d_.pk)
    assert (fresh.status, fresh.fact_state) == ("received", state_before)
    assert table_rows() == before


# -- verify and the command ----------------------------------------------------------------------------


@pytest.fixture
def history(people, version, clock):
    """Three dossiers: one decided early, one waiting for a supplement, one refused at intake."""
    first = received(people, version, clock)
    clock(vn(2026, 3, 2, 11, 0))
    s.dossier_route(dossier=first, officer=people["officer"])
    clock(vn(2026, 3, 3, 9, 0))
    s.dossier_forward(dossier=Dossier.objects.get(pk=first.pk), actor=people["specialist"], to_step="LT")
    clock(vn(2026, 3, 3, 14, 0))
    s.dossier_forward(dossier=Dossier.objects.get(pk=first.pk), actor=people["tax"], to_step="PD")
    s.dossier_forward(dossier=Dossier.objects.get(pk=first.pk), actor=people["head"], to_step="KY")
    clock(vn(2026, 3, 4, 9, 0))
    s.dossier_decide(dossier=Dossier.objects.get(pk=first.pk), actor=people["leader"], decision="approved")
    second = received(people, version, clock, at=vn(2026, 3, 5, 9, 0))
    s.dossier_request_supplement(dossier=second, actor=people["officer"], reason="Thiếu", items=["Đơn"])
    third = online_dossier(people, version, clock, at=vn(2026, 3, 6, 9, 0))
    s.dossier_refuse(dossier=third, officer=people["officer"], reason="Sai thẩm quyền")
    clock(vn(2026, 4, 1, 9, 0))
    return first, second, third


@pytest.mark.django_db
def test_verify_names_a_tampered_fact_row(history):
    assert facts_verify(facts_compute()).differences == []
    first = history[0]
    DossierFact.objects.filter(grain="d", period=d(4), unit_id=first.resolving_unit_id).update(
        resolved_early=F("resolved_early") + 1
    )
    differences = facts_verify(facts_compute()).differences
    assert len(differences) == 1
    assert differences[0].text == (
        f"ngày 2026-03-04, đơn vị H56.19, thủ tục #{first.procedure_version.procedure_id}: "
        "resolved_early trong bảng = 2, tính lại từ sự kiện = 1"
    )


@pytest.mark.django_db
def test_the_unit_table_is_the_procedure_rows_summed_and_checked(history):
    first = history[0]
    assert unit_table_rows() == unit_rows(table_rows()) != {}
    UnitFact.objects.filter(grain="m", period=d(1), unit_id=first.resolving_unit_id).update(
        received=F("received") - 1
    )
    differences = facts_verify(facts_compute()).differences
    assert [x.text for x in differences] == [
        "tháng bắt đầu 2026-03-01, đơn vị H56.19 (tổng theo đơn vị): received trong bảng = 1, "
        "tính lại từ sự kiện = 2"
    ]
    facts_write(facts_compute())
    assert facts_verify(facts_compute()).differences == []


@pytest.mark.django_db
def test_verify_names_a_tampered_fact_state(history):
    second = Dossier.objects.get(pk=history[1].pk)
    assert second.fact_state["sc"] == 1
    Dossier.objects.filter(pk=second.pk).update(fact_state={**second.fact_state, "sc": 0})
    differences = facts_verify(facts_compute()).differences
    assert [x.text for x in differences] == [
        f"hồ sơ {second.code}: trạng thái tổng hợp lưu khác với tính lại từ sự kiện"
    ]
    # A refused dossier has no fact state; giving it one is a difference too.
    Dossier.objects.filter(pk=history[2].pk).update(fact_state={"r": "2026-03-06T02:00:00+00:00"})
    assert len(facts_verify(facts_compute()).differences) == 2


@pytest.mark.django_db
def test_the_command_verifies_and_rebuilds(history):
    out, err = io.StringIO(), io.StringIO()
    call_command("facts", "--verify", stdout=out, stderr=err)
    assert "Khớp" in out.getvalue()
    DossierFact.objects.filter(grain="m", period=d(1)).update(received=F("received") + 5)
    with pytest.raises(CommandError, match="không khớp"):
        call_command("facts", "--verify", stdout=io.StringIO(), stderr=err)
    assert "KHÁC: tháng bắt đầu 2026-03-01, đơn vị H56.19" in err.getvalue()
    assert "received trong bảng = 7, tính lại từ sự kiện = 2" in err.getvalue()
    # --rebuild with --verify only compares: the difference stays.
    with pytest.raises(CommandError):
        call_command("facts", "--rebuild", "--verify", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("facts", "--rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("facts", "--verify", stdout=out, stderr=io.StringIO())
    assert "Khớp" in out.getvalue()
    assert facts_verify(facts_compute()).differences == []
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("facts", stdout=io.StringIO(), stderr=io.StringIO())


# -- random histories ------------------------------------------------------------------------------------

#: Figures the naive query must give exactly whatever the history (procedure under the "exclude the wait"
#: rule; the early / on time split of a closure is left out, see naive.py).
COUNTS = ("received", "received_online", "received_counter", "received_digitised", "carried_over", "resolved",
          "resolved_stopped", "in_progress", "in_progress_within", "in_progress_overdue", "received_total",
          "handover_electronic", "handover_paper", "supplement_requests", "apologies", "returned")  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_histories_always_rebuild_to_the_incremental_facts(people, version, clock, data):
    start = vn(2026, 3, 2, 9, 0) + dt.timedelta(days=data.draw(st.integers(0, 20), label="start day"))
    clock(start)
    dossiers = []
    for _ in range(data.draw(st.integers(1, 3), label="dossiers")):
        draft = s.dossier_create_draft(
            applicant=people["citizen"], procedure_version=version, receiving_point=centre()
        )
        upload_all(draft)
        dossiers.append(draft)
    for _ in range(data.draw(st.integers(5, 25), label="length")):
        clock.shift(hours=data.draw(st.integers(0, 40), label="hours later"))
        dossier = data.draw(st.sampled_from(dossiers), label="dossier")
        current = Dossier.objects.get(pk=dossier.pk)
        offered = [
            (a, act) for a in ACTORS for act in dossier_actions_for(people[a], current) if act in ACTIONS
        ]
        if offered and data.draw(st.integers(0, 9), label="follow the buttons") < 8:
            actor, action = data.draw(st.sampled_from(offered), label="offered action")
        else:
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            actor = data.draw(st.sampled_from(ACTORS), label="actor")
        attempt(dossier, actor, action, people, lambda options: data.draw(st.sampled_from(options)))
        if data.draw(st.integers(0, 9), label="run the closing job") == 0:
            s.dossier_close_expired_supplements()
    verification = facts_verify(facts_compute())
    assert verification.differences == [], [x.text for x in verification.differences]
    # The plain query over the raw dossiers agrees on every count, for a window around the history.
    first = (start - dt.timedelta(days=data.draw(st.integers(0, 5), label="window before"))).date()
    last = first + dt.timedelta(days=data.draw(st.integers(0, 40), label="window length"))
    period = Period(first, last, "")
    naive = naive_period_figures(period)
    for key, figures in period_figures(period).items():
        assert {n: figures[n] for n in COUNTS} == {n: naive.get(key, {}).get(n, 0) for n in COUNTS}, key


@pytest.mark.django_db
def test_window_sums_equal_the_difference_of_cumulative_sums(version):
    """The flows of a period read from its own rows equal cumulative(end) − cumulative(day before)."""
    from collections import Counter

    from motcua.reporting.facts_store import cumulative, facts_add, grains, window_sums

    unit = version.agency_id
    changes = Counter()
    day = dt.date(2025, 11, 20)
    for i in range(140):  # a delta most days from late 2025 to April 2026
        changes[(day + dt.timedelta(days=i), "received")] += 1 + i % 3
        changes[(day + dt.timedelta(days=i), "received_online")] += i % 2
    facts_add(grains(changes, unit, version.procedure_id))
    windows = [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # whole months
        (dt.date(2025, 12, 15), dt.date(2026, 3, 14)),  # the Decree 09 quarter: partial months both ends
        (dt.date(2026, 2, 3), dt.date(2026, 2, 17)),  # inside one month
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),  # exactly one month
        (dt.date(2025, 11, 30), dt.date(2026, 1, 1)),  # across a year, one day at each end
    ]
    for by_procedure in (False, True):
        for start, end in windows:
            after = cumulative(end, by_procedure=by_procedure)
            before = cumulative(start - dt.timedelta(days=1), by_procedure=by_procedure)
            got = window_sums(start, end, by_procedure=by_procedure, names=("received", "received_online"))
            expected = {
                key: {
                    n: after[key][n] - before.get(key, {}).get(n, 0) for n in ("received", "received_online")
                }
                for key in after
            }
            assert got == expected, (start, end, by_procedure)
            assert sum(r["received"] for r in got.values()) == sum(
                v for (d_, n), v in changes.items() if n == "received" and start <= d_ <= end
            )


def paid_days(state):
    return {day_: n for (day_, name), n in contribution(state).items() if name == "paid_online"}


def test_an_online_payment_counts_once_on_the_later_of_payment_and_receipt():
    paid = ("fee_paid", at(2, 8), {"amount": 50000, "channel": "vnpay", "online": True})
    # Paid online at submission, before the receipt: remembered, counted on the day of the receipt.
    before = run(paid, receive(at(4), at(9, 17)), static=PAPER_FEE)
    assert paid_days(before) == {d(4): 1}
    assert paid_days(run(paid, static=PAPER_FEE)) == {}  # never received: nothing counts
    # Paid after the decision (before the result is returned): counted on the day of the payment.
    after = run(
        receive(at(2), at(9, 17)),
        ("decide", at(5), {"decision": "approved", "outcome": "early"}),
        ("fee_paid", at(6), {"amount": 50000, "channel": "vnpay", "online": True}),
        static=PAPER_FEE,
    )
    assert paid_days(after) == {d(6): 1}
    # A second online payment, or one at the counter, adds nothing.
    twice = run(receive(at(2), at(9, 17)), paid, ("fee_paid", at(3), {"online": True}), static=PAPER_FEE)
    assert paid_days(twice) == {d(2): 1}
    counter = run(receive(at(2), at(9, 17)), ("fee_paid", at(3), {"online": False}), static=PAPER_FEE)
    assert paid_days(counter) == {}
