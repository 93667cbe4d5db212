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

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args):
    return dt.datetime(*args, tzinfo=VN)


def procedure_data(**overrides):
    data = {
        "code": "1.009999",
        "name": "Cấp giấy phép khai thác nước dưới đất (thử nghiệm)",
        "sector": {"code": "TAI_NGUYEN_NUOC", "name": "Tài nguyên nước"},
        "level": "province",
        "agency": "H56.19",
        "resolving_unit": "agency",
        "applicant_types": ["citizen", "business"],
        "result_type": "electronic",
        "result_name": "Giấy phép khai thác nước dưới đất",
        "time_limit": {"amount": 5, "unit": "working_days", "after_cutoff": False},
        "supplement_rule": "exclude_wait",
        "online_level": "full",
        "full_online_eligible": True,
        "fees": [],
        "components": [
            {"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": True},
            {"name": "Sơ đồ khu vực khai thác", "originals": 1, "copies": 0, "required": True},
            {"name": "Giấy tờ khác (nếu có)", "originals": 0, "copies": 1, "required": False},
        ],
        "legal_basis": ["Luật Tài nguyên nước số 28/2023/QH15"],
        "process": {
            "steps": [
                {"code": "TN", "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "unit": "receiving",
                 "budget": {"amount": 4, "unit": "working_hours"}, "can_request_supplement": True},
                {"code": "TD", "name": "Thẩm định hồ sơ", "role": "specialist", "unit": "resolving",
                 "budget": {"amount": 2, "unit": "working_days"}, "can_request_supplement": True},
                {"code": "LT", "name": "Xác định nghĩa vụ tài chính", "role": "specialist", "unit": "H56.52",
                 "budget": {"amount": 1, "unit": "working_days"}, "inter_agency": True},
                {"code": "PD", "name": "Trưởng phòng xem xét", "role": "division_head", "unit": "resolving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
                {"code": "KY", "name": "Lãnh đạo Sở ký", "role": "agency_leader", "unit": "resolving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
                {"code": "TKQ", "name": "Trả kết quả", "role": "one_stop_officer", "unit": "receiving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
            ],
            "actions": [
                {"from": "TN", "to": "TD", "name": "Chuyển thẩm định", "roles": ["one_stop_officer"]},
                {"from": "TD", "to": "LT", "name": "Chuyển cơ quan thuế", "roles": ["specialist"]},
                {"from": "LT", "to": "PD", "name": "Trả kết quả liên thông", "roles": ["specialist"]},
                {"from": "PD", "to": "KY", "name": "Trình ký", "roles": ["division_head"]},
                {"from": "PD", "to": "TD", "name": "Trả lại thẩm định", "roles": ["division_head"]},
                {"from": "KY", "to": "TKQ", "name": "Ban hành kết quả", "roles": ["agency_leader"]},
                {"from": "TKQ", "to": "END", "name": "Trả kết quả", "roles": ["one_stop_officer"]},
            ],
        },
        "illustrative": True,
    }  # fmt: skip
    data.update(overrides)
    return data


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
        "citizen": get(username="038195001234"),
        "citizen2": get(username="038088004321"),
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
