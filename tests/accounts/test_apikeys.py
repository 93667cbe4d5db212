"""API keys through their services: create, rotate, revoke, expiry, hash-only storage, audit; and the admin."""

import datetime as dt
import hashlib
import json
import re

import pytest

from motcua.accounts.models import AccountKind, ApiKey, ApiKeyUse, Membership, Role, User
from motcua.accounts.services_apikeys import (
    KEY_PATTERN,
    ApiKeyInvalidInput,
    ApiKeyNotAllowed,
    ApiKeyWrongState,
    apikey_authenticate,
    apikey_check,
    apikey_create,
    apikey_revoke,
    apikey_rotate,
    apikey_use_record,
)
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(demo_data):
    return User.objects.get(username="quantri.tinh")  # province administrator


@pytest.fixture
def system(demo_data):
    """A staff "system account" of the one-stop centre, which client systems act as."""
    user = User.objects.create_user(
        username="hethong.lgsp", password=None, kind=AccountKind.STAFF, full_name="Hệ thống LGSP"
    )
    Membership.objects.create(
        user=user,
        org_unit=OrgUnit.objects.get(code="H56.40"),
        role=Role.ONE_STOP_OFFICER,
        valid_from=dt.date(2025, 7, 1),
    )
    return user


def create(system, admin, **overrides):
    args = {
        "owner": system,
        "name": "Cổng LGSP tỉnh",
        "operations": ["dossiers:read", "dossiers:process"],
        "units": [OrgUnit.objects.get(code="H56.40")],
        "rate_per_minute": None,
        "expires_at": None,
        "by": admin,
        **overrides,
    }
    return apikey_create(**args)


def audit_actions():
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_create_returns_the_key_once_and_stores_only_its_hash(system, admin, settings):
    settings.MOTCUA_API_KEY_RATE_PER_MINUTE = 77
    key, raw = create(system, admin)
    assert KEY_PATTERN.fullmatch(raw) and raw.startswith(key.prefix + "_")
    assert key.prefix.startswith("mc_live_") and len(key.prefix) == len("mc_live_ab12cd34")
    assert key.rate_per_minute == 77  # the setting's default
    assert key.created_by == admin and key.owner == system and key.is_active()
    assert [u.code for u in key.units.all()] == ["H56.40"]

    row = ApiKey.objects.filter(pk=key.pk).values().get()
    secret = raw.removeprefix(key.prefix + "_")
    stored = json.dumps(row, default=str)
    assert raw not in stored and secret not in stored
    assert row["secret_hash"] == hashlib.sha256(b"motcua.apikey:" + raw.encode()).hexdigest()

    event = AuditEvent.objects.get(action="apikey.created")
    assert event.actor_id == admin.pk and event.object_id == str(key.pk)
    assert event.data["prefix"] == key.prefix and event.data["units"] == ["H56.40"]
    assert event.data["operations"] == ["dossiers:read", "dossiers:process"]
    assert secret not in json.dumps(event.data) and row["secret_hash"] not in json.dumps(event.data)


def test_two_keys_never_share_a_prefix_or_a_secret(system, admin):
    (a, raw_a), (b, raw_b) = create(system, admin), create(system, admin)
    assert a.prefix != b.prefix and raw_a[len(a.prefix) :] != raw_b[len(b.prefix) :]


def test_authenticate_accepts_the_key_and_nothing_else(system, admin):
    key, raw = create(system, admin)
    assert apikey_authenticate(raw) == key
    assert apikey_authenticate(f"  {raw} ") == key  # stray spaces around a pasted key
    wrong_secret = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert apikey_check(wrong_secret).outcome == "unknown" and apikey_authenticate(wrong_secret) is None
    unknown_prefix = "mc_live_00000000_" + raw.split("_", 3)[-1]
    assert apikey_check(unknown_prefix).outcome == "unknown"
    for junk in ["", "mc_live_", key.prefix, raw + "x", "Bearer " + raw, None]:
        assert apikey_check(junk).outcome == "malformed" and apikey_authenticate(junk) is None


