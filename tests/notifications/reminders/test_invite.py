"""The applicant is invited to rate a returned dossier: once, with a working signed link, in the return's
transaction."""

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.services.intake import CounterApplicant
from motcua.feedback.invite import invite_on_return
from motcua.feedback.tokens import read_token
from motcua.notifications.models import Notification
from tests.feedback.conftest import journey

from .conftest import centre, vn

pytestmark = pytest.mark.django_db


def invitations(dossier):
    return Notification.objects.filter(topic="evaluation.invite", related_id=str(dossier.pk))


def test_invited_once_on_return_with_a_link_that_works(people, version, clock, client):
    d = journey(people, version, clock, stop_before_return=True)
    assert not invitations(d).exists()  # not before the return
    clock.shift(hours=1)
    d = s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")
    invite = invitations(d).get()
    assert invite.recipient == people["citizen"]
    assert "inapp" in invite.deliveries.values_list("channel", flat=True)
    url = next(word for word in invite.body.split() if "/danh-gia/lien-ket/" in word)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert read_token(token).dossier_id == d.pk
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    # The hook run again for the same event sends nothing more.
    invite_on_return(d, d.events.order_by("-seq").first())
    assert invitations(d).count() == 1


def test_an_applicant_without_account_is_invited_by_sms(people, version, clock):
    clock(vn(2026, 3, 2, 8, 0))
    d = s.dossier_receive_at_counter(
        officer=people["officer"],
        receiving_point=centre(),
        procedure_version=version,
        applicant=CounterApplicant(
            kind="citizen", name="Trịnh Văn An", personal_id="038090012345", phone="0912 000 111"
        ),
        provided_positions=[1, 2],
    )
    d = s.dossier_route(dossier=d, officer=people["officer"])
    for actor, step in ((people["specialist"], "LT"), (people["tax"], "PD"), (people["head"], "KY")):
        clock.shift(hours=1)
        d = s.dossier_forward(dossier=d, actor=actor, to_step=step)
    d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
    d = s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")
    invite = invitations(d).get()
    assert invite.recipient is None and list(invite.deliveries.values_list("channel", flat=True)) == ["sms"]
    assert invite.sms_text.startswith(f"Moi ong/ba danh gia muc do hai long ve ho so {d.code}")
