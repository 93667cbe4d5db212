"""A citizen chooses the channels of their notifications on the portal; notify() then respects it."""

import pytest
from django.urls import reverse

from motcua.notifications.preferences import preference_get

pytestmark = pytest.mark.django_db


def test_a_citizen_turns_sms_off_for_reminders_and_keeps_email(client, people):
    citizen = people["citizen"]
    client.force_login(citizen)
    url = reverse("notification_channels")
    page = client.get(url)
    assert page.status_code == 200 and 'name="group_dossier"' in page.content.decode()
    data = {"group_dossier": ["email"], "group_evaluation": ["email", "sms"], "language": "en"}
    response = client.post(url, data)
    assert response.status_code == 302
    view = preference_get(user=citizen)
    assert view.language == "en" and view.accepted["dossier"] == ["email"]
    assert sorted(view.accepted["evaluation"]) == ["email", "sms"]
    assert (
        'value="sms" checked' not in client.get(url).content.decode().split('name="group_dossier"')[1][:200]
    )


def test_bad_input_changes_nothing_and_anonymous_users_are_sent_to_sign_in(client, people):
    citizen = people["citizen"]
    client.force_login(citizen)
    before = preference_get(user=citizen)
    response = client.post(reverse("notification_channels"), {"group_dossier": ["fax"], "language": "fr"})
    assert response.status_code == 422
    assert preference_get(user=citizen) == before
    client.logout()
    assert client.get(reverse("notification_channels")).status_code == 302
