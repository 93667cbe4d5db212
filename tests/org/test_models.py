"""OrgUnit.clean() rules and the database constraints."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.org.models import OrgUnit, OrgUnitKind

D = dt.date


def error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


@pytest.mark.django_db
def test_clean_normalises_a_reversed_lowercase_code(province):
    unit = OrgUnit(code=" 000.00.14.h56 ", name="Sở Tư pháp", kind=OrgUnitKind.AGENCY, parent=province)
    unit.full_clean()
    assert unit.code == "H56.14"


@pytest.mark.django_db
def test_clean_rejects_an_invalid_code(province):
    unit = OrgUnit(code="H56.1", name="Sở", kind=OrgUnitKind.AGENCY, parent=province)
    with pytest.raises(ValidationError) as exc_info:
        unit.full_clean()
    assert error_codes(exc_info.value) == {"code": ["org_code_group"]}
    assert not OrgUnit.objects.filter(name="Sở").exists()


@pytest.mark.django_db
def test_normalised_code_must_be_unique(province):
    unit = OrgUnit(code="000.00.00.H56", name="Bản sao", kind=OrgUnitKind.PROVINCE)
    with pytest.raises(ValidationError) as exc_info:
        unit.full_clean()
    assert "code" in exc_info.value.error_dict
    assert exc_info.value.error_dict["code"][0].code == "unique"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["H56.19.02", "H57.14", "000.01.14.H56", "H56"])
def test_child_code_must_extend_the_parent_code_by_one_group(province, code):
    unit = OrgUnit(code=code, name="Phòng", kind=OrgUnitKind.DIVISION, parent=province)
    with pytest.raises(ValidationError) as exc_info:
        unit.full_clean()
    assert "org_code_parent_prefix" in error_codes(exc_info.value)["code"]


@pytest.mark.django_db
def test_child_code_extending_the_parent_is_accepted(province, make_unit):
    agency = make_unit("H56.19", parent=province)
    OrgUnit(code="H56.19.02", name="Chi cục Kiểm lâm", kind=OrgUnitKind.DIVISION, parent=agency).full_clean()
    OrgUnit(
        code="000.02.19.H56", name="Chi cục Kiểm lâm", kind=OrgUnitKind.DIVISION, parent=agency
    ).full_clean()


@pytest.mark.django_db
def test_a_unit_cannot_be_its_own_ancestor(province, make_unit):
    agency = make_unit("H56.19", parent=province)
    division = make_unit("H56.19.01", kind=OrgUnitKind.DIVISION, parent=agency)
    province.parent = division
    with pytest.raises(ValidationError) as exc_info:
        province.full_clean()
    assert "org_unit_parent_cycle" in error_codes(exc_info.value)["parent"]
    agency.parent = agency
    with pytest.raises(ValidationError) as exc_info:
        agency.full_clean()
    assert "org_unit_parent_cycle" in error_codes(exc_info.value)["parent"]


@pytest.mark.django_db
def test_validity_range_must_be_ordered(province):
    unit = OrgUnit(
        code="H56.06", name="Sở GTVT", kind=OrgUnitKind.AGENCY, parent=province,
        valid_from=D(2021, 1, 1), valid_to=D(2020, 12, 31),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc_info:
        unit.full_clean()
    assert "org_unit_valid_range" in error_codes(exc_info.value)["valid_to"]


@pytest.mark.django_db
def test_successor_rules(province, make_unit):
    new = make_unit("H56.19", parent=province, valid_from=D(2025, 1, 1))
    old = OrgUnit(code="H56.17", name="Sở TN&MT", kind=OrgUnitKind.AGENCY, parent=province, successor=new)

    # A successor only for a unit that has ended.
    with pytest.raises(ValidationError) as exc_info:
        old.full_clean()
    assert error_codes(exc_info.value) == {"successor": ["org_unit_successor_needs_end"]}

    # The successor must still be valid after this unit ends.
    old.valid_to = D(2025, 2, 28)
    new.valid_to = D(2025, 2, 28)
    new.save()
    with pytest.raises(ValidationError) as exc_info:
        old.full_clean()
    assert error_codes(exc_info.value) == {"successor": ["org_unit_successor_not_valid_after"]}

    new.valid_to = None
    new.save()
    old.full_clean()
    old.save()

    # Not its own successor.
    old.successor = old
    with pytest.raises(ValidationError) as exc_info:
        old.full_clean()
    assert error_codes(exc_info.value) == {"successor": ["org_unit_own_successor"]}


@pytest.mark.django_db
def test_errors_are_collected_per_field(province):
    unit = OrgUnit(
        code="X", name="", kind=OrgUnitKind.AGENCY, parent=province,
        valid_from=D(2025, 1, 2), valid_to=D(2025, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc_info:
        unit.full_clean()
    codes = error_codes(exc_info.value)
    assert codes["code"] == ["org_code_root"]
    assert "org_unit_valid_range" in codes["valid_to"]
    assert "name" in codes


@pytest.mark.django_db
def test_db_refuses_valid_to_before_valid_from(province):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(
            code="H56.06", name="Sở GTVT", kind=OrgUnitKind.AGENCY,
            valid_from=D(2021, 1, 1), valid_to=D(2020, 12, 31),
        )  # fmt: skip
    assert not OrgUnit.objects.filter(code="H56.06").exists()


@pytest.mark.django_db
def test_db_refuses_own_successor_and_successor_without_end(province, make_unit):
    unit = make_unit("H56.06", valid_to=D(2025, 2, 28))
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=unit.pk).update(successor=unit)
    other = make_unit("H56.05")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.filter(pk=other.pk).update(successor=unit)


@pytest.mark.django_db
def test_search_text_is_folded(province):
    province.refresh_from_db()
    assert province.search_text == "uy ban nhan dan tinh thanh hoa h56"
