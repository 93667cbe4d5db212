"""``history_import``: a history file read line by line, every line checked, the dossiers written in
batches — all in one transaction, kept only when no line was rejected (or with ``only_valid``) and not a dry
run.

Per line: parse → schema → the source name (``--source``) → duplicates in the file → the cross-field rules
(``checks``) → against the database (a code or a PAKN code another dossier holds; an earlier import of the
same source id: unchanged, changed, or worked on in motcua since) → built (``build``) → written with its
facts, its ``HistoryRecord`` and a row in the audit chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.errors import CalendarError
from motcua.core.audit import AuditEntry, audit_record_many
from motcua.core.bulk import Table
from motcua.core.text import fold as fold_text
from motcua.dossiers.bulk import DossierRow, Story, Tables, chain_events, new_dossier_ids
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.feedback.deadlines import feedback_due
from motcua.feedback.models import Evaluation, Feedback, FeedbackStatus, SubjectKind
from motcua.org.models import OrgUnit
from motcua.reporting.facts import Changes, Event, State, Static, contribution, event_flows
from motcua.reporting.facts import fold as fact_fold
from motcua.reporting.facts_store import Rows, facts_add, facts_add_many, grains, static_of

from ..models import HistoryImport, HistoryRecord
from .build import Built, build
from .checks import Entry, Rejected, check
from .context import Context
from .lines import RawLine, Unreadable, line_hash, parse, read_file, schema_error

BATCH = 2000
#: Day changes of the facts kept in memory before they are added to the tables (about 100 bytes each).
FACT_CHANGES = 1_000_000


@dataclass(slots=True)
class _RecordRow:
    """A ``HistoryRecord`` row written with ``core.bulk`` (no model instance)."""

    source_system: str
    source_id: str
    dossier_id: int
    line_sha256: str
    due_computed: bool
    extras: dict[str, Any]
    last_event_seq: int
    first_run_id: int
    last_run_id: int
    revision: int = 1


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("Dòng %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    run: HistoryImport
    lines: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0


class _RollBack(Exception):
    """Leave the import's transaction without keeping anything."""


@dataclass(slots=True)
class _Pending:
    entry: Entry
    sha: str


