"""The calendar tables: seeding, admin rows, swaps, working hours, and the deadlines a change would move."""

import datetime as dt

import pytest

from motcua.accounts.models import AccountKind, User
from motcua.calendar.demo import DEMO_YEARS, seed_demo_calendar
from motcua.calendar.engine import Limit, Pause, Session, due_working_days
from motcua.calendar.errors import CalendarRuleError, InvalidSessions
from motcua.calendar.models import CalendarDay, DayKind, DaySource, WorkingHours
from motcua.calendar.registry import (
    OpenDeadline,
    deadline_providers,
    register_deadline_provider,
    unregister_deadline_provider,
)
from motcua.calendar.selectors import calendar_snapshot, calendar_year_view, resolve_hours
from motcua.calendar.services import (
    calendar_day_remove,
    calendar_holiday_add,
    calendar_swap_add,
    calendar_sync_year,
    deadline_impact,
    deadlines_recompute,
    swap_check,
    working_hours_set,
)
from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit, OrgUnitKind

from .util import at

pytestmark = pytest.mark.django_db


def nonworking_weekdays(year):
    snap = calendar_snapshot()
    start = dt.date(year, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]
    return (
        sorted(d for d in days if d.weekday() < 5 and not snap.is_working_day(d)),
        sorted(d for d in days if d.weekday() >= 5 and snap.is_working_day(d)),
    )


def D(text):
    return dt.date.fromisoformat(text)


# The public-sector calendars of 2021–2026 as the official notices give them: the weekdays off and the
# weekend days worked. (Labour Code 2019 art. 112; yearly MOLISA/MOHA notices; VPCP dispatches.)
OFFICIAL = {
    2021: (["2021-01-01", "2021-02-10", "2021-02-11", "2021-02-12", "2021-02-15", "2021-02-16", "2021-04-21",
            "2021-04-30", "2021-05-03", "2021-09-02", "2021-09-03"], []),
    2022: (["2022-01-03", "2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03", "2022-02-04", "2022-04-11",
            "2022-05-02", "2022-05-03", "2022-09-01", "2022-09-02"], []),
    2023: (["2023-01-02", "2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26", "2023-05-01",
            "2023-05-02", "2023-05-03", "2023-09-01", "2023-09-04"], []),
    2024: (["2024-01-01", "2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14", "2024-04-18",
            "2024-04-29", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03"], ["2024-05-04"]),
    2025: (["2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-07",
            "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"], ["2025-04-26"]),
    2026: (["2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
            "2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02", "2026-11-24"],
           ["2026-01-10", "2026-08-22"]),
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_demo_calendar_matches_the_official_notices(seeded, year):
    off, worked = OFFICIAL[year]
    assert nonworking_weekdays(year) == ([D(d) for d in off], [D(d) for d in worked])


def test_demo_calendar_covers_2021_to_2027_and_is_idempotent(seeded):
    years = set(CalendarDay.objects.dates("date", "year"))
    assert {d.year for d in years} == set(DEMO_YEARS)
    count = CalendarDay.objects.count()
    audits = AuditEvent.objects.count()
    assert seed_demo_calendar() == 0
    assert CalendarDay.objects.count() == count
    assert AuditEvent.objects.count() == audits  # nothing changed, nothing logged
    swap = CalendarDay.objects.get(date=dt.date(2026, 1, 2))
    assert swap.source == DaySource.ADMIN and swap.swap_with == dt.date(2026, 1, 10)
    assert "12729/VPCP-KGVX" in swap.legal_reference
    assert CalendarDay.objects.get(date=dt.date(2026, 1, 10)).kind == DayKind.WORKING_DAY
    # library rows carry a legal reference too
    assert "2450/VPCP-KGVX" in CalendarDay.objects.get(date=dt.date(2024, 5, 4)).legal_reference
    assert CalendarDay.objects.filter(legal_reference="").count() == 0


def test_sync_never_overwrites_admin_rows_and_removes_stale_library_rows(db):
    calendar_sync_year(year=2026)
    CalendarDay.objects.filter(date=dt.date(2026, 11, 24)).update(
        source=DaySource.ADMIN, name="Sửa bởi quản trị"
    )
    CalendarDay.objects.create(
        date=dt.date(2026, 3, 3), kind=DayKind.HOLIDAY, name="Cũ", source=DaySource.LIBRARY
    )
    result = calendar_sync_year(year=2026)
    assert result.kept_admin == 1 and result.removed == 1 and result.created == 0
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 24)).name == "Sửa bởi quản trị"
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 3)).exists()
    again = calendar_sync_year(year=2026)
    assert not again.changed
    with pytest.raises(CalendarRuleError) as info:
        calendar_sync_year(year=1800)
    assert info.value.code == "year_out_of_range"


