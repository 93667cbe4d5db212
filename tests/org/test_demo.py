"""The Thanh Hóa demo organisation."""

import datetime as dt

import pytest

from motcua.org.demo import DEMO_UNITS, DISTRICTS, T14_UNIT_CODES, seed_demo_org
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.selectors import orgunit_list, orgunit_subtree, orgunit_successor_on

D = dt.date

pytestmark = pytest.mark.django_db

# Plan target T14's key units, by the names the demo gives them (historic names where merged or abolished).
T14_NAMES = [
    "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Tài nguyên và Môi trường",
    "Sở Kế hoạch và Đầu tư",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài chính",
    "Sở Y tế",
    "Cục Thuế tỉnh Thanh Hóa",
    "Cục Hải quan tỉnh Thanh Hóa",
    "Bảo hiểm xã hội tỉnh Thanh Hóa",
    "Cục Quản lý thị trường tỉnh Thanh Hóa",
    "Cảng vụ Hàng hải Thanh Hóa",
    "Công an tỉnh Thanh Hóa",
    "Sở Tư pháp",
    "Ủy ban nhân dân thành phố Thanh Hóa",
    "Ủy ban nhân dân thành phố Sầm Sơn",
    "Ủy ban nhân dân thị xã Bỉm Sơn",
    "Ủy ban nhân dân thị xã Nghi Sơn",
    *(
        f"Ủy ban nhân dân huyện {name}"
        for name in (
            "Hoằng Hóa", "Quảng Xương", "Đông Sơn", "Thọ Xuân", "Thiệu Hóa", "Triệu Sơn",
            "Nông Cống", "Như Thanh", "Yên Định", "Nga Sơn", "Hà Trung", "Ngọc Lặc",
        )
    ),
]  # fmt: skip


def test_seed_is_idempotent():
    created = seed_demo_org()
    assert created == len(DEMO_UNITS) == OrgUnit.objects.count()
    snapshot = list(
        OrgUnit.objects.order_by("code").values_list("code", "name", "parent__code", "successor__code")
    )
    assert seed_demo_org() == 0
    assert OrgUnit.objects.count() == len(DEMO_UNITS)
    assert list(
        OrgUnit.objects.order_by("code").values_list("code", "name", "parent__code", "successor__code")
    ) == (snapshot)


def test_demo_keeps_the_codes_the_demo_accounts_use():
    seed_demo_org()
    assert OrgUnit.objects.get(code="H56").kind == OrgUnitKind.PROVINCE
    assert OrgUnit.objects.get(code="H56.40").name == "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa"
    assert OrgUnit.objects.get(code="H56.19").name == "Sở Nông nghiệp và Môi trường"


def test_demo_contains_every_t14_unit():
    seed_demo_org()
    names = set(OrgUnit.objects.values_list("name", flat=True))
    assert [name for name in T14_NAMES if name not in names] == []
    assert set(OrgUnit.objects.filter(name__in=T14_NAMES).values_list("code", flat=True)) == set(
        T14_UNIT_CODES
    )
    assert len(T14_UNIT_CODES) == len(T14_NAMES) == 31


def test_every_demo_unit_passes_the_model_rules():
    seed_demo_org()
    for unit in OrgUnit.objects.select_related("parent", "successor"):
        code = unit.code
        unit.full_clean()
        assert unit.code == code  # already stored normalised


def test_historic_districts_end_on_30_june_2025_with_a_current_successor():
    seed_demo_org()
    districts = OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT)
    assert districts.count() == len(DISTRICTS) == 16
    assert set(orgunit_list(on=D(2025, 6, 30), kind=OrgUnitKind.DISTRICT)) == set(
        districts.exclude(code="H56.405")
    )
    assert list(orgunit_list(on=D(2025, 7, 1), kind=OrgUnitKind.DISTRICT)) == []
    for district in districts:
        assert district.valid_from <= D(2021, 1, 1)
        successor = orgunit_successor_on(district, D(2025, 7, 1))
        assert successor is not None, district.code
        assert successor.kind == OrgUnitKind.COMMUNE


def test_merged_units_point_at_their_2025_successors():
    seed_demo_org()
    expected = {
        "H56.17": "Sở Nông nghiệp và Môi trường",  # Tài nguyên và Môi trường
        "H56.18": "Sở Nông nghiệp và Môi trường",  # Nông nghiệp và Phát triển nông thôn
        "H56.04": "Sở Tài chính",  # Kế hoạch và Đầu tư
        "H56.06": "Sở Xây dựng",  # Giao thông vận tải
        "H56.380": "Phường Hạc Thành",  # thành phố Thanh Hóa
        "H56.405": "Phường Hạc Thành",  # huyện Đông Sơn, via thành phố Thanh Hóa
        "H56.406": "Xã Lưu Vệ",  # huyện Quảng Xương (seat: thị trấn Tân Phong)
    }
    for code, name in expected.items():
        unit = OrgUnit.objects.get(code=code)
        assert orgunit_successor_on(unit, D(2025, 7, 1)).name == name
    dong_son = OrgUnit.objects.get(code="H56.405")
    assert orgunit_successor_on(dong_son, D(2025, 1, 1)).name == "Ủy ban nhân dân thành phố Thanh Hóa"


def test_current_communes_and_wards():
    seed_demo_org()
    communes = orgunit_list(on=D(2025, 7, 1), kind=OrgUnitKind.COMMUNE)
    assert communes.count() >= 24
    assert all(c.has_one_stop and c.parent.code == "H56" and c.valid_from == D(2025, 7, 1) for c in communes)
    assert all(c.name.startswith(("Phường ", "Xã ")) for c in communes)
    assert communes.filter(name__startswith="Phường ").count() == 19  # every ward of the province
    assert not orgunit_list(on=D(2025, 6, 30), kind=OrgUnitKind.COMMUNE).exists()


def test_demo_tree_has_divisions_and_vertical_agencies():
    seed_demo_org()
    agriculture = OrgUnit.objects.get(code="H56.19")
    assert {u.kind for u in orgunit_subtree(agriculture)} == {OrgUnitKind.DIVISION}
    assert orgunit_subtree(agriculture).count() == 3
    verticals = set(OrgUnit.objects.filter(kind=OrgUnitKind.VERTICAL_AGENCY).values_list("name", flat=True))
    assert {"Thuế tỉnh Thanh Hóa", "Công an tỉnh Thanh Hóa", "Cảng vụ Hàng hải Thanh Hóa"} <= verticals


def test_seed_demo_command_loads_org_and_accounts(demo_data):
    assert OrgUnit.objects.count() == len(DEMO_UNITS)
