"""Importing history lines: the dossier, its history and its facts as the services would have made them."""

import pytest

from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier
from motcua.integrations.history.store import history_import
from motcua.integrations.models import HistoryRecord
from motcua.reporting.rebuild import facts_compute, facts_verify

from .conftest import full_line, line, vn

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


def test_an_imported_dossier_says_where_it_came_from_in_the_back_office(version, people, write_lines, client):
    report = history_import(write_lines([line(due_at=None)]))
    assert report.written
    d = Dossier.objects.get(code="H56.40-260303-0001")
    client.force_login(people["officer"])
    page = client.get(f"/can-bo/ho-so/{d.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nhập từ hệ thống khác" in text and "Hệ thống igate-th, mã nguồn HS-1" in text
    # The source gave no due moment: motcua computed it (5 working days from Tue 3 March: the end of Tue 10).
    assert "motcua tính theo lịch làm việc" in text
    assert d.due_at == vn(2026, 3, 10, 17, 0) and d.history_record.due_computed
    assert "Nhập lịch sử từ hệ thống khác" in text  # the import event in the history


def test_the_export_reads_a_chunk_of_dossiers_in_a_fixed_number_of_queries(version, write_lines):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.integrations.history.export import dossiers_to_export, history_export

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            lines = list(history_export(dossiers_to_export()))
        assert len(lines) == Dossier.objects.count()
        return len(captured)

    history_import(write_lines([full_line()], name="one.jsonl"))
    one = queries()
    more = [
        full_line(source={"system": "igate-th", "id": f"HS-{i}"}, code=f"H56.40-260302-01{i:02d}")
        for i in range(5)
    ]
    assert history_import(write_lines(more, name="more.jsonl")).imported == 5
    assert queries() == one