def test_expiry(system, admin, clock):
    key, raw = create(system, admin, expires_at=clock.moment + dt.timedelta(hours=1))
    assert apikey_authenticate(raw) == key
    clock.shift(minutes=59)
    assert apikey_authenticate(raw) == key
    clock.shift(minutes=1)
    assert apikey_check(raw).outcome == "expired" and apikey_authenticate(raw) is None


def test_a_key_cannot_be_born_expired(system, admin, clock):
    with pytest.raises(ApiKeyInvalidInput) as caught:
        create(system, admin, expires_at=clock.moment)
    assert caught.value.code == "expires_in_past" and not ApiKey.objects.exists()


def test_revoke_stops_the_key_now_and_is_audited_once(system, admin):
    key, raw = create(system, admin)
    apikey_revoke(key=key, by=admin)
    assert apikey_check(raw).outcome == "revoked" and apikey_authenticate(raw) is None
    apikey_revoke(key=key, by=admin)  # again: nothing changes
    assert audit_actions().count("apikey.revoked") == 1
    assert AuditEvent.objects.get(action="apikey.revoked").actor_id == admin.pk


def test_a_disabled_owner_disables_the_key(system, admin):
    _key, raw = create(system, admin)
    User.objects.filter(pk=system.pk).update(is_active=False)
    assert apikey_check(raw).outcome == "owner_inactive" and apikey_authenticate(raw) is None


def test_rotate_gives_a_new_key_with_the_same_scope_and_stops_the_old(system, admin, clock):
    tax = OrgUnit.objects.get(code="H56.52")
    key, raw = create(system, admin, units=[OrgUnit.objects.get(code="H56.40"), tax], rate_per_minute=30,
                      expires_at=clock.moment + dt.timedelta(days=365))  # fmt: skip
    clock.shift(days=100)
    new, new_raw = apikey_rotate(key=key, by=admin)
    assert new.pk != key.pk and new.prefix != key.prefix and new.rotated_from == key
    assert (new.owner, new.name, new.operations, new.rate_per_minute) == (
        key.owner, key.name, key.operations, key.rate_per_minute,
    )  # fmt: skip
    assert set(new.units.values_list("code", flat=True)) == {"H56.40", "H56.52"}
    assert new.expires_at == clock.moment + dt.timedelta(days=365)  # the same lifetime, from now
    assert apikey_authenticate(new_raw) == new and apikey_authenticate(raw) is None
    assert audit_actions()[-3:] == ["apikey.created", "apikey.created", "apikey.rotated"]
    rotated = AuditEvent.objects.get(action="apikey.rotated")
    assert rotated.data["prefix"] == key.prefix and rotated.data["new_prefix"] == new.prefix
    # The old key is spent: rotating it again (or revoking twice) does not fork the lineage.
    with pytest.raises(ApiKeyWrongState):
        apikey_rotate(key=key, by=admin)


def test_rotate_with_a_grace_period_keeps_the_old_key_until_then(system, admin, clock):
    key, raw = create(system, admin)
    new, new_raw = apikey_rotate(key=key, by=admin, grace_minutes=30)
    assert apikey_authenticate(raw) == key and apikey_authenticate(new_raw) == new
    with pytest.raises(ApiKeyWrongState) as caught:
        apikey_rotate(key=key, by=admin)
    assert caught.value.code == "api_key_rotated"
    clock.shift(minutes=30)
    assert apikey_check(raw).outcome == "revoked" and apikey_authenticate(new_raw) == new


def test_revoke_cuts_a_grace_period_short(system, admin, clock):
    key, raw = create(system, admin)
    apikey_rotate(key=key, by=admin, grace_minutes=60)
    apikey_revoke(key=key, by=admin)
    assert apikey_authenticate(raw) is None


