"""The local fakes of the national registries: deterministic, realistic Vietnamese data made from the key.

The same key always gives the same person or business (a seeded generator), consistent with what the key
encodes (a personal ID's birth year and sex). The demo accounts (``motcua.accounts.demo``) get their own
names and birth dates, so the demo shows the account holder's real-looking record.

Special keys (they pass the validators, so they reach the registry) produce the registry's failures:

=================  ===============  =======================================================================
registry           key              behaviour
=================  ===============  =======================================================================
population         038099000404     not found (HTTP 404)
population         038099000408     timeout (in process: at once; over HTTP the sandbox waits
                                    ``MOTCUA_REGISTRY_SANDBOX_DELAY`` seconds, default 10, then answers 504)
population         038099000500     server error (HTTP 500)
population         038099000502     malformed answer (HTTP 200 with a body that is not the agreed JSON)
business           2800000404       not found
business           2800001408       timeout
business           2800003500       server error
business           2800009502       malformed answer
=================  ===============  =======================================================================

Errors map to ``RegistryNotFound`` (not found), ``RegistryUnavailable`` (timeout, 5xx) and ``RegistryError``
(malformed answer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Literal

from motcua.core.validators import SEX_FEMALE, SEX_MALE, cccd_birth_year, cccd_sex

from .errors import RegistryError, RegistryNotFound, RegistryUnavailable
from .types import BusinessRecord, HouseholdMember, LookupContext, PersonRecord

Behaviour = Literal["not_found", "timeout", "server_error", "malformed"]

SPECIAL_PERSONS: dict[str, Behaviour] = {
    "038099000404": "not_found",
    "038099000408": "timeout",
    "038099000500": "server_error",
    "038099000502": "malformed",
}
SPECIAL_BUSINESSES: dict[str, Behaviour] = {
    "2800000404": "not_found",
    "2800001408": "timeout",
    "2800003500": "server_error",
    "2800009502": "malformed",
}

# The demo accounts (motcua.accounts.demo): name and birth date as the accounts declare them.
KNOWN_PERSONS: dict[str, tuple[str, dt.date]] = {
    "038195001234": ("Lê Thị Hoa", dt.date(1995, 3, 14)),
    "038088004321": ("Nguyễn Văn Bình", dt.date(1988, 11, 2)),
}
KNOWN_BUSINESSES: dict[str, str] = {"2801234564": "Công ty TNHH Xây dựng Lam Sơn"}

SURNAMES = ("Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Trịnh", "Mai", "Lò",
            "Hà", "Cao", "Lương", "Đinh", "Phan", "Dương", "Tống")  # fmt: skip
MIDDLE = {SEX_MALE: ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Đình", "Thanh", "Ngọc"),
          SEX_FEMALE: ("Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Minh", "Kim", "Diệu")}  # fmt: skip
GIVEN = {SEX_MALE: ("Hùng", "Dũng", "Tuấn", "Nam", "Bình", "Sơn", "Hải", "Long", "Thắng", "Quân", "Phúc",
                    "Khánh", "Trung", "Hiếu", "Tùng", "Đạt", "Cường", "Lâm"),
         SEX_FEMALE: ("Hoa", "Lan", "Hương", "Mai", "Hằng", "Thảo", "Linh", "Trang", "Ngân", "Yến", "Hạnh",
                      "Nhung", "Vân", "Huyền", "Loan", "Oanh", "Dung", "Thủy")}  # fmt: skip
WARDS = ("phường Hạc Thành", "phường Quảng Phú", "phường Đông Quang", "phường Đông Sơn", "phường Hàm Rồng",
         "phường Nguyệt Viên", "phường Sầm Sơn", "phường Bỉm Sơn", "phường Ngọc Sơn", "phường Tĩnh Gia",
         "phường Đào Duy Từ", "phường Nghi Sơn")  # fmt: skip
COMMUNES = ("xã Hà Trung", "xã Hậu Lộc", "xã Nga Sơn", "xã Hoằng Hóa", "xã Lưu Vệ", "xã Nông Cống",
            "xã Thiệu Hóa", "xã Yên Định", "xã Thọ Xuân", "xã Sao Vàng", "xã Các Sơn")  # fmt: skip
STREETS = ("Lê Lợi", "Trần Phú", "Bà Triệu", "Quang Trung", "Lê Hoàn", "Hạc Thành", "Nguyễn Trãi",
           "Lê Thánh Tông", "Phan Chu Trinh", "Tống Duy Tân", "Lạc Long Quân", "Trường Thi")  # fmt: skip
TRADES = ("Xây dựng", "Thương mại và Dịch vụ", "Vận tải", "Nông sản", "Du lịch", "Cơ khí", "Thực phẩm",
          "Vật liệu xây dựng", "Công nghệ thông tin", "May mặc", "Đầu tư và Phát triển")  # fmt: skip
BRANDS = ("Lam Sơn", "Hàm Rồng", "Sông Mã", "Hạc Thành", "Sầm Sơn", "Nghi Sơn", "Bến En", "Pù Luông",
          "Xứ Thanh", "Hoằng Phát", "Thành Đạt", "An Khang", "Minh Phát", "Phú Quý")  # fmt: skip
LEGAL_FORMS = (
    ("Công ty TNHH", "Công ty trách nhiệm hữu hạn hai thành viên trở lên", "Giám đốc"),
    ("Công ty TNHH", "Công ty trách nhiệm hữu hạn một thành viên", "Giám đốc"),
    ("Công ty Cổ phần", "Công ty cổ phần", "Tổng Giám đốc"),
    ("Doanh nghiệp tư nhân", "Doanh nghiệp tư nhân", "Chủ doanh nghiệp"),
)
ID_ISSUER = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
ID_ISSUER_2024 = "Bộ Công an"  # căn cước issued under the 2023 Law on Identification (from 1 July 2024)
TODAY_ANCHOR = dt.date(2026, 1, 1)  # data do not drift with the test clock


def _rng(kind: str, key: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest()[:8], "big")
    return random.Random(seed)  # noqa: S311 - fake data, not security


def _name(r: random.Random, sex: str, surname: str | None = None) -> str:
    return f"{surname or r.choice(SURNAMES)} {r.choice(MIDDLE[sex])} {r.choice(GIVEN[sex])}"


def _address(r: random.Random) -> str:
    if r.random() < 0.5:
        return f"Số {r.randint(1, 250)}, đường {r.choice(STREETS)}, {r.choice(WARDS)}, tỉnh Thanh Hóa"
    return f"Thôn {r.randint(1, 12)}, {r.choice(COMMUNES)}, tỉnh Thanh Hóa"


def _day_in_year(r: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=r.randrange(365))


def _birthday(born: dt.date, age: int) -> dt.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February
        return born.replace(year=born.year + age, day=28)


def _century_digit(year: int, sex: str) -> str:
    base = {1900: 0, 2000: 2, 2100: 4}[year // 100 * 100]
    return str(base + (1 if sex == SEX_FEMALE else 0))


def _member_id(r: random.Random, born: dt.date, sex: str) -> str:
    return f"038{_century_digit(born.year, sex)}{born.year % 100:02d}{r.randrange(10**6):06d}"


def _card_expiry(born: dt.date, issued: dt.date) -> dt.date | None:
    """A card issued within 2 years before the owner turns 25, 40 or 60 stays valid until the next age."""
    for age in (25, 40, 60):
        milestone = _birthday(born, age)
        if (milestone - issued).days > 730:
            return milestone
    return None


def make_person(personal_id: str) -> PersonRecord:
    """The fake population registry's record for a (valid) personal ID; pure and deterministic."""
    r = _rng("population", personal_id)
    sex = cccd_sex(personal_id)
    year = cccd_birth_year(personal_id)
    known = KNOWN_PERSONS.get(personal_id)
    full_name = known[0] if known else _name(r, sex)
    born = known[1] if known else _day_in_year(r, year)
    surname = full_name.split(" ", 1)[0]
    permanent = _address(r)
    current = permanent if r.random() < 0.75 else _address(r)
    # The card: issued at 14 or later, at most 10 years before the anchor date.
    earliest = max(_birthday(born, 14), TODAY_ANCHOR - dt.timedelta(days=3650))
    span = max((TODAY_ANCHOR - earliest).days, 1)
    issued = earliest + dt.timedelta(days=r.randrange(span))
    issuer = ID_ISSUER_2024 if issued >= dt.date(2024, 7, 1) else ID_ISSUER
    # The household: the person heads it when adult and the draw says so; otherwise a parent does.
    age = TODAY_ANCHOR.year - born.year
    members: list[HouseholdMember] = []
    if age >= 22 and r.random() < 0.6:
        head = full_name
        members.append(HouseholdMember(full_name, personal_id, "Chủ hộ", born))
        father_surname = surname
        if r.random() < 0.8:
            other = SEX_FEMALE if sex == SEX_MALE else SEX_MALE
            spouse_born = _birthday(born, r.randint(-4, 4))
            if TODAY_ANCHOR.year - spouse_born.year < 20:
                spouse_born = spouse_born.replace(year=TODAY_ANCHOR.year - 20)
            spouse = _name(r, other)
            if sex == SEX_FEMALE:
                father_surname = spouse.split(" ", 1)[0]
            members.append(HouseholdMember(spouse, _member_id(r, spouse_born, other),
                                           "Vợ" if sex == SEX_MALE else "Chồng", spouse_born))  # fmt: skip
        for _i in range(r.randint(0, 3) if age >= 24 else 0):
            child_sex = r.choice((SEX_MALE, SEX_FEMALE))
            child_born = _day_in_year(r, min(born.year + r.randint(22, 35), TODAY_ANCHOR.year - 1))
            members.append(HouseholdMember(_name(r, child_sex, father_surname),
                                           _member_id(r, child_born, child_sex), "Con", child_born))  # fmt: skip
    else:
        parent_born = _birthday(born, -r.randint(22, 35))
        head = _name(r, SEX_MALE, surname)
        members.append(HouseholdMember(head, _member_id(r, parent_born, SEX_MALE), "Chủ hộ", parent_born))
        members.append(HouseholdMember(full_name, personal_id, "Con", born))
    return PersonRecord(
        personal_id=personal_id,
        full_name=full_name,
        birth_date=born,
        sex=sex,
        permanent_address=permanent,
        current_address=current,
        id_card_number=personal_id,
        id_card_issued_on=issued,
        id_card_expires_on=_card_expiry(born, issued),
        id_card_issuer=issuer,
        household_head=head,
        household=tuple(members),
    )


