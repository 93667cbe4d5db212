import datetime as dt

import pytest

from motcua.org.models import OrgUnit, OrgUnitKind


@pytest.fixture
def make_unit(db):
    """Save a unit directly (no clean()), for building trees, including broken ones."""

    def make(code: str, name: str = "", kind: str = OrgUnitKind.AGENCY, **fields) -> OrgUnit:
        return OrgUnit.objects.create(code=code, name=name or f"Đơn vị {code}", kind=kind, **fields)

    return make


@pytest.fixture
def province(make_unit):
    return make_unit(
        "H56", "Ủy ban nhân dân tỉnh Thanh Hóa", OrgUnitKind.PROVINCE, valid_from=dt.date(1945, 1, 1)
    )
