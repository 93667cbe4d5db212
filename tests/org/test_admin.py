"""The Django admin goes through OrgUnit.clean and writes an audit row."""

import pytest
from django.contrib.auth import get_user_model

from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit, OrgUnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        username="quantri.tinh.test", password="Mat-khau-rat-manh-2026"
    )
    client.force_login(user)
    return client


def form(province, **fields):
    data = {"code": "000.00.02.h56", "name": "Sở Tư pháp", "short_name": "", "kind": OrgUnitKind.AGENCY,
            "parent": province.pk, "valid_from": "2021-01-01", "valid_to": "", "successor": "",
            "address": "", "phone": ""}  # fmt: skip
    return data | fields


def test_admin_add_normalises_the_code_and_audits(admin_client, province):
    response = admin_client.post("/quan-tri/org/orgunit/add/", form(province))
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrgUnit.objects.get(code="H56.02")
    event = AuditEvent.objects.get(action="org.unit_created")
    assert event.object_id == str(unit.pk)
    assert event.data["code"] == "H56.02"


def test_admin_shows_the_rule_and_saves_nothing(admin_client, province):
    response = admin_client.post("/quan-tri/org/orgunit/add/", form(province, code="H56.19.02"))
    assert response.status_code == 200
    assert "phải là mã của đơn vị cấp trên" in response.content.decode()
    assert OrgUnit.objects.count() == 1
    assert not AuditEvent.objects.exists()
