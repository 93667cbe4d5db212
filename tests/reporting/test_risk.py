"""Early warning: the risk model on a history built through the real dossier services with a controlled
clock, its scope, its query count, the evaluation on a constructed history, the command and the queue page.

The history: "Thẩm định hồ sơ" (TD) at Sở Nông nghiệp và Môi trường (H56.19) is systematically slow — six
working days against a budget of two — while every other step takes two working hours.
"""

# ruff: noqa: F811 - the fixtures imported below are parameters of the tests

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin, Dossier
from motcua.dossiers.procedure import procedure_spec
from motcua.org.models import OrgUnit
from motcua.reporting.risk.evaluation import EVALUATION_ACTION, evaluate, evaluation_latest
from motcua.reporting.risk.history import StepHistory
from motcua.reporting.risk.model import remaining_path
from motcua.reporting.risk.scoring import open_risks
from tests.dossiers.conftest import clock, demo, people, staff_user, version, vn  # noqa: F401

pytestmark = pytest.mark.django_db
QUEUE = reverse("backoffice:risk_queue")


def centre():
    return OrgUnit.objects.get(code="H56.40")


class Journey:
    """Drives dossiers through the services: ``j.receive(at)``, ``j.route(d, at)``, ``j.step(d, "LT", at)``…"""

    def __init__(self, people, version, clock):
        self.people, self.version, self.clock = people, version, clock

    def receive(self, at):
        self.clock(at - dt.timedelta(minutes=30))
        d = s.dossier_create_draft(
            applicant=self.people["citizen"], procedure_version=self.version, receiving_point=centre()
        )
        for component in d.components.filter(required=True):
            component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 t"), save=False)
            component.origin = ComponentOrigin.UPLOAD
            component.save()
        d = s.dossier_submit(dossier=d, applicant=self.people["citizen"])
        self.clock(at)
        return s.dossier_receive(
            dossier=d,
            officer=self.people["officer"],
            checked_component_ids=list(d.components.values_list("pk", flat=True)),
        )

    def route(self, d, at):
        self.clock(at)
        return s.dossier_route(dossier=d, officer=self.people["officer"])

    def step(self, d, to, at):
        """Forward the open step to ``to`` (the actor holds the open step's role)."""
        actor = {"LT": "specialist", "PD": "tax", "KY": "head"}[to]
        self.clock(at)
        return s.dossier_forward(dossier=d, actor=self.people[actor], to_step=to)

    def decide(self, d, at):
        self.clock(at)
        return s.dossier_decide(dossier=d, actor=self.people["leader"], decision="approved")

    def through(self, received, *, td=None, lt=None, pd=None, ky=None, decide=None):
        """Receipt at ``received``, routing 30 minutes later, then each hand-on at the moment given."""
        d = self.route(self.receive(received), received + dt.timedelta(minutes=30))
        for to, at in (("LT", td), ("PD", lt), ("KY", pd)):
            if at is None:
                return d
            d = self.step(d, to, at)
        if ky is not None or decide is not None:
            d = self.decide(d, ky or decide)
        return d


@pytest.fixture
def journey(people, version, clock):
    return Journey(people, version, clock)


def slow_history(journey, n=6, received=None):
    """``n`` dossiers received Monday 2 March 2026: TD takes six working days, every other step two hours."""
    received = received or vn(2026, 3, 2, 8, 0)
    done = []
    for _ in range(n):
        done.append(
            journey.through(
                received,
                td=vn(2026, 3, 10, 8, 30),  # routed Mon 2 Mar 08:30: 6 working days later
                lt=vn(2026, 3, 10, 10, 30),
                pd=vn(2026, 3, 10, 14, 30),  # 10:30–11:30 and 13:30–14:30
                ky=vn(2026, 3, 10, 16, 30),
            )
        )
    return done


