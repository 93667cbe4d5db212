"""Thanh Hóa demo organisation (idempotent): the province, the key units of plan target T14, a few
divisions, the historic district-level people's committees and 35 of the 166 communes and wards that
replaced them on 1 July 2025.

**The codes are demo codes** in the Decision 20/2020 form (see ``motcua.org.codes``), not the official
register of agency codes. Only ``H56`` (the province) is real. The scheme:

- ``H56.NN`` (2 digits): provincial agencies, vertical agencies, the one-stop centre;
- ``H56.NN.NN``: divisions of an agency;
- ``H56.3NN`` / ``H56.4NN`` (3 digits, 380–407): former district-level units;
- ``H56.1NN`` / ``H56.2NN`` (3 digits, 101–266): communes and wards since 1 July 2025, numbered
  100 + their place in the published list of the 166 units (Resolution 1686/NQ-UBTVQH15).

Names are the units' own (2025 names where agencies merged). Dates:

- ``REGISTER_START`` (1 January 2021, the start of the 2021–2025 plan) stands for "already existed":
  the demo register does not record older history.
- Provincial agencies merged on 1 March 2025 (Sở Tài nguyên và Môi trường and Sở Nông nghiệp và Phát
  triển nông thôn → Sở Nông nghiệp và Môi trường; Sở Kế hoạch và Đầu tư → Sở Tài chính; Sở Giao thông
  vận tải → Sở Xây dựng). The merged-away units end on 28 February 2025 with the receiving unit as
  successor.
- Huyện Đông Sơn was merged into thành phố Thanh Hóa on 1 December 2024 (Resolution
  1247/NQ-UBTVQH15), so it ends on 30 November 2024 and its successor is the city, whose own successor
  (from 1 July 2025) is phường Hạc Thành.
- The other district-level units end on 30 June 2025 (two-level local government from 1 July 2025).

A successor is the single unit that carries a historic unit on: for a district, the commune or ward that
took the seat of its people's committee. The real succession is many-to-many (each district's communes
went to several new units); dossiers keep their historic unit and reports roll up along these links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from .models import OrgUnit, OrgUnitKind

REGISTER_START = dt.date(2021, 1, 1)
AGENCY_MERGER_END = dt.date(2025, 2, 28)  # last day before the 1 March 2025 merger of departments
AGENCY_MERGER_START = dt.date(2025, 3, 1)
DONG_SON_END = dt.date(2024, 11, 30)
DISTRICTS_END = dt.date(2025, 6, 30)
COMMUNES_START = dt.date(2025, 7, 1)

PROVINCE_CODE = "H56"


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent: str | None = PROVINCE_CODE
    valid_from: dt.date | None = REGISTER_START
    valid_to: dt.date | None = None
    successor: str | None = None
    short_name: str = ""
    has_one_stop: bool = False


def _agency(
    code: str,
    name: str,
    short_name: str = "",
    *,
    kind: str = OrgUnitKind.AGENCY,
    valid_from: dt.date | None = REGISTER_START,
    valid_to: dt.date | None = None,
    successor: str | None = None,
) -> DemoUnit:
    return DemoUnit(
        code,
        name,
        kind,
        valid_from=valid_from,
        valid_to=valid_to,
        successor=successor,
        short_name=short_name,
    )


def _vertical(
    code: str,
    name: str,
    short_name: str = "",
    *,
    valid_from: dt.date | None = REGISTER_START,
    valid_to: dt.date | None = None,
    successor: str | None = None,
) -> DemoUnit:
    return _agency(
        code,
        name,
        short_name,
        kind=OrgUnitKind.VERTICAL_AGENCY,
        valid_from=valid_from,
        valid_to=valid_to,
        successor=successor,
    )


def _division(code: str, name: str, parent: str) -> DemoUnit:
    return DemoUnit(code, name, OrgUnitKind.DIVISION, parent=parent)


def _commune(code: str, name: str) -> DemoUnit:
    return DemoUnit(code, name, OrgUnitKind.COMMUNE, valid_from=COMMUNES_START, has_one_stop=True)


def _district(
    code: str, name: str, short_name: str, successor: str, valid_to: dt.date = DISTRICTS_END
) -> DemoUnit:
    return DemoUnit(
        code,
        name,
        OrgUnitKind.DISTRICT,
        valid_to=valid_to,
        successor=successor,
        short_name=short_name,
        has_one_stop=True,
    )


PROVINCE = DemoUnit(
    PROVINCE_CODE,
    "Ủy ban nhân dân tỉnh Thanh Hóa",
    OrgUnitKind.PROVINCE,
    parent=None,
    valid_from=dt.date(1945, 1, 1),
    short_name="UBND tỉnh",
)

# Provincial agencies and the one-stop centre (T14: the PPC Office, Justice, Finance, Planning &
# Investment, Construction, Transport, Natural Resources & Environment, Health, Nghi Sơn EZ board).
AGENCIES: tuple[DemoUnit, ...] = (
    _agency("H56.01", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh"),
    _agency("H56.02", "Sở Tư pháp"),
    # Sở Tài chính received Sở Kế hoạch và Đầu tư on 1 March 2025 and kept its name.
    _agency("H56.03", "Sở Tài chính"),
    _agency(
        "H56.04",
        "Sở Kế hoạch và Đầu tư",
        "Sở KH&ĐT",
        valid_to=AGENCY_MERGER_END,
        successor="H56.03",
    ),
    # Sở Xây dựng received Sở Giao thông vận tải on 1 March 2025 and kept its name.
    _agency("H56.05", "Sở Xây dựng"),
    _agency(
        "H56.06",
        "Sở Giao thông vận tải",
        "Sở GTVT",
        valid_to=AGENCY_MERGER_END,
        successor="H56.05",
    ),
    _agency("H56.07", "Sở Y tế"),
    _agency(
        "H56.08",
        "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp",
        "BQL KKT Nghi Sơn và các KCN",
    ),
    _agency(
        "H56.17",
        "Sở Tài nguyên và Môi trường",
        "Sở TN&MT",
        valid_to=AGENCY_MERGER_END,
        successor="H56.19",
    ),
    _agency(
        "H56.18",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        valid_to=AGENCY_MERGER_END,
        successor="H56.19",
    ),
    # Kept: the demo accounts use H56.19 and H56.40.
    _agency("H56.19", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", valid_from=AGENCY_MERGER_START),
    DemoUnit(
        "H56.40",
        "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
        OrgUnitKind.ONE_STOP_CENTRE,
        short_name="TTPVHCC tỉnh",
        has_one_stop=True,
    ),
)

# Vertical agencies present in the province (T14: Tax, Customs, Social Insurance, Market Management,
# Port Authority, Police). Placed under H56 in this demo tree so that one-stop routing and reports can
# reach them; their real codes come from their ministries.
VERTICAL_AGENCIES: tuple[DemoUnit, ...] = (
    # The provincial tax department ended with the 1 March 2025 reorganisation of the tax service; from
    # 1 July 2025 the province has "Thuế tỉnh Thanh Hóa". The interim regional office (March–June 2025)
    # is not modelled, so the successor chain has a gap over those months.
    _vertical(
        "H56.51",
        "Cục Thuế tỉnh Thanh Hóa",
        "Cục Thuế",
        valid_to=AGENCY_MERGER_END,
        successor="H56.52",
    ),
    _vertical("H56.52", "Thuế tỉnh Thanh Hóa", valid_from=COMMUNES_START),
    # Since March 2025 customs work in the province is done by a regional customs office (Chi cục Hải quan
    # khu vực) of the national Customs department, outside this provincial demo register: no successor.
    _vertical("H56.53", "Cục Hải quan tỉnh Thanh Hóa", "Cục Hải quan", valid_to=AGENCY_MERGER_END),
    # Not modelled: the 2025 restructuring of social insurance and market management into regional or
    # provincial offices; check these two against the official register before relying on their dates.
    _vertical("H56.54", "Bảo hiểm xã hội tỉnh Thanh Hóa", "BHXH tỉnh"),
    _vertical("H56.55", "Công an tỉnh Thanh Hóa"),
    _vertical("H56.56", "Cục Quản lý thị trường tỉnh Thanh Hóa", "Cục QLTT"),
    _vertical("H56.57", "Cảng vụ Hàng hải Thanh Hóa"),
)

DIVISIONS: tuple[DemoUnit, ...] = (
    _division("H56.02.01", "Văn phòng Sở Tư pháp", "H56.02"),
    _division("H56.02.02", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", "H56.02"),
    _division("H56.19.01", "Văn phòng Sở Nông nghiệp và Môi trường", "H56.19"),
    _division("H56.19.02", "Chi cục Kiểm lâm", "H56.19"),
    _division("H56.19.03", "Văn phòng Đăng ký đất đai", "H56.19"),
)

# Communes and wards since 1 July 2025 (Resolution 1686/NQ-UBTVQH15): all 19 wards and the communes that
# took the seats of the T14 districts, plus a few others. Code = H56.(100 + place in the published list).
COMMUNES: tuple[DemoUnit, ...] = (
    _commune("H56.101", "Phường Hạc Thành"),
    _commune("H56.102", "Phường Quảng Phú"),
    _commune("H56.103", "Phường Đông Quang"),
    _commune("H56.104", "Phường Đông Sơn"),
    _commune("H56.105", "Phường Đông Tiến"),
    _commune("H56.106", "Phường Hàm Rồng"),
    _commune("H56.107", "Phường Nguyệt Viên"),
    _commune("H56.108", "Phường Sầm Sơn"),
    _commune("H56.109", "Phường Nam Sầm Sơn"),
    _commune("H56.110", "Phường Bỉm Sơn"),
    _commune("H56.111", "Phường Quang Trung"),
    _commune("H56.112", "Phường Ngọc Sơn"),
    _commune("H56.113", "Phường Tân Dân"),
    _commune("H56.114", "Phường Hải Lĩnh"),
    _commune("H56.115", "Phường Tĩnh Gia"),
    _commune("H56.116", "Phường Đào Duy Từ"),
    _commune("H56.117", "Phường Hải Bình"),
    _commune("H56.118", "Phường Trúc Lâm"),
    _commune("H56.119", "Phường Nghi Sơn"),
    _commune("H56.120", "Xã Các Sơn"),
    _commune("H56.122", "Xã Hà Trung"),
    _commune("H56.129", "Xã Hậu Lộc"),
    _commune("H56.132", "Xã Nga Sơn"),
    _commune("H56.138", "Xã Hoằng Hóa"),
    _commune("H56.146", "Xã Lưu Vệ"),
    _commune("H56.153", "Xã Nông Cống"),
    _commune("H56.160", "Xã Thiệu Hóa"),
    _commune("H56.165", "Xã Yên Định"),
    _commune("H56.172", "Xã Thọ Xuân"),
    _commune("H56.175", "Xã Sao Vàng"),
    _commune("H56.176", "Xã Lam Sơn"),
    _commune("H56.180", "Xã Vĩnh Lộc"),
    _commune("H56.183", "Xã Triệu Sơn"),
    _commune("H56.229", "Xã Ngọc Lặc"),
    _commune("H56.254", "Xã Như Thanh"),
)

# District-level people's committees named in T14, ended by the two-level reform. Successor: the unit
# that took the seat of the district's people's committee (Thanh Hóa city's centre → phường Hạc Thành;
# Quảng Xương's seat, thị trấn Tân Phong → xã Lưu Vệ; Nghi Sơn's seat → phường Tĩnh Gia).
DISTRICTS: tuple[DemoUnit, ...] = (
    _district("H56.380", "Ủy ban nhân dân thành phố Thanh Hóa", "UBND TP Thanh Hóa", "H56.101"),
    _district("H56.381", "Ủy ban nhân dân thị xã Bỉm Sơn", "UBND TX Bỉm Sơn", "H56.110"),
    _district("H56.382", "Ủy ban nhân dân thành phố Sầm Sơn", "UBND TP Sầm Sơn", "H56.108"),
    _district("H56.389", "Ủy ban nhân dân huyện Ngọc Lặc", "UBND huyện Ngọc Lặc", "H56.229"),
    _district("H56.392", "Ủy ban nhân dân huyện Hà Trung", "UBND huyện Hà Trung", "H56.122"),
    _district("H56.394", "Ủy ban nhân dân huyện Yên Định", "UBND huyện Yên Định", "H56.165"),
    _district("H56.395", "Ủy ban nhân dân huyện Thọ Xuân", "UBND huyện Thọ Xuân", "H56.172"),
    _district("H56.397", "Ủy ban nhân dân huyện Triệu Sơn", "UBND huyện Triệu Sơn", "H56.183"),
    _district("H56.398", "Ủy ban nhân dân huyện Thiệu Hóa", "UBND huyện Thiệu Hóa", "H56.160"),
    _district("H56.399", "Ủy ban nhân dân huyện Hoằng Hóa", "UBND huyện Hoằng Hóa", "H56.138"),
    _district("H56.401", "Ủy ban nhân dân huyện Nga Sơn", "UBND huyện Nga Sơn", "H56.132"),
    _district("H56.403", "Ủy ban nhân dân huyện Như Thanh", "UBND huyện Như Thanh", "H56.254"),
    _district("H56.404", "Ủy ban nhân dân huyện Nông Cống", "UBND huyện Nông Cống", "H56.153"),
    _district(
        "H56.405", "Ủy ban nhân dân huyện Đông Sơn", "UBND huyện Đông Sơn", "H56.380", valid_to=DONG_SON_END
    ),
    _district("H56.406", "Ủy ban nhân dân huyện Quảng Xương", "UBND huyện Quảng Xương", "H56.146"),
    _district("H56.407", "Ủy ban nhân dân thị xã Nghi Sơn", "UBND TX Nghi Sơn", "H56.115"),
)

# Every demo unit; seed_demo_org creates parents and successors before the units that point at them.
DEMO_UNITS: tuple[DemoUnit, ...] = (
    PROVINCE,
    *AGENCIES,
    *VERTICAL_AGENCIES,
    *DIVISIONS,
    *COMMUNES,
    *DISTRICTS,
)

# Plan target T14's key units, by demo code (historic units where they were merged or abolished).
T14_UNIT_CODES: tuple[str, ...] = (
    "H56.08",  # Nghi Sơn Economic Zone and industrial parks board
    "H56.01",  # Provincial People's Committee Office
    "H56.17",  # Natural Resources and Environment (→ H56.19)
    "H56.04",  # Planning and Investment (→ H56.03)
    "H56.05",  # Construction
    "H56.06",  # Transport (→ H56.05)
    "H56.03",  # Finance
    "H56.07",  # Health
    "H56.51",  # Tax department (→ H56.52)
    "H56.53",  # Customs department
    "H56.54",  # Social insurance
    "H56.56",  # Market management
    "H56.57",  # Thanh Hóa port authority
    "H56.55",  # Provincial police
    "H56.02",  # Justice
    *(unit.code for unit in DISTRICTS),
)


def _unit_ordering(units: tuple[DemoUnit, ...]) -> list[DemoUnit]:
    """Units ordered so that every parent and successor comes before the units that point at it."""
    by_code = {unit.code: unit for unit in units}
    ordered: list[DemoUnit] = []
    placed: set[str] = set()

    def place(unit: DemoUnit, path: tuple[str, ...]) -> None:
        if unit.code in placed:
            return
        if unit.code in path:
            raise ValueError(f"demo org units loop at {unit.code}")
        for ref in (unit.parent, unit.successor):
            if ref is not None:
                place(by_code[ref], (*path, unit.code))
        placed.add(unit.code)
        ordered.append(unit)

    for unit in units:
        place(unit, ())
    return ordered


@transaction.atomic
def seed_demo_org() -> int:
    """Create or refresh the demo organisation; idempotent. Returns the number of units created."""
    created = 0
    saved: dict[str, OrgUnit] = {}
    for spec in _unit_ordering(DEMO_UNITS):
        _unit, was_created = OrgUnit.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent": saved[spec.parent] if spec.parent else None,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "successor": saved[spec.successor] if spec.successor else None,
                "has_one_stop": spec.has_one_stop,
            },
        )
        saved[spec.code] = _unit
        created += was_created
    return created
