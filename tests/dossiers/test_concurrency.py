"""Two officers act on the same dossier at the same moment: exactly one succeeds, nothing is half-applied."""

import threading

import pytest
from django.db import connection, connections

from motcua.dossiers import services as s
from motcua.dossiers.errors import DossierError
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier, DossierStep

from .test_lifecycle import received

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database shared by two threads"
    ),
]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[i] = "ok"
        except DossierError as exc:
            outcomes[i] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_officers_route_and_refuse_at_once(people, version, clock):
    d = received(people, version, clock)
    seen = d.lock_version
    outcomes = race(
        lambda: s.dossier_route(dossier=d, officer=people["officer"], expected_version=seen),
        lambda: s.dossier_request_supplement(
            dossier=d, actor=people["officer"], reason="Thiếu", items=["Đơn"], expected_version=seen
        ),
    )
    assert sorted(outcomes, key=str).count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"dossier_changed", "invalid_transition"}
    d.refresh_from_db()
    assert d.lock_version == seen + 1
    assert DossierStep.objects.filter(dossier=d, finished_at__isnull=True).count() <= 1
    assert dossier_history_verify() is None


def test_codes_stay_unique_when_many_submit_at_once(people, version, clock):
    from .test_lifecycle import centre, upload_all

    drafts = []
    for _ in range(4):
        draft = s.dossier_create_draft(
            applicant=people["citizen"], procedure_version=version, receiving_point=centre()
        )
        upload_all(draft)
        drafts.append(draft)
    outcomes = race(
        *[lambda dr=dr: s.dossier_submit(dossier=dr, applicant=people["citizen"]) for dr in drafts]
    )
    assert outcomes == ["ok"] * 4
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 4