@pytest.fixture
def waiting(journey, clock):
    """The slow history, then five open dossiers on Wednesday 18 March 2026 at 10:00."""
    slow_history(journey)
    at_td_early = journey.through(vn(2026, 3, 16, 8, 0))  # in TD since Monday
    at_td_late = journey.through(vn(2026, 3, 17, 8, 0))  # in TD since Tuesday
    at_lt = journey.through(vn(2026, 3, 16, 8, 0), td=vn(2026, 3, 18, 9, 0))
    at_pd = journey.through(vn(2026, 3, 16, 8, 0), td=vn(2026, 3, 17, 9, 0), lt=vn(2026, 3, 18, 8, 0))
    at_ky = journey.through(
        vn(2026, 3, 16, 8, 0), td=vn(2026, 3, 16, 9, 0), lt=vn(2026, 3, 16, 10, 0), pd=vn(2026, 3, 18, 9, 30)
    )
    clock(vn(2026, 3, 18, 10, 0))
    return {"td_early": at_td_early, "td_late": at_td_late, "lt": at_lt, "pd": at_pd, "ky": at_ky}


def test_remaining_path_follows_the_process_to_the_decision(version):
    spec = procedure_spec(version)
    assert [s.code for s in remaining_path(spec, "TN")] == ["TN", "TD", "LT", "PD", "KY"]
    assert [s.code for s in remaining_path(spec, "PD")] == ["PD", "KY"]  # never back to TD
    assert [s.code for s in remaining_path(spec, "KY")] == ["KY"]  # KY ends the processing
    assert remaining_path(spec, "XX") == []


def test_dossiers_waiting_at_the_slow_step_rank_highest(waiting):
    risks = open_risks()
    codes = [r.dossier.code for r in risks]
    assert codes[:2] == [waiting["td_early"].code, waiting["td_late"].code]
    by_code = {r.dossier.code: r for r in risks}
    assert by_code[waiting["td_early"].code].probability == 1.0
    assert by_code[waiting["td_late"].code].probability > 0.8  # one TD pass of 16.5 h among the longer ones
    for key in ("lt", "pd", "ky"):
        assert by_code[waiting[key].code].probability < 0.1, key
    # The reasons name the slow step, its unit and how long it usually takes.
    top = risks[0]
    # Nine passes through TD at H56.19 finished before now: the six slow ones and three of the open dossiers.
    assert top.open_step.code == "TD" and top.open_step.source == "history" and top.open_step.samples == 9
    assert top.open_step.typical == pytest.approx(48.0)  # six working days of eight hours
    text = " ".join(top.reasons())
    assert "Thẩm định hồ sơ" in text and "thường mất 6,0 ngày làm việc" in text
    assert top.level == "high" and not top.overdue
    # Monday 16 March + 5 working days: due Monday 23 March 17:00; from Wed 10:00: 5 h + 3 days = 29 h.
    assert top.left == pytest.approx(29.0)
    # In TD since Mon 08:30 (17.5 h): the slow passes leave 30.5 h, then LT, PD and KY take 2 h each.
    assert top.open_step.elapsed == pytest.approx(17.5) and top.open_step.rest == pytest.approx(30.5)


def test_little_history_falls_back_to_the_budget(journey, clock):
    slow_history(journey, n=2)  # below MIN_SAMPLES
    d = journey.through(vn(2026, 3, 16, 8, 0))
    clock(vn(2026, 3, 16, 10, 0))
    [risk] = open_risks()
    assert risk.dossier.pk == d.pk
    assert [f.source for f in risk.steps] == ["budget"] * 4
    assert "chưa đủ lịch sử" in " ".join(risk.reasons())
    # Budgets: what is left of TD's own (due Wed 18 17:00: 21 h), LT 1 day, PD and KY 4 hours = 37 h,
    # against 45 h left (Mon 10:00 → Mon 23 17:00): on budgets, the dossier makes it.
    assert risk.need == pytest.approx(21 + 8 + 4 + 4)
    assert risk.left == pytest.approx(45.0)
    assert risk.probability == 0.0 and risk.level == "low"


def test_past_due_paused_and_finished_dossiers(journey, clock, people):
    slow_history(journey)
    late = journey.through(vn(2026, 3, 16, 8, 0))
    paused = journey.through(vn(2026, 3, 16, 8, 0))
    clock(vn(2026, 3, 17, 9, 0))
    s.dossier_request_supplement(dossier=paused, actor=people["specialist"], reason="Thiếu", items=["Sơ đồ"])
    clock(vn(2026, 3, 25, 9, 0))  # late is past its due (Mon 23 March 17:00)
    risks = {r.dossier.pk: r for r in open_risks()}
    assert set(risks) == {late.pk, paused.pk}  # the history's results are ready: decided, not scored
    assert risks[late.pk].overdue and risks[late.pk].probability == 1.0
    assert risks[late.pk].left_text().startswith("quá hạn")
    # The paused dossier keeps the time it had when the clock stopped (Tue 09:00: 38 h to Mon 23 17:00).
    assert risks[paused.pk].paused and risks[paused.pk].left == pytest.approx(38.0)
    assert "Đang dừng tính thời gian" in " ".join(risks[paused.pk].reasons())


