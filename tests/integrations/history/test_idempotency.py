"""Importing again (issue #13): the same file changes nothing; a changed line updates its dossier — the row,
an ``import`` event and the new history appended to the dossier's hash chain, the record's revision, an
audit row — with facts that equal a rebuild and a fresh import of the changed line; a dossier worked on in
motcua after its import keeps its history."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.db import transaction

from motcua.core.audit import audit_verify
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.codes import dossier_code_issue
from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierPause, DossierStep
from motcua.feedback.models import Evaluation
from motcua.feedback.services.evaluation_give import evaluation_give
from motcua.feedback.services.evaluation_link import evaluation_link_issue
from motcua.integrations.history.export import dossiers_to_export, history_export
from motcua.integrations.history.lines import line_hash
from motcua.integrations.history.store import history_import
from motcua.integrations.models import HistoryImport, HistoryRecord
from motcua.org.models import OrgUnit
from motcua.reporting.facts_store import table_rows, unit_table_rows
from motcua.reporting.figures import period_figures
from motcua.reporting.periods import parse_period
from motcua.reporting.rebuild import facts_compute, facts_verify

from .conftest import full_line, line
from .test_rejections import written

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = dt.datetime(2026, 4, 1, 12, 0, tzinfo=VN)  # the first import's clock
SECOND = dt.datetime(2026, 4, 8, 12, 0, tzinfo=VN)  # the re-import's


class _RollBack(Exception):
    pass


def write(tmp_path, items, name="history.jsonl"):
    """A .jsonl file: objects dumped as JSON, texts written as they stand."""
    path = tmp_path / name
    path.write_text(
        "".join(
            (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in items
        ),
        encoding="utf-8",
    )
    return path


def lines():
    """Three dossiers: returned (online, full history), open at the counter, withdrawn before a decision."""
    return [
        full_line(),
        line(),
        line(
            source={"system": "igate-th", "id": "HS-2"},
            code="H56.40-260303-0002",
            decision="withdrawn",
            decision_note="Không còn nhu cầu",
            finished_at="2026-03-04T10:00:00+07:00",
        ),
    ]


def state():
    """Everything an import writes, row by row (values, not only counts)."""
    return {
        "counts": written(),
        "dossiers": list(Dossier.objects.order_by("pk").values()),
        "events": list(
            DossierEvent.objects.order_by("dossier_id", "seq").values_list("dossier_id", "seq", "hash")
        ),
        "steps": list(DossierStep.objects.order_by("dossier_id", "seq").values()),
        "records": list(HistoryRecord.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")),
        "facts": table_rows(),
        "unit_facts": unit_table_rows(),
    }


def figures(label="2026-03"):
    """The province's figures of the month, per resolving unit."""
    return period_figures(parse_period(label))


