"""From the provider's claims to the typed identity: which claim names are read, what is validated, what is
dropped rather than refused, and the names an operator configures for the real provider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.integrations.vneid import conf
from motcua.integrations.vneid.claims import IdentityClaims, identity_from_claims, parse_birth_date
from motcua.integrations.vneid.errors import VneidClaimsInvalid

BASE = {"sub": "a1b2c3", "personal_id": "038195001234", "name": "Lê Thị Hoa", "birthdate": "1995-03-14",
        "phone_number": "+84912345678"}  # fmt: skip


def test_the_default_claim_names():
    assert identity_from_claims(BASE) == IdentityClaims(
        subject="a1b2c3", personal_id="038195001234", full_name="Lê Thị Hoa", birth_date=dt.date(1995, 3, 14),
        phone="+84912345678",
    )  # fmt: skip


def test_fallback_names_for_the_id_and_the_name():
    claims = {"sub": "x", "cccd": " 0381 9500 1234 ", "family_name": "Trịnh", "middle_name": "Thị Thu",
              "given_name": "Hà", "phone_number": "0912 345 678"}  # fmt: skip
    identity = identity_from_claims(claims)
    assert (identity.personal_id, identity.full_name, identity.phone) == (
        "038195001234",
        "Trịnh Thị Thu Hà",
        "+84912345678",
    )
    assert identity_from_claims({"sub": "x", "so_dinh_danh": "038195001234"}).full_name == ""


def test_configured_claim_names_win():
    claims = {"sub": "x", "personal_id": "038090012345", "SoDinhDanh": "038195001234", "HoVaTen": "Lê Thị Hoa",
              "NgaySinh": "14/03/1995"}  # fmt: skip
    identity = identity_from_claims(claims, {"personal_id": "SoDinhDanh", "full_name": ["HoTen", "HoVaTen"],
                                             "birth_date": "NgaySinh"})  # fmt: skip
    assert (identity.personal_id, identity.full_name, identity.birth_date) == (
        "038195001234", "Lê Thị Hoa", dt.date(1995, 3, 14),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({**BASE, "personal_id": ""}, "vneid_claims_missing"),
        ({k: v for k, v in BASE.items() if k != "sub"}, "vneid_claims_missing"),
        ({**BASE, "personal_id": "03819500123"}, "vneid_personal_id_invalid"),
        ({**BASE, "personal_id": "999195001234"}, "vneid_personal_id_invalid"),
        ({**BASE, "personal_id": "038995001234"}, "vneid_personal_id_invalid"),  # born in 2395
        ({**BASE, "personal_id": True}, "vneid_claims_missing"),
    ],
)
def test_without_a_valid_personal_id_there_is_no_identity(claims, code):
    with pytest.raises(VneidClaimsInvalid) as refused:
        identity_from_claims(claims)
    assert refused.value.code == code


def test_doubtful_extras_are_dropped_not_refused():
    identity = identity_from_claims({**BASE, "birthdate": "1996-03-14", "phone_number": "12345"})
    assert identity.birth_date is None  # the ID says 1995: do not store a contradiction
    assert identity.phone == "" and identity.personal_id == "038195001234"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1995-03-14", dt.date(1995, 3, 14)), ("14/03/1995", dt.date(1995, 3, 14)), ("4/3/1995", dt.date(1995, 3, 4)),
     ("1995", None), ("0000-03-14", None), ("1995-02-30", None), ("", None), ("hôm qua", None)],
)  # fmt: skip
def test_birth_dates(raw, expected):
    assert parse_birth_date(raw) == expected


def test_claim_names_come_from_settings_or_their_json_text(settings):
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "claims": '{"personal_id": "SoDinhDanh"}'}
    assert conf.claim_names() == {"personal_id": "SoDinhDanh"}
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "claims": {"full_name": ["HoVaTen"]}}
    assert conf.claim_names() == {"full_name": ["HoVaTen"]}
    for broken in ("{personal_id: cccd}", '["cccd"]'):
        settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "claims": broken}
        with pytest.raises(ImproperlyConfigured):
            conf.claim_names()
