"""Agency e-ID codes (Decision 20/2020/QĐ-TTg; older QCVN 102:2016 reversed form)."""

import pytest
from django.core.exceptions import ValidationError

from motcua.org.codes import normalize_org_code, org_code_parent, to_qcvn102, validate_org_code

LONGEST = "H56" + ".01" * 8 + ".001" * 2
assert len(LONGEST) == 35


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("H56", "H56"),
        ("H56.14", "H56.14"),
        ("H56.14.03", "H56.14.03"),
        ("H56.101", "H56.101"),
        ("h56.14", "H56.14"),
        ("  H56.19 \n", "H56.19"),
        # QCVN 102:2016 form, right to left, zero groups pad the lowest levels.
        ("000.00.14.H56", "H56.14"),
        ("000.00.35.H56", "H56.35"),
        ("000.17.22.H56", "H56.22.17"),  # real Thanh Hóa dossier code prefix 000.17.22.H56-210531-0001
        ("000.00.00.h56", "H56"),
        ("14.H56", "H56.14"),
        (" 003.17.22.H56 ", "H56.22.17.003"),
        ("A01.01", "A01.01"),
        ("Y99.999.99", "Y99.999.99"),
        (LONGEST, LONGEST),
    ],
)
def test_valid_codes_are_normalised_to_decision_20_form(raw, expected):
    assert normalize_org_code(raw) == expected
    validate_org_code(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "org_code_empty"),
        ("   ", "org_code_empty"),
        (None, "org_code_empty"),
        (LONGEST + "1", "org_code_too_long"),
        ("000.00." + LONGEST[:-4], "org_code_too_long"),  # the limit applies to the input as given
        ("H56-14", "org_code_charset"),
        ("H56.14 03", "org_code_charset"),
        ("Hà56", "org_code_charset"),
        ("H56/14", "org_code_charset"),
        ("H56.14-240823-0001", "org_code_charset"),  # a dossier code, not an agency code
        ("Z56.14", "org_code_root"),  # M is A–Y
        ("H5.14", "org_code_root"),
        ("H567", "org_code_root"),
        ("56H", "org_code_root"),
        ("14.03", "org_code_root"),
        ("H56.14.H56", "org_code_root"),
        ("000.H56.14", "org_code_root"),  # root in the middle
        ("H56.1", "org_code_group"),
        ("H56.1234", "org_code_group"),
        ("H56.AB", "org_code_group"),
        ("H56..14", "org_code_group"),
        ("H56.", "org_code_group"),
        ("H56.00", "org_code_zero_group"),  # zero groups only pad the old form
        ("H56.14.000", "org_code_zero_group"),
        ("000.14.00.H56", "org_code_zero_group"),  # a unit below a missing level
    ],
)
def test_invalid_codes_raise_with_stable_code_and_vietnamese_message(raw, code):
    with pytest.raises(ValidationError) as exc_info:
        normalize_org_code(raw)
    assert exc_info.value.code == code
    assert "Mã định danh điện tử" in exc_info.value.messages[0]


def test_error_message_names_the_value_and_rule():
    with pytest.raises(ValidationError) as exc_info:
        normalize_org_code("h56.1")
    message = exc_info.value.messages[0]
    assert "“h56.1”" in message
    assert "2 hoặc 3 chữ số" in message


def test_parent_code_and_qcvn_form():
    assert org_code_parent("H56.14.03") == "H56.14"
    assert org_code_parent("H56") is None
    assert to_qcvn102("H56.14") == "000.00.14.H56"
    assert to_qcvn102("H56.22.17") == "000.17.22.H56"
    assert normalize_org_code(to_qcvn102("H56.101")) == "H56.101"
