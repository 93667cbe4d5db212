"""The figures of a period straight from the raw dossiers: the reference the fact tables are checked against.

``naive_period_figures(period, by_procedure=, unit_ids=)`` answers what ``figures.period_figures`` answers
(the same keys, per resolving unit or unit × procedure) with two plain aggregate queries and no fact table:
one over ``Dossier`` (with ``Exists`` subqueries on its pauses, components and decision event), one over
``DossierEvent`` (hand-overs, supplement requests, apologies). Nothing is looped over in Python, so it is
also what ``benchmarks/kpi.py`` times the fact tables against. It reads every dossier the period touches,
which is exactly why the fact tables exist; use it for checks and benchmarks, not for pages.

The rules are those of ``facts.py`` (docs/architecture/kpi-definitions.md), read off the dossier row:

* days are days in Asia/Ho_Chi_Minh; "at the end of day E" means before the start of day E + 1 there;
* a dossier counts from ``received_at`` (refused or never received: nothing); it ends at ``finished_at``
  (decided, stopped, closed) and is *in progress* at E when received by then and not yet ended;
* in progress at E it is *pending* when a supplement pause requested after the receipt covers E
  (requested by the end of E, supplied after it), otherwise *open*;
* an open dossier is overdue at E when ``due_at`` is before the start of E + 1; a pending one when the
  supplement was requested after ``due_at``;
* a decided dossier is early / on time / late as ``Dossier.outcome`` says; a stopped or closed one by its
  end against ``due_at`` (early: on an earlier day); more than one supplement request after the receipt
  makes any ending late.

Where the raw row and the facts can differ (the hand-built data set of tests/reporting/test_correctness.py
steers clear of these cases, and pins the first with a test of its own):

* **The due moment in force at a supplement request.** The facts judge an open interval that ends at a
  supplement request, and the pending interval after it, by the due moment in force when the supplement
  was requested; the dossier row keeps only the current ``due_at``. Under the "exclude the wait" rule the
  two agree: a pause that starts before the due moment moves it later (what was within stays within), and
  a pause that starts after it does not move it. Under the "restart" rule the due moment counts afresh
  from the supplement, so a supplement requested *after* the due moment is overdue (pending late, open
  overdue before it, a late close) in the facts and not here.
* **A closed dossier.** The facts judge it at the request moment against the due moment then (766 item
  2.1: a pending request ends the dossier at the request); here its end (the close) is judged against
  ``due_at``, which the close moved by the wait. Late agrees (but for a request at the very due moment);
  early against on time agrees as long as the close happens within working hours.
* **Components.** The facts take the components as they stood in the receive event; here they are read
  as they are now, so a scan or a supplement uploaded after the receipt counts here only.
* **A dossier imported again** after its source changed it (``motcua import_history``): the facts count
  only the history after its last ``import`` event; the event counters here count the replaced history's
  hand-overs, requests and apologies too.
* **Electronic results** are read from the decision event (the dossier row has no column for them yet),
  and online payments are counted from the first ``fee_paid`` event marked online.

A stop inside a pause (a withdrawal while waiting for a supplement or while suspended) agrees: the stop
closes the pause, which moves ``due_at``, and the withdraw event carries that moved due moment to the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from motcua.catalogue.choices import OnlineLevel, ResultType
from motcua.dossiers.models import (
    ComponentOrigin,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierPause,
    PauseKind,
)
from motcua.dossiers.status import DossierAction, DossierStatus

from .facts import HANDOVERS, TZ
from .figures import Figures
from .periods import Period

DECIDED = (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
STOPPED = (DossierStatus.STOPPED, DossierStatus.CLOSED)


def start_of(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in Asia/Ho_Chi_Minh."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=TZ)


# -- per-dossier conditions ------------------------------------------------------------------------------


def _supplements() -> Any:
    """The dossier's supplement pauses requested after its receipt (a request at intake does not count)."""
    return DossierPause.objects.filter(
        dossier=OuterRef("pk"), kind=PauseKind.SUPPLEMENT, started_at__gte=OuterRef("received_at")
    )


