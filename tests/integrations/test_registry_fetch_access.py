"""Taking a component from a national registry reads a person's data: only who may change the dossier's
components now (the one-stop officer at intake) may start it. Staff who merely see the dossier (the resolving
agency's specialist, the auditor) are refused before any look-up, and the citizen's ledger stays empty."""

import pytest
from django.urls import reverse

from motcua.wallet.models import AccessEntry

from .conftest import counter_dossier, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["specialist", "auditor", "leader"])
def test_staff_who_only_see_the_dossier_cannot_start_a_registry_lookup(client, people, id_version, who):
    dossier = counter_dossier(people, id_version)  # received at H56.40, resolved by H56.19
    card = dossier.components.get(document_type="CCCD")
    login(client, people[who])
    assert client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).status_code == 200  # sees it
    response = client.post(reverse("backoffice:registry_component_fetch", args=[dossier.pk, card.pk]))
    assert response.status_code == 403
    assert not AccessEntry.objects.filter(kind="registry_lookup").exists()
    card.refresh_from_db()
    assert card.origin != "registry"


def test_the_receiving_officer_still_can(client, people, id_version):
    dossier = counter_dossier(people, id_version)
    card = dossier.components.get(document_type="CCCD")
    login(client, people["officer"])
    response = client.post(reverse("backoffice:registry_component_fetch", args=[dossier.pk, card.pk]))
    assert response.status_code == 302
    assert AccessEntry.objects.filter(kind="registry_lookup", actor=people["officer"]).count() == 1