def test_only_administrators_manage_keys_and_nothing_is_written(system, admin):
    specialist = User.objects.get(username="chuyenvien.tnmt")
    before = (ApiKey.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApiKeyNotAllowed) as caught:
        create(system, specialist)
    assert caught.value.http_status == 403 and caught.value.code == "not_administrator"
    assert (ApiKey.objects.count(), AuditEvent.objects.count()) == before

    key, raw = create(system, admin)
    with pytest.raises(ApiKeyNotAllowed):
        apikey_revoke(key=key, by=specialist)
    with pytest.raises(ApiKeyNotAllowed):
        apikey_rotate(key=key, by=specialist)
    assert apikey_authenticate(raw) == key and ApiKey.objects.count() == 1


def test_an_agency_administrator_cannot_mint_a_key_acting_as_the_province_administrator(system, admin):
    agency_admin = User.objects.get(username="quantri.tnmt")
    key, _raw = create(system, agency_admin)  # an ordinary system account: fine
    assert key.created_by == agency_admin
    with pytest.raises(ApiKeyNotAllowed) as caught:
        create(admin, agency_admin)
    assert caught.value.code == "owner_too_powerful"
    assert not ApiKey.objects.filter(owner=admin).exists()


@pytest.mark.parametrize(
    ("operations", "code"),
    [([], "operations_empty"), (["dossiers:read", "dossiers:delete"], "operations_unknown"),
     (["dossiers:read", "dossiers:read"], "operations_repeated")],
)  # fmt: skip
def test_operations_are_checked_against_the_list(system, admin, operations, code):
    with pytest.raises(ApiKeyInvalidInput) as caught:
        create(system, admin, operations=operations)
    assert caught.value.code == code and caught.value.http_status == 422
    assert not ApiKey.objects.exists() and "apikey.created" not in audit_actions()


@pytest.mark.parametrize(("rate", "name"), [(0, "Cổng"), (100_001, "Cổng"), (10, "   ")])
def test_rate_and_name_are_checked(system, admin, rate, name):
    with pytest.raises(ApiKeyInvalidInput):
        create(system, admin, rate_per_minute=rate, name=name)
    assert not ApiKey.objects.exists()


def test_usage_rows_and_last_used_at_at_most_once_a_minute(system, admin, clock):
    key, _raw = create(system, admin)
    common = {"prefix": key.prefix, "method": "GET", "path": "/api/v1/dossiers", "operation": "dossiers:read",
              "duration_ms": 3, "client_ip": "203.0.113.9"}  # fmt: skip
    apikey_use_record(key=key, status=200, authenticated=True, **common)
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first == clock.moment
    clock.shift(seconds=20)
    apikey_use_record(key=key, status=200, authenticated=True, **common)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first  # not rewritten within the minute
    clock.shift(seconds=40)
    apikey_use_record(key=key, status=403, error_code="api_key_scope", **common)  # refused: not a use
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    apikey_use_record(key=key, status=200, authenticated=True, **{**common, "client_ip": "not an ip"})
    assert ApiKey.objects.get(pk=key.pk).last_used_at == clock.moment
    assert list(ApiKeyUse.objects.order_by("pk").values_list("status", "client_ip")) == [
        (200, "203.0.113.9"), (200, "203.0.113.9"), (403, "203.0.113.9"), (200, None),
    ]  # fmt: skip


# --- the admin ----------------------------------------------------------------------------------------------


ADMIN = "/quan-tri/accounts/apikey/"


def shown_key(page):
    """The one key a page shows (the page after creating or rotating)."""
    found = re.findall(r"mc_[a-z]+_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", page)
    assert len(set(found)) == 1 and KEY_PATTERN.fullmatch(found[0]), found
    return found[0]


def test_admin_creates_a_key_and_shows_it_once_never_the_hash(client, system, admin):
    client.force_login(admin)
    response = client.post(
        f"{ADMIN}add/",
        {
            "name": "Cổng LGSP",
            "owner": system.pk,
            "operations": ["dossiers:read", "payments:read"],
            "units": [OrgUnit.objects.get(code="H56.40").pk],
            "rate_per_minute": 60,
        },
    )
    assert response.status_code == 200, response.content
    key = ApiKey.objects.get()
    page = response.content.decode()
    raw = shown_key(page)
    assert raw.startswith(key.prefix) and apikey_authenticate(raw) == key
    assert key.secret_hash not in page and "no-store" in response["Cache-Control"]
    assert set(key.units.values_list("code", flat=True)) == {"H56.40"} and key.created_by == admin
    assert AuditEvent.objects.filter(action="apikey.created", actor_id=admin.pk).count() == 1

    # Afterwards: the list and the key's page name it by its prefix, never show the key or its hash.
    for url in [ADMIN, f"{ADMIN}{key.pk}/change/"]:
        shown = client.get(url).content.decode()
        assert key.prefix in shown and raw not in shown and key.secret_hash not in shown


