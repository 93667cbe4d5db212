"""Sign-in with VNeID through the Django test client against the fake provider: start → the fake's authorize
page → callback → signed in. Accounts made, found, filled or refused; linking from a signed-in account; and
every way a callback is refused (state, replayed code, forged or stale ID tokens, unknown key, cancel), each
leaving nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.core.models import AuditEvent
from motcua.core.validators import mst_check_digit
from motcua.integrations.vneid import client as client_module
from motcua.notifications.channels import sms
from motcua.portal.views_vneid import FLOW_KEY
from tests.integrations.vneid.helpers import (
    AN,
    CALLBACK,
    HA,
    HOA,
    LINK,
    LOGIN,
    START,
    begin,
    cancel,
    choose,
    local,
    query,
    sign_in,
    through_test_client,
    vneid,
)

__all__ = ["vneid"]

pytestmark = pytest.mark.django_db

REFUSED_STATE = "Phiên đăng nhập bằng VNeID không hợp lệ hoặc đã hết hạn"
REFUSED_TOKEN = "Thông tin xác thực nhận từ VNeID không hợp lệ"


def signed_in(client) -> User | None:
    key = client.session.get(SESSION_KEY)
    return User.objects.get(pk=key) if key else None


def citizen(username: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, password="Mat-khau-rat-manh-2026", kind=AccountKind.CITIZEN,
        full_name=extra.pop("full_name", "Công dân thử"), **extra,
    )  # fmt: skip
    return user


def force_login(client, user):
    client.force_login(user)
    session = client.session
    session["_motcua_factor"] = "password"
    session.save()


def snapshot() -> list[tuple]:
    """Every account as it stands (what "nothing changed" compares)."""
    return list(
        User.objects.order_by("pk").values_list(
            "pk", "username", "personal_id", "full_name", "birth_date", "phone"
        )
    )


def failures() -> list[str]:
    return [e.data["reason"] for e in AuditEvent.objects.filter(action="auth.vneid_failed").order_by("seq")]


# --- the button and the gate ----------------------------------------------------------------------------


def test_the_button_shows_only_when_vneid_is_on(client, settings):
    page = client.get(LOGIN).content.decode()
    assert "Đăng nhập bằng VNeID" not in page
    assert client.get(START).status_code == 404 and client.get(CALLBACK).status_code == 404
    assert client.get("/sandbox/vneid/.well-known/openid-configuration").status_code == 404
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "fake"}
    page = client.get(f"{LOGIN}?next=/ho-so-cua-toi/").content.decode()
    assert "Đăng nhập bằng VNeID" in page and 'href="/vneid/dang-nhap/?next=/ho-so-cua-toi/"' in page


def test_the_fake_backend_is_off_without_debug_or_demo(client, settings):
    settings.MOTCUA_VNEID = {**settings.MOTCUA_VNEID, "backend": "fake"}
    settings.DEBUG, settings.MOTCUA_DEMO = False, False
    assert "Đăng nhập bằng VNeID" not in client.get(LOGIN).content.decode()
    assert client.get(START).status_code == 404
    assert client.get("/sandbox/vneid/authorize").status_code == 404


# --- signing in -----------------------------------------------------------------------------------------


def test_first_sign_in_makes_a_citizen_account_from_the_claims(client, vneid, settings):
    settings.MOTCUA_CITIZEN_OTP = True  # a VNeID sign-in needs no one-time code on top
    sms_before = len(sms.outbox)  # the in-memory outbox is shared by the tests of one worker
    authorize = begin(client, next="/ho-so-cua-toi/")
    before = client.session.session_key
    assert client.session[FLOW_KEY]["mode"] == "signin"
    answer = client.get(local(choose(client, authorize, person=1)))
    assert answer.status_code == 302 and answer["Location"] == "/ho-so-cua-toi/"
    user = signed_in(client)
    assert user is not None and client.session.session_key != before  # Django's login(): a new key
    assert client.session["_motcua_factor"] == "vneid" and client.session["_motcua_idle"] == "citizen"
    assert FLOW_KEY not in client.session
    assert (user.personal_id, user.kind) == (AN.personal_id, AccountKind.CITIZEN)
    assert user.username.startswith("cd.") and AN.personal_id not in user.username  # never the ID
    assert (user.full_name, user.birth_date, user.phone) == (
        "Nguyễn Văn An",
        dt.date(1990, 7, 21),
        "+84915222333",
    )
    assert not user.has_usable_password()
    created = AuditEvent.objects.get(action="account.created_from_identity")
    assert created.object_id == str(user.pk) and created.data == {
        "provider": "vneid",
        "fields": ["birth_date", "phone"],
    }
    login = AuditEvent.objects.get(action="auth.login_succeeded")
    assert login.data == {"factor": "vneid"} and login.seq > created.seq
    assert len(sms.outbox) == sms_before and client.get("/ho-so-cua-toi/").status_code == 200


def test_a_second_sign_in_uses_the_same_account(client, vneid):
    sign_in(client, person=2)
    first = signed_in(client)
    client.post("/tai-khoan/dang-xuat/")
    assert signed_in(client) is None
    assert sign_in(client, person=2).status_code == 302
    assert signed_in(client) == first and User.objects.count() == 1
    assert AuditEvent.objects.filter(action="account.created_from_identity").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_succeeded").count() == 2


def test_an_existing_citizen_is_found_by_personal_id_and_keeps_what_they_typed(client, vneid):
    hoa = citizen("hoa.le", personal_id=HOA.personal_id, full_name="Lê Thị Hoa (Hạc Thành)")
    sign_in(client, person=0)
    assert signed_in(client) == hoa and User.objects.count() == 1
    hoa.refresh_from_db()
    assert hoa.full_name == "Lê Thị Hoa (Hạc Thành)"  # typed by the citizen: never overwritten
    assert (hoa.birth_date, hoa.phone) == (dt.date(1995, 3, 14), "+84912345678")  # empty: filled
    assert hoa.has_usable_password()  # the password still works too
    filled = AuditEvent.objects.get(action="account.identity_filled")
    assert filled.data == {"provider": "vneid", "fields": ["birth_date", "phone"]}


def test_an_account_with_nothing_to_fill_is_not_written(client, vneid):
    citizen("hoa.le", personal_id=HOA.personal_id, birth_date=dt.date(1995, 3, 14), phone="0912000000")
    before = snapshot()
    sign_in(client, person=0)
    assert snapshot() == before and not AuditEvent.objects.filter(action="account.identity_filled").exists()


def test_a_staff_account_with_that_personal_id_is_refused(client, vneid):
    staff = User.objects.create_user(username="chuyenvien.an", password="x" * 12, kind=AccountKind.STAFF,
                                     full_name="Nguyễn Văn An", personal_id=AN.personal_id)  # fmt: skip
    before = snapshot()
    answer = sign_in(client, person=1)
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "tài khoản cán bộ, công chức" in page and "mã xác thực" in page
    assert signed_in(client) is None and snapshot() == before
    assert failures() == ["identity_staff_account"]
    assert not AuditEvent.objects.filter(action="auth.login_succeeded").exists()
    assert staff.has_usable_password()


def test_a_business_account_with_that_personal_id_is_refused(client, vneid):
    tax_code = "280765432" + str(mst_check_digit("280765432"))
    User.objects.create_user(username=tax_code, password="x" * 12, kind=AccountKind.BUSINESS, tax_code=tax_code,
                             full_name="Công ty TNHH An Phát", personal_id=AN.personal_id)  # fmt: skip
    before = snapshot()
    answer = sign_in(client, person=1)
    assert answer.status_code == 403 and "tài khoản tổ chức, doanh nghiệp" in answer.content.decode()
    assert signed_in(client) is None and snapshot() == before


def test_where_to_go_next_must_be_on_this_site(client, vneid):
    assert sign_in(client, next="https://lua-dao.example/").get("Location") == "/"


# --- linking a signed-in account ----------------------------------------------------------------------------


def test_a_citizen_without_personal_id_links_vneid(client, vneid):
    user = citizen("0912000111", phone="+84912000111", full_name="Hà Trịnh", email="ha@example.vn")
    force_login(client, user)
    assert "Liên kết tài khoản VNeID" in client.get("/ho-so-cua-toi/").content.decode()
    assert client.get(LINK).status_code == 200
    session_before = client.session.session_key
    answer = client.get(local(choose(client, begin(client, LINK), person=2)))
    assert answer.status_code == 302 and answer["Location"] == LINK
    user.refresh_from_db()
    assert user.personal_id == HA.personal_id and user.username == "0912000111"
    assert (user.full_name, user.phone, user.birth_date) == ("Hà Trịnh", "+84912000111", dt.date(2001, 9, 5))
    assert signed_in(client) == user and client.session.session_key == session_before
    linked = AuditEvent.objects.get(action="account.identity_linked")
    assert linked.data == {
        "provider": "vneid",
        "fields": ["personal_id", "birth_date"],
        "confirmed_existing": False,
    }
    follow = client.get(LINK).content.decode()
    assert "Đã liên kết tài khoản với VNeID" in follow and "038••••••567" in follow
    assert "Liên kết tài khoản VNeID" not in client.get("/ho-so-cua-toi/").content.decode()
    # From now on VNeID signs this person in to this account.
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, person=2)
    assert signed_in(client) == user and User.objects.count() == 1


def test_linking_an_id_another_account_holds_is_refused(client, vneid):
    citizen(HA.personal_id, personal_id=HA.personal_id)
    user = citizen("0912000111", phone="+84912000111")
    force_login(client, user)
    before = snapshot()
    answer = client.get(local(choose(client, begin(client, LINK), person=2)))
    assert answer.status_code == 403
    assert "Số định danh này đã gắn với tài khoản khác" in answer.content.decode()
    assert snapshot() == before and signed_in(client) == user
    assert failures() == ["identity_taken"]


def test_a_citizen_with_a_personal_id_may_only_confirm_that_same_id(client, vneid):
    user = citizen("hoa", personal_id=HOA.personal_id)
    force_login(client, user)
    before = snapshot()
    answer = client.get(local(choose(client, begin(client, LINK), person=1)))  # Nguyễn Văn An's VNeID
    assert (
        answer.status_code == 403
        and "không khớp với số định danh của tài khoản này" in answer.content.decode()
    )
    assert snapshot() == before
    answer = client.get(local(choose(client, begin(client, LINK), person=0)))  # her own
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.personal_id == HOA.personal_id and user.birth_date == dt.date(1995, 3, 14)
    assert AuditEvent.objects.get(action="account.identity_linked").data["confirmed_existing"] is True


def test_only_citizens_have_a_link_page(client, vneid):
    assert client.get(LINK).status_code == 302  # anonymous: to the sign-in page
    staff = User.objects.create_user(
        username="motcua.an", password="x" * 12, kind=AccountKind.STAFF, full_name="An"
    )
    force_login(client, staff)
    assert client.get(LINK).status_code == 404 and client.post(LINK).status_code == 404


def test_a_link_callback_in_another_session_changes_nothing(client, vneid):
    user = citizen("0912000111")
    force_login(client, user)
    callback = choose(client, begin(client, LINK), person=2)
    other = citizen("0912000222")
    force_login(client, other)  # another account signed in meanwhile (the flow is gone with the old session)
    before = snapshot()
    answer = client.get(local(callback))
    assert answer.status_code == 400 and snapshot() == before


# --- refused callbacks ----------------------------------------------------------------------------------------


def test_a_different_state_is_refused_and_spends_the_flow(client, vneid):
    callback = choose(client, begin(client), person=1)
    forged = local(callback).replace(f"state={query(callback)['state']}", "state=trang-thai-gia")
    answer = client.get(forged)
    assert answer.status_code == 400 and REFUSED_STATE in answer.content.decode()
    assert signed_in(client) is None and User.objects.count() == 0
    assert FLOW_KEY not in client.session
    assert client.get(local(callback)).status_code == 400  # the real one is now refused too: single use
    assert User.objects.count() == 0 and vneid.count("token") == 0
    assert failures() == []  # only logged: an anonymous URL must not fill the audit chain


def test_a_callback_without_a_flow_is_refused(client, vneid, caplog):
    answer = client.get(f"{CALLBACK}?code=abc&state=xyz")
    assert answer.status_code == 400 and REFUSED_STATE in answer.content.decode()
    assert "VNeID callback refused: no pending state" in caplog.text
    assert client.get(f"{CALLBACK}?code=abc").status_code == 400


def test_a_flow_older_than_ten_minutes_is_refused(client, vneid):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        authorize = begin(client)
        traveller.shift(dt.timedelta(minutes=10, seconds=1))
        answer = client.get(local(choose(client, authorize, person=1)))
    assert answer.status_code == 400 and REFUSED_STATE in answer.content.decode()
    assert signed_in(client) is None and User.objects.count() == 0 and vneid.count("token") == 0


def test_a_replayed_code_is_refused(client, vneid):
    first = choose(client, begin(client), person=1)
    assert client.get(local(first)).status_code == 302
    client.post("/tai-khoan/dang-xuat/")
    begin(client)  # a fresh flow, whose state the replay carries
    state = client.session[FLOW_KEY]["state"]
    before = snapshot()
    answer = client.get(f"{CALLBACK}?code={query(first)['code']}&state={state}")
    assert answer.status_code == 400 and "đã dùng, đã hết hạn hoặc không hợp lệ" in answer.content.decode()
    assert signed_in(client) is None and snapshot() == before
    assert failures() == ["vneid_invalid_grant"]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("other_key", "vneid_id_token_signature"),
        ("wrong_audience", "vneid_id_token_audience"),
        ("wrong_issuer", "vneid_id_token_issuer"),
        ("wrong_nonce", "vneid_id_token_nonce"),
        ("no_nonce", "vneid_id_token_nonce"),
        ("expired", "vneid_id_token_expired"),
    ],
)
def test_an_id_token_that_fails_a_check_signs_no_one_in(client, vneid, behaviour, reason):
    vneid.plan(behaviour)
    answer = sign_in(client, person=1)
    assert answer.status_code == 400 and REFUSED_TOKEN in answer.content.decode()
    assert signed_in(client) is None and User.objects.count() == 0
    assert failures() == [reason] and vneid.count("userinfo") == 0


def test_an_unknown_key_is_looked_up_once_more_then_refused(client, vneid):
    sign_in(client, person=1)  # the keys are now cached
    client.post("/tai-khoan/dang-xuat/")
    assert vneid.count("jwks") == 1
    before = snapshot()
    vneid.plan("unknown_kid")
    answer = sign_in(client, person=1)
    assert answer.status_code == 400 and REFUSED_TOKEN in answer.content.decode()
    assert vneid.count("jwks") == 2  # fetched again once, still unknown
    assert signed_in(client) is None and snapshot() == before
    assert failures() == ["vneid_id_token_unknown_key"]


def test_a_rotated_key_is_fetched_and_accepted(client, vneid):
    sign_in(client, person=1)
    client.post("/tai-khoan/dang-xuat/")
    vneid.rotate_key()
    assert sign_in(client, person=1).status_code == 302 and signed_in(client) is not None
    assert vneid.count("jwks") == 2


def test_cancelling_at_vneid_goes_back_to_the_sign_in_page(client, vneid):
    callback = cancel(client, begin(client, next="/ho-so-cua-toi/"))
    assert query(callback)["error"] == "access_denied"
    answer = client.get(local(callback))
    assert answer.status_code == 302 and answer["Location"] == f"{LOGIN}?next=%2Fho-so-cua-toi%2F"
    assert [str(m) for m in get_messages(answer.wsgi_request)] == [
        "Bạn đã hủy đăng nhập bằng VNeID. Chưa có thay đổi nào."
    ]
    assert signed_in(client) is None and User.objects.count() == 0 and FLOW_KEY not in client.session
    assert vneid.count("token") == 0


def test_an_answer_naming_another_issuer_is_refused(client, vneid):
    callback = choose(client, begin(client), person=1)
    answer = client.get(local(callback).replace("iss=http", "iss=https"))
    assert answer.status_code == 400 and signed_in(client) is None and vneid.count("token") == 0
    assert failures() == ["vneid_issuer_mismatch"]


def test_a_provider_that_does_not_answer_gets_a_clear_page(client, vneid):
    vneid.plan("server_error")
    answer = sign_in(client, person=1)
    assert answer.status_code == 503 and "tạm thời không phản hồi" in answer.content.decode()
    assert signed_in(client) is None and failures() == ["vneid_unavailable"]


# --- the http backend: the same fake, over HTTP through the test client ---------------------------------------


def test_the_http_backend_signs_in_through_the_fake_over_http(client, vneid, settings, monkeypatch):
    settings.MOTCUA_VNEID = {
        **settings.MOTCUA_VNEID, "backend": "http", "sandbox": True, "issuer": "http://testserver/sandbox/vneid",
        "client_id": "motcua-h56-thu", "client_secret": "bí:mật%2026", "token_auth": "client_secret_post",
    }  # fmt: skip
    sent = []

    def recording(request):
        sent.append(request)
        return through_test_client(request)

    monkeypatch.setitem(client_module._transport_override, "value", recording)
    assert sign_in(client, person=3).status_code == 302
    assert signed_in(client).personal_id == "038072003456"
    assert [r.url.rsplit("/", 1)[-1] for r in sent] == ["openid-configuration", "token", "jwks", "userinfo"]
    assert vneid.state.token_auth_seen == ["client_secret_post"]
    token = sent[1]
    assert (
        b"client_secret=b%C3%AD%3Am%E1%BA%ADt%252026" in token.body and "Authorization" not in token.headers
    )
