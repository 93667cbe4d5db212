"""What each staff request reads to know the user's units, and the calendar memo of one action: few
queries, and nothing kept from one request to the next."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Role, User
from motcua.calendar.selectors import calendar_snapshot, calendar_snapshot_memo
from motcua.calendar.services import calendar_holiday_add
from motcua.dossiers.access import LEADER_ROLES, staff_scope
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_subtree_ids, orgunit_subtrees_ids


def fresh(user):
    """The user as the next request loads it (the scope is cached on the object only)."""
    return User.objects.get(pk=user.pk)


def expected_visible(user):
    """The scope's rule spelled out with the per-level subtree of ``motcua.org.selectors``."""
    visible = set()
    for membership in user.memberships.all():
        visible.add(membership.org_unit_id)
        if membership.role in LEADER_ROLES:
            visible |= orgunit_subtree_ids(membership.org_unit)
    return visible


def test_a_leaders_scope_is_the_led_subtree_in_two_queries(people):
    leader = fresh(people["leader"])
    with CaptureQueriesContext(connection) as captured:
        scope = staff_scope(leader)
    assert len(captured) == 2  # the memberships, then every led subtree in one recursive query
    assert scope.visible_units == expected_visible(leader)
    agency = OrgUnit.objects.get(code="H56.19")
    assert set(OrgUnit.objects.filter(parent=agency).values_list("pk", flat=True)) < scope.visible_units
    assert Role.AGENCY_LEADER in scope.roles_at(agency.pk)
    with CaptureQueriesContext(connection) as again:
        assert staff_scope(leader) is scope  # remembered on the request's user object
    assert len(again) == 0


def test_staff_who_lead_nothing_read_their_memberships_only(people):
    officer = fresh(people["officer"])
    with CaptureQueriesContext(connection) as captured:
        scope = staff_scope(officer)
    assert len(captured) == 1
    assert scope.visible_units == expected_visible(officer) == {OrgUnit.objects.get(code="H56.40").pk}


def test_a_new_division_is_in_the_next_requests_scope(people):
    agency = OrgUnit.objects.get(code="H56.19")
    before = staff_scope(fresh(people["leader"])).visible_units
    division = OrgUnit.objects.create(
        code="H56.19.99", name="Phòng thử nghiệm", kind=OrgUnitKind.DIVISION, parent=agency
    )
    team = OrgUnit.objects.create(code="H56.19.99.01", name="Tổ", kind=OrgUnitKind.DIVISION, parent=division)
    after = staff_scope(fresh(people["leader"])).visible_units
    assert after == before | {division.pk, team.pk}


def test_subtrees_of_several_units_at_once_survive_a_parent_loop(people):
    agency = OrgUnit.objects.get(code="H56.19")
    tax = OrgUnit.objects.get(code="H56.52")
    assert orgunit_subtrees_ids([]) == set()
    assert orgunit_subtrees_ids([agency.pk, tax.pk]) == (
        orgunit_subtree_ids(agency, include_self=True) | orgunit_subtree_ids(tax, include_self=True)
    )
    a = OrgUnit.objects.create(code="H56.98", name="A", kind=OrgUnitKind.AGENCY)
    b = OrgUnit.objects.create(code="H56.98.01", name="B", kind=OrgUnitKind.DIVISION, parent=a)
    OrgUnit.objects.filter(pk=a.pk).update(parent=b)  # bypasses clean(): stored data is broken
    assert orgunit_subtrees_ids([a.pk]) == {a.pk, b.pk}


def fingerprints(captured):
    return sum("COUNT(*) FROM calendar_calendarday" in q["sql"] for q in captured)


def test_the_calendar_is_checked_once_per_memo_block_and_again_after_it(demo):
    unit = OrgUnit.objects.get(code="H56.19")
    calendar_snapshot()
    calendar_snapshot(org_unit=unit)
    with CaptureQueriesContext(connection) as captured, calendar_snapshot_memo():
        calendar_snapshot(org_unit=unit)
        with calendar_snapshot_memo():  # nested: the outer block's answer
            calendar_snapshot()
        calendar_snapshot(org_unit=unit)
    assert fingerprints(captured) == 1
    with CaptureQueriesContext(connection) as outside:
        calendar_snapshot()
        calendar_snapshot()
    assert fingerprints(outside) == 2  # without a block, every call checks

    day = dt.date(2026, 3, 4)
    with calendar_snapshot_memo():
        assert calendar_snapshot().is_working_day(day)
    calendar_holiday_add(actor=None, day=day, name="Nghỉ đột xuất", legal_reference="Thông báo 1")
    with calendar_snapshot_memo():  # a new block (the next action) sees the change
        assert not calendar_snapshot().is_working_day(day)
