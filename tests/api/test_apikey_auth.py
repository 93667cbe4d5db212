"""API keys through HTTP: the key acts as its owner, narrowed to its operations and units; refusals are
401/403/429 in ``{code, message}`` and change nothing; every keyed request leaves one usage row."""

import datetime as dt
import json
import logging
import re

import pytest
from django.test import Client

from motcua.accounts.models import AccountKind, ApiKey, ApiKeyUse, Membership, Role, User
from motcua.accounts.services_apikeys import apikey_create, apikey_revoke
from motcua.api.auth import ApiKeyAuth
from motcua.api.dossiers import router as dossiers_router
from motcua.api.payments import router as payments_router
from motcua.dossiers import services as s
from motcua.dossiers.access import dossier_can, dossier_visible_queryset, dossier_visible_to
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services.components import dossier_component_attach
from motcua.org.models import OrgUnit
from tests.portal.conftest import pdf_file, png_file, submitted, vn

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"
ALL_DOSSIER_OPERATIONS = [
    "dossiers:read",
    "dossiers:apply",
    "dossiers:process",
    "payments:read",
    "payments:write",
]


@pytest.fixture
def system(people):
    """The system account of a client: a one-stop officer at the provincial centre and at phường Hạc Thành."""
    user = User.objects.create_user(
        username="hethong.lgsp", password=None, kind=AccountKind.STAFF, full_name="Hệ thống LGSP"
    )
    for code in ("H56.40", "H56.101"):
        Membership.objects.create(user=user, org_unit=OrgUnit.objects.get(code=code), role=Role.ONE_STOP_OFFICER,
                                  valid_from=dt.date(2025, 7, 1))  # fmt: skip
    return user


def make_key(owner, people, *, units=("H56.101",), operations=("dossiers:read", "dossiers:process"), **extra):
    key, raw = apikey_create(
        owner=owner,
        name="Cổng LGSP",
        operations=list(operations),
        units=[OrgUnit.objects.get(code=c) for c in units],
        by=people["admin"],
        **extra,
    )
    return key, raw


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, path, data=None, raw=None, **extra):
    """POST JSON, with the key as a bearer token when one is given (else the session, if any)."""
    headers = bearer(raw) if raw is not None else {}
    return client.post(f"{BASE}{path}", data or {}, content_type="application/json", **headers, **extra)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code and body["message"], body
    return body


@pytest.fixture
def two_dossiers(people, version, clock):
    """One dossier submitted online at the provincial centre (H56.40), one at phường Hạc Thành (H56.101)."""
    clock(vn(2026, 3, 2, 9, 0))
    centre = submitted(people, version)
    applicant = people["citizen2"]
    draft = s.dossier_create_draft(
        applicant=applicant,
        procedure_version=version,
        receiving_point=OrgUnit.objects.get(code="H56.101"),
        address="5 Trần Phú",
    )
    for component in draft.components.filter(required=True):
        dossier_component_attach(dossier=draft, actor=applicant, component_id=component.pk, upload=pdf_file())
    commune = s.dossier_submit(dossier=draft, applicant=applicant)
    return centre, commune


def component_ids(dossier):
    return list(dossier.components.values_list("pk", flat=True))


def test_a_key_reads_and_acts_on_its_units_dossiers(client, people, system, two_dossiers):
    _centre, commune = two_dossiers
    _key, raw = make_key(system, people)
    listing = client.get(BASE, **bearer(raw))
    assert listing.status_code == 200, listing.content
    assert [i["code"] for i in listing.json()["items"]] == [commune.code]  # the centre's dossier is absent
    got = client.get(f"{BASE}/{commune.code}", **bearer(raw))
    assert got.status_code == 200 and got.json()["receiving_point_code"] == "H56.101"
    # The key acts as its owner, an officer of the commune's one-stop point: it may receive there.
    body = post(client, f"/{commune.code}/receive", {"checked_component_ids": component_ids(commune)}, raw)
    assert body.status_code == 200, body.content
    assert body.json()["status"] == "received"
    assert DossierEvent.objects.filter(dossier=commune, action="receive", actor=system).exists()


def test_a_key_without_units_reaches_what_its_owner_reaches(client, people, system, two_dossiers):
    centre, commune = two_dossiers
    _key, raw = make_key(system, people, units=())
    listing = client.get(BASE, {"page": 1}, HTTP_X_API_KEY=raw)  # the other header
    assert {i["code"] for i in listing.json()["items"]} == {centre.code, commune.code}


