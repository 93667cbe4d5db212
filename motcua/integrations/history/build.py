"""A checked line turned into what motcua stores for a dossier: the dossier row, its steps, pauses,
components and events (as the services would have written them), the fact state and the fact-table changes
its history makes — all in memory, written in bulk by ``store``.

The events follow the history in time, with the actions of the services (``submit``, ``receive``, ``route``,
``forward``/``hand_over``/``hand_back``, ``request_supplement``/``supplement``, ``suspend``/``resume``,
``apologise``, ``decide``, ``result_issued``, ``withdraw``/``close``, ``return_result``, ``fee_paid``) and
the event data the scorecard's fold reads, after one ``import`` event that says where the history came from.
Due moments the source gave are kept; the others are computed with the calendar engine as the services
compute them (``procedure.dossier_due``, ``services.pauses``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from motcua.calendar.engine.deadlines import Pause, classify, deemed_receipt, due_moment, shift_by_pauses
from motcua.dossiers.bulk import ComponentRow, DossierRow, EventRow, PauseRow, StepRow, Story
from motcua.dossiers.models import FeeStatus, search_words
from motcua.dossiers.status import DossierAction as A
from motcua.dossiers.status import DossierStatus as S
from motcua.reporting.facts import Changes, Event, State, Static, contribution, event_flows
from motcua.reporting.facts import fold as fact_fold

from .checks import Entry, PauseIn, StepIn

#: Decisions of the format → the dossier's final status and the action that reaches it.
ENDINGS = {
    "approved": (S.RESULT_READY, A.DECIDE),
    "not_eligible": (S.RESULT_READY, A.DECIDE),
    "withdrawn": (S.STOPPED, A.WITHDRAW),
    "stopped": (S.CLOSED, A.CLOSE),
    "refused": (S.REFUSED, A.REFUSE),
}

#: Order of events that share a moment: the order the services would have written them in.
_RANK: dict[str, int] = {
    A.IMPORT: 0,
    A.SUBMIT: 1,
    A.RECEIVE: 2,
    A.REFUSE: 3,
    A.FEE_PAID: 4,
    A.ROUTE: 5,
    A.FORWARD: 5,
    A.HAND_OVER: 5,
    A.HAND_BACK: 5,
    A.SUPPLEMENT: 6,
    A.RESUME: 6,
    A.REQUEST_SUPPLEMENT: 7,
    A.SUSPEND: 7,
    A.APOLOGISE: 8,
    A.DECIDE: 9,
    A.WITHDRAW: 9,
    A.CLOSE: 9,
    A.RESULT_ISSUED: 10,
    A.RETURN_RESULT: 11,
}


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass
class Built:
    """What one line stores."""

    story: Story
    state: State
    changes: Changes
    extras: dict[str, Any]
    due_computed: bool
    officers: dict[int, int | None] = field(default_factory=dict)  # step seq → the officer's account


@dataclass(slots=True)
class _Ev:
    at: dt.datetime
    action: str
    actor: str = ""
    actor_id: int | None = None
    to_step: str = ""
    from_step: str = ""
    unit: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class _Builder:
    def __init__(self, entry: Entry, officer_of: Any) -> None:
        self.e = entry
        self.officer_of = officer_of
        self.cal = entry.resolving.cal
        self.rules = entry.version.rules
        self.due_computed = entry.due_computed

    # -- due moments ---------------------------------------------------------------------------------------

    def _receipt_due(self) -> dt.datetime:
        e = self.e
        assert e.received_at is not None  # noqa: S101 - not for a refused dossier
        if e.due_at is not None:
            return e.due_at
        self.due_computed = True
        return due_moment(self.cal, e.received_at, self.rules.limit, cutoff=self.rules.due_cutoff,
                          restart=self.rules.restart)  # fmt: skip

    def _due_after(self, index: int, due: dt.datetime, apologised: bool) -> dt.datetime:
        """The due moment once pause ``index`` ended: as given, else as ``services.pauses`` moves it."""
        e, pause = self.e, self.e.pauses[index]
        if pause.due_after is not None:
            self.due_computed = self.due_computed or pause.due_computed
            return pause.due_after
        assert pause.end is not None and e.received_at is not None  # noqa: S101
        self.due_computed = True
        if pause.end == pause.start:
            return due
        if apologised:
            return shift_by_pauses(self.cal, due, [Pause(pause.start, pause.end)])
        closed = _counted(e.pauses[: index + 1], e.received_at)
        return due_moment(self.cal, e.received_at, self.rules.limit, cutoff=self.rules.due_cutoff,
                          pauses=closed, restart=self.rules.restart)  # fmt: skip

    # -- events --------------------------------------------------------------------------------------------

    def _label(self, code: str) -> tuple[str, int | None]:
        return (code or self.e.system), (self.officer_of(code) if code else None)

    def events(self) -> tuple[list[_Ev], dict[str, Any]]:
        """The events in time order, and the dossier fields the history decides (due moments, counts)."""
        e = self.e
        evs: list[_Ev] = []
        applicant = e.applicant.get("name") or e.applicant.get("pseudonym") or ""
        point = e.receiving.code
        out: dict[str, Any] = {"supplement_count": 0, "apology_count": 0, "paused_from": ""}
        if e.channel == "online" and e.submitted_at is not None:
            evs.append(_Ev(e.submitted_at, A.SUBMIT, actor=applicant, unit=point))
        if e.received_at is None:  # refused at intake, withdrawn before it, or still waiting for it
            if e.decision:
                assert e.finished_at is not None  # noqa: S101 - checked
                if e.decision == "refused":
                    evs.append(_Ev(e.finished_at, A.REFUSE, unit=point, note=e.decision_note))
                else:
                    evs.append(_Ev(e.finished_at, A.WITHDRAW, actor=applicant, note=e.decision_note,
                                   data={"due_at": None}))  # fmt: skip
            return evs, out
        assert e.received_at is not None  # noqa: S101 - checked
        due = original = self._receipt_due()
        steps = e.steps
        intake = steps[0] if steps and steps[0].received_at == e.received_at else None
        data: dict[str, Any] = {"due_at": iso(due), "components": _summary(e.components, e.received_at)}
        if e.channel != "online":
            data["channel"] = e.channel
        actor, actor_id = self._label(intake.officer if intake else "")
        evs.append(_Ev(e.received_at, A.RECEIVE, actor=actor, actor_id=actor_id, unit=point,
                       to_step=intake.code if intake else "", data=data))  # fmt: skip
        for p in e.payments:
            actor, actor_id = (applicant, None) if p.online else self._label("")
            evs.append(_Ev(p.at, A.FEE_PAID, actor=actor, actor_id=actor_id, unit=point,
                           data={"amount": p.amount, "channel": p.channel, "online": p.online}))  # fmt: skip
        previous: StepIn | None = intake
        for step in steps[1:] if intake else steps:
            evs.append(self._step_event(previous, step))
            previous = step
        # Pauses and the apology move the due moment in time order.
        moves: list[tuple[dt.datetime, int, Any]] = [(p.start, 0, i) for i, p in enumerate(e.pauses)]
        if e.apology is not None:
            moves.append((e.apology[0], 1, None))
        apologised = False
        for _at, kind, index in sorted(moves, key=lambda m: (m[0], m[1])):
            if kind == 1:
                assert e.apology is not None  # noqa: S101
                at, new_due, reason = e.apology
                evs.append(_Ev(at, A.APOLOGISE, unit=e.resolving.code, note=reason,
                               data={"previous_due_at": iso(due), "new_due_at": iso(new_due)}))  # fmt: skip
                due, apologised = new_due, True
                out["apology_count"] += 1
                continue
            pause = e.pauses[index]
            supplement = pause.kind == "supplement"
            if supplement:
                out["supplement_count"] += 1
            evs.append(_Ev(pause.start, A.REQUEST_SUPPLEMENT if supplement else A.SUSPEND, note=pause.reason,
                           data={"items": []} if supplement else {"legal_basis": ""}))  # fmt: skip
            if pause.end is None:
                continue  # still open: the dossier waits, or its stop / closure ends it
            if pause.start < e.received_at:  # asked before the receipt: the clock had not started
                evs.append(_Ev(pause.end, A.SUPPLEMENT if supplement else A.RESUME, data={"due_at": None}))
                continue
            due = self._due_after(index, due, apologised)
            evs.append(_Ev(pause.end, A.SUPPLEMENT if supplement else A.RESUME, data={"due_at": iso(due)}))
        out["due_at"], out["original_due_at"] = due, original
        if e.decision:
            assert e.finished_at is not None  # noqa: S101 - checked
            last = steps[-1] if steps else None
            open_pause = e.pauses[-1] if e.pauses and e.pauses[-1].end is None else None
            if open_pause is not None:  # the stop or closure ends the pause (services.pauses.pause_close)
                due = self._due_after_stop(open_pause.start, e.finished_at, due, apologised)
                out["due_at"] = due
            actor, actor_id = self._label(last.officer if last else "")
            unit = last.unit.code if last else e.resolving.code
            if e.decision in ("approved", "not_eligible"):
                outcome = str(
                    classify(self.cal, finished=e.finished_at, due=due, day_based=self.rules.day_based)
                )
                out["outcome"] = outcome
                evs.append(_Ev(e.finished_at, A.DECIDE, actor=actor, actor_id=actor_id, unit=unit,
                               note=e.decision_note, from_step=last.code if last else "",
                               data={"decision": e.decision, "outcome": outcome, "e_result": False}))  # fmt: skip
                result = e.result or {}
                if result.get("electronic"):
                    assert e.result_issued_at is not None  # noqa: S101 - set with the result
                    result_kind = "electronic" if e.version.electronic_result else "digitised_paper"
                    evs.append(_Ev(e.result_issued_at, A.RESULT_ISSUED, actor=actor, actor_id=actor_id, unit=unit,
                                   note=result.get("reference", ""),
                                   data={"e_result": True, "code": result.get("reference", ""), "kind": result_kind,
                                         "signed": bool(result.get("signed"))}))  # fmt: skip
            else:
                action = A.WITHDRAW if e.decision == "withdrawn" else A.CLOSE
                evs.append(_Ev(e.finished_at, action, actor=applicant if action == A.WITHDRAW else "",
                               note=e.decision_note, data={"due_at": iso(due)}))  # fmt: skip
        if e.returned_at is not None:
            evs.append(_Ev(e.returned_at, A.RETURN_RESULT, unit=point, data={"method": e.return_method}))
        evs.sort(key=lambda ev: (ev.at, _RANK[ev.action]))
        return evs, out

    def _due_after_stop(
        self, start: dt.datetime, end: dt.datetime, due: dt.datetime, apologised: bool
    ) -> dt.datetime:
        """A pause ended by the dossier's stop or closure moves the due moment as any pause does."""
        e = self.e
        assert e.received_at is not None  # noqa: S101
        if end <= start:
            return due
        if apologised:
            return shift_by_pauses(self.cal, due, [Pause(start, end)])
        closed = _counted(e.pauses, e.received_at)
        return due_moment(self.cal, e.received_at, self.rules.limit, cutoff=self.rules.due_cutoff,
                          pauses=[*closed, Pause(start, end)], restart=self.rules.restart)  # fmt: skip

    def _step_event(self, previous: StepIn | None, step: StepIn) -> _Ev:
        """Moving into ``step``: the route from intake, a forward inside the agency, or a hand-over into (a
        hand-back out of) an inter-agency step — as ``services.processing`` names them."""
        giver = previous.officer if previous else ""
        actor, actor_id = self._label(giver)
        if previous is None or (
            previous is self.e.steps[0] and self.e.steps[0].received_at == self.e.received_at
        ):
            action = A.ROUTE
        elif step.inter_agency and not previous.inter_agency:
            action = A.HAND_OVER
        elif previous.inter_agency and not step.inter_agency:
            action = A.HAND_BACK
        else:
            action = A.FORWARD
        data: dict[str, Any] = {"mode": step.mode}
        if previous is not None:
            data["from_unit"] = previous.unit.code
        if action == A.ROUTE:  # scans made at the counter after the receipt count from here
            data["components"] = _summary(self.e.components, step.moved_at)
        return _Ev(step.moved_at, action, actor=actor, actor_id=actor_id, unit=step.unit.code,
                   from_step=previous.code if previous else "", to_step=step.code, data=data)  # fmt: skip