# -- the same file -------------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(version, tmp_path):
    path = write(tmp_path, lines())
    first = history_import(path, now=FIRST)
    assert first.written and first.imported == 3
    before = state()

    again = history_import(path, now=SECOND)

    assert [str(r) for r in again.rejections] == []
    assert (again.lines, again.imported, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert again.written
    assert state() == before
    run = HistoryImport.objects.get(pk=again.run.pk)
    assert (run.unchanged, run.imported, run.updated, run.rolled_back) == (3, 0, 0, False)
    assert HistoryRecord.objects.filter(revision=1, last_run=first.run).count() == 3


def _reversed(value):
    """The same JSON value with the keys of every object in reverse order."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(value)}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def test_key_order_and_spacing_are_not_a_change(version, tmp_path):
    assert history_import(write(tmp_path, lines(), name="a.jsonl"), now=FIRST).imported == 3
    before = state()
    reordered = [_reversed(obj) for obj in lines()]
    texts = [json.dumps(obj, ensure_ascii=False, indent=1).replace("\n", " ") for obj in reordered]
    texts[1] = "  " + json.dumps(reordered[1], separators=(" ,", " :  ")) + "\t"  # and \u-escaped Vietnamese

    again = history_import(write(tmp_path, texts, name="b.jsonl"), now=SECOND)

    assert [str(r) for r in again.rejections] == []
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    assert state() == before


# -- a changed line ------------------------------------------------------------------------------------------

ACTIONS = [
    "import", "submit", "fee_paid", "receive", "route", "request_supplement", "supplement", "hand_over",
    "hand_back", "decide", "result_issued", "return_result",
]  # fmt: skip
CODE = "H56.40-260302-0117"  # full_line()'s


def _officer(username):
    steps = full_line()["steps"]
    steps[3]["officer"] = username
    return full_line(steps=steps)


def _late():
    """Decided after the due moment (9 March 17:00) instead of on 5 March: the outcome changes."""
    steps = full_line()["steps"]
    steps[3]["handed_over_at"] = "2026-03-10T10:00:00+07:00"
    return full_line(
        steps=steps,
        finished_at="2026-03-10T10:00:00+07:00",
        result={**full_line()["result"], "issued_at": "2026-03-10T10:05:00+07:00"},
        returned_at="2026-03-10T15:00:00+07:00",
        evaluation={**full_line()["evaluation"], "at": "2026-03-11T08:00:00+07:00"},
    )


#: (the changed full_line(), whether the change moves the month's figures)
CHANGES = {
    "returned later": (full_line(returned_at="2026-03-06T15:00:00+07:00"), False),
    "another officer": (_officer("truongphong.tnmt"), False),
    "decided late": (_late(), True),
}


def _without(rows, *names):
    return [{k: v for k, v in row.items() if k not in names} for row in rows]


def dossier_of(code):
    """The dossier's rows without their ids, and its export line."""
    d = Dossier.objects.get(code=code)
    return {
        "row": _without(Dossier.objects.filter(pk=d.pk).values(), "id", "lock_version"),
        "steps": _without(DossierStep.objects.filter(dossier=d).order_by("seq").values(), "id", "dossier_id"),
        "pauses": _without(
            DossierPause.objects.filter(dossier=d).order_by("started_at").values(), "id", "dossier_id"
        ),
        "components": _without(d.components.order_by("position").values(), "id", "dossier_id"),
        "evaluations": _without(Evaluation.objects.filter(dossier=d).values(), "id", "dossier_id"),
        "extras": HistoryRecord.objects.get(dossier=d).extras,
        "export": list(history_export(Dossier.objects.filter(pk=d.pk))),
    }


def outcome():
    """What the import leaves for reports, and for ``CODE``'s dossier."""
    return {
        "facts": table_rows(),
        "unit_facts": unit_table_rows(),
        "figures": figures(),
        "dossier": dossier_of(CODE),
    }


def _fresh(tmp_path, items):
    """What importing ``items`` into a database without any dossier gives (then rolled back)."""
    try:
        with transaction.atomic():
            report = history_import(write(tmp_path, items, name="fresh.jsonl"), now=SECOND)
            assert report.written and report.imported == len(items), [str(r) for r in report.rejections]
            out = outcome()
            raise _RollBack
    except _RollBack:
        pass
    assert not Dossier.objects.exists()
    return out


@pytest.mark.parametrize(("changed", "moves_figures"), CHANGES.values(), ids=CHANGES.keys())
def test_a_changed_line_updates_its_dossier_and_continues_its_history(
    version, tmp_path, changed, moves_figures
):
    fresh = _fresh(tmp_path, [changed, line()])
    first = history_import(write(tmp_path, [full_line(), line()], name="first.jsonl"), now=FIRST)
    assert first.written and first.imported == 2
    d = Dossier.objects.get(code=CODE)
    old_events = list(d.events.order_by("seq").values_list("seq", "action", "hash"))
    assert [action for _seq, action, _hash in old_events] == ACTIONS
    old_record = HistoryRecord.objects.get(dossier=d)
    old_lock = Dossier.objects.get(pk=d.pk).lock_version
    old = outcome()
    assert old["dossier"] != fresh["dossier"]
    assert (old["figures"] != fresh["figures"]) == moves_figures
    other = (
        dossier_of("H56.40-260303-0001"),
        list(DossierEvent.objects.exclude(dossier=d).values_list("hash")),
    )

    report = history_import(write(tmp_path, [changed, line()], name="second.jsonl"), now=SECOND)

    assert [str(r) for r in report.rejections] == []
    assert (report.imported, report.updated, report.unchanged, report.written) == (0, 1, 1, True)
    # The dossier, its facts and the reports: as the fresh import of the changed line made them.
    assert outcome() == fresh
    assert facts_verify(facts_compute()).differences == []
    assert Dossier.objects.get(pk=d.pk).lock_version > old_lock
    # Its history: the old events kept, an "import" event, then the new history, on the same chain.
    events = list(
        d.events.order_by("seq").values_list("seq", "action", "hash", "prev_hash", "from_status", "data")
    )
    assert [e[:3] for e in events[: len(old_events)]] == old_events
    assert [e[1] for e in events] == ACTIONS + ACTIONS
    assert [e[0] for e in events] == list(range(1, 2 * len(ACTIONS) + 1))
    marker = events[len(old_events)]
    assert marker[3] == old_events[-1][2]  # chained to the last event before it
    assert (marker[4], marker[5]) == ("returned", {"source": "igate-th", "id": "HS-000117"})
    assert dossier_history_verify() is None
    assert audit_verify() is None
    # The record and the audit trail.
    record = HistoryRecord.objects.get(dossier=d)
    assert (record.revision, record.line_sha256, record.first_run_id, record.last_run_id) == (
        2, line_hash(changed), first.run.pk, report.run.pk
    )  # fmt: skip
    assert record.line_sha256 != old_record.line_sha256
    assert record.last_event_seq == len(events)
    [audit] = AuditEvent.objects.filter(action="history.updated")
    assert (audit.object_id, audit.data["previous_sha256"], audit.data["sha256"], audit.data["run"]) == (
        str(d.pk), old_record.line_sha256, record.line_sha256, report.run.pk
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="history.imported").count() == 2
    # The unchanged line's dossier is untouched.
    assert (
        dossier_of("H56.40-260303-0001"),
        list(DossierEvent.objects.exclude(dossier=d).values_list("hash")),
    ) == other


def test_the_changed_line_imported_again_is_unchanged(version, tmp_path):
    changed = CHANGES["decided late"][0]
    history_import(write(tmp_path, [full_line()], name="first.jsonl"), now=FIRST)
    assert history_import(write(tmp_path, [changed], name="second.jsonl"), now=SECOND).updated == 1
    before = state()

    again = history_import(write(tmp_path, [changed], name="third.jsonl"), now=SECOND)

    assert (again.imported, again.updated, again.unchanged, again.rejections) == (0, 0, 1, [])
    assert state() == before


def test_a_dossier_worked_on_in_motcua_after_its_import_keeps_its_history(version, tmp_path):
    assert history_import(write(tmp_path, [line()], name="first.jsonl"), now=FIRST).imported == 1
    d = Dossier.objects.get(code="H56.40-260303-0001")
    s.dossier_withdraw(dossier=d, actor=None, reason="Người nộp xin rút hồ sơ")
    before = state()
    changed = line(applicant={**line()["applicant"], "address": "Phường Hạc Thành, Thanh Hóa"})

    report = history_import(write(tmp_path, [changed], name="second.jsonl"), now=SECOND)

    assert [(r.line, r.reason) for r in report.rejections] == [(
        1, "hồ sơ “H56.40-260303-0001” đã được xử lý tiếp trên motcua sau lần nhập trước; "
        "không thay lịch sử của nó theo nguồn"
    )]  # fmt: skip
    assert (report.updated, report.written) == (0, False)
    assert state() == before
    assert Dossier.objects.get(pk=d.pk).status == "stopped"
    # The line as it was first imported is still "unchanged": nothing to refuse.
    same = history_import(write(tmp_path, [line()], name="third.jsonl"), now=SECOND)
    assert (same.unchanged, same.rejections) == (1, [])


#: An import on the day of the receipts it brings (codes are issued on the day of the receipt, so only the
#: counters of the import's own day can still be read; older days' are left alone).
SAME_DAY = dt.datetime(2026, 3, 3, 18, 0, tzinfo=VN)


def test_an_imported_code_moves_the_day_s_code_counter_past_it(version, tmp_path):
    history_import(write(tmp_path, [line(code="H56.40-260303-0042")]), now=SAME_DAY)

    issued = dossier_code_issue(
        unit=OrgUnit.objects.get(code="H56.40"), at=dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN)
    )

    assert issued == "H56.40-260303-0043"