def _in_progress(at: dt.datetime) -> Q:
    """Received before ``at`` and not ended before it (``at`` = the start of the day after E)."""
    return Q(received_at__lt=at) & (Q(finished_at__isnull=True) | Q(finished_at__gte=at))


def _pending(at: dt.datetime, *, late: bool = False) -> Q:
    """Waiting at the end of the day before ``at`` for a supplement (``late``: requested after the due)."""
    pauses = _supplements().filter(started_at__lt=at).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=at))
    if late:
        pauses = pauses.filter(started_at__gt=OuterRef("due_at"))
    return Q(Exists(pauses))


def _stocks(at: dt.datetime, suffix: str) -> dict[str, Q]:
    in_progress, pending = _in_progress(at), _pending(at)
    open_ = in_progress & ~pending
    return {
        f"in_progress{suffix}": in_progress,
        f"open{suffix}": open_,
        f"overdue{suffix}": open_ & Q(due_at__lt=at),
        f"pending_ok{suffix}": in_progress & pending & ~_pending(at, late=True),
        f"pending_late{suffix}": in_progress & _pending(at, late=True),
    }


def _component(**where: Any) -> Q:
    return Q(Exists(DossierComponent.objects.filter(dossier=OuterRef("pk"), **where)))


def _conditions(start: dt.datetime, after: dt.datetime) -> dict[str, Q]:
    """One condition per counted figure; each is a ``Count(filter=…)`` of the dossier query."""
    received = Q(received_at__gte=start, received_at__lt=after)
    resolved = Q(received_at__isnull=False, finished_at__gte=start, finished_at__lt=after)
    decided, stopped = Q(status__in=DECIDED), Q(status__in=STOPPED)
    requests = Subquery(_supplements().order_by().values("dossier").annotate(n=Count("pk")).values("n")[:1])
    more_than_one = Q(GreaterThan(Coalesce(requests, 0), 1))
    e_result = Q(
        Exists(
            DossierEvent.objects.filter(
                dossier=OuterRef("pk"), action=DossierAction.RESULT_ISSUED, data__e_result=True
            )
        )
    ) & Q(status__in=DECIDED)
    paper = Q(procedure_version__result_type=ResultType.PAPER)
    digitised = _component(digitised=True)
    on_earlier_day = Q(LessThan(TruncDate("finished_at", tzinfo=TZ), TruncDate("due_at", tzinfo=TZ)))
    late = more_than_one | (decided & Q(outcome="late")) | (stopped & Q(finished_at__gt=F("due_at")))
    early = ~more_than_one & ((decided & Q(outcome="early")) | (stopped & on_earlier_day))
    returned = Q(received_at__isnull=False, returned_at__gte=start, returned_at__lt=after)
    return {
        "received": received,
        "received_online": received & Q(channel="online"),
        "received_counter": received & Q(channel="counter"),
        "received_postal": received & Q(channel="postal"),
        "received_full_online": received
        & Q(channel="online", procedure_version__online_level=OnlineLevel.FULL),
        "received_fee": received & Q(procedure_version__has_fees=True),
        "received_paper_result": received & paper,
        "received_digitised": received & digitised,
        "received_reused": received & _component(origin=ComponentOrigin.REUSED),
        "received_from_store": received & _component(origin=ComponentOrigin.REGISTRY),
        "resolved": resolved,
        "resolved_early": resolved & early,
        "resolved_late": resolved & late,
        "resolved_stopped": resolved & stopped,
        "resolved_e_result": resolved & e_result & paper,
        "resolved_paper_result": resolved & paper,
        "resolved_digitised_complete": resolved & digitised & (e_result | ~paper),
        # Paid online: counted on the later of the payment and the receipt (the first online payment).
        "paid_online": Q(paid_online_at__lt=after)
        & (Q(paid_online_at__gte=start) | Q(received_at__gte=start)),
        "returned": returned,
        "returned_online": returned & Q(return_method="online"),
        **_stocks(after, "_end"),
        **_stocks(start, "_before"),
    }


def _event_conditions(start: dt.datetime, after: dt.datetime) -> dict[str, Q]:
    """Counters of single events: hand-overs, supplement requests after the receipt, apologies."""
    handover = Q(action__in=HANDOVERS)
    return {
        "handover_paper": handover & Q(data__mode="paper"),
        "handover_all": handover,
        "supplement_requests": Q(
            action=DossierAction.REQUEST_SUPPLEMENT, occurred_at__gte=F("dossier__received_at")
        ),
        "apologies": Q(action=DossierAction.APOLOGISE),
    }