def _counted(pauses: list[PauseIn], received: dt.datetime) -> list[Pause]:
    """The closed pauses that stopped the clock (``Dossier.pauses``): after the receipt, not of zero length."""
    return [
        Pause(p.start, p.end) for p in pauses if p.end is not None and p.end > p.start and p.start >= received
    ]


def _summary(components: list[dict[str, Any]], at: dt.datetime) -> dict[str, int]:
    """The components as they stood at ``at`` (a scan made later at the counter did not count yet), as the
    receipt and the route record them."""
    return {
        "total": len(components),
        "digitised": sum(
            1
            for c in components
            if c.get("digitised")
            and (c.get("digitised_at") is None or dt.datetime.fromisoformat(c["digitised_at"]) <= at)
        ),
        "reused": sum(1 for c in components if c["origin"] == "reused"),
        "from_store": sum(1 for c in components if c["origin"] == "registry"),
    }


_TARGET: dict[str, S] = {
    A.SUBMIT: S.AWAITING_INTAKE,
    A.RECEIVE: S.RECEIVED,
    A.REFUSE: S.REFUSED,
    A.ROUTE: S.PROCESSING,
    A.REQUEST_SUPPLEMENT: S.AWAITING_SUPPLEMENT,
    A.SUSPEND: S.SUSPENDED,
    A.DECIDE: S.RESULT_READY,
    A.WITHDRAW: S.STOPPED,
    A.CLOSE: S.CLOSED,
    A.RETURN_RESULT: S.RETURNED,
}


