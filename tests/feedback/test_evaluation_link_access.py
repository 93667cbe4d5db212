"""Who may mint a returned dossier's evaluation link (whoever holds it may rate the dossier): staff who see
the dossier and may act — never the read-only auditor, through the counter page, the API or the service."""

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.models import AuditEvent
from motcua.feedback.errors import FeedbackActionNotAllowed
from motcua.feedback.services import evaluation_link_issue

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_auditor_sees_the_dossier_but_cannot_mint_its_link(people, returned):
    auditor = people["auditor"]
    with pytest.raises(FeedbackActionNotAllowed) as info:
        evaluation_link_issue(dossier=returned, channel="kiosk", actor=auditor)
    assert info.value.code == "evaluation_link_not_allowed"

    client = signed_in(auditor)
    assert client.get(reverse("backoffice:dossier_detail", args=[returned.pk])).status_code == 200
    page = client.post(reverse("backoffice:evaluation_kiosk"), {"code": returned.code})
    assert page.status_code == 403 and "/danh-gia/lien-ket/" not in page.content.decode()
    api = client.post(f"/api/v1/dossiers/{returned.code}/evaluation-link", content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "evaluation_link_not_allowed"
    assert not AuditEvent.objects.filter(action="evaluation.link_issue", actor=auditor).exists()


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_the_counter_still_mints_it(people, returned, who):
    response = signed_in(people[who]).post(reverse("backoffice:evaluation_kiosk"), {"code": returned.code})
    assert response.status_code == 200 and "/danh-gia/lien-ket/" in response.content.decode()


def test_the_system_invitation_needs_no_actor(returned):
    assert evaluation_link_issue(dossier=returned, channel="link")