def test_history_slices_by_time():
    from motcua.reporting.risk.history import Observation

    key = (1, "TD", 2)
    obs = [
        Observation(key, 1, vn(2026, 1, 5, 9, 0), 10.0, 16.0, False, None),
        Observation(key, 2, vn(2026, 3, 5, 9, 0), 20.0, 16.0, True, None),
        Observation(key, 3, vn(2027, 3, 5, 9, 0), 30.0, 16.0, True, None),
    ]
    history = StepHistory(obs)
    assert list(history.samples(key, at=vn(2026, 3, 5, 9, 0))) == [10.0]  # strictly before
    assert list(history.samples(key, at=vn(2026, 3, 6, 9, 0))) == [10.0, 20.0]
    assert list(history.samples(key, at=vn(2027, 3, 6, 9, 0))) == [30.0]  # a year back at most
    assert len(history.samples((1, "KY", 2), at=vn(2026, 3, 6, 9, 0))) == 0


def test_scope_and_a_fixed_number_of_queries(waiting, journey, people, clock):
    # The leader of Sở NN&MT sees all five; a leader of another agency none.
    assert len(open_risks(user=people["leader"])) == 5
    other = staff_user("lanhdao.khac", "H56.52", "agency_leader")  # Thuế tỉnh: the dossiers that reached LT
    assert {r.dossier.code for r in open_risks(user=other)} == {waiting[k].code for k in ("lt", "pd", "ky")}
    stranger = staff_user(
        "lanhdao.xa", people["commune_officer"].memberships.get().org_unit.code, "agency_leader"
    )
    assert open_risks(user=stranger) == []
    # Unit scope: H56 and its subtree hold them all.
    h56 = OrgUnit.objects.get(code="H56.19")
    assert len(open_risks(unit_ids=[h56.pk])) == 5

    def count():
        open_risks(user=people["leader"])  # warm the calendar and procedure caches
        with CaptureQueriesContext(connection) as ctx:
            found = open_risks(user=people["leader"])
        return len(ctx), len(found)

    before, n = count()
    for day in (16, 17):
        journey.through(vn(2026, 3, day, 8, 0), td=vn(2026, 3, 18, 8, 0))
    clock(vn(2026, 3, 18, 10, 0))
    after, m = count()
    assert (n, m) == (5, 7)
    assert after == before <= 12


def evaluation_history(journey):
    """Six slow dossiers (2 March), then seven received Monday 23 March 08:00, due Monday 30 March 17:00.

    Their checkpoint (half of 47 working hours) is Thursday 26 March 07:30. Two are still in TD then (the
    slow step: predicted late) and finish late; one is in TD then but finishes early; two are at KY
    (fast: predicted on time) and finish early, one is at KY and finishes late; one was decided on Monday.
    """
    slow_history(journey)
    mon = vn(2026, 3, 23, 8, 0)
    fast = {"td": vn(2026, 3, 23, 9, 30), "lt": vn(2026, 3, 23, 10, 30), "pd": vn(2026, 3, 25, 16, 0)}
    late_end = {"td": vn(2026, 3, 30, 9, 0), "lt": vn(2026, 3, 30, 10, 0), "pd": vn(2026, 3, 30, 11, 0)}
    cases = {
        "tp1": journey.through(mon, **late_end, decide=vn(2026, 3, 31, 9, 0)),
        "tp2": journey.through(mon, **late_end, decide=vn(2026, 3, 31, 10, 0)),
        "fp": journey.through(
            mon,
            td=vn(2026, 3, 26, 9, 0),
            lt=vn(2026, 3, 26, 10, 0),
            pd=vn(2026, 3, 26, 11, 0),
            decide=vn(2026, 3, 26, 14, 0),
        ),
        "tn1": journey.through(mon, **fast, decide=vn(2026, 3, 26, 9, 0)),
        "tn2": journey.through(mon, **fast, decide=vn(2026, 3, 26, 10, 0)),
        "fn": journey.through(mon, **fast, decide=vn(2026, 3, 31, 9, 0)),
        "early": journey.through(
            mon,
            td=vn(2026, 3, 23, 9, 0),
            lt=vn(2026, 3, 23, 9, 30),
            pd=vn(2026, 3, 23, 10, 0),
            decide=vn(2026, 3, 23, 10, 30),
        ),
    }
    outcomes = {k: Dossier.objects.get(pk=d.pk).outcome for k, d in cases.items()}
    assert outcomes == {
        "tp1": "late", "tp2": "late", "fp": "early", "tn1": "early", "tn2": "early", "fn": "late", "early": "early",
    }  # fmt: skip
    return cases


