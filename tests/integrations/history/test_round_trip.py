"""Export, then import into an empty database: the same dossiers, the same facts, the same indicators.

The "empty database" is the test database after a rollback: the organisation, the accounts, the calendar and
the catalogue are loaded first; the dossiers (the demo dossiers through the services, a simulated year, and an
imported line) are made inside a transaction that is rolled back once their export and their indicators are
taken. Importing the export then has to give them back."""

import json

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.accounts.demo import seed_demo_accounts
from motcua.calendar.demo import seed_demo_calendar
from motcua.catalogue.demo import seed_demo_catalogue
from motcua.dossiers.demo import seed_demo_dossiers
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier
from motcua.integrations.history.export import dossiers_to_export, history_export
from motcua.integrations.history.store import history_import
from motcua.org.demo import seed_demo_org
from motcua.org.models import OrgUnit
from motcua.payments.demo import pay_demo_dossier_at_counter
from motcua.reporting.b06 import b06_report
from motcua.reporting.kpi766 import kpi766
from motcua.reporting.periods import parse_period
from motcua.reporting.rebuild import facts_compute, facts_verify
from motcua.reporting.simulate.demo import seed_demo_history

pytestmark = pytest.mark.django_db


class _RollBack(Exception):
    pass


def _indicators():
    """Every 766 indicator and every Biểu 06 cell of the province, per quarter of the last year and the year."""
    today = timezone.localdate()
    periods = [f"{y}-Q{q}" for y in (today.year - 1, today.year) for q in (1, 2, 3, 4)] + [
        str(today.year - 1)
    ]
    province = OrgUnit.objects.get(code="H56")
    out = {}
    for label in periods:
        period = parse_period(label)
        out[label] = {
            "766": json.loads(json.dumps(kpi766(province, period).as_dict(), default=str)),
            "b06": json.loads(json.dumps(b06_report("b06", period).as_dict(), default=str)),
        }
    return out


def test_export_then_import_into_an_empty_database_gives_the_same_dossiers_facts_and_indicators(tmp_path):
    seed_demo_org()
    seed_demo_accounts()
    seed_demo_calendar()
    seed_demo_catalogue()
    try:
        with transaction.atomic():
            seed_demo_dossiers(pay=pay_demo_dossier_at_counter)
            assert seed_demo_history(dossiers=300) == 300
            exported = list(history_export(dossiers_to_export()))
            before = _indicators()
            count = Dossier.objects.count()
            raise _RollBack
    except _RollBack:
        pass
    assert Dossier.objects.count() == 0
    assert len(exported) == count > 300
    assert any(figures["766"]["total"] for figures in before.values())

    path = tmp_path / "export.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in exported), encoding="utf-8"
    )
    report = history_import(path)
    assert [str(r) for r in report.rejections] == []
    assert report.imported == count

    assert list(history_export(dossiers_to_export())) == exported
    assert _indicators() == before
    assert facts_verify(facts_compute()).differences == []
    assert dossier_history_verify() is None
