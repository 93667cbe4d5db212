"""orgunit_create / orgunit_retire: validate, save and audit in one transaction."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit, OrgUnitKind
from motcua.org.services import orgunit_create, orgunit_retire

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_user(username="quantri.test", password="Mat-khau-rat-manh-2026")


def test_create_normalises_saves_and_audits(province, admin_user):
    unit = orgunit_create(
        actor=admin_user, code=" 000.00.14.h56 ", name=" Sở Tư pháp ", kind=OrgUnitKind.AGENCY,
        parent=province, valid_from=D(2021, 1, 1),
    )  # fmt: skip
    assert unit.pk is not None
    unit.refresh_from_db()
    assert (unit.code, unit.name, unit.parent) == ("H56.14", "Sở Tư pháp", province)
    event = AuditEvent.objects.get(action="org.unit_created")
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin_user.pk,
        "org.orgunit",
        str(unit.pk),
    )
    assert event.data["code"] == "H56.14"
    assert event.data["parent"] == "H56"
    assert audit_verify() is None


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"code": "H56.1"}, "code", "org_code_group"),
        ({"code": "H56.19.01"}, "code", "org_code_parent_prefix"),
        ({"code": "000.00.00.H56", "parent": None, "kind": OrgUnitKind.PROVINCE}, "code", "unique"),
        ({"valid_from": D(2025, 7, 1), "valid_to": D(2025, 6, 30)}, "valid_to", "org_unit_valid_range"),
        ({"name": "  "}, "name", "blank"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(province, admin_user, fields, field, code):
    arguments = {
        "code": "H56.14",
        "name": "Sở Tư pháp",
        "kind": OrgUnitKind.AGENCY,
        "parent": province,
    } | fields
    before = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        orgunit_create(actor=admin_user, **arguments)
    assert code in [e.code for e in exc_info.value.error_dict[field]]
    assert OrgUnit.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_create_with_system_actor(province):
    unit = orgunit_create(
        actor=None, code="H56.40", name="Trung tâm", kind=OrgUnitKind.ONE_STOP_CENTRE, parent=province
    )
    assert AuditEvent.objects.get(object_id=str(unit.pk)).actor_label == "system"


def test_retire_sets_end_and_successor_and_audits(province, make_unit, admin_user):
    receiving = make_unit("H56.19", parent=province, valid_from=D(2025, 3, 1))
    merged = make_unit("H56.17", parent=province, valid_from=D(2021, 1, 1))
    result = orgunit_retire(actor=admin_user, unit=merged, valid_to=D(2025, 2, 28), successor=receiving)
    assert result.valid_to == merged.valid_to == D(2025, 2, 28)
    assert merged.successor == receiving
    event = AuditEvent.objects.get(action="org.unit_retired")
    assert event.data == {"code": "H56.17", "valid_to": "2025-02-28", "successor": "H56.19"}
    assert audit_verify() is None


def test_retire_refuses_bad_input_and_changes_nothing(province, make_unit, admin_user):
    unit = make_unit("H56.06", parent=province, valid_from=D(2021, 1, 1))
    short_lived = make_unit("H56.05", parent=province, valid_from=D(2021, 1, 1), valid_to=D(2024, 12, 31))
    cases = [
        ({"valid_to": D(2020, 12, 31)}, "valid_to", "org_unit_valid_range"),
        (
            {"valid_to": D(2025, 2, 28), "successor": short_lived},
            "successor",
            "org_unit_successor_not_valid_after",
        ),
        ({"valid_to": D(2025, 2, 28), "successor": unit}, "successor", "org_unit_own_successor"),
    ]
    for arguments, field, code in cases:
        with pytest.raises(ValidationError) as exc_info:
            orgunit_retire(actor=admin_user, unit=unit, **arguments)
        assert code in [e.code for e in exc_info.value.error_dict[field]]
        unit.refresh_from_db()
        assert unit.valid_to is None and unit.successor is None
    assert not AuditEvent.objects.exists()


def test_retire_refuses_an_ended_unit_or_one_with_open_children(province, make_unit, admin_user):
    ended = make_unit("H56.06", parent=province, valid_to=D(2025, 2, 28))
    with pytest.raises(ValidationError) as exc_info:
        orgunit_retire(actor=admin_user, unit=ended, valid_to=D(2025, 6, 30))
    assert exc_info.value.error_dict["valid_to"][0].code == "org_unit_already_retired"

    agency = make_unit("H56.19", parent=province)
    make_unit("H56.19.01", kind=OrgUnitKind.DIVISION, parent=agency)
    with pytest.raises(ValidationError) as exc_info:
        orgunit_retire(actor=admin_user, unit=agency, valid_to=D(2025, 6, 30))
    assert exc_info.value.error_dict["valid_to"][0].code == "org_unit_has_open_children"
    agency.refresh_from_db()
    assert agency.valid_to is None
    assert not AuditEvent.objects.exists()
