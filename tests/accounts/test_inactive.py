"""Staff accounts unused for 45 days are switched off, with an audit row; citizens are never touched."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services_inactive import staff_accounts_disable_unused
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)


def make(username, kind, *, last_login=None, joined=NOW - dt.timedelta(days=400)):
    return User.objects.create(
        username=username, kind=kind, full_name=username, last_login=last_login, date_joined=joined
    )


def test_only_staff_unused_past_the_limit_are_disabled():
    old = make("cb.cu", AccountKind.STAFF, last_login=NOW - dt.timedelta(days=46))
    recent = make("cb.moi", AccountKind.STAFF, last_login=NOW - dt.timedelta(days=44))
    never = make("cb.chua", AccountKind.STAFF)
    new_never = make("cb.vua.tao", AccountKind.STAFF, joined=NOW - dt.timedelta(days=3))
    citizen = make("cong.dan", AccountKind.CITIZEN, last_login=NOW - dt.timedelta(days=300))

    assert staff_accounts_disable_unused(now=NOW) == ["cb.chua", "cb.cu"]

    active = dict(User.objects.values_list("username", "is_active"))
    assert active == {
        old.username: False, never.username: False,
        recent.username: True, new_never.username: True, citizen.username: True,
    }  # fmt: skip
    events = AuditEvent.objects.filter(action="account.disabled_unused")
    assert sorted(events.values_list("object_id", flat=True)) == sorted([str(old.pk), str(never.pk)])
    assert staff_accounts_disable_unused(now=NOW) == []  # a second run finds nothing more


def test_command_dry_run_changes_nothing(capsys):
    make("cb.cu", AccountKind.STAFF, last_login=timezone.now() - dt.timedelta(days=60))
    call_command("disable_inactive_accounts", "--dry-run")
    assert "would disable cb.cu" in capsys.readouterr().out
    assert User.objects.get(username="cb.cu").is_active
    call_command("disable_inactive_accounts", "--days", "30")
    assert not User.objects.get(username="cb.cu").is_active
