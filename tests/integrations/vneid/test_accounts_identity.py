"""The accounts service behind a VNeID sign-in, called directly: what it writes in one transaction, and the
cases the HTTP tests do not reach (a username taken, an inactive account, a race on the personal ID)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from motcua.accounts import services_identity
from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_identity import (
    IdentityRefused,
    account_link_identity,
    account_sign_in_with_identity,
)
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HOA = {"personal_id": "038195001234", "full_name": "Lê Thị Hoa", "birth_date": dt.date(1995, 3, 14),
       "phone": "+84912345678", "provider": "vneid"}  # fmt: skip


def test_a_new_person_gets_a_citizen_account_without_a_password():
    user = account_sign_in_with_identity(**HOA)
    assert (user.personal_id, user.kind, user.full_name) == (
        HOA["personal_id"],
        AccountKind.CITIZEN,
        "Lê Thị Hoa",
    )
    assert user.username.startswith("cd.") and not any(c.isdigit() for c in user.username)  # never the ID
    assert not user.has_usable_password() and user.is_active
    assert (
        AuditEvent.objects.filter(action="account.created_from_identity", object_id=str(user.pk)).count() == 1
    )
    assert account_sign_in_with_identity(**HOA) == user and User.objects.count() == 1


def test_an_invalid_personal_id_is_refused_before_anything():
    with pytest.raises(IdentityRefused) as refused:
        account_sign_in_with_identity(**{**HOA, "personal_id": "12345"})
    assert refused.value.code == "identity_personal_id_invalid" and User.objects.count() == 0


def test_a_username_already_taken_by_another_account_is_refused():
    User.objects.create_user(
        username="038195001234", password="x" * 12, kind=AccountKind.STAFF, full_name="?"
    )
    with pytest.raises(IdentityRefused) as refused:
        account_sign_in_with_identity(**HOA)
    assert refused.value.code == "identity_username_taken" and User.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_an_inactive_citizen_is_refused():
    User.objects.create_user(username="hoa", password="x" * 12, kind=AccountKind.CITIZEN, full_name="Hoa",
                             personal_id="038195001234", is_active=False)  # fmt: skip
    with pytest.raises(IdentityRefused) as refused:
        account_sign_in_with_identity(**HOA)
    assert refused.value.code == "identity_account_inactive"


def test_a_superuser_citizen_kind_is_still_refused():
    User.objects.create_user(username="hoa", password="x" * 12, kind=AccountKind.CITIZEN, full_name="Hoa",
                             personal_id="038195001234", is_staff=True)  # fmt: skip
    with pytest.raises(IdentityRefused) as refused:
        account_sign_in_with_identity(**HOA)
    assert refused.value.code == "identity_staff_account"


def test_a_race_on_the_first_sign_in_ends_with_one_account(monkeypatch):
    """The other request inserts between our look-up and our insert: the unique constraint stops ours and
    we take theirs."""
    real = services_identity._sign_in
    calls = []

    def racing(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            User.objects.create_user(username="hoa.khac", password=None, kind=AccountKind.CITIZEN,
                                     full_name="Lê Thị Hoa", personal_id="038195001234")  # fmt: skip
            raise IntegrityError("duplicate key value violates unique constraint user_unique_personal_id")
        return real(**kwargs)

    monkeypatch.setattr(services_identity, "_sign_in", racing)
    user = account_sign_in_with_identity(**HOA)
    assert user.username == "hoa.khac" and User.objects.count() == 1 and len(calls) == 2


def test_linking_updates_the_callers_instance_and_audits_once():
    user = User.objects.create_user(username="0912000111", password="x" * 12, kind=AccountKind.CITIZEN,
                                    full_name="Hoa")  # fmt: skip
    returned = account_link_identity(user=user, **HOA)
    assert user.personal_id == returned.personal_id == "038195001234" and user.full_name == "Hoa"
    event = AuditEvent.objects.get(action="account.identity_linked")
    assert event.data["fields"] == ["personal_id", "birth_date", "phone"]


def test_a_business_cannot_link():
    user = User.objects.create_user(username="2801234564", password="x" * 12, kind=AccountKind.BUSINESS,
                                    full_name="Công ty", tax_code="2801234564")  # fmt: skip
    with pytest.raises(IdentityRefused) as refused:
        account_link_identity(user=user, **HOA)
    assert refused.value.code == "identity_business_account"
    user.refresh_from_db()
    assert user.personal_id is None
