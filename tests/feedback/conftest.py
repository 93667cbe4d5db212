"""Returned dossiers driven through the real dossier services (see tests/dossiers/conftest.py)."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin
from motcua.org.models import OrgUnit
from tests.dossiers import conftest as _dossier_fixtures

# The dossier fixtures (demo organisation and accounts, a published procedure, a clock we control).
demo = _dossier_fixtures.demo
people = _dossier_fixtures.people
version = _dossier_fixtures.version
clock = _dossier_fixtures.clock
vn = _dossier_fixtures.vn


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def centre():
    return OrgUnit.objects.get(code="H56.40")


def _upload_all(dossier):
    for component in dossier.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()


def _ids(d):
    return list(d.components.values_list("pk", flat=True))


def journey(
    people, version, clock, *, late=False, supplement=False, stop_before_return=False, method="counter"
):
    """Submit Mon 2 Mar 2026 online, receive, route, through the tax office and back, decide, return.

    ``late``: decided after the due moment (Mon 9 Mar 17:00). ``supplement``: one supplement request."""
    clock(vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    _upload_all(d)
    d = s.dossier_submit(dossier=d, applicant=people["citizen"])
    clock(vn(2026, 3, 2, 10, 0))
    d = s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=_ids(d))
    clock(vn(2026, 3, 2, 10, 30))
    d = s.dossier_route(dossier=d, officer=people["officer"])
    if supplement:
        clock(vn(2026, 3, 2, 14, 0))
        d = s.dossier_request_supplement(
            dossier=d, actor=people["specialist"], reason="Thiếu sơ đồ", items=["Sơ đồ khu vực"]
        )
        clock(vn(2026, 3, 2, 16, 0))
        d = s.dossier_supplement(dossier=d, actor=people["citizen"])
    clock(vn(2026, 3, 3, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    clock(vn(2026, 3, 4, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    clock(vn(2026, 3, 10, 9, 0) if late else vn(2026, 3, 4, 14, 0))
    d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
    clock(vn(2026, 3, 10, 10, 0) if late else vn(2026, 3, 4, 16, 0))
    d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
    if stop_before_return:
        return d
    clock.shift(hours=1)
    return s.dossier_return_result(dossier=d, officer=people["officer"], method=method)


@pytest.fixture
def returned(people, version, clock):
    return journey(people, version, clock)
