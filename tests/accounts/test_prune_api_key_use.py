"""The API keys' usage log is pruned past its retention: old rows go in batches, recent ones stay, the run is
audited; a retention under 12 months or a bad batch size is refused and deletes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.accounts.models import AccountKind, ApiKeyUse, User
from motcua.accounts.services_apikey_retention import RetentionInvalid, apikey_uses_prune
from motcua.accounts.services_apikeys import apikey_create
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def uses():
    """Usage rows 10, 399, 401 and 800 days old (two of them refused requests with no key)."""
    admin = User.objects.create_user(username="qt", password=None, kind=AccountKind.STAFF, is_superuser=True)
    owner = User.objects.create_user(username="hethong", password=None, kind=AccountKind.STAFF)
    key, _raw = apikey_create(owner=owner, name="LGSP", operations=["dossiers:read"], by=admin)
    rows = {}
    for age, with_key in ((10, True), (399, True), (401, False), (800, True), (801, False)):
        rows[age] = ApiKeyUse.objects.create(
            key=key if with_key else None,
            prefix=key.prefix,
            at=NOW - dt.timedelta(days=age),
            method="GET",
            path="/api/v1/dossiers",
            status=200 if with_key else 401,
        )
    return rows


def ages():
    return sorted(round((NOW - at).days) for at in ApiKeyUse.objects.values_list("at", flat=True))


def test_rows_past_the_retention_go_in_batches_and_the_run_is_audited(uses):
    result = apikey_uses_prune(days=400, batch_size=2, now=NOW)
    assert result.deleted == 3 and result.days == 400
    assert result.cutoff == NOW - dt.timedelta(days=400)
    assert ages() == [10, 399]
    event = AuditEvent.objects.get(action="api_key_use.pruned")
    assert event.data == {"deleted": 3, "before": result.cutoff.isoformat(), "days": 400}
    assert apikey_uses_prune(days=400, now=NOW).deleted == 0  # a second run finds nothing more
    assert AuditEvent.objects.filter(action="api_key_use.pruned").count() == 1  # and writes no empty row


def test_the_default_retention_comes_from_the_setting(uses, settings):
    settings.MOTCUA_API_KEY_USE_RETENTION_DAYS = 800
    assert apikey_uses_prune(now=NOW).deleted == 1
    assert ages() == [10, 399, 401, 800]


@pytest.mark.parametrize(("days", "batch", "code"), [(364, 10, "retention_invalid"), (0, 10, "retention_invalid"),
                                                     (-5, 10, "retention_invalid"), (400, 0, "batch_size_invalid")])  # fmt: skip
def test_a_short_retention_or_a_bad_batch_is_refused_and_deletes_nothing(uses, days, batch, code):
    with pytest.raises(RetentionInvalid) as refused:
        apikey_uses_prune(days=days, batch_size=batch, now=NOW)
    assert refused.value.code == code and str(refused.value)
    assert ages() == [10, 399, 401, 800, 801]
    assert not AuditEvent.objects.filter(action="api_key_use.pruned").exists()


def test_the_command_prints_how_many_went(uses, settings):
    settings.MOTCUA_API_KEY_USE_RETENTION_DAYS = 400
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("prune_api_key_use", "--batch-size", "1", stdout=out)
    assert out.getvalue().startswith("deleted 3 API key usage row(s) older than 400 days")
    assert ages() == [10, 399]


def test_the_command_refuses_a_short_retention(uses):
    with pytest.raises(CommandError) as refused:
        call_command("prune_api_key_use", "--days", "30")
    assert refused.value.returncode == 2 and "365" in str(refused.value)
    assert len(ages()) == 5
