"""Sessions: idle timeouts per class (clock moved by hand), absolute timeout, htmx and API answers, key renewal."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.accounts.models import User
from motcua.accounts.services import totp_device_confirm, totp_device_start
from motcua.core.models import AuditEvent

from .conftest import LOGIN, TOTP_VERIFY, current_code, post_password, signed_in

pytestmark = pytest.mark.django_db

EXPIRED = "Phiên làm việc đã hết hạn do không hoạt động"


@pytest.fixture
def idle_on(settings):
    settings.MOTCUA_IDLE_MINUTES_ADMIN = 5
    settings.MOTCUA_IDLE_MINUTES_STAFF = 15
    settings.MOTCUA_IDLE_MINUTES_CITIZEN = 30
    return settings


def session_key(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize(
    ("username", "path", "minutes"),
    [
        ("motcua.tinh", "/can-bo/", 15),  # one-stop officer
        ("lanhdao.tnmt", "/can-bo/", 15),  # leader: staff timeout
        ("quantri.tnmt", "/can-bo/", 5),  # agency administrator
        ("quantri.tinh", "/can-bo/", 5),  # province administrator
        ("congdan.hoa", "/ho-so-cua-toi/", 30),  # citizen (signs in with the personal ID too)
    ],
)
def test_idle_timeout_per_class(client, demo_data, idle_on, clock, username, path, minutes):
    assert post_password(client, username, DEMO_PASSWORD).status_code == 302 and signed_in(client)
    clock.shift(minutes=minutes)  # exactly the limit: still fine
    assert client.get(path).status_code == 200
    clock.shift(minutes=minutes, seconds=1)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next={path}"
    assert not signed_in(client)
    follow = client.get(response["Location"])
    assert EXPIRED in follow.content.decode() and f"quá {minutes} phút" in follow.content.decode()
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.data["reason"] == "idle" and event.data["minutes"] == minutes
    assert event.object_id == str(User.objects.get(username=username).pk)


def test_activity_keeps_the_session_alive(client, demo_data, idle_on, clock):
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    for _ in range(6):  # an hour of work, a request every ten minutes
        clock.shift(minutes=10)
        assert client.get("/can-bo/").status_code == 200
    assert signed_in(client)


def test_timeouts_are_configurable_and_zero_switches_them_off(client, demo_data, settings, clock):
    settings.MOTCUA_IDLE_MINUTES_STAFF = 2
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    clock.shift(minutes=2, seconds=1)
    assert client.get("/can-bo/").status_code == 302
    settings.MOTCUA_IDLE_MINUTES_STAFF = 0
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    clock.shift(hours=3)
    assert client.get("/can-bo/").status_code == 200


def test_absolute_timeout_even_when_active(client, demo_data, idle_on, settings, clock):
    settings.SESSION_COOKIE_AGE = 3600
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    for _ in range(5):
        clock.shift(minutes=10)
        assert client.get("/can-bo/").status_code == 200
    clock.shift(minutes=10, seconds=1)
    response = client.get("/can-bo/", follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "thời gian tối đa" in response.content.decode()
    assert AuditEvent.objects.get(action="auth.session_ended").data["reason"] == "absolute"


def test_htmx_request_gets_401_with_hx_redirect(client, demo_data, idle_on, clock):
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    clock.shift(minutes=16)
    response = client.get(
        "/can-bo/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/can-bo/ho-so/?trang=2"},
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == f"{LOGIN}?next=/can-bo/ho-so/%3Ftrang%3D2"
    assert EXPIRED in response.content.decode()
    assert not signed_in(client)


def test_htmx_from_another_site_is_not_a_next_target(client, demo_data, idle_on, clock):
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    clock.shift(minutes=16)
    response = client.get(
        "/can-bo/", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )
    assert response.status_code == 401 and response["HX-Redirect"] == LOGIN


def test_expired_post_is_not_replayed_after_sign_in(client, demo_data, idle_on, clock):
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    clock.shift(minutes=16)
    response = client.post("/can-bo/", {})
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_api_continues_as_anonymous(client, demo_data, idle_on, clock):
    post_password(client, "038195001234", DEMO_PASSWORD)
    assert client.get("/api/v1/dossiers").status_code == 200
    clock.shift(minutes=31)
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401  # the API's own answer, not a redirect
    assert not signed_in(client)


def test_anonymous_visitors_are_left_alone(client, idle_on, clock):
    assert client.get("/").status_code == 200
    clock.shift(hours=5)
    assert client.get("/").status_code == 200


# --- session renewal ---------------------------------------------------------------------------------


def _planted_session(client) -> str:
    session = client.session  # creates a session and its cookie, as a visitor's first page would
    session["planted"] = "x"
    session.save()
    return session.session_key


def test_password_sign_in_renews_the_session_key(client, demo_data):
    before = _planted_session(client)
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    assert signed_in(client) and session_key(client) != before


def test_two_step_sign_in_renews_the_key_at_each_step(client, demo_data, totp_required, clock):
    leader = User.objects.get(username="lanhdao.tnmt")
    totp_device_start(user=leader)
    totp_device_confirm(user=leader, code=current_code(leader))
    clock.shift(seconds=30)
    before = _planted_session(client)
    post_password(client, leader.username, DEMO_PASSWORD)
    pending = session_key(client)
    assert pending != before and not signed_in(client)
    client.post(TOTP_VERIFY, {"code": current_code(leader)})
    assert signed_in(client) and session_key(client) not in (before, pending)


def test_an_old_session_key_is_dead_after_sign_in(client, demo_data):
    before = _planted_session(client)
    post_password(client, "motcua.tinh", DEMO_PASSWORD)
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(before)
