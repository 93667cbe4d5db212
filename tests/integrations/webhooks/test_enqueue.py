"""The outbox side: one delivery per matching endpoint, written in the dossier event's own transaction,
for the endpoints whose event types and units match, with a payload that carries no personal data."""

import json

import pytest
from django.db import transaction

from motcua.dossiers import services as s
from motcua.dossiers.errors import InvalidTransition
from motcua.integrations.webhooks.events import PAYLOAD_DOSSIER_KEYS, event_id
from motcua.integrations.webhooks.hooks import in_scope
from motcua.integrations.webhooks.models import WebhookDelivery
from tests.integrations.conftest import centre, counter_dossier

from .conftest import endpoint, journey, online, received, vn

pytestmark = pytest.mark.django_db


def types_for(ep, dossier=None):
    rows = WebhookDelivery.objects.filter(endpoint=ep)
    if dossier is not None:
        rows = rows.filter(dossier=dossier)
    return list(rows.order_by("event_seq").values_list("event_type", flat=True))


def test_a_journey_queues_one_delivery_per_event_in_order(people, version, clock):
    ep, _secret = endpoint()
    d = journey(people, version, clock)
    rows = list(WebhookDelivery.objects.filter(endpoint=ep).order_by("event_seq"))
    assert [r.event_type for r in rows] == [
        "dossier.submitted", "dossier.received", "dossier.status_changed",  # submit, receive, route
        "dossier.step_changed", "dossier.step_changed", "dossier.step_changed",  # TD→LT→PD→KY
        "dossier.result_ready", "dossier.returned",
    ]  # fmt: skip
    events = dict(d.events.values_list("seq", "action"))
    assert [r.payload["dossier"]["action"] for r in rows] == [events[r.event_seq] for r in rows]
    assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
    assert len({r.uid for r in rows}) == len(rows)
    first, routed, to_tax = rows[0].payload, rows[2].payload, rows[3].payload
    assert first["type"] == "dossier.submitted" and first["id"] == rows[0].event_id
    assert first["occurred_at"] == "2026-03-02T09:00:00+07:00"
    assert first["dossier"]["code"] == d.code and first["dossier"]["procedure_code"] == "1.009999"
    assert (first["dossier"]["status"], first["dossier"]["previous_status"]) == ("awaiting_intake", "draft")
    assert (routed["dossier"]["status"], routed["dossier"]["previous_status"]) == ("processing", "received")
    assert (to_tax["dossier"]["step"], to_tax["dossier"]["step_unit_code"]) == ("LT", "H56.52")
    assert first["dossier"]["unit_code"] == "H56.19" and first["dossier"]["receiving_unit_code"] == "H56.40"
    assert rows[1].payload["dossier"]["due_at"] is not None
    assert rows[-1].payload["dossier"]["decision"] == "approved"


def test_the_event_id_is_stable_and_shared_by_endpoints(people, version, clock):
    a, _ = endpoint(name="A")
    b, _ = endpoint(name="B", url="https://b.example.vn/hook")
    d = received(people, version, clock)
    ids_a = list(
        WebhookDelivery.objects.filter(endpoint=a).order_by("event_seq").values_list("event_id", flat=True)
    )
    ids_b = list(
        WebhookDelivery.objects.filter(endpoint=b).order_by("event_seq").values_list("event_id", flat=True)
    )
    assert ids_a == ids_b == [event_id(e) for e in d.events.order_by("seq")]
    uids_a = set(WebhookDelivery.objects.filter(endpoint=a).values_list("uid", flat=True))
    assert uids_a.isdisjoint(WebhookDelivery.objects.filter(endpoint=b).values_list("uid", flat=True))


def test_enqueued_in_the_events_transaction_a_rolled_back_action_enqueues_nothing(people, version, clock):
    endpoint()
    d = received(people, version, clock)
    before = WebhookDelivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        s.dossier_route(dossier=d, officer=people["officer"])
        assert WebhookDelivery.objects.count() == before + 1  # written with the event…
        raise RuntimeError("the caller's transaction fails after the service")
    assert WebhookDelivery.objects.count() == before  # …and gone with it
    d.refresh_from_db()
    assert d.status == "received"


def test_a_refused_transition_enqueues_nothing(people, version, clock):
    endpoint()
    d = received(people, version, clock)
    before = WebhookDelivery.objects.count()
    with pytest.raises(InvalidTransition):
        s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")
    assert WebhookDelivery.objects.count() == before