def make_business(tax_code: str) -> BusinessRecord:
    """The fake business registry's record for a (valid) tax code; pure and deterministic."""
    r = _rng("business", tax_code)
    prefix, legal_form, title = r.choice(LEGAL_FORMS)
    rep_sex = r.choice((SEX_MALE, SEX_FEMALE))
    representative = _name(r, rep_sex)
    if prefix == "Doanh nghiệp tư nhân":
        name = f"{prefix} {representative}"
    else:
        name = f"{prefix} {r.choice(TRADES)} {r.choice(BRANDS)}"
    name = KNOWN_BUSINESSES.get(tax_code, name)
    if tax_code in KNOWN_BUSINESSES:
        legal_form, title = LEGAL_FORMS[0][1], LEGAL_FORMS[0][2]
    return BusinessRecord(
        tax_code=tax_code,
        name=name,
        legal_form=legal_form,
        registration_number=tax_code.split("-", 1)[0],  # the enterprise code is the tax code (Law 2020)
        registered_on=_day_in_year(r, r.randint(2005, 2025)),
        address=_address(r),
        representative=representative,
        representative_title=title,
        status="active",
        status_label="Đang hoạt động",
    )


def behaviour(registry: str, key: str) -> Behaviour | None:
    return (SPECIAL_PERSONS if registry == "population" else SPECIAL_BUSINESSES).get(key)


def raise_for(kind: Behaviour) -> None:
    if kind == "not_found":
        raise RegistryNotFound()
    if kind == "timeout":
        raise RegistryUnavailable(code="registry_timeout")
    if kind == "server_error":
        raise RegistryUnavailable()
    raise RegistryError(code="registry_malformed")


class FakePopulationRegistry:
    """In process; the special keys raise the typed errors at once (no waiting)."""

    name = "fake"

    def lookup(self, personal_id: str, *, context: LookupContext, request_id: str) -> PersonRecord:
        special = behaviour("population", personal_id)
        if special:
            raise_for(special)
        return make_person(personal_id)


class FakeBusinessRegistry:
    name = "fake"

    def lookup(self, tax_code: str, *, context: LookupContext, request_id: str) -> BusinessRecord:
        special = behaviour("business", tax_code)
        if special:
            raise_for(special)
        return make_business(tax_code)


__all__ = ["SPECIAL_BUSINESSES", "SPECIAL_PERSONS", "make_business", "make_person"]
