import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.validators import (
    CCCD_PROVINCE_CODES,
    mst_check_digit,
    normalize_phone,
    validate_cccd,
    validate_mst,
)


def error_code(call, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.code


class TestCccd:
    @pytest.mark.parametrize(
        ("value", "birth_date", "sex"),
        [
            ("038095001234", dt.date(1995, 3, 14), "male"),  # Thanh Hóa, man born 1995
            ("038195001234", dt.date(1995, 3, 14), "female"),  # Thanh Hóa, woman born 1995
            ("001203012345", dt.date(2003, 1, 1), "male"),  # Hà Nội, man born 2003
            ("079305000001", dt.date(2005, 12, 31), "female"),  # TP HCM, woman born 2005
            ("096090123456", dt.date(1990, 6, 1), "male"),  # Cà Mau
        ],
    )
    def test_real_world_shapes_are_accepted(self, value, birth_date, sex):
        validate_cccd(value)
        validate_cccd(value, birth_date=birth_date, sex=sex)

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("", "cccd_format"),
            ("03809500123", "cccd_format"),  # 11 digits (old 9-digit CMND is not accepted either)
            ("0380950012345", "cccd_format"),
            ("038 095 001 234", "cccd_format"),
            ("03809500123a", "cccd_format"),
            ("１２３４５６７８９０１２", "cccd_format"),  # full-width digits
            ("003095001234", "cccd_province"),  # 003 is not a province code
            ("097095001234", "cccd_province"),
            ("000095001234", "cccd_province"),
            ("038299001234", "cccd_year"),  # born 2099: in the future
            ("038499001234", "cccd_year"),  # 22nd century
        ],
    )
    def test_invalid_values_are_refused_with_a_stable_code(self, value, code):
        assert error_code(validate_cccd, value) == code

    def test_birth_year_must_match(self):
        assert (
            error_code(validate_cccd, "038095001234", birth_date=dt.date(1996, 1, 1))
            == "cccd_birth_year_mismatch"
        )
        # Same two-digit year but wrong century digit: born 2095 is not 1995.
        assert error_code(validate_cccd, "038295001234", birth_date=dt.date(1995, 1, 1)) in {
            "cccd_year",
            "cccd_birth_year_mismatch",
        }

    def test_sex_must_match(self):
        assert error_code(validate_cccd, "038095001234", sex="female") == "cccd_sex_mismatch"
        assert error_code(validate_cccd, "038195001234", sex="male") == "cccd_sex_mismatch"

    def test_message_is_vietnamese_and_names_the_field(self):
        with pytest.raises(ValidationError) as info:
            validate_cccd("12345")
        assert "Số định danh cá nhân" in info.value.messages[0]

    @given(
        st.sampled_from(sorted(CCCD_PROVINCE_CODES)),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
        st.sampled_from(["male", "female"]),
        st.integers(min_value=0, max_value=999_999),
    )
    def test_any_consistent_id_is_accepted(self, province, birth_date, sex, serial):
        century = (birth_date.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
        value = f"{province}{century}{birth_date.year % 100:02d}{serial:06d}"
        validate_cccd(value, birth_date=birth_date, sex=sex)


class TestMst:
    @pytest.mark.parametrize(
        "value",
        [
            "0100109106",  # Viettel: checked by hand in regulations §10
            "0100109106-001",  # its branch
            "0101243150",  # FPT Software
            "2800100367",  # a Thanh Hóa-prefixed code (28…) with its correct check digit
            "038095001234",  # a person's 12-digit ID, valid as a tax code since 1 July 2025
        ],
    )
    def test_valid_tax_codes(self, value):
        validate_mst(value)

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("0100109107", "mst_checksum"),
            ("0100109106-000", "mst_branch"),
            ("0100109106-01", "mst_format"),
            ("010010910", "mst_format"),
            ("01001091066", "mst_format"),
            ("0100109106001", "mst_format"),
            ("ABCDEFGHIJ", "mst_format"),
            ("", "mst_format"),
            ("003095001234", "mst_personal_id"),
        ],
    )
    def test_invalid_tax_codes(self, value, code):
        assert error_code(validate_mst, value) == code

    def test_check_digit_formula(self):
        # 0100109106: Σ = 0*31+1*29+0*23+0*19+1*17+0*13+9*7+1*5+0*3 = 114; 114 mod 11 = 4; 10-4 = 6.
        assert mst_check_digit("010010910") == 6

    @given(st.text(alphabet="0123456789", min_size=9, max_size=9))
    def test_every_nine_digit_prefix_has_at_most_one_valid_tenth_digit(self, prefix):
        valid = []
        for digit in "0123456789":
            try:
                validate_mst(prefix + digit)
            except ValidationError:
                continue
            valid.append(digit)
        assert len(valid) <= 1
        if mst_check_digit(prefix) == 10:
            assert valid == []


class TestPhone:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0912345678", "+84912345678"),
            ("0912 345 678", "+84912345678"),
            ("091.234.5678", "+84912345678"),
            ("+84 912 345 678", "+84912345678"),
            ("+84912345678", "+84912345678"),
            ("84912345678", "+84912345678"),
            ("0388123456", "+84388123456"),  # Viettel 03x
            ("0708123456", "+84708123456"),  # MobiFone 070
            ("0589123456", "+84589123456"),  # Vietnamobile 058
            ("0237 3852 345", "+842373852345"),  # Thanh Hóa landline
            ("(024) 3825 1234", "+842438251234"),  # Hà Nội landline
        ],
    )
    def test_normalised_to_e164(self, value, expected):
        assert normalize_phone(value) == expected

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "12345",
            "0112345678",
            "091234567",
            "09123456789",
            "+1 202 555 0100",
            "0912-ABC-678",
            "+840912345678",
        ],
    )
    def test_invalid_numbers_are_refused(self, value):
        with pytest.raises(ValidationError) as info:
            normalize_phone(value)
        assert info.value.code == "phone_format"
        assert "Số điện thoại" in info.value.messages[0]

    @given(
        st.sampled_from(["32", "39", "52", "70", "79", "81", "89", "90", "96", "99"]),
        st.integers(0, 9_999_999),
    )
    def test_normalisation_is_idempotent(self, prefix, rest):
        number = f"0{prefix}{rest:07d}"
        once = normalize_phone(number)
        assert normalize_phone(once) == once