def test_an_older_days_code_counter_is_left_alone(version, tmp_path):
    history_import(write(tmp_path, [line(code="H56.40-260303-0042")]), now=FIRST)

    assert not DossierCodeCounter.objects.exists()


def test_a_changed_code_moves_the_day_s_code_counter_past_it(version, tmp_path):
    history_import(write(tmp_path, [line()], name="first.jsonl"), now=SAME_DAY)
    report = history_import(
        write(tmp_path, [line(code="H56.40-260303-0042")], name="second.jsonl"),
        now=SAME_DAY + dt.timedelta(hours=1),
    )
    assert report.updated == 1

    issued = dossier_code_issue(
        unit=OrgUnit.objects.get(code="H56.40"), at=dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN)
    )

    assert issued == "H56.40-260303-0043"


def test_an_evaluation_given_in_motcua_after_the_import_is_not_lost_by_a_changed_line(version, tmp_path):
    history_import(write(tmp_path, [full_line(evaluation=None)], name="first.jsonl"), now=FIRST)
    d = Dossier.objects.get(code=CODE)
    evaluation_give(token=evaluation_link_issue(dossier=d), satisfaction="dissatisfied", comment="Chậm")
    changed = full_line(evaluation=None, returned_at="2026-03-06T15:00:00+07:00")

    history_import(write(tmp_path, [changed], name="second.jsonl"), now=SECOND)

    assert list(Evaluation.objects.filter(dossier=d).values_list("satisfaction", "comment")) == [
        ("dissatisfied", "Chậm")
    ]