def test_scope_by_unit_and_event_type(people, version, clock):
    whole = endpoint(name="Cả tỉnh")[0]
    agency = endpoint(name="Sở NN&MT", units=["H56.19"])[0]
    centre = endpoint(name="Trung tâm PVHCC", units=["H56.40"])[0]
    tax = endpoint(name="Thuế tỉnh", units=["H56.52"])[0]
    elsewhere = endpoint(name="Huyện Nga Sơn (H56.401: not below H56.40)", units=["H56.401", "H56.07"])[0]
    milestones = endpoint(name="Mốc", event_types=["dossier.received", "dossier.returned"])[0]
    off = endpoint(name="Tắt", active=False)[0]
    d = journey(people, version, clock)
    everything = types_for(whole, d)
    assert len(everything) == 8
    assert types_for(agency, d) == everything  # its dossier (resolving unit)
    assert types_for(centre, d) == everything  # received at its counter
    assert types_for(tax, d) == ["dossier.step_changed"]  # only the step handed to it
    assert types_for(elsewhere, d) == []
    assert types_for(milestones, d) == ["dossier.received", "dossier.returned"]
    assert types_for(off, d) == []


def test_in_scope_follows_the_code_tree():
    assert in_scope([], ["H56.19"])  # no units: the whole province
    assert in_scope(["H56.19"], ["H56.19.03"])
    assert in_scope(["H56"], ["H56.40", "H56.19"])
    assert not in_scope(["H56.40"], ["H56.401"])  # a sibling whose code merely starts the same
    assert not in_scope(["H56.19.03"], ["H56.19"])  # a division does not see its agency's dossiers


def test_a_counter_dossier_starts_with_received_and_drafts_make_nothing(people, version, clock):
    ep, _ = endpoint()
    clock(vn(2026, 3, 2, 9, 0))
    draft = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    assert WebhookDelivery.objects.filter(dossier=draft).count() == 0
    d = counter_dossier(people, version)
    assert types_for(ep, d) == ["dossier.received"]


def test_payloads_carry_no_personal_data(people, version, clock):
    endpoint()
    clock(vn(2026, 3, 2, 9, 0))
    d = counter_dossier(people, version, personal_id="038088004321", name="Nguyễn Văn Bình")
    d.applicant_phone, d.applicant_email = "0912345678", "binh@example.vn"
    d.save(update_fields=["applicant_phone", "applicant_email"])
    clock.shift(minutes=10)
    d = s.dossier_request_supplement(
        dossier=d, actor=people["officer"], reason="Ông Nguyễn Văn Bình cần bổ sung sơ đồ", items=["Sơ đồ"]
    )
    clock.shift(hours=1)
    d = s.dossier_supplement(dossier=d, actor=people["officer"])
    rows = list(WebhookDelivery.objects.filter(dossier=d))
    assert len(rows) == 3
    personal = ["Nguyễn Văn Bình", "038088004321", "0912345678", "binh@example.vn", "Lê Lợi", "Hạc Thành",
                "Bổ sung sơ đồ".lower(), "motcua.tinh"]  # fmt: skip
    for row in rows:
        text = json.dumps(row.payload, ensure_ascii=False).lower()
        for value in personal:
            assert value.lower() not in text, (row.event_type, value)
        assert set(row.payload) == {"id", "type", "occurred_at", "dossier"}
        assert set(row.payload["dossier"]) == PAYLOAD_DOSSIER_KEYS


def test_enqueueing_the_same_event_again_is_a_no_op(people, version, clock):
    from motcua.integrations.webhooks.hooks import webhooks_on_event

    ep, _ = endpoint()
    d = received(people, version, clock)
    before = WebhookDelivery.objects.filter(endpoint=ep).count()
    last = d.events.order_by("-seq").first()
    webhooks_on_event(d, last)  # e.g. a replay tool running the hook again
    assert WebhookDelivery.objects.filter(endpoint=ep).count() == before


def test_a_submitted_dossier_from_online(people, version, clock):
    ep, _ = endpoint()
    d = online(people, version, clock)
    (row,) = WebhookDelivery.objects.filter(endpoint=ep, dossier=d)
    assert row.event_type == "dossier.submitted" and row.payload["dossier"]["channel"] == "online"
