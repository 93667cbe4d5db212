"""Database invariants: constraints, and published versions that cannot change."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from motcua.catalogue.errors import SpecError
from motcua.catalogue.models import (
    Fee,
    ImmutableVersionError,
    ProcedureVersion,
    ProcessActionCondition,
    ProcessStep,
    Sector,
)

from .data import procedure_data


def test_the_standard_sectors_are_there(db):
    assert Sector.objects.filter(code="HO_TICH", name="Hộ tịch").exists()
    assert Sector.objects.count() >= 40


def test_a_published_version_refuses_save_and_delete(make_procedure):
    version = make_procedure(publish=True).current_version
    version.name = "Đã sửa"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.delete()


def test_the_database_refuses_to_update_a_version(make_procedure):
    version = make_procedure(publish=True).current_version
    with pytest.raises(DatabaseError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=version.pk).update(name="Đã sửa")
    assert ProcedureVersion.objects.get(pk=version.pk).name == "Đăng ký khai sinh"


def test_version_numbers_are_unique_per_procedure(make_procedure):
    version = make_procedure(publish=True).current_version
    copy = ProcedureVersion.objects.get(pk=version.pk)
    copy.pk = None
    copy._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_procedure_constraints(make_procedure):
    procedure = make_procedure()
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(procedure=procedure, position=9, name="Âm", amount=-1)
    step = ProcessStep.objects.filter(template__procedure=procedure).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessStep.objects.filter(pk=step.pk).update(unit_kind="unit")  # a "unit" step must name its unit
    action = step.actions_out.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessActionCondition.objects.create(action=action, key="payok")
    procedure.time_limit_amount = Decimal(0)
    with pytest.raises(IntegrityError), transaction.atomic():
        procedure.save()
    procedure.refresh_from_db()
    procedure.for_citizen = False
    with pytest.raises(IntegrityError), transaction.atomic():
        procedure.save()


def test_the_code_is_unique(make_procedure):
    make_procedure()
    with pytest.raises(SpecError, match=r"1\.001193"):
        make_procedure(procedure_data())