def test_sync_includes_make_up_saturdays(db):
    calendar_sync_year(year=2025)
    row = CalendarDay.objects.get(date=dt.date(2025, 4, 26))
    assert row.kind == DayKind.WORKING_DAY and row.swap_with == dt.date(2025, 5, 2)
    assert CalendarDay.objects.get(date=dt.date(2025, 5, 2)).swap_with == dt.date(2025, 4, 26)


@pytest.fixture
def admin_user(db):
    return User.objects.create_user(
        username="qt", password="x" * 12, kind=AccountKind.STAFF, full_name="Quản trị"
    )


def test_swap_writes_two_audited_rows(seeded, admin_user):
    before = calendar_snapshot()
    assert before.is_working_day(dt.date(2027, 4, 30 - 1))
    off, work = calendar_swap_add(
        actor=admin_user,
        day_off=dt.date(2027, 4, 29),
        make_up_day=dt.date(2027, 4, 24),
        notice="Công văn 1/VPCP-KGVX",
    )
    assert (off.kind, work.kind) == (DayKind.HOLIDAY, DayKind.WORKING_DAY)
    assert off.swap_with == work.date and work.swap_with == off.date
    assert off.created_by == admin_user and off.source == DaySource.ADMIN
    after = calendar_snapshot()
    assert not after.is_working_day(dt.date(2027, 4, 29)) and after.is_working_day(dt.date(2027, 4, 24))
    event = AuditEvent.objects.filter(action="calendar.swap_added").latest("seq")
    assert event.actor_id == admin_user.pk
    assert event.data["day_off"]["legal_reference"] == "Công văn 1/VPCP-KGVX"
    assert audit_verify() is None


@pytest.mark.parametrize(
    ("day_off", "make_up", "notice", "code"),
    [
        ("2027-03-10", "2027-03-10", "CV 1", "swap_same_day"),
        ("2027-03-13", "2027-03-20", "CV 1", "swap_day_off_not_working"),  # a Saturday as the day off
        ("2027-02-08", "2027-02-20", "CV 1", "swap_day_off_not_working"),  # already a Tết day
        ("2027-03-10", "2027-03-11", "CV 1", "swap_make_up_not_off"),  # a weekday as the make-up day
        ("2027-03-10", "2027-02-06", "CV 1", "swap_make_up_not_off"),  # a Saturday that is a Tết day
        ("2027-03-10", "2027-03-13", "  ", "notice_required"),
        ("2040-03-09", "2040-03-10", "CV 1", "day_out_of_range"),
    ],
)
def test_bad_swaps_store_nothing(seeded, admin_user, day_off, make_up, notice, code):
    count, audits = CalendarDay.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CalendarRuleError) as info:
        calendar_swap_add(actor=admin_user, day_off=D(day_off), make_up_day=D(make_up), notice=notice)
    assert info.value.code == code
    assert str(info.value)  # Vietnamese message
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == (count, audits)


def test_swap_same_day_message_is_vietnamese(seeded):
    with pytest.raises(CalendarRuleError) as info:
        swap_check(day_off=D("2027-03-10"), make_up_day=D("2027-03-10"), notice="x")
    assert (
        str(info.value)
        == "Ngày nghỉ và ngày làm bù phải là hai ngày khác nhau (đã nhập cùng ngày 10/03/2027)."
    )


