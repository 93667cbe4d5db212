"""Helpers for the identity tests: accounts, the sign-in steps, codes read from the SMS outbox."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

from motcua.accounts import totp
from motcua.accounts.models import AccountKind, TotpDevice, User
from motcua.notifications.channels import sms

LOGIN = "/tai-khoan/dang-nhap/"
TOTP_VERIFY = "/tai-khoan/dang-nhap/ma-xac-thuc/"
OTP_VERIFY = "/tai-khoan/dang-nhap/ma-mot-lan/"
ENROL = "/tai-khoan/xac-thuc-hai-buoc/dang-ky/"
TWO_FACTOR = "/tai-khoan/xac-thuc-hai-buoc/"
PASSWORD = "Mat-khau-rat-manh-2026"
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 3, 16, 9, 0, 7, tzinfo=VN)


def make_user(username, kind=AccountKind.CITIZEN, password=PASSWORD, **extra):
    return User.objects.create_user(
        username=username, password=password, kind=kind, full_name=username, **extra
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def force_login(client, user, factor="totp"):
    """Sign in as if through the sign-in pages with ``factor`` (the second-factor guard then lets it be)."""
    client.force_login(user)
    session = client.session
    session["_motcua_factor"] = factor
    session.save()


def post_password(client, username, password=PASSWORD, follow=False, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, follow=follow)


def current_code(user, moment=None) -> str:
    device = TotpDevice.objects.get(user=user)
    secret = totp.secret_bytes(totp.unseal(device.secret_sealed))
    return totp.totp(secret, (moment or dt.datetime.now(tz=VN)).timestamp())


def sms_codes() -> list[str]:
    return [re.search(r"\b(\d{6})\b", m["message"]).group(1) for m in sms.outbox]


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def clock():
    """Frozen time that tests move by hand: ``clock.shift(minutes=5)``."""

    class Clock:
        def __init__(self) -> None:
            self.moment = START
            self.traveller = time_machine.travel(self.moment, tick=False)
            self.traveller.start()

        def shift(self, **delta):
            self.traveller.stop()
            self.moment = self.moment + dt.timedelta(**delta)
            self.traveller = time_machine.travel(self.moment, tick=False)
            self.traveller.start()
            return self.moment

    c = Clock()
    yield c
    c.traveller.stop()


@pytest.fixture
def totp_required(settings):
    settings.MOTCUA_STAFF_TOTP_REQUIRED = True
    return settings


@pytest.fixture
def citizen_otp(settings):
    settings.MOTCUA_CITIZEN_OTP = True
    return settings
