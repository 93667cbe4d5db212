"""Validity dates, successor chains, subtrees."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import (
    OrgUnitCycleError,
    orgunit_current_units,
    orgunit_list,
    orgunit_subtree,
    orgunit_successor_on,
)

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(province, make_unit):
    """Huyện Đông Sơn → thành phố Thanh Hóa (1 Dec 2024) → phường Hạc Thành (1 Jul 2025)."""
    hac_thanh = make_unit(
        "H56.101", "Phường Hạc Thành", OrgUnitKind.COMMUNE, parent=province, valid_from=D(2025, 7, 1)
    )
    city = make_unit(
        "H56.380", "Ủy ban nhân dân thành phố Thanh Hóa", OrgUnitKind.DISTRICT, parent=province,
        valid_from=D(2021, 1, 1), valid_to=D(2025, 6, 30), successor=hac_thanh,
    )  # fmt: skip
    dong_son = make_unit(
        "H56.405", "Ủy ban nhân dân huyện Đông Sơn", OrgUnitKind.DISTRICT, parent=province,
        valid_from=D(2021, 1, 1), valid_to=D(2024, 11, 30), successor=city,
    )  # fmt: skip
    return dong_son, city, hac_thanh


def test_district_is_valid_until_30_june_2025_and_its_successor_from_1_july(chain):
    _dong_son, city, hac_thanh = chain
    assert city.is_valid_on(D(2025, 6, 30))
    assert not city.is_valid_on(D(2025, 7, 1))
    assert hac_thanh.is_valid_on(D(2025, 7, 1))
    assert not hac_thanh.is_valid_on(D(2025, 6, 30))
    assert city in orgunit_current_units(D(2025, 6, 30))
    assert city not in orgunit_current_units(D(2025, 7, 1))
    assert hac_thanh in orgunit_current_units(D(2025, 7, 1))
    assert list(orgunit_list(on=D(2025, 6, 30), kind=OrgUnitKind.DISTRICT)) == [city]
    assert list(orgunit_list(on=D(2025, 7, 1), kind=OrgUnitKind.DISTRICT)) == []


def test_current_units_default_to_today(chain, province):
    assert province in orgunit_current_units()


def test_successor_on_follows_the_chain(chain):
    dong_son, city, hac_thanh = chain
    assert orgunit_successor_on(dong_son, D(2024, 11, 30)) == dong_son
    assert orgunit_successor_on(dong_son, D(2024, 12, 1)) == city
    assert orgunit_successor_on(dong_son, D(2025, 6, 30)) == city
    assert orgunit_successor_on(dong_son, D(2025, 7, 1)) == hac_thanh
    assert orgunit_successor_on(city, D(2030, 1, 1)) == hac_thanh
    assert orgunit_successor_on(hac_thanh, D(2030, 1, 1)) == hac_thanh


def test_successor_on_is_none_before_the_unit_began_or_past_the_chain(chain, make_unit):
    dong_son, _city, hac_thanh = chain
    assert orgunit_successor_on(dong_son, D(2020, 12, 31)) is None
    assert orgunit_successor_on(hac_thanh, D(2025, 6, 30)) is None
    ended = make_unit("H56.53", valid_to=D(2025, 2, 28))
    assert orgunit_successor_on(ended, D(2025, 3, 1)) is None


def test_successor_on_is_none_in_a_gap_of_the_chain(province, make_unit):
    new = make_unit("H56.52", "Thuế tỉnh Thanh Hóa", OrgUnitKind.VERTICAL_AGENCY, valid_from=D(2025, 7, 1))
    old = make_unit("H56.51", "Cục Thuế tỉnh Thanh Hóa", valid_to=D(2025, 2, 28), successor=new)
    assert orgunit_successor_on(old, D(2025, 4, 1)) is None
    assert orgunit_successor_on(old, D(2025, 7, 1)) == new


def test_successor_cycle_is_detected_not_followed_forever(province, make_unit):
    a = make_unit("H56.61", valid_to=D(2024, 1, 1))
    b = make_unit("H56.62", valid_to=D(2024, 6, 1), successor=a)
    OrgUnit.objects.filter(pk=a.pk).update(successor=b)  # bypasses clean(): stored data is broken
    a.refresh_from_db()
    with pytest.raises(OrgUnitCycleError):
        orgunit_successor_on(a, D(2025, 1, 1))


def test_subtree_returns_all_descendants_in_one_query_per_level(province, make_unit):
    agency = make_unit("H56.19", parent=province)
    divisions = [make_unit(f"H56.19.0{i}", kind=OrgUnitKind.DIVISION, parent=agency) for i in (1, 2)]
    team = make_unit("H56.19.01.01", kind=OrgUnitKind.DIVISION, parent=divisions[0])
    other = make_unit("H56.02", parent=province)
    make_unit("H56.02.01", kind=OrgUnitKind.DIVISION, parent=other)

    with CaptureQueriesContext(connection) as queries:
        subtree = set(orgunit_subtree(agency))
    assert subtree == {*divisions, team}
    assert len(queries) == 4  # three levels below H56.19 (the last one empty) + the result

    assert set(orgunit_subtree(agency, include_self=True)) == {agency, *divisions, team}
    assert set(orgunit_subtree(team)) == set()
    assert len(orgunit_subtree(province)) == 6


def test_subtree_survives_a_parent_cycle_in_stored_data(province, make_unit):
    a = make_unit("H56.71", parent=province)
    b = make_unit("H56.71.01", parent=a)
    OrgUnit.objects.filter(pk=a.pk).update(parent=b)  # bypasses clean()
    assert set(orgunit_subtree(a)) == {b}


def test_list_search_ignores_diacritics_and_case(chain):
    assert [u.code for u in orgunit_list(q="hac thanh")] == ["H56.101"]
    assert [u.code for u in orgunit_list(q="HẠC   Thành")] == ["H56.101"]
    assert [u.code for u in orgunit_list(q="dong son")] == ["H56.405"]
    assert [u.code for u in orgunit_list(q="h56.38")] == ["H56.380"]
    assert list(orgunit_list(q="khong co don vi nay")) == []