# -- the figures -------------------------------------------------------------------------------------


def _figures(row: dict[str, int]) -> Figures:
    """The figures of one key in the layout of ``figures.period_figures``."""
    get = row.get
    out: Figures = {
        name: get(name, 0)
        for name in (
            "received", "received_online", "received_counter", "received_postal", "received_full_online",
            "received_fee", "received_paper_result", "received_digitised", "received_reused",
            "received_from_store", "resolved", "resolved_early", "resolved_late", "resolved_stopped",
            "resolved_e_result", "resolved_paper_result", "resolved_digitised_complete", "returned",
            "returned_online", "handover_paper", "supplement_requests", "apologies",
        )
    }  # fmt: skip
    out["resolved_on_time"] = out["resolved"] - out["resolved_early"] - out["resolved_late"]
    out["handover_electronic"] = get("handover_all", 0) - out["handover_paper"]
    out["paid_online"] = get("paid_online", 0)
    for stock in ("open", "overdue", "pending_ok", "pending_late"):
        out[f"{stock}_end"] = get(f"{stock}_end", 0)
        out[f"{stock}_before"] = get(f"{stock}_before", 0)
    out["carried_over"] = get("in_progress_before", 0)
    out["received_total"] = out["received"] + out["carried_over"]
    out["received_counter_postal"] = out["received_counter"] + out["received_postal"]
    out["in_progress"] = get("in_progress_end", 0)
    out["in_progress_overdue"] = out["overdue_end"] + out["pending_late_end"]
    out["in_progress_within"] = out["in_progress"] - out["in_progress_overdue"]
    return out


def naive_period_figures(
    period: Period, *, by_procedure: bool = False, unit_ids: Iterable[int] | None = None
) -> dict[tuple[int, ...], Figures]:
    """Figures per resolving unit (or unit and procedure) that has any, for ``period``, from the raw rows."""
    # As ``period_figures``: a period that runs into the future is read as it stands today.
    end = min(period.end, timezone.localdate())
    start, after = start_of(period.start), start_of(end + dt.timedelta(days=1))
    ids = list(unit_ids) if unit_ids is not None else None

    keys = ["resolving_unit_id", "procedure_version__procedure_id"] if by_procedure else ["resolving_unit_id"]
    paid_online_at = Subquery(
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action="fee_paid", data__online=True)
        .order_by("seq")
        .values("occurred_at")[:1]
    )
    dossiers = (
        Dossier.objects.annotate(paid_online_at=paid_online_at)
        .filter(received_at__isnull=False, received_at__lt=after)
        .filter(
            Q(finished_at__isnull=True)
            | Q(finished_at__gte=start)
            | Q(returned_at__gte=start)
            | Q(paid_online_at__gte=start)
        )
    )
    if ids is not None:
        dossiers = dossiers.filter(resolving_unit_id__in=ids)
    counts = {name: Count("pk", filter=q) for name, q in _conditions(start, after).items()}
    rows: dict[tuple[int, ...], dict[str, int]] = {}
    for row in dossiers.values(*keys).annotate(**counts).order_by():
        rows[tuple(row[k] for k in keys)] = {name: int(row[name] or 0) for name in counts}

    event_keys = [f"dossier__{k}" for k in keys]
    events = DossierEvent.objects.filter(
        occurred_at__gte=start, occurred_at__lt=after, dossier__received_at__isnull=False
    )
    if ids is not None:
        events = events.filter(dossier__resolving_unit_id__in=ids)
    event_counts = {name: Count("pk", filter=q) for name, q in _event_conditions(start, after).items()}
    for row in events.values(*event_keys).annotate(**event_counts).order_by():
        into = rows.setdefault(tuple(row[k] for k in event_keys), {})
        into.update({name: int(row[name] or 0) for name in event_counts})

    figures = {key: _figures(row) for key, row in rows.items()}
    return {key: f for key, f in figures.items() if any(f.values())}