def build(entry: Entry, *, officer_of: Any, import_moment: dt.datetime, first_seq: int = 1,
          start_status: str = "") -> Built:  # fmt: skip
    """The rows and facts of ``entry``. ``first_seq`` > 1 continues an existing history (a changed line)."""
    e = entry
    builder = _Builder(e, officer_of)
    evs, fields_ = builder.events()
    static = Static(
        unit_id=e.resolving.pk,
        procedure_id=e.version.procedure_id,
        channel=e.channel,
        full_online=e.version.full_online,
        fee=e.version.fee,
        paper_result=e.version.paper_result,
    )
    marker = {"source": e.system, "id": e.source_id}
    rows = [EventRow(first_seq, import_moment, None, e.system, A.IMPORT, start_status, "", "", "", "", "",
                     marker)]  # fmt: skip
    status, paused_from = S.DRAFT.value, ""
    state: State = fact_fold({}, Event(A.IMPORT, import_moment, marker), static)
    changes: Changes = Counter()
    for ev in evs:
        before = status
        if ev.action in (A.REQUEST_SUPPLEMENT, A.SUSPEND):
            paused_from = status
        if ev.action in (A.SUPPLEMENT, A.RESUME):
            status, paused_from = paused_from or S.PROCESSING.value, ""
        elif ev.action in _TARGET:
            status = _TARGET[ev.action].value
        rows.append(EventRow(first_seq + len(rows), ev.at, ev.actor_id, ev.actor or e.system, ev.action, before,
                             status, ev.from_step, ev.to_step, ev.unit, ev.note, ev.data))  # fmt: skip
        event = Event(ev.action, ev.at, ev.data)
        state = fact_fold(state, event, static)
        changes.update(event_flows(event, state))
    changes.update(contribution(state))
    story = Story(
        dossier=_dossier_row(e, status, paused_from, fields_, len(rows), state),
        steps=_step_rows(e, builder),
        pauses=[PauseRow(p.kind, p.start, p.reason, [], p.end) for p in e.pauses],
        components=[
            ComponentRow(
                i,
                c["name"],
                c.get("required", True),
                c.get("document_type", ""),
                1,
                0,
                "" if c["origin"] == "none" else c["origin"],
                bool(c.get("digitised")),
                c.get("pages", 0),
                checked=c["origin"] != "none",
                digitised_at=dt.datetime.fromisoformat(c["digitised_at"]) if c.get("digitised_at") else None,
            )
            for i, c in enumerate(e.components, start=1)
        ],
        events=rows,
    )
    return Built(
        story=story, state=state, changes=changes, extras=_extras(e), due_computed=builder.due_computed
    )