#: A body each operation on one dossier accepts, so that the request reaches the view (no 422 first).
BODIES = {
    ("PUT", "/{ref}"): {"form_data": {}},
    ("POST", "/{ref}/submit"): {},
    ("POST", "/{ref}/supplement"): {},
    ("POST", "/{ref}/withdraw"): {"reason": "Không cần nữa"},
    ("POST", "/{ref}/receive"): {"checked_component_ids": []},
    ("POST", "/{ref}/refuse"): {"reason": "Thiếu giấy tờ"},
    ("POST", "/{ref}/route"): {},
    ("POST", "/{ref}/forward"): {"to_step": "B2"},
    ("POST", "/{ref}/send-back"): {"to_step": "B1", "note": "Xem lại"},
    ("POST", "/{ref}/request-supplement"): {"reason": "Thiếu", "items": ["Sơ đồ"]},
    ("POST", "/{ref}/suspend"): {"reason": "Chờ", "legal_basis": "Điều 1"},
    ("POST", "/{ref}/resume"): {},
    ("POST", "/{ref}/apologise"): {"reason": "Chậm", "new_due_at": "2026-04-01T10:00:00+07:00"},
    ("POST", "/{ref}/decide"): {"decision": "approved"},
    ("POST", "/{ref}/return"): {"method": "counter"},
    ("GET", "/{ref}"): None,
    ("GET", "/{ref}/payment"): None,
    ("POST", "/{ref}/payment/vnpay"): {},
    ("POST", "/{ref}/components/{component_id}"): "file",
}


def dossier_operations():
    """Every (method, path) of the dossier and payment routers that addresses one dossier."""
    found = set()
    for router in (dossiers_router, payments_router):
        for path, view in router.path_operations.items():
            if "{ref}" in path:
                for operation in view.operations:
                    found |= {(method, path) for method in operation.methods}
    return found


def test_every_operation_on_a_dossier_is_covered_here():
    assert dossier_operations() == set(BODIES)


def test_a_key_for_one_unit_gets_404_on_another_units_dossier_everywhere(
    client, people, system, two_dossiers
):
    centre, _commune = two_dossiers
    _key, raw = make_key(system, people, operations=ALL_DOSSIER_OPERATIONS)
    unknown = assert_error(client.get(f"{BASE}/H56.40-260302-9999", **bearer(raw)), 404, "dossier_not_found")
    before = Dossier.objects.filter(pk=centre.pk).values("status", "lock_version").get()
    events = DossierEvent.objects.filter(dossier=centre).count()
    component = centre.components.first()
    for (method, path), body in BODIES.items():
        url = BASE + path.replace("{ref}", centre.code).replace("{component_id}", str(component.pk))
        if body == "file":
            response = client.post(url, {"file": png_file()}, **bearer(raw))
        elif method == "GET":
            response = client.get(url, **bearer(raw))
        else:
            response = client.generic(method, url, json.dumps(body), "application/json", **bearer(raw))
        assert assert_error(response, 404, "dossier_not_found") == unknown, (method, path)
    # The owner could have received it (officer at H56.40): nothing happened through the key.
    assert Dossier.objects.filter(pk=centre.pk).values("status", "lock_version").get() == before
    assert DossierEvent.objects.filter(dossier=centre).count() == events
    component.refresh_from_db()
    assert component.original_name == "don-de-nghi.pdf"
    # The same owner through a session still reaches it.
    client.force_login(system)
    assert client.get(f"{BASE}/{centre.code}").status_code == 200


def test_the_access_rules_themselves_see_only_the_keys_units(rf, people, system, two_dossiers):
    """Defence in depth: a router that forgets the key helpers still goes through the access rules, which
    see the owner of a keyed request narrowed to the key's units."""
    centre, commune = two_dossiers
    _key, raw = make_key(system, people)
    owner = ApiKeyAuth("dossiers:read")(rf.get(BASE, HTTP_AUTHORIZATION=f"Bearer {raw}"))
    assert owner == system
    assert list(dossier_visible_queryset(owner)) == [commune]
    assert dossier_visible_to(owner, commune) and not dossier_visible_to(owner, centre)
    assert dossier_can(owner, commune, "receive") and not dossier_can(owner, centre, "receive")
    # The same account loaded for another request (a session) keeps its whole reach.
    fresh = User.objects.get(pk=system.pk)
    assert set(dossier_visible_queryset(fresh)) == {centre, commune} and dossier_can(fresh, centre, "receive")


