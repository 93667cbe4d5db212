"""No account enumeration: the same answer and the same work whether the account exists or not.

Timing is asserted through the work done (the password hasher runs on both paths, the reset email is
enqueued on both paths), never through wall-clock measurements.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from motcua.accounts.models import AccountKind, LoginThrottle

from .conftest import make_user, post_password

pytestmark = pytest.mark.django_db


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


@pytest.fixture
def accounts():
    make_user("canbo", kind=AccountKind.STAFF, email="canbo@thanhhoa.gov.vn")
    make_user("038095001234", personal_id="038095001234", phone="0912345678", email="hoa@example.vn")


@pytest.mark.parametrize(
    ("known", "unknown"),
    [
        ("canbo", "khongco"),
        ("038095001234", "038095009999"),
        ("0912345678", "0912000000"),
        ("hoa@example.vn", "ai-do@example.vn"),
    ],
)
def test_wrong_password_and_unknown_account_get_the_same_answer(client, accounts, known, unknown):
    a = post_password(client, known, "sai-mat-khau")
    b = post_password(client, unknown, "sai-mat-khau")
    assert a.status_code == b.status_code == 200
    assert errors(a) == errors(b) and errors(a)
    assert "không đúng" in errors(a)[0]


def test_the_unknown_account_path_runs_the_password_hasher(client, accounts):
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as spy:
        post_password(client, "khongco", "sai-mat-khau")
        unknown_calls = spy.call_count
        spy.reset_mock()
        post_password(client, "canbo", "sai-mat-khau")
        known_calls = spy.call_count
        spy.reset_mock()
        post_password(client, "038095009999", "mat-khau-go-vao")
        typed = spy.call_args.args[1]
    assert unknown_calls == known_calls == 1
    assert typed == "mat-khau-go-vao"  # the dummy check hashes what was typed, like a real check


def test_unknown_identifiers_lock_like_real_accounts(client, accounts, settings):
    settings.MOTCUA_LOGIN_MAX_FAILURES = 3
    known = [post_password(client, "canbo", "sai") for _ in range(4)]
    unknown = [post_password(client, "khongco", "sai") for _ in range(4)]
    assert [errors(r) for r in known] == [errors(r) for r in unknown]
    assert "Tài khoản tạm khóa" in errors(unknown[-1])[0]
    assert LoginThrottle.objects.count() == 1
    assert "khongco" not in LoginThrottle.objects.get().key  # a keyed hash, not the identifier


def test_a_phone_number_in_two_spellings_is_one_identifier(client, accounts, settings):
    settings.MOTCUA_LOGIN_MAX_FAILURES = 2
    post_password(client, "0912000000", "sai")
    locked = post_password(client, "+84 912 000 000", "sai")
    assert "Tài khoản tạm khóa" in errors(locked)[0]


def test_throttle_rows_are_pruned_after_a_day(client, accounts, clock):
    post_password(client, "khongco", "sai")
    clock.shift(days=1, seconds=1)
    post_password(client, "khong-co-nua", "sai")
    assert LoginThrottle.objects.count() == 1


@pytest.mark.parametrize("email", ["canbo@thanhhoa.gov.vn", "khong-co@thanhhoa.gov.vn"])
def test_forgot_password_does_the_same_work_either_way(client, accounts, email):
    with mock.patch("motcua.accounts.tasks.password_reset_send") as task:
        response = client.post("/tai-khoan/quen-mat-khau/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    assert task.enqueue.call_count == 1  # one task either way; the email leaves from the worker
    user_ids = task.enqueue.call_args.args[0]
    assert (user_ids != []) == (email == "canbo@thanhhoa.gov.vn")
    assert mail.outbox == []


def test_forgot_password_pages_are_identical(client, accounts):
    a = client.post("/tai-khoan/quen-mat-khau/", {"email": "canbo@thanhhoa.gov.vn"}, follow=True)
    b = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong-co@thanhhoa.gov.vn"}, follow=True)
    assert a.redirect_chain == b.redirect_chain
    assert without_csrf(a.content) == without_csrf(b.content)
    assert len(mail.outbox) == 1  # sent by the task (run at once in tests), to the real account only


def test_reset_task_puts_no_token_in_its_arguments(client, accounts):
    with mock.patch("motcua.accounts.tasks.password_reset_send") as task:
        client.post("/tai-khoan/quen-mat-khau/", {"email": "canbo@thanhhoa.gov.vn"})
    args = task.enqueue.call_args.args
    assert args[1:3] == ("testserver", False)
    assert all(not isinstance(a, str) or "/" not in a or a.endswith(".txt") for a in args)