def test_holiday_add_and_remove(seeded, admin_user):
    row = calendar_holiday_add(
        actor=admin_user, day=D("2027-06-15"), name="Nghỉ do bão", legal_reference="Công điện 5/CĐ-UBND"
    )
    assert row.source == DaySource.ADMIN and not calendar_snapshot().is_working_day(D("2027-06-15"))
    for day, code in [("2027-06-15", "day_already_off"), ("2027-06-19", "day_already_off")]:
        with pytest.raises(CalendarRuleError) as info:
            calendar_holiday_add(actor=admin_user, day=D(day), name="x", legal_reference="y")
        assert info.value.code == code
    with pytest.raises(CalendarRuleError) as info:
        calendar_holiday_add(actor=admin_user, day=D("2027-06-16"), name="x", legal_reference="")
    assert info.value.code == "legal_reference_required"
    assert calendar_day_remove(actor=admin_user, day=D("2027-06-15")) == [D("2027-06-15")]
    assert calendar_snapshot().is_working_day(D("2027-06-15"))
    with pytest.raises(CalendarRuleError) as info:
        calendar_day_remove(actor=admin_user, day=D("2027-01-01"))
    assert info.value.code == "day_not_admin"
    with pytest.raises(CalendarRuleError) as info:
        calendar_day_remove(actor=admin_user, day=D("2027-06-17"))
    assert info.value.code == "day_not_found"
    actions = list(AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", flat=True))
    assert "calendar.holiday_added" in actions and "calendar.day_removed" in actions


def test_removing_one_day_of_a_swap_removes_both(seeded, admin_user):
    calendar_swap_add(actor=admin_user, day_off=D("2027-03-12"), make_up_day=D("2027-03-20"), notice="CV 2")
    assert sorted(calendar_day_remove(actor=admin_user, day=D("2027-03-20"))) == [
        D("2027-03-12"),
        D("2027-03-20"),
    ]
    assert not CalendarDay.objects.filter(date__in=[D("2027-03-12"), D("2027-03-20")]).exists()


def test_the_snapshot_cache_follows_the_table(seeded, admin_user):
    first = calendar_snapshot()
    assert calendar_snapshot() is first
    calendar_holiday_add(actor=admin_user, day=D("2027-06-15"), name="Nghỉ", legal_reference="CĐ 1")
    assert calendar_snapshot() is not first


# -- working hours ----------------------------------------------------------------------------------


def test_working_hours_per_unit_and_season(seeded, admin_user):
    province = OrgUnit.objects.create(code="H56", name="Tỉnh", kind=OrgUnitKind.PROVINCE)
    centre = OrgUnit.objects.create(
        code="H56.40", name="Trung tâm", kind=OrgUnitKind.ONE_STOP_CENTRE, parent=province
    )
    desk = OrgUnit.objects.create(code="H56.40.1", name="Quầy", kind=OrgUnitKind.DIVISION, parent=centre)
    summer = [Session(dt.time(7), dt.time(11)), Session(dt.time(13, 30), dt.time(17, 30))]
    working_hours_set(
        actor=admin_user, sessions=summer, valid_from=D("2027-04-15"), valid_to=D("2027-10-14"), name="Mùa hè"
    )
    working_hours_set(
        actor=admin_user,
        sessions=[Session(dt.time(7, 30), dt.time(16, 30))],
        org_unit=centre,
        name="Trung tâm",
    )
    # province: the seeded default, and the summer season
    prov = calendar_snapshot()
    assert prov.day_end(D("2027-03-10")).time() == dt.time(17) and prov.day_end(
        D("2027-06-10")
    ).time() == dt.time(17, 30)
    # the centre's own open-ended hours win over the province's season; its desk inherits them
    for unit in (centre, desk):
        snap = calendar_snapshot(org_unit=unit)
        assert snap.day_end(D("2027-06-10")).time() == dt.time(16, 30)
    sessions, seasons = resolve_hours(desk)
    assert sessions == (Session(dt.time(7, 30), dt.time(16, 30)),) and seasons == ()
    assert due_working_days(calendar_snapshot(org_unit=centre), at("2027-03-10 10:00"), 1) == at(
        "2027-03-11 16:30"
    )
    # setting the same (unit, range) again replaces the sessions
    working_hours_set(actor=admin_user, sessions=[Session(dt.time(8), dt.time(16))], org_unit=centre)
    assert WorkingHours.objects.filter(org_unit=centre).count() == 1
    assert calendar_snapshot(org_unit=centre).day_end(D("2027-03-10")).time() == dt.time(16)
    assert AuditEvent.objects.filter(action="calendar.hours_set").count() >= 3


def test_bad_working_hours_store_nothing(seeded, admin_user):
    count = WorkingHours.objects.count()
    with pytest.raises(InvalidSessions):
        working_hours_set(
            actor=admin_user, sessions=[Session(dt.time(7), dt.time(12)), Session(dt.time(11), dt.time(17))]
        )
    with pytest.raises(CalendarRuleError) as info:
        working_hours_set(
            actor=admin_user,
            sessions=[Session(dt.time(7), dt.time(17))],
            valid_from=D("2027-05-01"),
            valid_to=D("2027-04-01"),
        )
    assert info.value.code == "hours_range_reversed"
    working_hours_set(
        actor=admin_user,
        sessions=[Session(dt.time(7), dt.time(17))],
        valid_from=D("2027-05-01"),
        valid_to=D("2027-06-01"),
    )
    with pytest.raises(CalendarRuleError) as info:
        working_hours_set(
            actor=admin_user,
            sessions=[Session(dt.time(7), dt.time(17))],
            valid_from=D("2027-05-15"),
            valid_to=D("2027-07-01"),
        )
    assert info.value.code == "hours_range_overlap"
    assert WorkingHours.objects.count() == count + 1


# -- deadlines already given ------------------------------------------------------------------------


class FakeDossiers:
    """A test-only provider: three open dossiers with due moments stored at receipt."""

    name = "test.dossiers"

    def __init__(self, snapshot):
        items = {
            "HS-1": (at("2027-04-26 09:00"), Limit.working_days(5), ()),
            "HS-2": (at("2027-03-01 09:00"), Limit.working_days(3), ()),
            "HS-3": (
                at("2027-04-27 09:00"),
                Limit.working_hours(16),
                (Pause(at("2027-04-28 08:00"), at("2027-04-28 10:00")),),
            ),
        }
        self.items = {}
        for key, (received, limit, pauses) in items.items():
            from motcua.calendar.engine import due_moment

            self.items[key] = OpenDeadline(
                key=key, label=f"Hồ sơ {key}", received=received, limit=limit,
                due=due_moment(snapshot, received, limit, pauses=pauses), pauses=pauses,
            )  # fmt: skip
        self.stored: dict[str, dt.datetime] = {}

    def open_deadlines(self):
        return list(self.items.values())

    def store_due(self, key, due):
        self.stored[key] = due
        item = self.items[key]
        self.items[key] = OpenDeadline(
            item.key, item.label, item.received, item.limit, due, pauses=item.pauses
        )


@pytest.fixture
def provider(seeded):
    fake = FakeDossiers(calendar_snapshot())
    register_deadline_provider(fake)
    yield fake
    unregister_deadline_provider(fake.name)


def test_a_change_lists_the_moved_deadlines_and_recomputes_only_on_request(provider, admin_user):
    assert deadline_impact() == []
    assert provider in deadline_providers()
    # preview: nothing written, the two April dossiers would move
    preview_rows = swap_check(day_off=D("2027-04-29"), make_up_day=D("2027-04-24"), notice="CV 3")
    preview = deadline_impact(
        snapshot_for=lambda unit: calendar_snapshot(org_unit=unit).with_days(set_days=preview_rows)
    )
    assert sorted(c.key for c in preview) == ["HS-1", "HS-3"]
    assert not CalendarDay.objects.filter(date=D("2027-04-29")).exists()
    # the change itself moves nothing stored
    calendar_swap_add(actor=admin_user, day_off=D("2027-04-29"), make_up_day=D("2027-04-24"), notice="CV 3")
    impact = {c.key: c for c in deadline_impact()}
    assert sorted(impact) == ["HS-1", "HS-3"]
    assert provider.stored == {}
    hs1 = impact["HS-1"]
    assert hs1.old_due == at("2027-05-05 17:00")  # Tue 27, Wed 28, Thu 29/04, Tue 04, Wed 05/05
    assert hs1.new_due == at("2027-05-06 17:00")  # Thu 29/04 is now off
    assert impact["HS-3"].old_due == at("2027-04-29 11:00")  # 16 h + a 2 h pause
    assert impact["HS-3"].new_due == at("2027-05-04 11:00")
    # explicit, audited recompute of one item
    done = deadlines_recompute(actor=admin_user, keys={("test.dossiers", "HS-1")}, reason="Hoán đổi 29/4")
    assert [c.key for c in done] == ["HS-1"]
    assert provider.stored == {"HS-1": at("2027-05-06 17:00")}
    event = AuditEvent.objects.filter(action="calendar.deadline_recomputed").get()
    assert event.object_id == "HS-1" and event.actor_id == admin_user.pk
    assert (
        event.data["old_due"] == "2027-05-05T17:00:00+07:00"
        and event.data["new_due"] == "2027-05-06T17:00:00+07:00"
    )
    assert [c.key for c in deadline_impact()] == ["HS-3"]
    deadlines_recompute(actor=admin_user)
    assert deadline_impact() == []
    assert audit_verify() is None


def test_working_hours_changes_are_listed_too(provider, admin_user):
    later_start = [Session(dt.time(7, 30), dt.time(11, 30)), Session(dt.time(13, 30), dt.time(17))]
    working_hours_set(actor=admin_user, sessions=later_start)
    assert [c.key for c in deadline_impact()] == ["HS-3"]  # day-based limits still end at 17:00
    earlier_end = [Session(dt.time(7), dt.time(11, 30)), Session(dt.time(13, 30), dt.time(16, 30))]
    working_hours_set(actor=admin_user, sessions=earlier_end)
    assert sorted(c.key for c in deadline_impact()) == ["HS-1", "HS-2", "HS-3"]


def test_year_view(seeded):
    view = calendar_year_view(year=2026)
    assert view.known and view.make_up_days == 2
    assert view.weekday_holidays == 14
    assert view.working_days == 365 - 104 - 14 + 2
    cells = [c for m in view.months for w in m.weeks for c in w if c]
    assert len(cells) == 365
    assert next(c for c in cells if c.date == D("2026-01-10")).kind == DayKind.WORKING_DAY
