"""Assigning steps over the API: one dossier (whom, then assign, with the version) and in bulk; who may not
assign is refused, bad input changes nothing, a key stays within its scope and units."""

import pytest
from django.test import Client

from motcua.accounts.services_apikeys import apikey_create
from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent, DossierStep
from motcua.org.models import OrgUnit
from tests.portal.conftest import submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def processing(people, version, clock):
    """Dossiers routed to Sở NN&MT (open step TD at H56.19), and one still awaiting intake."""

    def make(route=True):
        d = submitted(people, version)
        if not route:
            return d
        d = s.dossier_receive(
            dossier=d,
            officer=people["officer"],
            checked_component_ids=list(d.components.values_list("pk", flat=True)),
        )
        return s.dossier_route(dossier=d, officer=people["officer"])

    clock(vn(2026, 3, 2, 9, 0))
    return make


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def assign_events():
    return DossierEvent.objects.filter(action="assign")


def open_assignee(d):
    return DossierStep.objects.get(dossier=d, finished_at__isnull=True).assignee


def test_a_division_head_assigns_the_open_step(client, people, processing):
    d = processing()
    client.force_login(people["head"])
    names = client.get(f"/api/v1/dossiers/{d.code}/assignees")
    assert names.status_code == 200, names.content
    assert people["specialist"].pk in [u["id"] for u in names.json()]
    assert people["officer"].pk not in [u["id"] for u in names.json()]  # another unit's staff

    payload = {"assignee_id": people["specialist"].pk, "expected_version": d.lock_version}
    response = client.post(f"/api/v1/dossiers/{d.code}/assign", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == d.lock_version + 1 and body["open_step"]["step_code"] == "TD"
    assert open_assignee(d) == people["specialist"]
    event = assign_events().get()
    assert event.data["assignee"] == people["specialist"].username and event.actor == people["head"]


@pytest.mark.parametrize(
    ("who", "change", "status", "code"),
    [
        ("specialist", {}, 403, "action_not_allowed"),  # sees the dossier, may not assign
        ("commune_officer", {}, 404, "dossier_not_found"),  # another unit: does not exist for them
        ("head", {"assignee_id": "officer"}, 422, "assignee_invalid"),  # not of the step's unit
        ("head", {"assignee_id": 987654}, 422, "assignee_invalid"),
        ("head", {"expected_version": 0}, 409, "dossier_changed"),
        ("head", {"assignee_id": "x"}, 422, "request_invalid"),
        ("head", {"assignee": 1}, 422, "request_invalid"),  # an unknown field
    ],
)
def test_refusals_change_nothing(client, people, processing, who, change, status, code):
    d = processing()
    d.refresh_from_db()
    version = d.lock_version
    payload = {"assignee_id": people["specialist"].pk, "expected_version": version, **change}
    if payload["assignee_id"] == "officer":
        payload["assignee_id"] = people["officer"].pk
    client.force_login(people[who])
    response = client.post(f"/api/v1/dossiers/{d.code}/assign", payload, content_type="application/json")
    assert_error(response, status, code)
    d.refresh_from_db()
    assert d.lock_version == version and not assign_events().exists() and open_assignee(d) is None


def test_the_assignees_are_only_for_who_may_assign(client, people, processing):
    d = processing()
    client.force_login(people["specialist"])
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/assignees"), 403, "action_not_allowed")
    client.force_login(people["commune_officer"])
    assert_error(client.get(f"/api/v1/dossiers/{d.code}/assignees"), 404, "dossier_not_found")


def test_bulk_assignment_reports_each_dossier(client, people, processing):
    first, second, waiting = processing(), processing(), processing(route=False)
    client.force_login(people["head"])
    staff = client.get("/api/v1/assignments/assignees").json()
    assert people["specialist"].pk in [u["id"] for u in staff]
    payload = {
        "dossiers": [first.code, second.code.lower(), waiting.code, "H56.40-260302-9999", first.code],
        "assignee_id": people["specialist"].pk,
    }
    response = client.post("/api/v1/assignments", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assigned"] == [first.code, second.code]
    assert [(r["dossier"], r["code"]) for r in body["refused"]] == [(waiting.code, "invalid_transition")]
    assert body["refused"][0]["message"] and body["not_found"] == ["H56.40-260302-9999"]
    assert open_assignee(first) == open_assignee(second) == people["specialist"]
    assert assign_events().count() == 2


def test_bulk_refusals_assign_nothing(client, people, processing):
    d = processing()
    url = "/api/v1/assignments"
    client.force_login(people["head"])
    outsider = {"dossiers": [d.code], "assignee_id": people["officer"].pk}  # not on the head's staff
    assert_error(client.post(url, outsider, content_type="application/json"), 422, "assignee_invalid")
    for bad in ({"dossiers": [], "assignee_id": people["specialist"].pk},
                {"dossiers": [d.code] * 201, "assignee_id": people["specialist"].pk},
                {"dossiers": [d.code]}):  # fmt: skip
        assert_error(client.post(url, bad, content_type="application/json"), 422, "request_invalid")
    client.force_login(people["officer"])  # leads no unit: nobody to assign to
    assert client.get(f"{url}/assignees").json() == []
    ok = {"dossiers": [d.code], "assignee_id": people["specialist"].pk}
    assert_error(client.post(url, ok, content_type="application/json"), 422, "assignee_invalid")
    client.force_login(people["citizen"])
    assert_error(client.post(url, ok, content_type="application/json"), 403, "staff_only")
    assert not assign_events().exists()


def test_a_key_needs_the_scope_and_its_units(people, processing):
    d = processing()

    def key(operations, units):
        _key, raw = apikey_create(
            owner=people["head"], name="Hệ thống phân công", operations=operations,
            units=[OrgUnit.objects.get(code=c) for c in units], by=people["admin"],
        )  # fmt: skip
        return Client(headers={"Authorization": f"Bearer {raw}"})

    payload = {"assignee_id": people["specialist"].pk}
    reader = key(["dossiers:read"], ["H56.19"])
    assert_error(reader.post(f"/api/v1/dossiers/{d.code}/assign", payload, content_type="application/json"),
                 403, "api_key_scope")  # fmt: skip
    elsewhere = key(["dossiers:process"], ["H56.101"])
    assert_error(elsewhere.post(f"/api/v1/dossiers/{d.code}/assign", payload, content_type="application/json"),
                 404, "dossier_not_found")  # fmt: skip
    # Within its units the head leads nobody: the bulk assignment has nobody to give the steps to.
    bulk = elsewhere.post(
        "/api/v1/assignments", {**payload, "dossiers": [d.code]}, content_type="application/json"
    )
    assert_error(bulk, 422, "assignee_invalid")
    assert not assign_events().exists()
    own = key(["dossiers:process"], ["H56.19"])
    done = own.post(f"/api/v1/dossiers/{d.code}/assign", payload, content_type="application/json")
    assert done.status_code == 200, done.content
    assert open_assignee(d) == people["specialist"]