# -- --source ------------------------------------------------------------------------------------------------


def test_source_names_the_system_of_every_line(version, tmp_path):
    path = write(tmp_path, [full_line(), line(source={"system": "so-tiep-nhan", "id": "HS-1"})])

    report = history_import(path, source="dvc-thanhhoa-cu", now=FIRST)

    assert report.written and report.imported == 2
    assert set(HistoryRecord.objects.values_list("source_system", "source_id")) == {
        ("dvc-thanhhoa-cu", "HS-000117"), ("dvc-thanhhoa-cu", "HS-1")
    }  # fmt: skip
    assert set(Dossier.objects.values_list("imported_from", flat=True)) == {"dvc-thanhhoa-cu"}
    assert {e.data["source"] for e in DossierEvent.objects.filter(action="import")} == {"dvc-thanhhoa-cu"}
    assert {a.data["source"] for a in AuditEvent.objects.filter(action="history.imported")} == {
        "dvc-thanhhoa-cu"
    }
    assert HistoryImport.objects.get(pk=report.run.pk).source == "dvc-thanhhoa-cu"
    assert [obj["source"]["system"] for obj in history_export(dossiers_to_export())] == [
        "dvc-thanhhoa-cu"
    ] * 2
    # Under the same name the lines are the same dossiers again; under their own name, other dossiers
    # whose codes are taken.
    assert history_import(path, source="dvc-thanhhoa-cu", now=SECOND).unchanged == 2
    own = history_import(path, now=SECOND)
    assert [(r.line, r.reason) for r in own.rejections] == [
        (1, "mã hồ sơ “H56.40-260302-0117” đã dùng cho một hồ sơ khác"),
        (2, "mã hồ sơ “H56.40-260303-0001” đã dùng cho một hồ sơ khác"),
    ]
