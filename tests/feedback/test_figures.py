"""The figures for 766 items 5.2–5.4 and plan target T08."""

from decimal import Decimal

import pytest

from motcua.feedback.selectors import dossier_satisfaction_figures, feedback_figures, satisfaction_share
from motcua.feedback.services import (
    evaluation_give,
    feedback_answer,
    feedback_publish,
    feedback_react,
    feedback_refuse,
    feedback_submit,
)
from motcua.org.models import OrgUnit

from .conftest import journey, vn

pytestmark = pytest.mark.django_db


def send(phone, **kw):
    return feedback_submit(
        subject_kind=kw.pop("subject_kind", "unit"), unit=kw.pop("unit", OrgUnit.objects.get(code="H56.19")),
        title="t", content="c", sender_name="A", phone=phone, consent=True, **kw,
    )  # fmt: skip


def test_feedback_items_5_2_and_5_3(people, clock):
    h19 = OrgUnit.objects.get(code="H56.19")
    clock(vn(2026, 3, 2, 9, 0))
    on_time = send("0912000001")
    late = send("0912000002")
    refused_late = send("0912000003")
    repeat = send("0912000001")  # same contact, same unit: repeated
    disliked = send("0912000004")
    other_unit = send("0912000005", unit=OrgUnit.objects.get(code="H56.40"))
    clock(vn(2026, 3, 3, 9, 0))
    feedback_publish(feedback=feedback_answer(feedback=on_time, officer=people["specialist"], answer="a"),
                     officer=people["specialist"])  # fmt: skip
    d = feedback_publish(
        feedback=feedback_answer(feedback=disliked, officer=people["specialist"], answer="a"),
        officer=people["specialist"],
    )
    feedback_react(feedback=d, voter="x", vote="dislike")
    clock(vn(2026, 3, 6, 9, 0))  # after the 2-day refusal limit (Wed 4 March)
    feedback_refuse(feedback=refused_late, officer=people["specialist"], reason="r")
    clock(vn(2026, 3, 30, 9, 0))  # the 15-day answer limit (Mon 23 March) has passed for `late`
    assert (
        repeat.duplicate_of == on_time
        and late.status == "received"
        and other_unit.handling_unit.code == "H56.40"
    )
    figures = feedback_figures(start=vn(2026, 3, 1), end=vn(2026, 4, 1), unit_ids=[h19.pk])
    assert figures.received == 5
    # late (overdue), refused_late and repeat (also overdue: never answered) are late
    assert (figures.late, figures.refused, figures.repeated, figures.disliked) == (3, 1, 1, 1)
    assert figures.handled_on_time == 2 and figures.item_5_2 == Decimal("40.00")
    assert figures.good == 1 and figures.item_5_3 == Decimal("20.00")  # only `on_time`
    everywhere = feedback_figures(start=vn(2026, 3, 1), end=vn(2026, 4, 1))
    assert everywhere.received == 6
    # judged at the period's end: before the answer limit everything unanswered is still pending
    early = feedback_figures(start=vn(2026, 3, 1), end=vn(2026, 3, 5), unit_ids=[h19.pk])
    assert early.late == 0 and early.handled_on_time == 5


def test_dossier_item_5_4_and_t08(people, version, clock):
    ok = journey(people, version, clock)
    disliked = journey(people, version, clock)
    late = journey(people, version, clock, late=True)
    clock.shift(hours=1)
    evaluation_give(dossier=ok, actor=people["citizen"], satisfaction="very_satisfied")
    evaluation_give(dossier=disliked, actor=people["citizen"], satisfaction="satisfied",
                    votes={f"u{disliked.resolving_unit_id}": "dislike"})  # fmt: skip
    evaluation_give(dossier=late, actor=people["citizen"], satisfaction="dissatisfied")
    units = [ok.resolving_unit_id]
    figures = dossier_satisfaction_figures(start=vn(2026, 3, 1), end=vn(2026, 4, 1), unit_ids=units)
    assert (figures.dossiers, figures.late, figures.with_feedback_or_dislike, figures.bad) == (3, 1, 2, 2)
    assert figures.item_5_4 == Decimal("0.00")  # 100 − 33.33 − 66.67
    assert figures.item_5_4_decision_text == Decimal("33.33")
    share = satisfaction_share(start=vn(2026, 3, 1), end=vn(2026, 4, 1), unit_ids=units)
    assert (share.evaluations, share.very_satisfied, share.satisfied, share.dissatisfied) == (3, 1, 1, 1)
    assert share.share == Decimal("66.67") and share.meets() is False
    none = satisfaction_share(
        start=vn(2026, 3, 1), end=vn(2026, 4, 1), unit_ids=[OrgUnit.objects.get(code="H56.52").pk]
    )
    assert none.share is None and none.meets() is None


def test_the_766_scorecard_reads_pakn_and_evaluations(people, version, clock):
    """5.2/5.3 come from the PAKN handled by the unit; 5.4 subtracts the late dossiers (fact tables) and
    the other complained-about ones (a dislike, "dissatisfied", a PAKN about the dossier), each once."""
    from motcua.reporting.kpi766 import kpi766
    from motcua.reporting.periods import parse_period

    ok = journey(people, version, clock)
    disliked = journey(people, version, clock)
    late = journey(people, version, clock, late=True)
    clock.shift(hours=1)
    evaluation_give(dossier=ok, actor=people["citizen"], satisfaction="very_satisfied")
    evaluation_give(dossier=disliked, actor=people["citizen"], satisfaction="satisfied",
                    votes={f"u{disliked.resolving_unit_id}": "dislike"})  # fmt: skip
    evaluation_give(dossier=late, actor=people["citizen"], satisfaction="dissatisfied")  # late already
    answered = send("0912000001", unit=ok.resolving_unit)
    send("0912000002", unit=ok.resolving_unit)
    feedback_answer(feedback=answered, officer=people["specialist"], answer="a")
    card = kpi766(ok.resolving_unit, parse_period("2026-03"))
    items = {i.code: (i.numerator, i.denominator) for i in card.indicators}
    assert items["5.4"] == (3 - 1 - 1, 3)  # three handled, one late, one more complained about
    assert items["5.2"] == (2, 2)  # one answered in time, one still within its 15 working days
    assert items["5.3"] == (2, 2)
    other = kpi766(OrgUnit.objects.get(code="H56.52"), parse_period("2026-03"))
    assert {i.code: (i.numerator, i.denominator) for i in other.indicators}["5.2"] == (0, 0)