def _dossier_row(
    e: Entry, status: str, paused_from: str, f: dict[str, Any], events: int, state: State
) -> DossierRow:
    a = e.applicant
    decided = e.decision in ("approved", "not_eligible")
    fee_status = FeeStatus.NONE
    if e.version.fee or e.fee_amount or e.payments:
        fee_status = FeeStatus.PAID if e.payments else FeeStatus.UNPAID
    first = e.submitted_at or e.received_at
    assert first is not None  # noqa: S101 - checked
    received = e.received_at
    deemed = e.deemed_received_at
    if received is not None and deemed is None:
        deemed = deemed_receipt(e.resolving.cal, received, cutoff=e.version.rules.deemed_cutoff)
    row = DossierRow(
        procedure_version_id=e.version.pk,
        channel=e.channel,
        applicant_kind=a["kind"],
        applicant_name=a.get("name") or a.get("pseudonym", ""),
        applicant_personal_id=a.get("personal_id", ""),
        applicant_tax_code=a.get("tax_code", ""),
        applicant_phone=a.get("phone", ""),
        applicant_email=a.get("email", ""),
        applicant_address=a.get("address", ""),
        applicant_commune_id=None,
        receiving_point_id=e.receiving.pk,
        resolving_unit_id=e.resolving.pk,
        form_data={},
        fee_status=str(fee_status),
        created_at=first,
        status=status,
        code=e.code,
        submitted_at=e.submitted_at or received,
        received_at=received,
        deemed_received_at=deemed,
        due_at=f.get("due_at"),
        original_due_at=f.get("original_due_at"),
        finished_at=e.finished_at,
        returned_at=e.returned_at,
        decision=e.decision if decided else "",
        decision_note=e.decision_note if decided else "",
        return_method=e.return_method,
        outcome=f.get("outcome", ""),
        paused_from=paused_from,
        supplement_count=f["supplement_count"],
        apology_count=f["apology_count"],
        closing_reason="" if decided else e.decision_note,
        lock_version=events,
    )
    row.imported_from = e.system
    row.fact_state = state
    row.search_text = search_words(e.code, row.applicant_name, row.applicant_tax_code)
    return row


