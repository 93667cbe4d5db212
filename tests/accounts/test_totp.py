"""Staff second factor: TOTP (RFC 6238), enrolment, sign-in, replay, recovery codes, lockout, audit."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY

from motcua.accounts import totp
from motcua.accounts.demo import DEMO_PASSWORD
from motcua.accounts.models import AccountKind, RecoveryCode, TotpDevice, User
from motcua.accounts.selectors import user_requires_totp
from motcua.accounts.services import recovery_codes_remaining, totp_device_confirm, totp_device_start
from motcua.core.models import AuditEvent

from .conftest import (
    ENROL,
    LOGIN,
    TOTP_VERIFY,
    TWO_FACTOR,
    current_code,
    force_login,
    post_password,
    signed_in,
)

LEADER = "lanhdao.tnmt"  # agency leader: TOTP mandatory
SPECIALIST = "chuyenvien.tnmt"  # TOTP optional

# --- the algorithm ----------------------------------------------------------------------------------


RFC6238_SHA1 = [  # RFC 6238 Appendix B, SHA-1 rows (8 digits), key "12345678901234567890"
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "expected"), RFC6238_SHA1)
def test_rfc6238_test_vectors(at, expected):
    assert totp.totp(b"12345678901234567890", at, digits=8) == expected


def test_rfc4226_hotp_vectors():
    # RFC 4226 Appendix D: the first HOTP values of the same key, 6 digits.
    expected = ["755224", "287082", "359152", "969429", "338314"]
    assert [totp.hotp(b"12345678901234567890", c) for c in range(5)] == expected


def test_window_is_one_step_either_side():
    key = b"12345678901234567890"
    now = 1_700_000_015.0
    step = totp.time_step(now)
    for delta in (-1, 0, 1):
        assert totp.matching_step(key, totp.hotp(key, step + delta), at=now) == step + delta
    for delta in (-2, 2):
        assert totp.matching_step(key, totp.hotp(key, step + delta), at=now) is None
    assert totp.matching_step(key, "12345a", at=now) is None
    assert totp.matching_step(key, "", at=now) is None


def test_secret_is_160_bits_base32_and_uri_is_standard():
    secret = totp.new_secret()
    assert len(totp.secret_bytes(secret)) == 20
    uri = totp.provisioning_uri(secret=secret, account="lanhdao.tnmt", issuer="motcua")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/motcua%3Alanhdao.tnmt"
    query = parse_qs(parts.query)
    assert query == {
        "secret": [secret],
        "issuer": ["motcua"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }


def test_qr_is_an_svg_image():
    uri = totp.qr_svg_data_uri("otpauth://totp/x?secret=ABC")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(uri.split(",", 1)[1])


def test_sealed_secret_opens_only_with_the_key(settings):
    sealed = totp.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert totp.unseal(sealed) == "JBSWY3DPEHPK3PXP"
    # Rotation the Django way: the old key moves to SECRET_KEY_FALLBACKS and still opens old secrets.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-only-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert totp.unseal(sealed) == "JBSWY3DPEHPK3PXP"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError):
        totp.unseal(sealed)


def _sealed_by_the_first_release(secret: str, material: str) -> str:
    """How ``totp.seal`` sealed before ``motcua.core.sealing`` existed (its code, copied here on purpose)."""
    import hashlib

    from cryptography.fernet import Fernet

    digest = hashlib.sha256(b"motcua.accounts.totp.seal:" + material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest)).encrypt(secret.encode("ascii")).decode("ascii")


@pytest.mark.parametrize("totp_key", ["", "a-separate-totp-key-0123456789-abcdefghij"])
def test_secrets_sealed_by_the_first_release_still_open(settings, totp_key):
    settings.MOTCUA_TOTP_KEY = totp_key
    sealed = _sealed_by_the_first_release("JBSWY3DPEHPK3PXP", totp_key or settings.SECRET_KEY)
    assert totp.unseal(sealed) == "JBSWY3DPEHPK3PXP"
    # and after a key rotation, from the fallbacks
    old_key = settings.SECRET_KEY
    settings.MOTCUA_TOTP_KEY = ""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-brand-new-secret-key-0123456789-abcdef", [old_key]
    assert totp.unseal(_sealed_by_the_first_release("GEZDGNBVGY3TQOJQ", old_key)) == "GEZDGNBVGY3TQOJQ"


# --- who must use it --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "required"),
    [
        ("lanhdao.tnmt", True),  # agency leader
        ("lanhdao.hacthanh", True),
        ("truongphong.tnmt", True),  # division head
        ("quantri.tnmt", True),  # agency administrator
        ("quantri.tinh", True),  # province administrator, superuser
        ("motcua.tinh", False),  # one-stop officer
        ("chuyenvien.tnmt", False),  # specialist
        ("thanhtra", False),  # auditor (read only)
        ("congdan.hoa", False),  # citizen
    ],
)
def test_administrators_and_leaders_must_use_totp(demo_data, username, required):
    assert user_requires_totp(user=User.objects.get(username=username)) is required


@pytest.mark.django_db
def test_a_superuser_without_membership_must_use_totp():
    user = User.objects.create_superuser(
        username="root", password="x-Very-long-2026", email="", full_name="Root", kind=AccountKind.STAFF
    )
    assert user_requires_totp(user=user)


# --- enrolment --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMandatoryEnrolment:
    def test_leader_is_sent_to_enrolment_and_can_do_nothing_else(self, client, demo_data, totp_required):
        response = post_password(client, LEADER, DEMO_PASSWORD, next="/can-bo/")
        assert response.status_code == 302 and response["Location"] == ENROL
        assert not signed_in(client)
        # Nothing else is open to them: the staff shell still asks for a sign-in.
        shell = client.get("/can-bo/")
        assert shell.status_code == 302 and shell["Location"].startswith(LOGIN)
        assert client.get("/quan-tri/").status_code == 302

    def test_enrolment_shows_the_qr_and_the_secret_and_confirms_with_a_first_code(
        self, client, demo_data, totp_required, clock
    ):
        post_password(client, LEADER, DEMO_PASSWORD, next="/can-bo/")
        page = client.get(ENROL)
        html = page.content.decode()
        assert page.status_code == 200
        assert 'src="data:image/svg+xml;base64,' in html
        leader = User.objects.get(username=LEADER)
        device = TotpDevice.objects.get(user=leader)
        secret = totp.unseal(device.secret_sealed)
        assert totp.secret_for_display(secret) in html
        assert secret not in device.secret_sealed  # stored encrypted
        assert device.confirmed_at is None

        wrong = client.post(ENROL, {"code": "000000" if current_code(leader) != "000000" else "111111"})
        assert wrong.status_code == 200 and "không đúng" in wrong.content.decode()
        assert not signed_in(client)
        leader.refresh_from_db()
        assert leader.failed_login_count == 1

        done = client.post(ENROL, {"code": current_code(leader)})
        assert done.status_code == 200
        codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.content.decode())
        assert len(codes) == 10 and len(set(codes)) == 10
        assert 'href="/can-bo/"' in done.content.decode()  # then on to where they were going
        assert signed_in(client)
        device.refresh_from_db()
        assert device.confirmed_at is not None
        hashes = set(RecoveryCode.objects.filter(user=leader).values_list("code_hash", flat=True))
        assert len(hashes) == 10 and not hashes & set(codes)  # only hashes are stored
        assert AuditEvent.objects.filter(action="auth.totp_enrolled", object_id=str(leader.pk)).count() == 1
        leader.refresh_from_db()
        assert leader.failed_login_count == 0  # the completed sign-in resets it
        assert client.get("/can-bo/").status_code == 200

    def test_the_secret_is_not_shown_again_after_confirmation(self, client, demo_data, totp_required, clock):
        leader = User.objects.get(username=LEADER)
        device = totp_device_start(user=leader)
        secret = totp.unseal(device.secret_sealed)
        assert totp_device_confirm(user=leader, code=current_code(leader)) is not None
        force_login(client, leader)
        page = client.get(ENROL, follow=True)
        html = page.content.decode()
        assert page.redirect_chain[-1][0] == TWO_FACTOR
        assert totp.secret_for_display(secret) not in html and secret not in html

    def test_enrolment_page_needs_the_password_first(self, client, demo_data):
        response = client.get(ENROL)
        assert response.status_code == 302 and response["Location"] == LOGIN

    def test_without_enforcement_a_leader_signs_in_with_the_password(self, client, demo_data, settings):
        settings.MOTCUA_STAFF_TOTP_REQUIRED = False
        response = post_password(client, LEADER, DEMO_PASSWORD)
        assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_optional_staff_enrol_from_the_two_factor_page_and_are_then_asked(
    client, demo_data, totp_required, clock
):
    response = post_password(client, SPECIALIST, DEMO_PASSWORD)
    assert response.status_code == 302 and signed_in(client)  # optional: password is enough
    assert "Chưa bật" in client.get(TWO_FACTOR).content.decode()
    client.get(ENROL)
    specialist = User.objects.get(username=SPECIALIST)
    done = client.post(ENROL, {"code": current_code(specialist)})
    assert done.status_code == 200 and "Mã khôi phục" in done.content.decode()
    client.logout()
    clock.shift(seconds=30)
    response = post_password(client, SPECIALIST, DEMO_PASSWORD)
    assert response["Location"] == TOTP_VERIFY and not signed_in(client)


@pytest.mark.django_db
def test_citizens_have_no_two_factor_page(client, demo_data):
    client.force_login(User.objects.get(username="congdan.hoa"))
    assert client.get(TWO_FACTOR).status_code == 404
    assert client.get(ENROL).status_code == 404


# --- sign-in with a code ----------------------------------------------------------------------------


@pytest.fixture
def enrolled(demo_data, clock):
    """The leader with a confirmed authenticator and their recovery codes; the clock 30 s later."""
    leader = User.objects.get(username=LEADER)
    totp_device_start(user=leader)
    codes = totp_device_confirm(user=leader, code=current_code(leader))
    assert codes is not None
    clock.shift(seconds=30)
    return leader, codes


@pytest.mark.django_db
class TestSignInWithCode:
    def test_password_then_code(self, client, enrolled, totp_required):
        leader, _codes = enrolled
        response = post_password(client, LEADER, DEMO_PASSWORD, next="/can-bo/")
        assert response.status_code == 302 and response["Location"] == TOTP_VERIFY
        assert not signed_in(client)
        page = client.get(TOTP_VERIFY)
        assert "ứng dụng xác thực" in page.content.decode()
        done = client.post(TOTP_VERIFY, {"code": current_code(leader)})
        assert done.status_code == 302 and done["Location"] == "/can-bo/"
        assert client.session[SESSION_KEY] == str(leader.pk)
        assert AuditEvent.objects.filter(action="auth.totp_succeeded", object_id=str(leader.pk)).count() == 1

    def test_asked_even_when_enforcement_is_off(self, client, enrolled, settings):
        settings.MOTCUA_STAFF_TOTP_REQUIRED = False  # an enrolled account always gives its code
        response = post_password(client, LEADER, DEMO_PASSWORD)
        assert response["Location"] == TOTP_VERIFY and not signed_in(client)

    def test_wrong_code_is_refused_counted_and_audited(self, client, enrolled, totp_required):
        leader, _codes = enrolled
        post_password(client, LEADER, DEMO_PASSWORD)
        wrong = str((int(current_code(leader)) + 1) % 1_000_000).zfill(6)
        response = client.post(TOTP_VERIFY, {"code": wrong})
        assert response.status_code == 200
        assert "Mã xác thực không đúng hoặc đã hết hạn" in response.content.decode()
        assert not signed_in(client)
        leader.refresh_from_db()
        assert leader.failed_login_count == 1
        event = AuditEvent.objects.get(action="auth.totp_failed", object_id=str(leader.pk))
        assert event.data["reason"] == "wrong"

    def test_replayed_code_is_refused(self, client, enrolled, totp_required):
        leader, _codes = enrolled
        code = current_code(leader)
        post_password(client, LEADER, DEMO_PASSWORD)
        assert client.post(TOTP_VERIFY, {"code": code}).status_code == 302
        client.logout()
        post_password(client, LEADER, DEMO_PASSWORD)
        again = client.post(TOTP_VERIFY, {"code": code})  # same code, same 30-second window
        assert again.status_code == 200 and not signed_in(client)
        assert "Mã xác thực không đúng hoặc đã hết hạn" in again.content.decode()
        assert AuditEvent.objects.filter(action="auth.totp_failed", data__reason="replayed").count() == 1

    def test_the_enrolment_code_cannot_be_replayed_to_sign_in(self, client, demo_data, totp_required, clock):
        leader = User.objects.get(username=LEADER)
        totp_device_start(user=leader)
        code = current_code(leader)
        assert totp_device_confirm(user=leader, code=code) is not None
        post_password(client, LEADER, DEMO_PASSWORD)
        assert client.post(TOTP_VERIFY, {"code": code}).status_code == 200
        assert not signed_in(client)

    def test_recovery_code_signs_in_once(self, client, enrolled, totp_required):
        leader, codes = enrolled
        post_password(client, LEADER, DEMO_PASSWORD)
        response = client.post(TOTP_VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
        assert signed_in(client)
        assert "mã khôi phục; còn 9 mã" in response.content.decode()
        assert recovery_codes_remaining(user=leader) == 9
        event = AuditEvent.objects.get(action="auth.recovery_code_used", object_id=str(leader.pk))
        assert event.data == {"remaining": 9}
        client.logout()
        post_password(client, LEADER, DEMO_PASSWORD)
        assert client.post(TOTP_VERIFY, {"code": codes[3]}).status_code == 200
        assert not signed_in(client)

    def test_wrong_codes_lock_the_account_and_a_right_password_does_not_reset_the_count(
        self, client, enrolled, totp_required
    ):
        leader, _codes = enrolled
        wrong = str((int(current_code(leader)) + 7) % 1_000_000).zfill(6)
        post_password(client, LEADER, DEMO_PASSWORD)
        for _ in range(3):
            client.post(TOTP_VERIFY, {"code": wrong})
        # Starting over with the right password must not wipe the three failures.
        post_password(client, LEADER, DEMO_PASSWORD)
        leader.refresh_from_db()
        assert leader.failed_login_count == 3
        client.post(TOTP_VERIFY, {"code": wrong})
        locked = client.post(TOTP_VERIFY, {"code": wrong}, follow=True)
        assert "Tài khoản tạm khóa" in locked.content.decode()
        assert locked.redirect_chain[-1][0] == LOGIN
        leader.refresh_from_db()
        assert leader.is_locked()
        lock = AuditEvent.objects.get(action="auth.account_locked", object_id=str(leader.pk))
        assert lock.data["cause"] == "auth.totp_failed"
        # Locked: the right password and the right code no longer get in.
        again = post_password(client, LEADER, DEMO_PASSWORD)
        assert again.status_code == 200 and "Tài khoản tạm khóa" in again.content.decode()
        assert client.post(TOTP_VERIFY, {"code": current_code(leader)}).status_code == 302
        assert not signed_in(client)

    def test_code_page_without_a_password_step_goes_back_to_sign_in(self, client, enrolled):
        response = client.post(TOTP_VERIFY, {"code": "123456"})
        assert response.status_code == 302 and response["Location"] == LOGIN

    def test_pending_sign_in_expires_after_ten_minutes(self, client, enrolled, totp_required, clock):
        leader, _codes = enrolled
        post_password(client, LEADER, DEMO_PASSWORD)
        clock.shift(minutes=10, seconds=1)
        response = client.post(TOTP_VERIFY, {"code": current_code(leader)})
        assert response.status_code == 302 and response["Location"] == LOGIN
        assert not signed_in(client)

    def test_pending_sign_in_is_void_after_a_password_change(self, client, enrolled, totp_required):
        leader, _codes = enrolled
        post_password(client, LEADER, DEMO_PASSWORD)
        leader.set_password("Mot-mat-khau-khac-2026")
        leader.save()
        response = client.post(TOTP_VERIFY, {"code": current_code(leader)})
        assert response.status_code == 302 and not signed_in(client)

    def test_demo_mode_shows_the_current_code_production_does_not(self, client, enrolled, settings):
        leader, _codes = enrolled
        post_password(client, LEADER, DEMO_PASSWORD)
        settings.MOTCUA_DEMO, settings.DEBUG = True, False
        assert current_code(leader) in client.get(TOTP_VERIFY).content.decode()
        settings.MOTCUA_DEMO = False
        assert current_code(leader) not in client.get(TOTP_VERIFY).content.decode()


# --- sessions opened around the sign-in views -------------------------------------------------------


@pytest.mark.django_db
class TestSecondFactorGuard:
    def test_session_opened_without_the_code_is_ended(self, client, demo_data, totp_required):
        client.force_login(User.objects.get(username=LEADER))  # e.g. Django's admin login form
        response = client.get("/can-bo/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert not signed_in(client)
        assert AuditEvent.objects.filter(
            action="auth.session_ended", data__reason="second_factor_missing"
        ).exists()

    def test_enrolled_optional_staff_are_guarded_too(self, client, demo_data, clock):
        specialist = User.objects.get(username=SPECIALIST)
        totp_device_start(user=specialist)
        totp_device_confirm(user=specialist, code=current_code(specialist))
        client.force_login(specialist)
        assert client.get("/can-bo/").status_code == 302 and not signed_in(client)

    def test_sessions_without_a_second_factor_need_stay(self, client, demo_data, totp_required):
        client.force_login(User.objects.get(username="motcua.tinh"))
        assert client.get("/can-bo/").status_code == 200
        assert client.get("/can-bo/").status_code == 200

    def test_admin_login_form_goes_to_the_site_sign_in(self, client):
        response = client.get("/quan-tri/login/?next=/quan-tri/accounts/user/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=/quan-tri/accounts/user/"


# --- the two-factor page and the administrator's reset ----------------------------------------------


@pytest.mark.django_db
class TestTwoFactorPage:
    def _sign_in(self, client, user, clock):
        post_password(client, user.username, DEMO_PASSWORD)
        assert client.post(TOTP_VERIFY, {"code": current_code(user)}).status_code == 302
        clock.shift(seconds=30)

    def test_regenerate_recovery_codes_needs_a_code(self, client, enrolled, totp_required, clock):
        leader, old_codes = enrolled
        self._sign_in(client, leader, clock)
        page = client.get(TWO_FACTOR).content.decode()
        assert "Còn 10 mã khôi phục" in page and "Tắt xác thực hai bước" not in page  # mandatory: no opt-out
        refused = client.post(TWO_FACTOR, {"action": "regenerate", "regenerate-code": "000000"})
        assert refused.status_code == 200 and "không đúng" in refused.content.decode()
        done = client.post(TWO_FACTOR, {"action": "regenerate", "regenerate-code": current_code(leader)})
        new_codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.content.decode())
        assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
        assert AuditEvent.objects.filter(action="auth.recovery_codes_regenerated").count() == 1

    def test_leaders_cannot_switch_it_off(self, client, enrolled, totp_required, clock):
        leader, _codes = enrolled
        self._sign_in(client, leader, clock)
        response = client.post(TWO_FACTOR, {"action": "disable", "disable-code": current_code(leader)})
        assert response.status_code == 400
        assert TotpDevice.objects.filter(user=leader).exists()

    def test_optional_staff_can_switch_it_off_with_a_code(self, client, demo_data, totp_required, clock):
        specialist = User.objects.get(username=SPECIALIST)
        totp_device_start(user=specialist)
        totp_device_confirm(user=specialist, code=current_code(specialist))
        clock.shift(seconds=30)
        self._sign_in(client, specialist, clock)
        response = client.post(TWO_FACTOR, {"action": "disable", "disable-code": current_code(specialist)})
        assert response.status_code == 302
        assert not TotpDevice.objects.filter(user=specialist).exists()
        assert not RecoveryCode.objects.filter(user=specialist).exists()
        assert AuditEvent.objects.filter(action="auth.totp_removed", data__by_self=True).count() == 1

    def test_administrator_removes_a_lost_authenticator(self, client, enrolled, clock):
        leader, _codes = enrolled
        admin_user = User.objects.get(username="quantri.tinh")
        force_login(client, admin_user)
        response = client.post(
            "/quan-tri/accounts/user/",
            {"action": "remove_authenticator", "_selected_action": [leader.pk]},
            follow=True,
        )
        assert response.status_code == 200
        assert not TotpDevice.objects.filter(user=leader).exists()
        event = AuditEvent.objects.get(action="auth.totp_removed")
        assert event.actor_id == admin_user.pk and event.object_id == str(leader.pk)


@pytest.mark.django_db
def test_staff_without_membership_who_mistype_many_codes_in_enrolment_are_locked(
    client, totp_required, clock
):
    root = User.objects.create_superuser(
        username="root", password=DEMO_PASSWORD, email="", full_name="Root", kind=AccountKind.STAFF
    )
    post_password(client, "root", DEMO_PASSWORD)
    client.get(ENROL)
    wrong = str((int(current_code(root)) + 3) % 1_000_000).zfill(6)
    for _ in range(4):
        client.post(ENROL, {"code": wrong})
    response = client.post(ENROL, {"code": wrong}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN and "Tài khoản tạm khóa" in response.content.decode()
    root.refresh_from_db()
    assert root.is_locked()
