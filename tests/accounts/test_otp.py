"""Citizens: phone/email/personal ID + password, then a one-time code by SMS or email."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.accounts.models import AccountKind, OneTimeCode, User
from motcua.core.models import AuditEvent
from motcua.notifications.channels import sms

from .conftest import LOGIN, OTP_VERIFY, make_user, post_password, signed_in, sms_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return make_user("038095001234", personal_id="038095001234", phone="0912345678", email="hoa@example.vn")


def test_personal_id_password_then_sms_code(client, citizen, citizen_otp):
    response = post_password(client, "038095001234", next="/ho-so-cua-toi/")
    assert response.status_code == 302 and response["Location"] == OTP_VERIFY
    assert not signed_in(client)
    assert len(sms.outbox) == 1
    message = sms.outbox[0]
    assert message["phone"] == "+84912345678"
    assert "Ma xac thuc dang nhap" in message["message"]  # SMS without diacritics (GSM-7)
    (code,) = sms_codes()
    row = OneTimeCode.objects.get(user=citizen)
    assert code not in row.code_hash  # stored hashed
    page = client.get(OTP_VERIFY).content.decode()
    assert "•••••••678" in page and "0912345678" not in page  # masked
    done = client.post(OTP_VERIFY, {"code": code})
    assert done.status_code == 302 and done["Location"] == "/ho-so-cua-toi/"
    assert signed_in(client)
    assert AuditEvent.objects.filter(action="auth.otp_sent", data__channel="sms").count() == 1
    assert AuditEvent.objects.filter(action="auth.otp_succeeded", object_id=str(citizen.pk)).count() == 1
    assert AuditEvent.objects.get(action="auth.login_succeeded").data == {"factor": "otp"}


@pytest.mark.parametrize("identifier", ["0912345678", "+84 912 345 678", "84912345678", "HOA@example.vn"])
def test_phone_or_email_identify_the_citizen(client, citizen, citizen_otp, identifier):
    response = post_password(client, identifier)
    assert response.status_code == 302 and response["Location"] == OTP_VERIFY
    client.post(OTP_VERIFY, {"code": sms_codes()[-1]})
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_phone_and_email_sign_in_without_otp_when_it_is_off(client, citizen):
    response = post_password(client, "0912345678")
    assert response.status_code == 302 and signed_in(client)
    assert sms.outbox == []


def test_a_phone_shared_by_two_accounts_names_neither(client, citizen, citizen_otp):
    make_user("038095004321", personal_id="038095004321", phone="+84912345678")
    response = post_password(client, "0912345678")
    assert response.status_code == 200 and "không đúng" in response.content.decode()
    assert post_password(client, "038095004321").status_code == 302  # the personal ID still works


def test_staff_cannot_sign_in_by_email(client, citizen_otp):
    make_user("canbo", kind=AccountKind.STAFF, email="canbo@thanhhoa.gov.vn")
    response = post_password(client, "canbo@thanhhoa.gov.vn")
    assert response.status_code == 200 and not signed_in(client)


def test_code_by_email_when_there_is_no_phone(client, citizen_otp):
    make_user("038095007777", personal_id="038095007777", email="binh@example.vn")
    post_password(client, "038095007777")
    assert sms.outbox == [] and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["binh@example.vn"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    assert "Mã xác thực đăng nhập" in mail.outbox[0].body
    assert "b•••@example.vn" in client.get(OTP_VERIFY).content.decode()
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 302 and signed_in(client)


def test_no_phone_and_no_email_cannot_finish(client, citizen_otp):
    make_user("038095008888", personal_id="038095008888")
    response = post_password(client, "038095008888", follow=True)
    assert "chưa có số điện thoại hoặc email" in response.content.decode()
    assert not signed_in(client)


def test_business_accounts_get_a_code_staff_do_not(client, citizen_otp):
    make_user("0100109106", kind=AccountKind.BUSINESS, tax_code="0100109106", phone="0237 3852 345")
    assert post_password(client, "0100109106")["Location"] == OTP_VERIFY
    client.logout()
    make_user("canbo", kind=AccountKind.STAFF, phone="0912000111")
    response = post_password(client, "canbo")
    assert response["Location"] != OTP_VERIFY and signed_in(client)


def test_wrong_code_same_message_and_counts_toward_lockout(client, citizen, citizen_otp):
    post_password(client, "038095001234")
    (code,) = sms_codes()
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    for attempt in range(1, 5):
        response = client.post(OTP_VERIFY, {"code": wrong})
        assert response.status_code == 200
        assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
        citizen.refresh_from_db()
        assert citizen.failed_login_count == attempt
    locked = client.post(OTP_VERIFY, {"code": wrong}, follow=True)
    assert locked.redirect_chain[-1][0] == LOGIN and "Tài khoản tạm khóa" in locked.content.decode()
    citizen.refresh_from_db()
    assert citizen.is_locked()
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 4
    # Locked: signing in again sends nothing.
    assert "Tài khoản tạm khóa" in post_password(client, "038095001234").content.decode()
    assert len(sms.outbox) == 1
    assert AuditEvent.objects.get(action="auth.account_locked").data["cause"] == "auth.otp_failed"


def test_five_attempts_per_code(client, citizen, citizen_otp, settings):
    settings.MOTCUA_LOGIN_MAX_FAILURES = 50  # only the code's own limit is tested here
    post_password(client, "038095001234")
    (code,) = sms_codes()
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        client.post(OTP_VERIFY, {"code": wrong})
    response = client.post(OTP_VERIFY, {"code": code})
    assert response.status_code == 200 and not signed_in(client)
    assert OneTimeCode.objects.get(user=citizen).attempts == 5


def test_code_expires_after_five_minutes(client, citizen, citizen_otp, clock):
    post_password(client, "038095001234")
    (code,) = sms_codes()
    clock.shift(minutes=5, seconds=1)
    response = client.post(OTP_VERIFY, {"code": code})
    assert response.status_code == 200 and not signed_in(client)
    assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()


def test_code_works_just_before_it_expires(client, citizen, citizen_otp, clock):
    post_password(client, "038095001234")
    (code,) = sms_codes()
    clock.shift(minutes=4, seconds=59)
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 302 and signed_in(client)


def test_code_works_only_once(client, citizen, citizen_otp, clock):
    post_password(client, "038095001234")
    (code,) = sms_codes()
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 302 and signed_in(client)
    client.logout()
    post_password(client, "038095001234")  # too soon for a new code: the used one is still the newest
    assert len(sms.outbox) == 1
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 200
    assert not signed_in(client)


def test_sends_are_rate_limited(client, citizen, citizen_otp, clock):
    post_password(client, "038095001234")
    assert len(sms.outbox) == 1
    soon = client.post(OTP_VERIFY, {"resend": "1"}, follow=True)
    assert len(sms.outbox) == 1
    assert "có thể yêu cầu mã mới sau" in soon.content.decode()
    for expected in (2, 3, 4, 5):
        clock.shift(seconds=61)
        client.post(OTP_VERIFY, {"resend": "1"})
        assert len(sms.outbox) == expected
    clock.shift(seconds=61)
    too_many = client.post(OTP_VERIFY, {"resend": "1"}, follow=True)
    assert len(sms.outbox) == 5
    assert "quá nhiều mã" in too_many.content.decode()
    # Only the newest code counts.
    first, *_middle, last = sms_codes()
    if first != last:
        assert client.post(OTP_VERIFY, {"code": first}).status_code == 200
    assert client.post(OTP_VERIFY, {"code": last}).status_code == 302


def test_the_hourly_limit_frees_up(client, citizen, citizen_otp, clock):
    post_password(client, "038095001234")
    for _ in range(5):
        clock.shift(seconds=61)
        client.post(OTP_VERIFY, {"resend": "1"})
    assert len(sms.outbox) == 5
    clock.shift(minutes=60)
    post_password(client, "038095001234")
    assert len(sms.outbox) == 6


def test_failed_gateway_voids_the_code(client, citizen, citizen_otp, settings):
    settings.MOTCUA_SMS_BACKEND = "tests.accounts.test_otp.BrokenSms"
    response = post_password(client, "038095001234", follow=True)
    assert "Chưa gửi được mã xác thực" in response.content.decode()
    assert OneTimeCode.objects.get(user=citizen).used_at is not None
    assert AuditEvent.objects.filter(action="auth.otp_send_failed").count() == 1


class BrokenSms:
    def send(self, *, phone, message, reference):
        raise OSError("gateway down")


def test_dev_file_backend_holds_the_code(client, citizen, citizen_otp, settings, tmp_path):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.FileSmsBackend"
    settings.MOTCUA_SMS_FILE_DIR = str(tmp_path)
    post_password(client, "038095001234")
    (path,) = tmp_path.glob("sms-*.jsonl")
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    code = re.search(r"\b(\d{6})\b", line["message"]).group(1)
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 302 and signed_in(client)


def test_demo_notice_shows_the_code_only_in_demo_or_debug(client, citizen, citizen_otp, settings):
    settings.MOTCUA_DEMO, settings.DEBUG = False, False
    post_password(client, "038095001234")
    (code,) = sms_codes()
    assert code not in client.get(OTP_VERIFY).content.decode()
    client.logout()
    settings.MOTCUA_DEMO = True
    citizen2 = make_user("038095002222", personal_id="038095002222", phone="0987654321")
    post_password(client, citizen2.username)
    html = client.get(OTP_VERIFY).content.decode()
    assert "Bản trình diễn" in html and sms_codes()[-1] in html


def test_the_demo_citizen_can_sign_in_like_a_newcomer(client, demo_data, citizen_otp, settings):
    """`make run`: demo mode, OTP on — the code is on the page (and in var/sms)."""
    settings.MOTCUA_DEMO = True
    login_page = client.get(LOGIN).content.decode()
    assert "Bản trình diễn" in login_page
    response = post_password(client, "038195001234", DEMO_PASSWORD, follow=True)
    html = response.content.decode()
    code = re.search(r'class="demo-code">(\d{6})<', html).group(1)
    assert client.post(OTP_VERIFY, {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="congdan.hoa").pk)


def test_the_default_settings_ask_citizens_for_a_code():
    from config.settings import base

    assert base.MOTCUA_CITIZEN_OTP is True and base.MOTCUA_STAFF_TOTP_REQUIRED is True
    assert (base.MOTCUA_IDLE_MINUTES_ADMIN, base.MOTCUA_IDLE_MINUTES_STAFF) == (5, 15)


def test_no_resend_for_an_account_locked_meanwhile(client, citizen, citizen_otp, clock):
    import datetime as dt

    post_password(client, "038095001234")
    User.objects.filter(pk=citizen.pk).update(locked_until=clock.moment + dt.timedelta(minutes=15))
    clock.shift(seconds=61)
    response = client.post(OTP_VERIFY, {"resend": "1"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert len(sms.outbox) == 1