def test_an_operation_outside_the_key_is_403_and_changes_nothing(client, people, system, two_dossiers):
    _centre, commune = two_dossiers
    _key, raw = make_key(system, people, operations=["dossiers:read"])
    assert client.get(f"{BASE}/{commune.code}", **bearer(raw)).status_code == 200
    refused = post(client, f"/{commune.code}/receive", {"checked_component_ids": component_ids(commune)}, raw)
    body = assert_error(refused, 403, "api_key_scope")
    assert "dossiers:process" in body["message"]
    assert_error(client.get(f"{BASE}/{commune.code}/payment", **bearer(raw)), 403, "api_key_scope")
    commune.refresh_from_db()
    assert commune.status == "awaiting_intake" and commune.lock_version == 1


def test_a_key_limited_to_units_applies_only_there(client, people, version, clock):
    clock(vn(2026, 3, 2, 9, 0))
    business = people["business"]
    _key, raw = make_key(business, people, operations=["dossiers:read", "dossiers:apply"])
    draft = {"procedure_code": "1.009999", "address": "1 Lê Lợi", "form_data": {}}
    refused = post(client, "", {**draft, "receiving_point_code": "H56.40"}, raw)
    assert_error(refused, 403, "api_key_scope")
    assert not Dossier.objects.filter(applicant=business).exists()
    created = post(client, "", {**draft, "receiving_point_code": "H56.101"}, raw)
    assert created.status_code == 201, created.content
    assert Dossier.objects.get(applicant=business).receiving_point.code == "H56.101"


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "wrong_secret", "malformed", "empty"])
def test_bad_keys_are_401_and_change_nothing(client, people, system, two_dossiers, clock, how):
    _centre, commune = two_dossiers
    key, raw = make_key(system, people, expires_at=clock.moment + dt.timedelta(days=1))
    presented = {
        "revoked": raw,
        "expired": raw,
        "unknown": "mc_live_00000000_" + raw.split("_", 3)[-1],
        "wrong_secret": raw[:-6] + ("abcdef" if not raw.endswith("abcdef") else "ABCDEF"),
        "malformed": "hello",
        "empty": "",
    }[how]
    if how == "revoked":
        apikey_revoke(key=key, by=people["admin"])
    if how == "expired":
        clock.shift(days=1)
    code = "api_key_expired" if how == "expired" else "api_key_invalid"
    assert_error(client.get(BASE, **bearer(presented)), 401, code)
    refused = post(
        client, f"/{commune.code}/receive", {"checked_component_ids": component_ids(commune)}, presented
    )
    assert assert_error(refused, 401, code) and refused["WWW-Authenticate"].startswith("Bearer")
    commune.refresh_from_db()
    assert commune.status == "awaiting_intake"
    # A bad key is refused even alongside a valid session: the key decides alone.
    client.force_login(system)
    assert_error(client.get(BASE, HTTP_X_API_KEY=presented), 401, code)


def test_no_credentials_is_401_in_the_api_shape(client, version):
    refused = client.get(BASE)
    assert_error(refused, 401, "not_authenticated")
    assert refused["WWW-Authenticate"] == 'Bearer realm="motcua"'  # the challenge, without an error
    assert refused.json()["message"] == "Cần đăng nhập hoặc gửi khóa API để dùng chức năng này."
    english = client.get(BASE, HTTP_ACCEPT_LANGUAGE="en")
    assert_error(english, 401, "not_authenticated")
    assert english.json()["message"] != refused.json()["message"]  # in the request's language


def test_rate_limit_429_with_retry_after_then_the_next_window(client, people, system, two_dossiers, clock):
    _centre, commune = two_dossiers
    _key, raw = make_key(system, people, rate_per_minute=3)
    clock(vn(2026, 3, 2, 10, 0, 10))
    for _ in range(3):
        assert client.get(f"{BASE}/{commune.code}", **bearer(raw)).status_code == 200
    limited = client.get(f"{BASE}/{commune.code}", **bearer(raw))
    assert_error(limited, 429, "rate_limited")
    assert limited["Retry-After"] == "50"
    clock.shift(seconds=49)
    assert client.get(f"{BASE}/{commune.code}", **bearer(raw)).status_code == 429
    clock.shift(seconds=1)  # 10:01:00, the next window
    assert client.get(f"{BASE}/{commune.code}", **bearer(raw)).status_code == 200
    # Another key of the same owner has its own budget.
    _other, other_raw = make_key(system, people, rate_per_minute=3)
    assert client.get(BASE, **bearer(other_raw)).status_code == 200


