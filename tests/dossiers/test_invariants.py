"""Random sequences of actions by random people never break the invariants."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.dossiers import services as s
from motcua.dossiers.access import dossier_actions_for
from motcua.dossiers.errors import DossierError
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier, DossierPause, DossierStep
from motcua.dossiers.status import FINAL_STATES, DossierStatus

from .conftest import vn
from .test_lifecycle import centre, ids, upload_all

ACTORS = [
    "citizen",
    "citizen2",
    "officer",
    "specialist",
    "head",
    "leader",
    "tax",
    "auditor",
    "commune_officer",
]
STEPS = ["TN", "TD", "LT", "PD", "KY", "TKQ"]


def attempt(dossier, actor_key, action, people, pick):
    actor = people[actor_key]
    d = Dossier.objects.get(pk=dossier.pk)
    calls = {
        "submit": lambda: s.dossier_submit(dossier=d, applicant=actor),
        "receive": lambda: s.dossier_receive(dossier=d, officer=actor, checked_component_ids=ids(d)),
        "refuse": lambda: s.dossier_refuse(dossier=d, officer=actor, reason="Không đúng thẩm quyền"),
        "route": lambda: s.dossier_route(dossier=d, officer=actor),
        "forward": lambda: s.dossier_forward(dossier=d, actor=actor, to_step=pick(STEPS)),
        "send_back": lambda: s.dossier_send_back(dossier=d, actor=actor, to_step=pick(STEPS), note="Xem lại"),
        "request_supplement": lambda: s.dossier_request_supplement(
            dossier=d, actor=actor, reason="Thiếu", items=["Đơn"]
        ),
        "supplement": lambda: s.dossier_supplement(dossier=d, actor=actor),
        "suspend": lambda: s.dossier_suspend(dossier=d, actor=actor, reason="Xác minh", legal_basis="Luật"),
        "resume": lambda: s.dossier_resume(dossier=d, actor=actor),
        "apologise": lambda: s.dossier_apologise(
            dossier=d,
            actor=actor,
            reason="Chậm",
            new_due_at=(d.due_at or vn(2026, 4, 1, 17, 0)) + dt.timedelta(days=3),
        ),
        "decide": lambda: s.dossier_decide(
            dossier=d, actor=actor, decision=pick(["approved", "not_eligible"]), note="Lý do"
        ),
        "return_result": lambda: s.dossier_return_result(dossier=d, officer=actor, method="counter"),
        "withdraw": lambda: s.dossier_withdraw(dossier=d, actor=actor, reason="Thôi"),
    }
    allowed_before = dossier_actions_for(actor, d)
    status_before, version_before = d.status, d.lock_version
    try:
        calls[action]()
    except DossierError:
        d.refresh_from_db()
        assert (d.status, d.lock_version) == (status_before, version_before), (
            "a refused action changed the dossier"
        )
        return False
    # A successful action must have been one the access rules offered (the buttons never lie).
    base = {"hand_over": "forward", "hand_back": "forward"}
    assert base.get(action, action) in allowed_before or action == "forward"
    return True


def check_invariants(dossier):
    d = Dossier.objects.get(pk=dossier.pk)
    open_steps = DossierStep.objects.filter(dossier=d, finished_at__isnull=True).count()
    assert open_steps <= 1
    if d.status in FINAL_STATES:
        assert open_steps == 0
        assert d.finished_at is not None or d.returned_at is not None
    if d.status in (DossierStatus.PROCESSING, DossierStatus.SUSPENDED):
        assert open_steps == 1
    open_pauses = DossierPause.objects.filter(dossier=d, ended_at__isnull=True).count()
    assert open_pauses == (
        1 if d.status in (DossierStatus.AWAITING_SUPPLEMENT, DossierStatus.SUSPENDED) else 0
    )
    assert d.supplement_count <= 1 and d.apology_count <= 1
    if d.received_at is not None:
        assert d.due_at is not None and d.due_at > d.received_at
    for step in DossierStep.objects.filter(dossier=d):
        assert step.due_at is None or step.due_at > step.started_at
        assert step.finished_at is None or step.finished_at >= step.started_at
    assert list(d.events.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, d.events.count() + 1)
    )
    assert dossier_history_verify(dossier_ids=[d.pk]) is None


ACTIONS = ["submit", "receive", "refuse", "route", "forward", "send_back", "request_supplement", "supplement",
           "suspend", "resume", "apologise", "decide", "return_result", "withdraw"]  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_action_sequences_keep_the_invariants(people, version, clock, data):
    clock(vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    upload_all(d)
    succeeded = 0
    for _ in range(data.draw(st.integers(5, 20), label="length")):
        clock.shift(hours=data.draw(st.integers(0, 30), label="hours later"))
        current = Dossier.objects.get(pk=d.pk)
        offered = [
            (a, act) for a in ACTORS for act in dossier_actions_for(people[a], current) if act in ACTIONS
        ]
        if data.draw(st.integers(0, 9), label="allow ending early") < 8:
            offered = [(a, act) for a, act in offered if act not in ("withdraw", "refuse")] or offered
        if offered and data.draw(st.integers(0, 9), label="follow the buttons") < 8:
            actor, action = data.draw(st.sampled_from(offered), label="offered action")
        else:
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            actor = data.draw(st.sampled_from(ACTORS), label="actor")
        succeeded += attempt(d, actor, action, people, lambda options: data.draw(st.sampled_from(options)))
        check_invariants(d)
    event("reached " + Dossier.objects.get(pk=d.pk).status)
