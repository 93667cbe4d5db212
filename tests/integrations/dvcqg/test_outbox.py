"""The outbox rows: one per reported dossier event, written by the event hook in the event's own
transaction (a failed transition writes none), never for imported history, and nothing sent meanwhile."""

import datetime as dt

import pytest
from django.db import transaction

from motcua.dossiers import services as s
from motcua.dossiers.errors import InvalidTransition
from motcua.integrations.dvcqg.models import PortalUpdate
from motcua.integrations.dvcqg.outbox import body_of
from tests.integrations.conftest import counter_dossier

from .conftest import journey, received, vn

pytestmark = pytest.mark.django_db


def rows(d):
    return list(PortalUpdate.objects.filter(dossier=d).order_by("event_seq"))


def test_a_journey_queues_one_update_per_status_change_in_event_order(people, version, clock, portal):
    d = journey(people, version, clock)
    queued = rows(d)
    actions = [u.payload["ThaoTac"] for u in queued]
    assert actions == ["submit", "receive", "route", "decide", "return_result"]  # not the internal hand-overs
    assert [u.portal_status for u in queued] == [1, 2, 4, 9, 10]
    events = dict(d.events.values_list("seq", "action"))
    assert [events[u.event_seq] for u in queued] == actions
    assert [u.idempotency_key for u in queued] == [f"{d.code}:{u.event_seq}" for u in queued]
    assert {u.state for u in queued} == {"pending"}
    first = queued[0].payload
    assert first["MaHoSo"] == d.code and first["MaTTHC"] == "1.009999" and first["KenhThucHien"] == 2
    assert first["TenTrangThai"] == "Mới đăng ký"
    # The personal ID waits encrypted in its own column, not in the stored body, and is sent.
    assert first["ChuHoSo"]["SoDinhDanh"] == "" and queued[0].applicant_personal_id == "038195001234"
    assert body_of(queued[0])["ChuHoSo"]["SoDinhDanh"] == "038195001234"
    assert queued[3].payload["KetQua"]["QuyetDinh"] == "approved"
    assert dt.datetime.fromisoformat(queued[1].payload["NgayHenTra"]) == d.due_at
    assert portal.delivered_keys() == []  # queued only: the worker sends, after commit


def test_a_counter_dossier_starts_at_received(people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    d = counter_dossier(people, version)
    (first,) = rows(d)
    assert (first.portal_status, first.payload["KenhThucHien"], first.payload["ThaoTac"]) == (2, 1, "receive")


def test_result_apology_and_supplement_are_reported(people, version, clock):
    d = received(people, version, clock)
    clock.shift(minutes=10)
    d = s.dossier_request_supplement(
        dossier=d, actor=people["officer"], reason="Thiếu sơ đồ có chữ ký", items=["Sơ đồ khu vực khai thác"]
    )
    clock.shift(hours=2)
    d = s.dossier_supplement(dossier=d, actor=people["citizen"])
    queued = rows(d)
    assert [u.portal_status for u in queued] == [1, 2, 5, 2]
    assert queued[2].payload["GhiChu"] == "Thiếu sơ đồ có chữ ký"
    assert queued[2].payload["GiayToCanBoSung"] == ["Sơ đồ khu vực khai thác"]


def test_rows_are_written_in_the_events_transaction(people, version, clock):
    d = received(people, version, clock)
    before = len(rows(d))
    with pytest.raises(RuntimeError), transaction.atomic():
        s.dossier_route(dossier=d, officer=people["officer"])
        assert len(rows(d)) == before + 1  # written with the event…
        raise RuntimeError("the caller's transaction fails after the service")
    assert len(rows(d)) == before  # …and gone with it
    d.refresh_from_db()
    assert d.status == "received"


def test_a_refused_transition_writes_nothing(people, version, clock):
    d = received(people, version, clock)
    before = PortalUpdate.objects.count()
    with pytest.raises(InvalidTransition):
        s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")
    assert PortalUpdate.objects.count() == before


def test_a_hook_failure_rolls_the_transition_and_its_row_back(people, version, clock, monkeypatch):
    from motcua.dossiers import hooks

    d = received(people, version, clock)
    before = PortalUpdate.objects.count()

    def broken(dossier, event):
        raise RuntimeError("a later hook fails")

    monkeypatch.setattr(hooks, "_hooks", [*hooks._hooks, broken])
    with pytest.raises(RuntimeError):
        s.dossier_route(dossier=d, officer=people["officer"])
    assert PortalUpdate.objects.count() == before
    d.refresh_from_db()
    assert d.status == "received"


def test_imported_history_is_not_reported(people, version, clock):
    d = received(people, version, clock)
    before = PortalUpdate.objects.count()
    type(d).objects.filter(pk=d.pk).update(imported_from="legacy-egov")  # as motcua import_history makes it
    d.refresh_from_db()
    s.dossier_route(dossier=d, officer=people["officer"])
    assert PortalUpdate.objects.count() == before


def test_drafts_are_not_reported(people, version, clock):
    from .conftest import centre

    clock(vn(2026, 3, 2, 9, 0))
    s.dossier_create_draft(applicant=people["citizen"], procedure_version=version, receiving_point=centre())
    assert PortalUpdate.objects.count() == 0