def test_usage_rows_for_every_keyed_request_without_query_strings(client, people, system, two_dossiers):
    centre, commune = two_dossiers
    key, raw = make_key(system, people)
    client.get(
        BASE, {"q": commune.code, "status": "awaiting_intake"}, REMOTE_ADDR="203.0.113.7", **bearer(raw)
    )
    client.get(f"{BASE}/{centre.code}", {"lang": "vi"}, **bearer(raw))
    post(client, f"/{commune.code}/refuse", {"reason": "Thiếu"}, raw)  # the commune's officer may refuse
    client.get(f"{BASE}/{commune.code}/payment", **bearer(raw))  # out of scope
    client.get(BASE, **bearer("mc_live_00000000_" + "A" * 43))  # unknown key
    client.force_login(system)
    assert client.get(BASE).status_code == 200  # session: no row

    rows = list(ApiKeyUse.objects.order_by("pk"))
    assert [(r.method, r.path, r.status) for r in rows] == [
        ("GET", BASE, 200),
        ("GET", f"{BASE}/{centre.code}", 404),
        ("POST", f"{BASE}/{commune.code}/refuse", 200),
        ("GET", f"{BASE}/{commune.code}/payment", 403),
        ("GET", BASE, 401),
    ]
    assert all("?" not in r.path and "awaiting" not in r.path and "lang" not in r.path for r in rows)
    assert [r.key_id for r in rows] == [key.pk] * 4 + [None]
    assert [r.operation for r in rows] == ["dossiers:read", "dossiers:read", "dossiers:process", "payments:read",
                                           "dossiers:read"]  # fmt: skip
    assert [r.error_code for r in rows] == ["", "", "", "api_key_scope", "api_key_invalid"]
    assert rows[0].client_ip == "203.0.113.7" and rows[0].prefix == key.prefix
    assert rows[4].prefix == "mc_live_00000000"
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_session_auth_still_works_and_a_key_needs_no_csrf_token(people, system, two_dossiers):
    _centre, commune = two_dossiers
    session = Client(enforce_csrf_checks=True)
    session.force_login(people["commune_officer"])
    assert session.get(f"{BASE}/{commune.code}").status_code == 200
    assert post(session, f"/{commune.code}/refuse", {"reason": "x"}).status_code == 403  # CSRF still required
    _key, raw = make_key(system, people)
    keyed = Client(enforce_csrf_checks=True)
    refused = post(keyed, f"/{commune.code}/refuse", {"reason": "Thiếu tờ khai"}, raw)
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert not ApiKeyUse.objects.filter(key=None).exists()


def test_public_endpoints_ignore_a_key(client, people, system, version):
    for headers in [bearer("junk"), bearer(make_key(system, people)[1])]:
        assert client.get("/api/v1/procedures", **headers).status_code == 200
        assert client.get("/api/v1/org-units", **headers).status_code == 200
    assert not ApiKeyUse.objects.exists()


def test_the_secret_never_reaches_the_logs(client, people, system, two_dossiers, caplog):
    _centre, commune = two_dossiers
    key, raw = make_key(system, people, operations=["dossiers:read"])
    secret = raw[len(key.prefix) + 1 :]
    caplog.set_level(logging.DEBUG)
    client.get(f"{BASE}/{commune.code}", **bearer(raw))
    post(client, f"/{commune.code}/receive", {"checked_component_ids": []}, raw)  # 403: logged
    client.get(BASE, **bearer(raw[:-1] + ("A" if raw[-1] != "A" else "B")))  # wrong secret: logged
    apikey_revoke(key=key, by=people["admin"])
    client.get(BASE, HTTP_X_API_KEY=raw)  # revoked: logged
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("API key refused")]
    assert len(warnings) == 3 and all(key.prefix in w for w in warnings), warnings
    assert "api_key_scope" in warnings[0] and "api_key_invalid" in warnings[2]
    everything = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in everything and secret[:20] not in everything and raw not in everything
    # Nor the database, beyond the hash.
    assert not re.search(re.escape(secret[:20]), str(list(ApiKeyUse.objects.values()))), (
        "secret in usage rows"
    )


def test_openapi_documents_both_ways_in(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiKeyAuth"]["in"] == "header" and schemes["ApiKeyAuth"]["name"] == "X-API-Key"
    assert "SessionAuth" in schemes
    security = spec["paths"]["/api/v1/dossiers/{ref}/receive"]["post"]["security"]
    assert {"ApiKeyAuth": []} in security and {"SessionAuth": []} in security
