"""National registry look-ups over the API: a look-up with its purpose, the counter's applicant look-up, a
dossier's components taken from a registry. Every read reaches the person's access ledger as on the pages;
a refused request (not staff, no purpose, a bad number, a point or dossier the caller may not act on) asks
the registry nothing and logs nothing."""

import pytest
from django.test import Client

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_apikeys import apikey_create
from motcua.org.models import OrgUnit
from motcua.wallet.models import AccessEntry
from tests.integrations import conftest as integration_fixtures
from tests.integrations.conftest import counter_dossier

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registries"
id_version = integration_fixtures.id_version  # a procedure with an ID card and a business registration
BINH = "038088004321"  # Nguyễn Văn Bình, a demo citizen the fake registry knows


@pytest.fixture(autouse=True)
def _calls(monkeypatch):
    """Count what reaches the (fake) registries."""
    from motcua.integrations.registries import fake

    calls: list[str] = []
    for cls in (fake.FakePopulationRegistry, fake.FakeBusinessRegistry):
        original = cls.lookup

        def spy(self, key, *args, _original=original, **kwargs):
            calls.append(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(cls, "lookup", spy)
    return calls


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def lookups():
    return AccessEntry.objects.filter(kind="registry_lookup")


def test_a_lookup_with_its_purpose_is_answered_and_logged(client, people, _calls):
    client.force_login(people["auditor"])  # any staff member, with a stated purpose
    payload = {"key": BINH, "purpose": "Xác minh theo đơn phản ánh", "dossier_code": "h56.40-260302-0001"}
    response = post(client, f"{BASE}/lookup", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["registry"] == "population" and body["business"] is None and body["request_id"]
    assert body["person"]["full_name"] == "Nguyễn Văn Bình" and body["person"]["birth_date"] == "1988-11-02"
    entry = lookups().get()
    assert (entry.subject_key, entry.actor, entry.outcome) == (BINH, people["auditor"], "found")
    assert entry.purpose == "Xác minh theo đơn phản ánh" and entry.dossier_code == "H56.40-260302-0001"

    business = post(
        client, f"{BASE}/lookup", {"registry": "business", "key": "2801234564", "purpose": "Xác minh"}
    )
    assert business.status_code == 200 and business.json()["business"]["name"].endswith("Lam Sơn")
    assert _calls == [BINH, "2801234564"] and lookups().count() == 2


@pytest.mark.parametrize(
    ("payload", "status", "code", "asked"),
    [
        ({"key": "038099000404", "purpose": "Xác minh"}, 404, "registry_not_found", True),  # asked and logged
        ({"key": "038099000500", "purpose": "Xác minh"}, 503, "registry_unavailable", True),
        ({"key": BINH, "purpose": "   "}, 400, "registry_purpose_required", False),
        ({"key": "12345", "purpose": "Xác minh"}, 400, "registry_bad_key", False),
        ({"key": BINH}, 422, "request_invalid", False),
        ({"key": BINH, "purpose": "Xác minh", "registry": "tax"}, 422, "request_invalid", False),
    ],
)
def test_failures_and_refusals(client, people, _calls, payload, status, code, asked):
    client.force_login(people["officer"])
    assert_error(post(client, f"{BASE}/lookup", payload), status, code)
    assert bool(_calls) is asked and lookups().count() == (1 if asked else 0)
    if asked:
        assert lookups().get().outcome in ("not_found", "error")


def test_who_is_not_staff_asks_nothing(client, people, _calls):
    client.force_login(people["citizen"])
    assert_error(post(client, f"{BASE}/lookup", {"key": BINH, "purpose": "Tò mò"}), 403, "staff_only")
    nowhere = User.objects.create_user(username="canbo.nghi", password=None, kind=AccountKind.STAFF)
    client.force_login(nowhere)  # a staff account without a current unit, as on the page
    assert_error(
        post(client, f"{BASE}/lookup", {"key": BINH, "purpose": "Tò mò"}), 403, "registry_not_allowed"
    )
    client.logout()
    assert_error(post(client, f"{BASE}/lookup", {"key": BINH, "purpose": "Tò mò"}), 401, "not_authenticated")
    assert _calls == [] and not lookups().exists()


def test_the_counter_lookup_fills_the_applicant(client, people, _calls):
    client.force_login(people["officer"])
    payload = {"receiving_point_code": "H56.40", "personal_id": BINH, "procedure_code": "1.009999"}
    response = post(client, f"{BASE}/counter-lookup", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["name"], body["birth_date"]) == ("citizen", "Nguyễn Văn Bình", "1988-11-02")
    assert body["address"] and body["person"]["personal_id"] == BINH
    entry = lookups().get()
    assert entry.unit.code == "H56.40" and "1.009999" in entry.purpose

    assert_error(
        post(client, f"{BASE}/counter-lookup", {"receiving_point_code": "H56.40"}), 400, "registry_no_key"
    )
    elsewhere = {**payload, "receiving_point_code": "H56.101"}  # not one of the officer's points
    assert_error(post(client, f"{BASE}/counter-lookup", elsewhere), 403, "action_not_allowed")
    client.force_login(people["specialist"])  # no one-stop point at all
    assert_error(post(client, f"{BASE}/counter-lookup", payload), 403, "action_not_allowed")
    assert _calls == [BINH] and lookups().count() == 1


def test_a_component_is_taken_from_the_registry(client, people, id_version, _calls):
    dossier = counter_dossier(people, id_version)
    card = dossier.components.get(document_type="CCCD")
    client.force_login(people["officer"])
    listed = client.get(f"/api/v1/dossiers/{dossier.code}/registry-components")
    assert listed.status_code == 200, listed.content
    assert [(c["component_id"], c["registry"], c["has_key"]) for c in listed.json()] == [
        (card.pk, "population", True),
        (dossier.components.get(document_type="GCN_DKDN").pk, "business", False),
    ]
    assert _calls == []  # listing reads nobody

    response = post(client, f"/api/v1/dossiers/{dossier.code}/components/{card.pk}/registry-fetch", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["component"]["origin"] == "registry" and body["reference"].startswith("CSDLQG dân cư")
    entry = lookups().get()
    assert (entry.subject_key, entry.dossier_code, entry.actor) == (BINH, dossier.code, people["officer"])

    other = dossier.components.get(position=1)  # an application form: no registry stands in for it
    url = f"/api/v1/dossiers/{dossier.code}/components/{other.pk}/registry-fetch"
    assert_error(post(client, url, {}), 400, "registry_component_not_eligible")
    assert _calls == [BINH] and lookups().count() == 1


@pytest.mark.parametrize(("who", "status", "code"), [("specialist", 403, "action_not_allowed"),
                                                     ("auditor", 403, "action_not_allowed"),
                                                     ("commune_officer", 404, "dossier_not_found"),
                                                     ("citizen2", 403, "staff_only")])  # fmt: skip
def test_who_may_not_change_the_dossier_triggers_no_read(
    client, people, id_version, _calls, who, status, code
):
    dossier = counter_dossier(people, id_version)
    card = dossier.components.get(document_type="CCCD")
    client.force_login(people[who])
    assert_error(
        post(client, f"/api/v1/dossiers/{dossier.code}/components/{card.pk}/registry-fetch", {}), status, code
    )
    assert _calls == [] and not lookups().exists()
    card.refresh_from_db()
    assert card.origin != "registry"


def test_a_key_needs_the_scope_and_its_units(people, id_version, _calls):
    dossier = counter_dossier(people, id_version)
    card = dossier.components.get(document_type="CCCD")

    def key(operations, units):
        _key, raw = apikey_create(
            owner=people["officer"], name="Tra cứu", operations=operations,
            units=[OrgUnit.objects.get(code=c) for c in units], by=people["admin"],
        )  # fmt: skip
        return Client(headers={"Authorization": f"Bearer {raw}"})

    fetch = f"/api/v1/dossiers/{dossier.code}/components/{card.pk}/registry-fetch"
    assert_error(post(key(["dossiers:process"], ["H56.40"]), fetch, {}), 403, "api_key_scope")
    assert_error(post(key(["dossiers:process"], ["H56.40"]), f"{BASE}/lookup", {"key": BINH, "purpose": "x"}),
                 403, "api_key_scope")  # fmt: skip
    elsewhere = key(["registries:read"], ["H56.101"])
    assert_error(post(elsewhere, fetch, {}), 404, "dossier_not_found")
    assert_error(post(elsewhere, f"{BASE}/counter-lookup", {"receiving_point_code": "H56.40", "personal_id": BINH}),
                 403, "api_key_scope")  # fmt: skip
    assert _calls == [] and not lookups().exists()
    response = post(key(["registries:read"], ["H56.40"]), fetch, {})
    assert response.status_code == 200, response.content
    assert lookups().count() == 1