def history_import(path: Path, *, source: str | None = None, dry_run: bool = False, only_valid: bool = False,
                   by: str = "", progress: Callable[[ImportReport], None] | None = None,
                   now: dt.datetime | None = None) -> ImportReport:  # fmt: skip
    """Import the history file at ``path`` (JSON Lines, ``.jsonl.gz`` or the Excel template)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    report = history_import_lines(read_file(path), file_name=path.name, source=source, dry_run=dry_run,
                                  only_valid=only_valid, by=by, progress=progress, now=now)  # fmt: skip
    HistoryImport.objects.filter(pk=report.run.pk).update(file_sha256=digest.hexdigest())
    report.run.file_sha256 = digest.hexdigest()
    return report


def history_import_lines(lines: Iterable[RawLine], *, file_name: str = "", source: str | None = None,
                         dry_run: bool = False, only_valid: bool = False, by: str = "",
                         progress: Callable[[ImportReport], None] | None = None,
                         now: dt.datetime | None = None) -> ImportReport:  # fmt: skip
    started = time.perf_counter()
    run = HistoryImport.objects.create(
        source=source or "", file_name=file_name[:500], file_sha256="", started_at=timezone.now(),
        dry_run=dry_run, only_valid=only_valid, by=by[:150],
    )  # fmt: skip
    report = ImportReport(run=run)
    importer = _Importer(report, source=source, now=now or timezone.now())
    try:
        with transaction.atomic():
            batch: list[tuple[int, Any]] = []
            for item in lines:
                batch.append(item)
                if len(batch) >= BATCH:
                    importer.batch(batch)
                    batch.clear()
                    if progress is not None:
                        report.seconds = time.perf_counter() - started
                        progress(report)
            if batch:
                importer.batch(batch)
            importer.flush_facts()
            if dry_run or (report.rejections and not only_valid):
                raise _RollBack
            report.written = True
    except _RollBack:
        pass
    report.seconds = time.perf_counter() - started
    HistoryImport.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), lines=report.lines, imported=report.imported, updated=report.updated,
        unchanged=report.unchanged, rejected=len(report.rejections), rolled_back=not report.written,
    )  # fmt: skip
    run.refresh_from_db()
    if progress is not None:
        progress(report)
    return report


_CODE = re.compile(r"^(?P<prefix>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


class _Importer:
    def __init__(self, report: ImportReport, *, source: str | None, now: dt.datetime) -> None:
        self.report = report
        self.source = source
        self.now = now
        self.ctx = Context.load()
        self.tables: Tables | None = None
        self.seen_sources: dict[tuple[str, str], int] = {}
        self.seen_codes: dict[str, int] = {}
        self.seen_feedback: dict[str, int] = {}
        # The new dossiers' fact changes per (unit, procedure), by day, added to the tables in large batches.
        self.facts: dict[tuple[int, int], Changes] = {}
        self.fact_keys = 0
        self.records = Table(HistoryRecord, _RecordRow)

    def flush_facts(self) -> None:
        rows: Rows = {}
        for (unit, procedure), changes in self.facts.items():
            grains(changes, unit, procedure, into=rows)
        facts_add_many(rows)
        self.facts, self.fact_keys = {}, 0

    def reject(self, number: int, reason: str) -> None:
        self.report.rejections.append(Rejection(number, reason))

    # -- checking ----------------------------------------------------------------------------------------

    def _checked(self, number: int, raw: Any) -> _Pending | None:
        obj = parse(raw)
        if isinstance(obj, Unreadable):
            self.reject(number, str(obj))
            return None
        if self.source and isinstance(obj.get("source"), dict):
            obj["source"]["system"] = self.source
        error = schema_error(obj)
        if error is not None:
            self.reject(number, error)
            return None
        key = (obj["source"]["system"], obj["source"]["id"])
        if key in self.seen_sources:
            self.reject(number, _("trùng mã nguồn “%(id)s” với dòng %(line)s") % {
                "id": key[1], "line": self.seen_sources[key]})  # fmt: skip
            return None
        self.seen_sources[key] = number
        if obj["code"] in self.seen_codes:
            self.reject(number, _("trùng mã hồ sơ “%(code)s” với dòng %(line)s") % {
                "code": obj["code"], "line": self.seen_codes[obj["code"]]})  # fmt: skip
            return None
        self.seen_codes[obj["code"]] = number
        codes = [f["code"] for f in obj.get("feedback") or []]
        for i, code in enumerate(codes):
            if code in codes[:i]:
                self.reject(number, _("trùng mã phản ánh “%(code)s” trong cùng dòng") % {"code": code})
                return None
            if code in self.seen_feedback:
                self.reject(number, _("trùng mã phản ánh “%(code)s” với dòng %(line)s") % {
                    "code": code, "line": self.seen_feedback[code]})  # fmt: skip
                return None
        for code in codes:
            self.seen_feedback[code] = number
        try:
            entry = check(number, obj, self.ctx, now=self.now)
        except Rejected as exc:
            self.reject(number, str(exc))
            return None
        return _Pending(entry, line_hash(obj))

    def batch(self, items: list[tuple[int, Any]]) -> None:
        self.report.lines += len(items)
        pending = [p for number, raw in items if (p := self._checked(number, raw)) is not None]
        if not pending:
            return
        records = {
            (r.source_system, r.source_id): r
            # Both columns, so the unique (system, id) index serves the look-up (by the id alone it scanned
            # the table: 0.7 ms a line at a million records).
            for r in HistoryRecord.objects.filter(
                source_system__in={p.entry.system for p in pending},
                source_id__in={p.entry.source_id for p in pending},
            ).select_related("dossier")
        }
        codes = dict(
            Dossier.objects.filter(code__in=[p.entry.code for p in pending]).values_list("code", "pk")
        )
        feedback_codes = dict(
            Feedback.objects.filter(
                code__in=[f["code"] for p in pending for f in p.entry.feedback]
            ).values_list("code", "dossier_id")
        )
        new: list[_Pending] = []
        for p in pending:
            e = p.entry
            record = records.get((e.system, e.source_id))
            mine = record.dossier_id if record is not None else None
            if e.code in codes and codes[e.code] != mine:
                self.reject(e.number, _("mã hồ sơ “%(code)s” đã dùng cho một hồ sơ khác") % {"code": e.code})
                continue
            # A PAKN code is free for this line only when it is one this dossier's earlier import made.
            mine_feedback = set(record.extras.get("feedback", [])) if record is not None else set()
            taken = [
                f["code"]
                for f in e.feedback
                if f["code"] in feedback_codes and f["code"] not in mine_feedback
            ]
            if taken:
                self.reject(
                    e.number, _("mã phản ánh “%(code)s” đã dùng cho phản ánh khác") % {"code": taken[0]}
                )
                continue
            if record is None:
                new.append(p)
            elif record.line_sha256 == p.sha:
                self.report.unchanged += 1
            else:
                self._update(p, record)
        if new:
            self._insert(new)

    # -- writing -----------------------------------------------------------------------------------------

    def _insert(self, pending: list[_Pending]) -> None:
        built: list[tuple[_Pending, Built]] = []
        for p in pending:
            try:
                built.append((p, build(p.entry, officer_of=self.ctx.officer, import_moment=self.now)))
            except CalendarError as exc:  # the calendar does not reach that day
                self.reject(p.entry.number, _("không tính được thời hạn: %(error)s") % {"error": exc})
        if not built:
            return
        tables = self.tables = self.tables or Tables()
        stories = [b.story for _p, b in built]
        for story, pk in zip(stories, new_dossier_ids(len(stories)), strict=True):
            _assign(story, pk)
            chain_events(story)
        tables.dossiers.write([s.dossier for s in stories])
        tables.steps.write([row for s in stories for row in s.steps])
        tables.pauses.write([row for s in stories for row in s.pauses])
        tables.components.write([row for s in stories for row in s.components])
        tables.events.write([row for s in stories for row in s.events])
        for _p, b in built:
            if b.state.get("r"):  # a dossier refused at intake counts nothing
                self.facts.setdefault((b.state["u"], b.state["p"]), Counter()).update(b.changes)
                self.fact_keys += len(b.changes)
        if self.fact_keys >= FACT_CHANGES:
            self.flush_facts()
        run = self.report.run.pk
        self.records.write(
            [
                _RecordRow(
                    p.entry.system,
                    p.entry.source_id,
                    b.story.dossier.id,
                    p.sha,
                    b.due_computed,
                    b.extras,
                    len(b.story.events),
                    run,
                    run,
                )
                for p, b in built
            ]
        )
        self._feedback_rows([(p.entry, b.story.dossier.id) for p, b in built])
        self._counters([p.entry.code for p, _b in built])
        audit_record_many(
            [
                AuditEntry(
                    "history.imported",
                    "dossiers.dossier",
                    str(b.story.dossier.id),
                    {
                        "source": p.entry.system,
                        "id": p.entry.source_id,
                        "line": p.entry.number,
                        "sha256": p.sha,
                        "run": self.report.run.pk,
                    },
                )
                for p, b in built
            ]
        )
        self.report.imported += len(built)

    def _update(self, p: _Pending, record: HistoryRecord) -> None:
        """A changed line: the dossier's rows replaced, its history continued by an ``import`` event and the
        new history, the facts moved by the difference — unless the dossier was worked on here since."""
        e, dossier = p.entry, record.dossier
        last = DossierEvent.objects.filter(dossier=dossier).aggregate(m=Max("seq"))["m"] or 0
        # An evaluation writes no dossier event: one the line did not bring was given here.
        evaluation = Evaluation.objects.filter(dossier=dossier).first()
        evaluated_here = evaluation is not None and (
            not record.extras.get("evaluation") or evaluation.edited_at is not None
        )
        if last != record.last_event_seq or evaluated_here:
            self.reject(e.number, _("hồ sơ “%(code)s” đã được xử lý tiếp trên motcua sau lần nhập trước; "
                                    "không thay lịch sử của nó theo nguồn") % {"code": dossier.code})  # fmt: skip
            return
        try:
            b = build(e, officer_of=self.ctx.officer, import_moment=self.now, first_seq=last + 1,
                      start_status=dossier.status)  # fmt: skip
        except CalendarError as exc:
            self.reject(e.number, _("không tính được thời hạn: %(error)s") % {"error": exc})
            return
        old_changes, old_state = _history_changes(dossier)
        previous_hash = DossierEvent.objects.filter(dossier=dossier, seq=last).values_list("hash", flat=True)[
            0
        ]
        _assign(b.story, dossier.pk)
        chain_events(b.story, prev=previous_hash)
        DossierStep.objects.filter(dossier=dossier).delete()
        DossierPause.objects.filter(dossier=dossier).delete()
        DossierComponent.objects.filter(dossier=dossier).delete()
        Evaluation.objects.filter(dossier=dossier).delete()
        Feedback.objects.filter(dossier=dossier, code__in=record.extras.get("feedback", [])).delete()
        row = b.story.dossier
        values = {name: getattr(row, name) for name in _DOSSIER_FIELDS}
        values["lock_version"] = dossier.lock_version + len(b.story.events)
        Dossier.objects.filter(pk=dossier.pk).update(**values)
        tables = self.tables = self.tables or Tables()
        tables.steps.write(b.story.steps)
        tables.pauses.write(b.story.pauses)
        tables.components.write(b.story.components)
        tables.events.write(b.story.events)
        rows: Rows = {}
        if b.state.get("r"):
            grains(b.changes, b.state["u"], b.state["p"], into=rows)
        if old_state.get("r"):
            grains(
                Counter({k: -v for k, v in old_changes.items()}), old_state["u"], old_state["p"], into=rows
            )
        facts_add({key: counters for key, counters in rows.items() if any(counters.values())})
        previous_sha = record.line_sha256
        record.line_sha256, record.due_computed, record.extras = p.sha, b.due_computed, b.extras
        record.revision += 1
        record.last_run = self.report.run
        record.last_event_seq = last + len(b.story.events)
        record.save()
        self._feedback_rows([(e, dossier.pk)])
        self._counters([e.code])
        audit_record_many([AuditEntry("history.updated", "dossiers.dossier", str(dossier.pk),
                                      {"source": e.system, "id": e.source_id, "line": e.number, "sha256": p.sha,
                                       "previous_sha256": previous_sha, "run": self.report.run.pk})])  # fmt: skip
        self.report.updated += 1

    def _feedback_rows(self, dossiers: list[tuple[Entry, int]]) -> None:
        evaluations, feedback = [], []
        for e, pk in dossiers:
            if e.evaluation is not None:
                assert e.evaluation_at is not None  # noqa: S101 - parsed with it
                evaluations.append(
                    Evaluation(
                        dossier_id=pk,
                        satisfaction=e.evaluation["satisfaction"],
                        comment=e.evaluation.get("comment", ""),
                        channel=e.evaluation.get("channel", "portal"),
                        given_at=e.evaluation_at,
                    )
                )
            for f in e.feedback:
                due = feedback_due(f["received_at"], unit=OrgUnit(pk=e.resolving.pk, code=e.resolving.code))
                answered = f.get("answered_at")
                feedback.append(
                    Feedback(
                        code=f["code"],
                        subject_kind=SubjectKind.DOSSIER,
                        subject_reference=e.code,
                        procedure_id=e.version.procedure_id,
                        dossier_id=pk,
                        unit_id=e.resolving.pk,
                        title=f["title"],
                        content=f.get("content", ""),
                        sender_name=e.applicant.get("name") or e.applicant.get("pseudonym", ""),
                        sender_phone=e.applicant.get("phone", ""),
                        sender_email=e.applicant.get("email", ""),
                        status=FeedbackStatus.ANSWERED if answered else FeedbackStatus.RECEIVED,
                        handling_unit_id=e.resolving.pk,
                        received_at=f["received_at"],
                        refuse_due_at=due.refuse,
                        info_due_at=due.request_info,
                        answer_due_at=due.answer,
                        answered_at=answered,
                        answer=f.get("answer", ""),
                        search_text=fold_text(
                            " ".join([f["code"], f["title"], f.get("content", ""), f.get("answer", "")])
                        ),
                    )
                )
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
        Feedback.objects.bulk_create(feedback, batch_size=BATCH)

    def _counters(self, codes: list[str]) -> None:
        """Imported codes in motcua's own form move the day's code counter past them, so a dossier received
        here on such a day never gets a code an imported one holds."""
        today = timezone.localtime(self.now).strftime("%y%m%d")
        highest: dict[tuple[str, dt.date], int] = {}
        for code in codes:
            m = _CODE.match(code)
            if m is None or m["day"] < today:
                continue  # a code is issued on the day of the receipt: an earlier day's counter is never read
            try:
                day = dt.date(2000 + int(m["day"][:2]), int(m["day"][2:4]), int(m["day"][4:]))
            except ValueError:
                continue
            key = (m["prefix"], day)
            highest[key] = max(highest.get(key, 0), int(m["seq"]))
        if not highest:
            return
        existing = {
            (c.prefix, c.day): c.last
            for c in DossierCodeCounter.objects.filter(
                prefix__in={k[0] for k in highest}, day__in={k[1] for k in highest}
            )
        }
        raise_to = [DossierCodeCounter(prefix=p, day=d, last=last) for (p, d), last in sorted(highest.items())
                    if last > existing.get((p, d), 0)]  # fmt: skip
        DossierCodeCounter.objects.bulk_create(
            raise_to, update_conflicts=True, unique_fields=["prefix", "day"], update_fields=["last"]
        )


#: The dossier row's fields a changed line replaces: all that the line decides (not the row's id, its creation,
#: its form data or account links, nor ``lock_version``, which goes on counting).
_DOSSIER_FIELDS = tuple(
    f.name
    for f in dataclass_fields(DossierRow)
    if f.name not in ("id", "created_at", "form_data", "applicant_commune_id", "applicant_id", "lock_version")
)


def _assign(story: Story, pk: int) -> None:
    story.dossier.id = pk
    for step in story.steps:
        step.dossier_id = pk
    for pause in story.pauses:
        pause.dossier_id = pk
    for component in story.components:
        component.dossier_id = pk


def _history_changes(dossier: Dossier) -> tuple[Changes, State]:
    """What the dossier's history since its last ``import`` event adds to the fact tables (as the rebuild
    counts it), and its fact state."""
    static: Static = static_of(dossier)
    state: State = {}
    flows: Changes = Counter()
    for action, at, data in (
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("seq")
        .values_list("action", "occurred_at", "data")
    ):
        if action == "import":
            flows = Counter()
        event = Event(action, at, data or {})
        state = fact_fold(state, event, static)
        flows.update(event_flows(event, state))
    changes = contribution(state)
    changes.update(flows)
    return changes, state
