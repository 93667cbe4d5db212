import datetime as dt
import json
from pathlib import Path

import pytest

from motcua.accounts.models import AccountKind, User
from tests.notifications import fakes

PHONE = "0912345678"
PHONE_E164 = "+84912345678"
DUE = dt.datetime(2026, 3, 20, 1, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Ho_Chi_Minh


def make_user(username, **extra):
    fields = {"kind": AccountKind.CITIZEN, "full_name": f"Nguyễn Văn {username.title()}", **extra}
    return User.objects.create_user(username=username, password="Mat-khau-rat-manh-2026", **fields)


def received_context(**overrides):
    context = {
        "code": "H56-260313-0001",
        "procedure_name": "Đăng ký khai sinh",
        "due_at": DUE,
        "status_url": "http://testserver/ho-so/H56-260313-0001/",
    }
    context.update(overrides)
    return context


def sms_lines(directory: Path) -> list[dict]:
    lines = []
    for path in sorted(directory.glob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return lines


@pytest.fixture
def citizen(db):
    return make_user("an", email="an@example.vn", phone=PHONE)


@pytest.fixture
def sms_dir(settings, tmp_path):
    directory = tmp_path / "sms"
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.FileSmsBackend"
    settings.MOTCUA_SMS_FILE_DIR = str(directory)
    return directory


@pytest.fixture
def failing_sms(settings):
    fakes.CALLS.clear()
    settings.MOTCUA_SMS_BACKEND = "tests.notifications.fakes.FailingSmsBackend"
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 4
    settings.MOTCUA_NOTIFY_RETRY_BASE_SECONDS = 60
    settings.MOTCUA_NOTIFY_RETRY_MAX_SECONDS = 3600
    return fakes.CALLS
