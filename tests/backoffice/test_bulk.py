"""A division head assigns several dossiers at once; refusals are reported one by one."""

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.models import DossierStep
from tests.dossiers.conftest import vn
from tests.dossiers.test_lifecycle import received

from .conftest import centre  # noqa: F401

pytestmark = pytest.mark.django_db


def test_head_assigns_many_and_sees_what_was_refused(client, people, version, clock):
    first = s.dossier_route(dossier=received(people, version, clock), officer=people["officer"])
    second = s.dossier_route(
        dossier=received(people, version, clock, at=vn(2026, 3, 3, 9, 0)), officer=people["officer"]
    )
    third = received(
        people, version, clock, at=vn(2026, 3, 4, 9, 0)
    )  # not routed: no step at the head's unit
    client.force_login(people["head"])
    page = client.get("/can-bo/ho-so/?queue=all").content.decode()
    assert 'name="assignee"' in page and f'value="{first.pk}"' in page
    response = client.post(
        "/can-bo/ho-so/phan-cong/",
        {
            "dossier": [first.pk, second.pk, third.pk],
            "assignee": people["specialist"].pk,
            "next": "/can-bo/ho-so/?queue=all",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "Đã phân công 2 hồ sơ" in text
    assert f"Không phân công được {third.code}" in text
    assert set(
        DossierStep.objects.filter(finished_at__isnull=True, assignee=people["specialist"]).values_list(
            "dossier_id", flat=True
        )
    ) == {first.pk, second.pk}


def test_officer_without_a_led_unit_sees_no_bulk_form_and_cannot_post(client, people, version, clock):
    d = s.dossier_route(dossier=received(people, version, clock), officer=people["officer"])
    client.force_login(people["specialist"])
    assert 'name="assignee"' not in client.get("/can-bo/ho-so/?queue=all").content.decode()
    response = client.post(
        "/can-bo/ho-so/phan-cong/", {"dossier": [d.pk], "assignee": people["specialist"].pk}, follow=True
    )
    assert "thuộc đơn vị bạn phụ trách" in response.content.decode()
    assert not DossierStep.objects.filter(assignee=people["specialist"]).exists()
