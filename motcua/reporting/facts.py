"""What one dossier's history adds to the fact tables: a fold over its events, then its contribution.

Both are pure functions, used the same way by the incremental path (one event at a time, in the
transaction of the event: ``facts_store.facts_on_event``) and by the rebuild (all the events of every
dossier: ``rebuild.facts_compute``), so the two can only differ when the stored data differ.

* ``fold(state, event, static)`` → the dossier's *fact state* after the event: when it was received and
  under which due moment, its supplement intervals, how and when it ended. The state is a small JSON
  object kept on the dossier row (``Dossier.fact_state``).
* ``contribution(state)`` → the counter changes per day that the dossier makes as a whole: flows on the day
  they happened, stocks as +1 on the day the dossier enters a state and −1 on the day it leaves. The
  incremental path applies ``contribution(new) − contribution(old)``.
* ``event_flows(event, state)`` → counters that belong to one event rather than to the dossier's state
  (hand-overs between agencies, supplement requests, apologies, returns).

The rules (docs/architecture/kpi-definitions.md, regulations §6 item 2.1 and §7):
* a dossier counts from the day it was received; its components are as the receipt recorded them, or as
  the route to the resolving unit did (scans made at the counter after the receipt count as digitised); refused at intake or never received, it counts nothing;
* it ends on the first of: decided (result ready), stopped at the applicant's request, closed for want of
  a supplement; early / on time / late is the decision's classification, or for a stop the end moment
  against the due moment; more than one supplement request makes it late;
* while it waits for a supplement it is not "open" but "pending", classified at the moment of the request
  (766: "one pending supplement request → end = request time"); when the supplement comes it is open again;
* an open dossier is overdue at the end of day E when its due moment is before the end of E, that is from
  its due day on; each open interval is judged by the due moment in force at its end;
* an ``import`` event starts the dossier's history afresh: what came before it (an earlier import of the same
  dossier, since changed at its source) counts for nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

State = dict[str, Any]
Changes = Counter[tuple[dt.date, str]]


@dataclass(frozen=True, slots=True)
class Static:
    """What the fact key and the flags need from the dossier and its procedure version."""

    unit_id: int
    procedure_id: int
    channel: str
    full_online: bool  # the procedure version is offered "toàn trình"
    fee: bool  # the procedure version bears fees or charges
    paper_result: bool  # its result is a paper document (766 item 4.1's denominator)


@dataclass(frozen=True, slots=True)
class Event:
    """The fields of a ``DossierEvent`` the fold reads."""

    action: str
    at: dt.datetime
    data: dict[str, Any]


def day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TZ).date()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment is not None else None


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stop_class(at: dt.datetime, due: dt.datetime | None) -> str:
    if due is None or at <= due:
        return "early" if due is not None and day(at) < day(due) else "on_time"
    return "late"


def fold(state: State, event: Event, static: Static) -> State:
    """The fact state after ``event``; ``state`` is not changed (a new dict is returned when it changes)."""
    action, at, data = event.action, event.at, event.data
    if action == "import":
        # Imported history follows (``motcua import_history``); a later import event means the source changed
        # the dossier and the history after it replaces everything before (``rebuild`` drops the earlier
        # events' flows too).
        return {}
    if action == "fee_paid":
        # Paid online (before or after the receipt, even after the decision): counted once, on the day
        # of the payment or of the receipt if that came later (766 item 3.6).
        if not data.get("online") or state.get("po"):
            return state
        return {**state, "po": _iso(at)}
    if action == "result_issued":
        # The signed electronic result (or the certified scan of a paper one) registered after the
        # decision: counted on the decision's day (766 items 4.1, 4.2).
        if state.get("k") != "decided" or state.get("er") or not data.get("e_result"):
            return state
        return {**state, "er": True}
    if action == "receive" and not state.get("r"):
        components = data.get("components") or {}
        return {
            **({"po": state["po"]} if state.get("po") else {}),
            "u": static.unit_id,
            "p": static.procedure_id,
            "ch": data.get("channel") or static.channel,
            "fo": static.full_online,
            "fee": static.fee,
            "pr": static.paper_result,
            "r": _iso(at),
            "due": data.get("due_at"),
            "cmp": [int(components.get(k) or 0) for k in ("total", "digitised", "reused", "from_store")],
            "sup": [],
            "sc": 0,
        }
    if not state.get("r") or state.get("end"):
        return state  # not received yet (nothing counts), or already ended (later events are returns)
    new = {**state, "sup": [list(s) for s in state["sup"]]}
    due = _moment(state.get("due"))
    if action == "request_supplement":
        new["sup"].append([_iso(at), None, state.get("due")])
        new["sc"] = state["sc"] + 1
    elif action == "supplement":
        if new["sup"] and new["sup"][-1][1] is None:
            new["sup"][-1][1] = _iso(at)
        new["due"] = data.get("due_at") or state.get("due")
    elif action == "resume":
        new["due"] = data.get("due_at") or state.get("due")
    elif action == "route" and data.get("components"):
        components = data["components"]
        new["cmp"] = [int(components.get(k) or 0) for k in ("total", "digitised", "reused", "from_store")]
        if new["cmp"] == state["cmp"]:
            return state
    elif action == "apologise":
        new["due"] = data.get("new_due_at") or state.get("due")
    elif action in ("decide", "withdraw", "close"):
        if data.get("due_at"):  # a stop or closure closes any pause, which may have moved the due moment
            new["due"] = data["due_at"]
            due = _moment(new["due"])
        pending = bool(new["sup"]) and new["sup"][-1][1] is None
        if pending:
            new["sup"][-1][1] = _iso(at)
        new["end"] = _iso(at)
        if action == "decide":
            new["k"] = "decided"
            new["cls"] = data.get("outcome") or _stop_class(at, due)
            new["er"] = bool(data.get("e_result"))
        elif action == "close" and pending:
            # Closed for want of the supplement: judged at the request (766 2.1).
            requested, _end, due_then = new["sup"][-1]
            new["k"] = "closed"
            new["cls"] = _stop_class(_moment(requested) or at, _moment(due_then))
        else:
            new["k"] = "stopped" if action == "withdraw" else "closed"
            new["cls"] = _stop_class(at, due)
        if new["sc"] > 1:
            new["cls"] = "late"
    else:
        return state
    return new


def _interval(changes: Changes, name: str, start: dt.date, end: dt.date | None) -> None:
    """A stock that holds on the days ``start`` ≤ E < ``end`` (``end`` None: still holds)."""
    if end is not None and end <= start:
        return
    changes[(start, name)] += 1
    if end is not None:
        changes[(end, name)] -= 1


def contribution(state: State) -> Changes:
    """The counter changes per day of a dossier in ``state`` (empty when it was never received)."""
    changes: Changes = Counter()
    received = _moment(state.get("r"))
    if received is None:
        return changes
    rd = day(received)
    channel = state["ch"]
    flags = {
        "received": True,
        f"received_{channel}": channel in ("online", "counter", "postal"),
        "received_full_online": channel == "online" and state["fo"],
        "received_fee": state["fee"],
        "received_paper_result": state["pr"],
        "received_digitised": state["cmp"][1] > 0,
        "received_reused": state["cmp"][2] > 0,
        "received_from_store": state["cmp"][3] > 0,
    }
    for name, on in flags.items():
        if on:
            changes[(rd, name)] += 1

    end = _moment(state.get("end"))
    end_day = day(end) if end is not None else None
    start: dt.date | None = rd
    for requested_s, supplied_s, due_then_s in state["sup"]:
        requested, supplied, due_then = _moment(requested_s), _moment(supplied_s), _moment(due_then_s)
        assert requested is not None  # noqa: S101 - written by fold
        if start is not None:
            _open(changes, start, day(requested), due_then)
        late = due_then is not None and requested > due_then
        _interval(
            changes,
            "pending_late" if late else "pending_ok",
            day(requested),
            day(supplied) if supplied else None,
        )
        start = day(supplied) if supplied is not None and (end is None or supplied < end) else None
    if start is not None:
        _open(changes, start, end_day, _moment(state.get("due")))

    paid = _moment(state.get("po"))
    if paid is not None:
        changes[(max(day(paid), rd), "paid_online")] += 1

    if end_day is not None:
        changes[(end_day, "resolved")] += 1
        changes[(end_day, f"resolved_{state['cls']}")] += 1
        if state.get("k") != "decided":
            changes[(end_day, "resolved_stopped")] += 1
        if state.get("er") and state["pr"]:  # 766 item 4.1: a paper result also issued electronically
            changes[(end_day, "resolved_e_result")] += 1
        if state["pr"]:
            changes[(end_day, "resolved_paper_result")] += 1
        # 766 item 4.2: components digitised, and an electronic result where the result is a paper one.
        if state["cmp"][1] > 0 and (state.get("er") or not state["pr"]):
            changes[(end_day, "resolved_digitised_complete")] += 1
    return changes


def _open(changes: Changes, start: dt.date, end: dt.date | None, due: dt.datetime | None) -> None:
    _interval(changes, "open", start, end)
    if due is not None:
        _interval(changes, "overdue", max(start, day(due)), end)


HANDOVERS = ("hand_over", "hand_back")


def event_flows(event: Event, state: State) -> Changes:
    """Counters of one event, keyed like the dossier's (so only for a received dossier)."""
    changes: Changes = Counter()
    if not state.get("r"):
        return changes
    d = day(event.at)
    if event.action in HANDOVERS:
        mode = event.data.get("mode")
        changes[(d, "handover_paper" if mode == "paper" else "handover_electronic")] += 1
    elif event.action == "request_supplement":
        changes[(d, "supplement_requests")] += 1
    elif event.action == "apologise":
        changes[(d, "apologies")] += 1
    elif event.action == "return_result":
        changes[(d, "returned")] += 1
        if event.data.get("method") == "online":
            changes[(d, "returned_online")] += 1
    return changes


def difference(new: Changes, old: Changes) -> Changes:
    """``new − old`` without the zero entries."""
    out: Changes = Counter()
    for key in new.keys() | old.keys():
        delta = new.get(key, 0) - old.get(key, 0)
        if delta:
            out[key] = delta
    return out


def facts_rebuild() -> object:
    """Recompute the fact table from the events (see ``rebuild.facts_rebuild``; kept here for callers
    that only know this module)."""
    from .rebuild import facts_rebuild as rebuild  # rebuild imports this module

    return rebuild()