def test_evaluation_gives_the_known_confusion_matrix(journey, clock):
    evaluation_history(journey)
    clock(vn(2026, 4, 1, 9, 0))
    result = evaluate(start=dt.date(2026, 3, 16), end=dt.date(2026, 3, 31))
    assert (result.finished, result.evaluated, result.decided_before, result.skipped) == (7, 6, 1, 0)
    c = result.counts
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 2)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(2 / 3)
    assert result.late == 3 and result.base_rate == pytest.approx(0.5)
    # On budgets alone every step fits: nothing is predicted late.
    assert (result.baseline.tp, result.baseline.fp) == (0, 0)
    # The training dossiers themselves (2 March) had no history before them: all on budgets.
    whole = evaluate()
    assert whole.finished == 13 and whole.evaluated == 12


def test_evaluate_command_prints_and_records(journey, clock):
    from io import StringIO

    evaluation_history(journey)
    clock(vn(2026, 4, 1, 9, 0))
    out = StringIO()
    call_command("risk", "--evaluate", "--start", "2026-03-16", "--end", "2026-03-31", stdout=out)
    text = out.getvalue()
    assert "precision 66.7%, recall 66.7%" in text
    assert "thực tế trễ      2" in text
    latest = evaluation_latest()
    assert latest is not None and latest[1]["model"]["tp"] == 2 and latest[1]["evaluated"] == 6
    from motcua.core.models import AuditEvent

    assert AuditEvent.objects.filter(action=EVALUATION_ACTION).count() == 1
    out = StringIO()
    call_command("risk", "--evaluate", "--start", "2026-03-16", "--no-record", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["model"]["fn"] == 1
    assert AuditEvent.objects.filter(action=EVALUATION_ACTION).count() == 1


def test_top_command_lists_the_riskiest(waiting):
    from io import StringIO

    out = StringIO()
    call_command("risk", "--unit", "H56.19", "--top", "2", stdout=out)
    text = out.getvalue()
    assert "5 hồ sơ đang giải quyết, 0 đã quá hạn; 2 có nguy cơ trễ hạn cao" in text
    assert waiting["td_early"].code in text and waiting["td_late"].code in text
    assert waiting["ky"].code not in text
    out = StringIO()
    call_command("risk", "--top", "1", "--format", "json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert (
        row["code"] == waiting["td_early"].code
        and row["risk"] == 1.0
        and row["open_step"] == "Thẩm định hồ sơ"
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("risk", "--unit", "NOPE")
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("risk", "--evaluate", "--start", "31/03/2026")


# --------------------------------------------------------------------------------------------------
# The queue page


def test_queue_page_lists_by_risk_with_reasons_and_links(client, waiting, people):
    client.force_login(people["leader"])
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    first, second = waiting["td_early"], waiting["td_late"]
    assert html.index(first.code) < html.index(second.code) < html.index(waiting["ky"].code)
    assert reverse("backoffice:dossier_detail", args=[first.pk]) in html
    assert "thường mất 6,0 ngày làm việc" in html
    # Only the high-risk ones.
    html = client.get(QUEUE, {"level": "high"}).content.decode()
    assert first.code in html and waiting["ky"].code not in html


def test_queue_page_is_for_leaders_and_has_an_empty_state(client, people, demo):
    client.force_login(people["specialist"])
    assert client.get(QUEUE).status_code == 403
    client.force_login(people["leader"])
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert "Không có hồ sơ nào đang giải quyết" in response.content.decode()
    client.logout()
    assert client.get(QUEUE).status_code == 302


def test_a_dossier_slow_so_far_is_expected_to_stay_slow(version, demo):
    """Forty past dossiers: half slow at every step, half fast. Two open dossiers in TD for the same time:
    the one whose intake was slow gets the higher risk, and says why; with the pace ignored they are alike."""
    from motcua.reporting.risk.history import Observation
    from motcua.reporting.risk.model import Case, assess
    from motcua.reporting.risk.units import OrgIndex

    org = OrgIndex()
    pid = version.procedure_id
    unit = {c: org.by_code[c] for c in ("H56.40", "H56.19", "H56.52")}
    keys = {
        "TN": (pid, "TN", unit["H56.40"]),
        "TD": (pid, "TD", unit["H56.19"]),
        "LT": (pid, "LT", unit["H56.52"]),
        "PD": (pid, "PD", unit["H56.19"]),
        "KY": (pid, "KY", unit["H56.19"]),
    }
    slow = {"TN": 3.0, "TD": 30.0, "LT": 12.0, "PD": 5.0, "KY": 5.0}
    fast = {"TN": 0.5, "TD": 4.0, "LT": 2.0, "PD": 1.0, "KY": 1.0}
    observations = []
    for k in range(40):
        hours = slow if k % 2 else fast
        for i, code in enumerate(("TN", "TD", "LT", "PD", "KY")):
            jitter = 1 + ((k * 7 + i * 3) % 10 - 5) / 50  # ±10 %, different per pass
            finished = vn(2026, 2, 2, 9, 0) + dt.timedelta(hours=k * 6 + i)
            observations.append(
                Observation(keys[code], 1000 + k, finished, hours[code] * jitter, None, False, None)
            )
    history = StepHistory(observations)
    # Within each half the jitter is unrelated from step to step: high, not perfect.
    assert 0.5 < history.correlation(vn(2026, 3, 18, 10, 0)) < 0.8
    spec = procedure_spec(version)

    def case(intake_hours, dossier_id):
        return Case(
            dossier_id=dossier_id, procedure_id=pid, spec=spec, resolving_id=unit["H56.19"],
            receiving_id=unit["H56.40"], at=vn(2026, 3, 18, 10, 0), due=vn(2026, 3, 23, 17, 0),
            open_code="TD", open_unit_id=unit["H56.19"], open_started=vn(2026, 3, 18, 8, 0),  # 2 h in TD
            done=((keys["TN"], intake_hours),),
        )  # fmt: skip

    slow_risk = assess(case(3.2, 1), history, org)
    fast_risk = assess(case(0.45, 2), history, org)
    assert slow_risk.pace > 0.75 and fast_risk.pace < 0.25 and slow_risk.pace_weight > 0.5
    assert slow_risk.probability > 0.75 and fast_risk.probability < 0.1
    assert "chậm hơn khoảng" in " ".join(slow_risk.step_reasons())
    # Without the correlation (a history of a single pass per dossier) the intake says nothing.
    shuffled = StepHistory(
        [Observation(o.key, n, o.finished_at, o.hours, None, False, None) for n, o in enumerate(observations)]
    )
    assert shuffled.correlation(vn(2026, 3, 18, 10, 0)) == 0.0
    assert assess(case(3.2, 1), shuffled, org).probability == assess(case(0.45, 1), shuffled, org).probability


def test_an_open_step_longer_than_every_past_pass_uses_a_tail(version, demo):
    from motcua.reporting.risk.history import Observation
    from motcua.reporting.risk.model import MIN_REST_HOURS, Case, assess
    from motcua.reporting.risk.units import OrgIndex

    org = OrgIndex()
    pid = version.procedure_id
    td = (pid, "TD", org.by_code["H56.19"])
    history = StepHistory(
        [
            Observation(td, k, vn(2026, 2, 2, 9, 0) + dt.timedelta(hours=k), 4.0 + k % 3, None, False, None)
            for k in range(10)
        ]
    )
    case = Case(
        dossier_id=1, procedure_id=pid, spec=procedure_spec(version), resolving_id=td[2],
        receiving_id=org.by_code["H56.40"], at=vn(2026, 3, 18, 10, 0), due=vn(2026, 3, 23, 17, 0),
        open_code="TD", open_unit_id=td[2], open_started=vn(2026, 3, 17, 8, 30),  # 9.5 h: past all ten
    )  # fmt: skip
    risk = assess(case, history, org)
    step = risk.open_step
    assert step.source == "overrun" and step.rest >= MIN_REST_HOURS
    assert "lâu hơn hầu hết các lần trước" in " ".join(risk.step_reasons())