def test_admin_form_refuses_an_unknown_operation_and_writes_nothing(client, system, admin):
    client.force_login(admin)
    response = client.post(f"{ADMIN}add/", {"name": "X", "owner": system.pk, "operations": ["dossiers:delete"],
                                            "rate_per_minute": 60})  # fmt: skip
    assert response.status_code == 200 and not ApiKey.objects.exists()
    assert "dossiers:delete" in response.content.decode()  # named in the error


def test_admin_actions_rotate_and_revoke(client, system, admin):
    key, raw = create(system, admin)
    client.force_login(admin)
    response = client.post(ADMIN, {"action": "rotate_keys", "_selected_action": [key.pk]})
    assert response.status_code == 200
    new = ApiKey.objects.get(rotated_from=key)
    new_raw = shown_key(response.content.decode())
    assert apikey_authenticate(new_raw) == new and apikey_authenticate(raw) is None

    client.post(ADMIN, {"action": "revoke_keys", "_selected_action": [new.pk]})
    assert apikey_authenticate(new_raw) is None
    assert audit_actions().count("apikey.revoked") == 1


def test_usage_log_admin_is_read_only(client, system, admin):
    key, _raw = create(system, admin)
    apikey_use_record(key=key, prefix=key.prefix, method="GET", path="/api/v1/dossiers", operation="dossiers:read",
                      status=200, duration_ms=1, client_ip="127.0.0.1", authenticated=True)  # fmt: skip
    client.force_login(admin)
    listing = client.get("/quan-tri/accounts/apikeyuse/", {"key__id__exact": key.pk})
    assert listing.status_code == 200 and "/api/v1/dossiers" in listing.content.decode()
    use = ApiKeyUse.objects.get()
    assert client.get("/quan-tri/accounts/apikeyuse/add/").status_code == 403
    assert client.post(f"/quan-tri/accounts/apikeyuse/{use.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiKeyUse.objects.count() == 1


def test_back_office_page_lists_keys_with_their_use_in_the_last_24_hours(client, system, admin, clock):
    key, raw = create(system, admin)
    other, _other_raw = create(system, admin, name="Ứng dụng di động")
    apikey_revoke(key=other, by=admin)
    use = {"prefix": key.prefix, "method": "GET", "path": "/api/v1/dossiers", "operation": "dossiers:read",
           "duration_ms": 1, "client_ip": None}  # fmt: skip
    apikey_use_record(key=key, status=200, authenticated=True, **use)  # a day old: not counted
    clock.shift(hours=25)
    for status in (200, 200, 404, 429):
        apikey_use_record(key=key, status=status, authenticated=status < 400, **use)
    apikey_use_record(key=None, status=401, error_code="api_key_invalid", **{**use, "prefix": ""})

    client.force_login(admin)
    page = client.get("/can-bo/khoa-api/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cổng LGSP tỉnh" in text and key.prefix in text and other.prefix in text and "Đã thu hồi" in text
    rows = re.findall(
        r'data-label="Lượt dùng">(\d+)</td>\s*<td class="bo-num" data-label="Lỗi">(?:<strong>)?(\d+)', text
    )
    assert ("4", "2") in rows and ("0", "0") in rows
    assert "1 yêu cầu dùng khóa không hợp lệ" in text
    assert raw not in text and key.secret_hash not in text

    client.force_login(User.objects.get(username="chuyenvien.tnmt"))
    assert client.get("/can-bo/khoa-api/").status_code == 403
