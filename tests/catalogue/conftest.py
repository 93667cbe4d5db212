"""Fixtures for the catalogue tests: a small organisation, staff users per role, and procedure objects in
the exchange format built through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.accounts.models import AccountKind, Membership, Role, User
from motcua.catalogue.services import procedure_create, procedure_publish
from motcua.catalogue.spec import spec_from_dict
from motcua.org.models import OrgUnit, OrgUnitKind

from .data import procedure_data

START = dt.date(2021, 1, 1)


@pytest.fixture
def org(db) -> dict[str, OrgUnit]:
    def unit(code, name, kind, parent=None, **fields):
        return OrgUnit.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            valid_from=fields.pop("valid_from", START),
            **fields,
        )

    province = unit("H56", "Ủy ban nhân dân tỉnh Thanh Hóa", OrgUnitKind.PROVINCE)
    justice = unit("H56.02", "Sở Tư pháp", OrgUnitKind.AGENCY, province)
    agri = unit("H56.19", "Sở Nông nghiệp và Môi trường", OrgUnitKind.AGENCY, province)
    old = unit(
        "H56.17",
        "Sở Tài nguyên và Môi trường",
        OrgUnitKind.AGENCY,
        province,
        valid_to=dt.date(2025, 2, 28),
        successor=agri,
    )
    centre = unit(
        "H56.40",
        "Trung tâm Phục vụ hành chính công tỉnh",
        OrgUnitKind.ONE_STOP_CENTRE,
        province,
        has_one_stop=True,
    )
    ward = unit("H56.101", "Phường Hạc Thành", OrgUnitKind.COMMUNE, province, has_one_stop=True)
    commune = unit("H56.122", "Xã Hà Trung", OrgUnitKind.COMMUNE, province, has_one_stop=True)
    tax = unit("H56.52", "Thuế tỉnh Thanh Hóa", OrgUnitKind.VERTICAL_AGENCY, province)
    return {
        "province": province,
        "justice": justice,
        "agri": agri,
        "old": old,
        "centre": centre,
        "ward": ward,
        "commune": commune,
        "tax": tax,
    }


@pytest.fixture
def staff(org) -> dict[str, User]:
    """One staff user per role (agency roles at Sở Nông nghiệp và Môi trường), plus a citizen."""
    users: dict[str, User] = {}
    for role in Role.values:
        user = User.objects.create_user(
            username=f"u.{role}",
            password="pw-for-tests-123",
            kind=AccountKind.STAFF,
            full_name=f"Cán bộ {role}",
        )
        where = org["province"] if role in (Role.PROVINCE_ADMIN, Role.AUDITOR) else org["agri"]
        Membership.objects.create(user=user, org_unit=where, role=role, valid_from=START)
        users[role] = user
    users["citizen"] = User.objects.create_user(
        username="038195001234",
        password="pw-for-tests-123",
        kind=AccountKind.CITIZEN,
        full_name="Lê Thị Hoa",
        personal_id="038195001234",
    )
    return users


@pytest.fixture
def make_procedure(org):
    def make(data: dict[str, Any] | None = None, *, actor: User | None = None, publish: bool = False):
        procedure = procedure_create(actor=actor, spec=spec_from_dict(data or procedure_data()))
        if publish:
            procedure_publish(actor=actor, procedure=procedure)
            procedure.refresh_from_db()
        return procedure

    return make
