"""Importing history lines: the dossier, its history and its facts as the services would have made them."""

import pytest

from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier
from motcua.integrations.history.store import history_import
from motcua.integrations.models import HistoryRecord
from motcua.reporting.rebuild import facts_compute, facts_verify

from .conftest import full_line, line

pytestmark = pytest.mark.django_db


def test_a_full_line_becomes_a_dossier_with_its_history(version, write_lines):
    report = history_import(write_lines([full_line(), line()]))
    assert [str(r) for r in report.rejections] == []
    assert report.written and report.imported == 2
    d = Dossier.objects.get(code="H56.40-260302-0117")
    assert d.status == "returned" and d.imported_from == "igate-th"
    events = list(d.events.values_list("action", flat=True))
    assert events == ["import", "submit", "fee_paid", "receive", "route", "request_supplement", "supplement",
                      "hand_over", "hand_back", "decide", "result_issued", "return_result"]  # fmt: skip
    assert dossier_history_verify() is None
    assert facts_verify(facts_compute()).differences == []
    assert HistoryRecord.objects.count() == 2
