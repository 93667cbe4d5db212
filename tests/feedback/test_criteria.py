"""The nine criteria computed from dossiers driven through the real services, and the pure scoring."""

import pytest

from motcua.feedback import criteria
from motcua.feedback.criteria import DossierFacts, score_facts
from motcua.feedback.models import Feedback

from .conftest import journey

pytestmark = pytest.mark.django_db


def points(score):
    return {c.code: c.points for c in score.criteria}


def test_early_online_dossier(people, version, clock):
    d = journey(people, version, clock)
    assert d.outcome == "early"
    result = criteria.score(d)
    p = points(result)
    assert len(result.criteria) == 9 and result.complete
    assert p["c1"] == 2  # early
    # TD early, the other steps on time: not every agency early, none late.
    assert p["c2"] == 1
    assert p["c3"] == 2  # no supplement
    assert p["c4"] == 1  # online, but the result was collected at the counter
    assert p["c5"] == 2  # received and returned at the provincial one-stop centre
    assert p["c7"] == 2  # early, no complaint
    assert p["c8"] == 2  # no PAKN for the unit
    assert p["c9"] == 2  # full online procedure, applied online, not late
    assert result.total == sum(p.values())
    assert result.max_total == 18


def test_online_return_means_no_agency_visited(people, version, clock):
    d = journey(people, version, clock, method="online")
    assert points(criteria.score(d))["c4"] == 2


def test_late_dossier_with_a_supplement(people, version, clock):
    d = journey(people, version, clock, late=True, supplement=True)
    assert d.outcome == "late"
    p = points(criteria.score(d))
    assert p["c1"] == 0
    assert p["c2"] == 0  # the division head's and the leader's steps were late
    assert p["c3"] == 1  # one supplement request
    assert p["c7"] == 1
    assert p["c9"] == 1  # online but late
    reason = next(c.reason for c in criteria.score(d).criteria if c.code == "c2")
    assert "Quá hạn tại" in reason


def test_substantiated_complaint_about_the_dossier_zeroes_attitude(people, version, clock):
    d = journey(people, version, clock)
    Feedback.objects.create(
        code="PA260305-9999", subject_kind="dossier", dossier=d, title="t", content="c", sender_name="A",
        sender_phone="+84912345678", consent=True, handling_unit=d.resolving_unit, received_at=d.received_at,
        refuse_due_at=d.due_at, info_due_at=d.due_at, answer_due_at=d.due_at, substantiated=True,
    )  # fmt: skip
    assert points(criteria.score(d))["c7"] == 0


def test_unfinished_dossier_leaves_time_criteria_unscored(people, version, clock):
    d = journey(people, version, clock, stop_before_return=True)
    d.outcome = ""  # as before the decision: no outcome yet
    result = criteria.score(d)
    p = points(result)
    assert p["c1"] is None and p["c7"] is None
    assert not result.complete and result.scored == 7


def test_score_facts_is_pure_and_bands_follow_the_total():
    best = DossierFacts(
        outcome="early", agency_outcomes={"Sở A": ["early"], "Thuế": ["early"]}, channel="online",
        return_method="online", online_level="full", on_national_database=True, parts_complete=True,
    )  # fmt: skip
    result = score_facts(best)
    assert result.total == 18 and result.band == "excellent" and str(result.band_label) == "Xuất sắc"
    worst = DossierFacts(
        outcome="late", agency_outcomes={"Sở A": ["late"]}, supplement_count=2, channel="counter",
        return_method="", received_at_one_stop=False, substantiated_complaints=1, unit_feedback_total=10,
        unit_feedback_on_time=5,
    )  # fmt: skip
    w = points(score_facts(worst))
    assert w == {"c1": 0, "c2": 0, "c3": 0, "c4": 1, "c5": 0, "c6": 1, "c7": 0, "c8": 0, "c9": 0}
    assert score_facts(worst).band == "weak"
    ninety = DossierFacts(unit_feedback_total=10, unit_feedback_on_time=9)
    assert points(score_facts(ninety))["c8"] == 1


def test_band_thresholds_come_from_settings(settings):
    settings.MOTCUA_EVALUATION_BANDS = [(17, "excellent"), (0, "weak")]
    facts = DossierFacts(
        outcome="early", agency_outcomes={"A": ["early"]}, channel="online", return_method="online",
        online_level="full", on_national_database=True, parts_complete=False,
    )  # fmt: skip
    result = score_facts(facts)
    assert result.total == 17 and result.band == "excellent"
    settings.MOTCUA_EVALUATION_BANDS = [(18, "excellent"), (0, "weak")]
    assert score_facts(facts).band == "weak"
