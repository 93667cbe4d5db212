"""Small pure functions: conditions, routing, formatting, trigram similarity."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalogue.choices import ConditionKey
from motcua.catalogue.conditions import ConditionFacts, available_actions, condition_holds, conditions_hold
from motcua.catalogue.formatting import budget_words, cutoff_words, number_vi, time_limit_words, vnd
from motcua.catalogue.routing import RoutingError, can_receive_at, choose_resolving_unit
from motcua.catalogue.spec import spec_from_dict
from motcua.catalogue.trigram import may_reach, similarity, trigrams, word_similarity, words
from motcua.org.models import OrgUnit, OrgUnitKind

from .data import procedure_data

FACTS = ConditionFacts(fee_paid=True, result_type="paper", applicant_type="citizen", channel="online")


@pytest.mark.parametrize(
    ("key", "facts", "expected"),
    [
        ("fee_paid", FACTS, True),
        ("fee_paid", ConditionFacts(False, "paper", "citizen", "online"), False),
        ("result_paper", FACTS, True),
        ("result_electronic", FACTS, False),
        ("applicant_business", FACTS, False),
        ("applicant_citizen", FACTS, True),
        ("online_dossier", FACTS, True),
        ("counter_dossier", FACTS, False),
        ("counter_dossier", ConditionFacts(True, "paper", "citizen", "counter"), True),
    ],
)
def test_conditions(key, facts, expected):
    assert condition_holds(key, facts) is expected


def test_every_condition_key_is_evaluated_and_unknown_keys_are_errors():
    for key in ConditionKey.values:
        condition_holds(key, FACTS)
    with pytest.raises(ValueError):
        condition_holds("payok", FACTS)
    assert conditions_hold([], FACTS)
    assert not conditions_hold(["fee_paid", "result_electronic"], FACTS)


def test_available_actions_follow_roles_and_conditions():
    process = spec_from_dict(procedure_data()).process
    unpaid = ConditionFacts(False, "paper", "citizen", "online")
    assert [
        a.to_step for a in available_actions(process, step="KY", facts=FACTS, roles=["agency_leader"])
    ] == ["XL", "END"]
    assert [
        a.to_step for a in available_actions(process, step="KY", facts=unpaid, roles=["agency_leader"])
    ] == ["XL"]
    assert available_actions(process, step="KY", facts=FACTS, roles=["specialist"]) == []


def test_routing():
    agency = OrgUnit(code="H56.19", name="Sở", kind=OrgUnitKind.AGENCY)
    commune = OrgUnit(code="H56.101", name="Phường", kind=OrgUnitKind.COMMUNE, has_one_stop=True)
    centre = OrgUnit(code="H56.40", name="TT", kind=OrgUnitKind.ONE_STOP_CENTRE, has_one_stop=True)
    pick = {"agency": agency, "applicant_commune": commune, "receiving_point": centre}
    assert choose_resolving_unit(rule="agency", **pick) is agency
    assert choose_resolving_unit(rule="applicant_commune", **pick) is commune
    assert choose_resolving_unit(rule="receiving_point", **pick) is centre
    with pytest.raises(RoutingError) as excinfo:
        choose_resolving_unit(
            rule="applicant_commune", agency=agency, applicant_commune=centre, receiving_point=None
        )
    assert excinfo.value.code == "routing_no_applicant_commune"
    with pytest.raises(RoutingError):
        choose_resolving_unit(rule="agency", agency=None, applicant_commune=None, receiving_point=None)
    assert can_receive_at(centre, listed=[]) and can_receive_at(commune, listed=["H56.101"])
    assert not can_receive_at(commune, listed=["H56.40"]) and not can_receive_at(agency, listed=[])


def test_formatting():
    assert vnd(1000000) == "1.000.000 đồng"
    assert vnd(0) == "0 đồng"
    assert number_vi(Decimal("1234.5")) == "1.234,5"
    assert time_limit_words(5, "working_days") == "05 ngày làm việc"
    assert time_limit_words(15, "working_days") == "15 ngày làm việc"
    assert time_limit_words(Decimal("0.5"), "working_hours") == "0,5 giờ làm việc"
    assert time_limit_words(30, "calendar_days") == "30 ngày"
    assert time_limit_words(0, "same_day") == "Trong ngày"
    assert budget_words(Decimal(4), "working_hours") == "04 giờ làm việc"
    assert (
        cutoff_words(dt.time(15, 0))
        == "Hồ sơ nhận sau 15 giờ 00 được tính là nhận vào ngày làm việc tiếp theo."
    )
    assert cutoff_words(None) == ""


def test_trigrams_like_pg_trgm():
    assert trigrams("sih") == {"  s", " si", "sih", "ih "}
    # The examples of the PostgreSQL documentation.
    assert similarity("word", "two words") == pytest.approx(4 / 11)
    assert word_similarity("word", "two words") == pytest.approx(0.8)
    assert word_similarity("khai sih", "dang ky khai sinh 1.001193 ho tich") >= 0.6
    assert word_similarity("khai sih", "dang ky ket hon") < 0.6
    assert word_similarity("", "x") == 0.0


WORDS = [
    "dang",
    "ky",
    "khai",
    "sinh",
    "kinh",
    "doanh",
    "so",
    "tu",
    "phap",
    "san",
    "xay",
    "dung",
    "giay",
    "phep",
    "ket",
    "hon",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
    query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    cut=st.integers(min_value=0, max_value=3),
)
def test_the_shortcuts_never_lose_a_match(text, query, cut):
    """``may_reach`` and the bounded ``word_similarity`` (the search's shortcuts) agree with the plain
    computation on every text that reaches the threshold, typos included."""
    query = query[: max(1, len(query) - cut)]  # drop letters: a typo
    exact = word_similarity(query, text)
    bounded = word_similarity(query, text, floor=0.6)
    sets = [trigrams(w) for w in words(text)]
    if exact >= 0.6:
        assert bounded == pytest.approx(exact)
        assert may_reach(trigrams(query), sets, floor=0.6)
    else:
        assert bounded < 0.6