def _step_rows(e: Entry, builder: _Builder) -> list[StepRow]:
    rows = []
    previous: StepIn | None = None
    for seq, s in enumerate(e.steps, start=1):
        officer = builder.officer_of(s.officer) if s.officer else None
        giver = builder.officer_of(previous.officer) if previous and previous.officer else None
        outcome = ""
        if s.due_at is not None and s.handed_over_at is not None:
            outcome = str(classify(s.unit.cal, finished=s.handed_over_at, due=s.due_at,
                                   day_based=builder.rules.day_based))  # fmt: skip
        rows.append(
            StepRow(
                seq,
                s.code,
                s.name,
                "",
                s.unit.pk,
                s.inter_agency,
                s.mode,
                giver,
                Decimal(0),
                "",
                s.received_at,
                s.due_at,
                s.handed_over_at,
                officer if s.handed_over_at else None,
                officer,
                outcome,
            )
        )
        previous = s
    return rows


def _extras(e: Entry) -> dict[str, Any]:
    """What the line holds that motcua has no column for, kept so the export gives it back as it came."""
    extras: dict[str, Any] = {}
    officers = {str(i): s.officer for i, s in enumerate(e.steps, start=1) if s.officer}
    if officers:
        extras["officers"] = officers
    if e.applicant.get("pseudonym"):
        extras["pseudonym"] = e.applicant["pseudonym"]
    if e.fee_amount is not None:
        extras["fee_amount"] = e.fee_amount
    if e.result and not e.result.get("electronic"):
        extras["result"] = e.result
    if e.evaluation:  # the evaluation came with the line (one given here later is not replaced)
        extras["evaluation"] = True
    if e.feedback:  # the PAKN rows this line made (replaced when the line changes)
        extras["feedback"] = [f["code"] for f in e.feedback]
    return extras
