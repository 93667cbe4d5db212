"""A published procedure with an inter-agency step, staff in three units, and a clock we control."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.accounts.models import AccountKind, Membership, User
from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.org.models import OrgUnit

from .data import procedure_data

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def demo(db):
    """The demo organisation, accounts and calendar (not the demo catalogue: tests publish their own)."""
    from motcua.accounts.demo import seed_demo_accounts
    from motcua.calendar.demo import seed_demo_calendar
    from motcua.org.demo import seed_demo_org

    seed_demo_org()
    seed_demo_accounts()
    seed_demo_calendar()


def staff_user(username, unit_code, role):
    user = User.objects.create_user(
        username=username, password=DEMO_PASSWORD, kind=AccountKind.STAFF, full_name=username.title()
    )
    Membership.objects.create(user=user, org_unit=OrgUnit.objects.get(code=unit_code), role=role,
                              valid_from=dt.date(2025, 7, 1))  # fmt: skip
    return user


@pytest.fixture
def people(demo):
    """Who is who among the demo accounts."""
    get = User.objects.get
    return {
        "citizen": get(username="congdan.hoa"),
        "citizen2": get(username="congdan.binh"),
        "business": get(username="2801234564"),
        "officer": get(username="motcua.tinh"),  # one-stop officer, H56.40
        "specialist": get(username="chuyenvien.tnmt"),  # H56.19
        "head": get(username="truongphong.tnmt"),
        "leader": get(username="lanhdao.tnmt"),
        "admin": get(username="quantri.tinh"),
        "auditor": get(username="thanhtra"),
        "tax": get(username="chuyenvien.thue"),  # specialist, Thuế tỉnh H56.52 (inter-agency)
        "commune_officer": get(username="motcua.hacthanh"),  # one-stop officer, phường Hạc Thành
    }


@pytest.fixture
def version(demo):
    spec = parse_procedure(procedure_data()).spec
    assert spec is not None
    procedure = procedure_create(actor=None, spec=spec, create_sectors=True)
    return procedure_publish(actor=None, procedure=procedure)


@pytest.fixture
def clock():
    """Move time: ``clock(vn(2026, 3, 2, 9, 0))`` then ``clock.shift(hours=2)``."""

    class Clock:
        traveller = None

        def __call__(self, moment):
            if self.traveller:
                self.traveller.stop()
            self.traveller = time_machine.travel(moment, tick=False)
            self.traveller.start()
            self.moment = moment
            return moment

        def shift(self, **delta):
            return self(self.moment + dt.timedelta(**delta))

    c = Clock()
    yield c
    if c.traveller:
        c.traveller.stop()


@pytest.fixture
def pin_tax_unit(demo):
    return OrgUnit.objects.get(code="H56.52")
