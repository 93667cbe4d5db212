"""Thanh Hóa demo organisation (idempotent). Codes are demo codes in the Decision 20/2020 form."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import OrgUnit, OrgUnitKind

PROVINCE = ("H56", "Ủy ban nhân dân tỉnh Thanh Hóa", OrgUnitKind.PROVINCE)
UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("H56.40", "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa", OrgUnitKind.ONE_STOP_CENTRE, "H56"),
    ("H56.19", "Sở Nông nghiệp và Môi trường", OrgUnitKind.AGENCY, "H56"),
)


@transaction.atomic
def seed_demo_org() -> int:
    created = 0
    _province, was_created = OrgUnit.objects.update_or_create(
        code=PROVINCE[0],
        defaults={"name": PROVINCE[1], "kind": PROVINCE[2], "valid_from": dt.date(1945, 1, 1)},
    )
    created += was_created
    for code, name, kind, parent_code in UNITS:
        _unit, was_created = OrgUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": OrgUnit.objects.get(code=parent_code),
                "has_one_stop": kind in (OrgUnitKind.ONE_STOP_CENTRE, OrgUnitKind.COMMUNE),
            },
        )
        created += was_created
    return created
