"""The dossiers behind a figure of the scorecard: a ``Dossier`` queryset per figure, unit subtree and period.

Built from the dossier's own columns, not from the fact table, with the rules of ``facts.py``, so that the
list behind a figure has as many rows as the figure says (``tests/reporting/test_drilldown.py``):

* a dossier counts from the day it was received (``received_at``, day in Asia/Ho_Chi_Minh); refused at
  intake or never received, it counts nothing;
* it ends at ``finished_at`` once decided (result ready, returned), stopped or closed; a decided dossier is
  early / on time / late by its ``outcome``; a stopped or closed one by its end against ``due_at`` (early
  when it ended on a day before the due day), and one closed while waiting for a supplement by the moment
  of the request;
* while it waits for a supplement (the ``DossierPause`` of kind supplement started after receipt) it is in
  progress, overdue when the request came after the due moment; otherwise it is overdue at the end of day
  E from its due day on (``due_at`` ≤ end of E).

Days are compared as moments: "day(x) ≤ E" is "x before midnight starting E + 1" in the project time zone.
The row keeps only the current due moment, so the one before a supplement request is read as the
appointment given at receipt (``original_due_at``) once the supplement came or the dossier ended; a due
moment moved by an apology or a suspension *before* a supplement request, or by the suspension a stop ended,
is the one case in which a historic period's list may differ from the fact table by a dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import CodedError
from motcua.dossiers.models import Channel, Dossier, DossierPause, PauseKind
from motcua.dossiers.status import DossierStatus

from .facts import TZ
from .periods import Period

S = DossierStatus
DECIDED = (S.RESULT_READY, S.RETURNED)
STOPPED = (S.STOPPED, S.CLOSED)
ENDED = (*DECIDED, *STOPPED)
OUTCOMES = ("early", "on_time", "late")

#: The figures that have a list of dossiers behind them, with their names on the page.
FIGURES: dict[str, object] = {
    "received_total": _("Tổng số hồ sơ phải giải quyết (tiếp nhận trong kỳ và kỳ trước chuyển qua)"),
    "received": _("Hồ sơ tiếp nhận trong kỳ"),
    "received_online": _("Hồ sơ tiếp nhận trực tuyến"),
    "carried_over": _("Hồ sơ kỳ trước chuyển qua"),
    "resolved": _("Hồ sơ đã giải quyết"),
    "resolved_early": _("Hồ sơ giải quyết trước hạn"),
    "resolved_on_time": _("Hồ sơ giải quyết đúng hạn"),
    "resolved_late": _("Hồ sơ giải quyết quá hạn"),
    "in_progress": _("Hồ sơ đang giải quyết cuối kỳ"),
    "in_progress_within": _("Hồ sơ đang giải quyết, còn trong hạn"),
    "in_progress_overdue": _("Hồ sơ đang giải quyết, đã quá hạn"),
}


#: Short names, for the links between the lists.
SHORT_NAMES: dict[str, object] = {
    "received_total": _("Phải giải quyết"),
    "received": _("Tiếp nhận"),
    "received_online": _("Trực tuyến"),
    "carried_over": _("Kỳ trước chuyển qua"),
    "resolved": _("Đã giải quyết"),
    "resolved_early": _("Trước hạn"),
    "resolved_on_time": _("Đúng hạn"),
    "resolved_late": _("Quá hạn"),
    "in_progress": _("Đang giải quyết"),
    "in_progress_within": _("Còn trong hạn"),
    "in_progress_overdue": _("Đang quá hạn"),
}


class UnknownFigure(CodedError):
    code = "figure_unknown"
    http_status = 400
    default_message = _("Không có danh sách hồ sơ cho chỉ tiêu này.")


def midnight(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the project time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=TZ)


def period_end_day(period: Period) -> dt.date:
    """The last day read: a period that runs into the future is read as it stands today (as the figures)."""
    return min(period.end, timezone.localdate())


def annotate_states(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Add what the rules read besides the row: the supplement pause (after receipt), the end moment,
    the due moment before the request, and the early / on time / late class of an ended dossier."""
    pause = DossierPause.objects.filter(
        dossier=OuterRef("pk"), kind=PauseKind.SUPPLEMENT, started_at__gte=OuterRef("received_at")
    ).order_by("started_at")
    queryset = queryset.annotate(
        sup_start=Subquery(pause.values("started_at")[:1], output_field=DateTimeField()),
        sup_end=Subquery(pause.values("ended_at")[:1], output_field=DateTimeField()),
        end_at=Case(
            When(status__in=ENDED, then=F("finished_at")), default=None, output_field=DateTimeField()
        ),
    )
    queryset = queryset.annotate(
        # Waiting for the supplement when it ended (stopped, or closed for want of it).
        ended_pending=Case(
            When(
                Q(status__in=STOPPED, sup_start__isnull=False, finished_at__isnull=False)
                & (Q(sup_end__isnull=True) | Q(sup_end__gte=F("finished_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        # The due moment in force at the request: the row's own while still waiting.
        due_then=Case(
            When(sup_start__isnull=False, sup_end__isnull=True, then=F("due_at")),
            default=F("original_due_at"),
            output_field=DateTimeField(),
        ),
    )
    queryset = queryset.annotate(
        stop_at=Case(
            When(ended_pending=True, status=S.CLOSED, then=F("sup_start")),
            default=F("finished_at"),
            output_field=DateTimeField(),
        ),
        stop_due=Case(
            When(ended_pending=True, then=F("due_then")), default=F("due_at"), output_field=DateTimeField()
        ),
    )
    queryset = queryset.annotate(
        stop_day=TruncDate("stop_at", tzinfo=TZ), stop_due_day=TruncDate("stop_due", tzinfo=TZ)
    )
    return queryset.annotate(
        end_class=Case(
            When(status__in=DECIDED, outcome__in=OUTCOMES, then=F("outcome")),
            When(status__in=DECIDED, then=Value("on_time")),
            When(stop_due__isnull=True, then=Value("on_time")),
            When(stop_at__lte=F("stop_due"), stop_day__lt=F("stop_due_day"), then=Value("early")),
            When(stop_at__lte=F("stop_due"), then=Value("on_time")),
            default=Value("late"),
            output_field=CharField(),
        )
    )


def _in_progress(limit: dt.datetime) -> Q:
    """Received and not ended by ``limit`` (the midnight after the day E)."""
    return Q(received_at__lt=limit) & (Q(end_at__isnull=True) | Q(end_at__gte=limit))


def _pending(limit: dt.datetime) -> Q:
    return Q(sup_start__lt=limit) & (Q(sup_end__isnull=True) | Q(sup_end__gte=limit))


def _not_pending(limit: dt.datetime) -> Q:
    return Q(sup_start__isnull=True) | Q(sup_start__gte=limit) | Q(sup_end__lt=limit)


def _overdue(limit: dt.datetime) -> Q:
    """In progress at the end of day E and overdue then (open past the due day, or waiting after a late
    request). ``limit`` is the midnight after E."""
    before_request = Q(sup_start__gte=limit) & Q(due_then__lt=limit)
    after_request = (Q(sup_start__isnull=True) | Q(sup_start__lt=limit)) & Q(due_at__lt=limit)
    open_overdue = _in_progress(limit) & _not_pending(limit) & (before_request | after_request)
    pending_late = _pending(limit) & Q(due_then__isnull=False) & Q(sup_start__gt=F("due_then"))
    return open_overdue | pending_late


def _within(limit: dt.datetime) -> Q:
    before_request = Q(sup_start__gte=limit) & (Q(due_then__isnull=True) | Q(due_then__gte=limit))
    after_request = (Q(sup_start__isnull=True) | Q(sup_start__lt=limit)) & (
        Q(due_at__isnull=True) | Q(due_at__gte=limit)
    )
    open_within = _in_progress(limit) & _not_pending(limit) & (before_request | after_request)
    pending_ok = _pending(limit) & (Q(due_then__isnull=True) | Q(sup_start__lte=F("due_then")))
    return open_within | pending_ok


def figure_condition(figure: str, period: Period) -> Q:
    """The condition on an ``annotate_states`` queryset for one of ``FIGURES`` over ``period``."""
    start, after_end = midnight(period.start), midnight(period_end_day(period) + dt.timedelta(days=1))
    received = Q(received_at__gte=start, received_at__lt=after_end)
    resolved = Q(end_at__gte=start, end_at__lt=after_end)
    conditions: dict[str, Q] = {
        "received": received,
        "received_online": received & Q(channel=Channel.ONLINE),
        "carried_over": _in_progress(start),
        "received_total": received | _in_progress(start),
        "resolved": resolved,
        "resolved_early": resolved & Q(end_class="early"),
        "resolved_on_time": resolved & Q(end_class="on_time"),
        "resolved_late": resolved & Q(end_class="late"),
        "in_progress": _in_progress(after_end),
        "in_progress_within": _within(after_end),
        "in_progress_overdue": _overdue(after_end),
    }
    if figure not in conditions:
        raise UnknownFigure(figure=figure)
    return conditions[figure]


def drilldown_queryset(
    *,
    figure: str,
    period: Period,
    unit_ids: Iterable[int] | None = None,
    sector_id: int | None = None,
    procedure_id: int | None = None,
    base: QuerySet[Dossier] | None = None,
) -> QuerySet[Dossier]:
    """The dossiers counted in ``figure`` for ``period``, resolved by one of ``unit_ids`` (all units when
    None), optionally of one sector or procedure; newest receipt first. ``base`` narrows the dossiers
    looked at (the ones a user may see). Raises ``UnknownFigure``."""
    if figure not in FIGURES:
        raise UnknownFigure(figure=figure)
    queryset = (base if base is not None else Dossier.objects.all()).filter(received_at__isnull=False)
    if unit_ids is not None:
        queryset = queryset.filter(resolving_unit_id__in=list(unit_ids))
    if sector_id is not None:
        queryset = queryset.filter(procedure_version__procedure__sector_id=sector_id)
    if procedure_id is not None:
        queryset = queryset.filter(procedure_version__procedure_id=procedure_id)
    return (
        annotate_states(queryset)
        .filter(figure_condition(figure, period))
        .select_related("procedure_version", "resolving_unit")
        .order_by("-received_at", "-pk")
    )


def drilldown_counts(
    *, period: Period, unit_ids: Iterable[int] | None = None, base: QuerySet[Dossier] | None = None
) -> dict[str, int]:
    """How many dossiers each list of ``FIGURES`` holds, in one query (the same conditions as
    ``drilldown_queryset``)."""
    queryset = (base if base is not None else Dossier.objects.all()).filter(received_at__isnull=False)
    if unit_ids is not None:
        queryset = queryset.filter(resolving_unit_id__in=list(unit_ids))
    counts = annotate_states(queryset).aggregate(
        **{figure: Count("pk", filter=figure_condition(figure, period)) for figure in FIGURES}
    )
    return {figure: int(counts[figure] or 0) for figure in FIGURES}
