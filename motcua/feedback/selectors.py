"""Reads of the evaluation and PAKN data: pages, queues, public search, and the 766 / plan figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import astuple, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.text import fold
from motcua.dossiers.models import Dossier

from .access import feedback_visible_queryset
from .conf import edit_window
from .models import (
    FEEDBACK_OPEN,
    Evaluation,
    EvaluationVote,
    Feedback,
    FeedbackStatus,
    Satisfaction,
    Vote,
)
from .services.common import contact_matches
from .timeliness import feedback_timeliness

# -- evaluations -----------------------------------------------------------------------------------------


def evaluation_for_dossier(dossier: Dossier) -> Evaluation | None:
    return Evaluation.objects.filter(dossier=dossier).prefetch_related("votes").first()


def evaluation_link_dossier(dossier_id: int) -> Dossier | None:
    """The dossier a valid evaluation link names (the link was checked by ``tokens.read_token``)."""
    return (
        Dossier.objects.select_related("procedure_version", "receiving_point", "resolving_unit")
        .filter(pk=dossier_id)
        .first()
    )


def evaluation_vote_map(evaluation: Evaluation | None) -> dict[str, str]:
    """The evaluation's votes keyed like ``targets.Target.key``."""
    if evaluation is None:
        return {}
    return {
        (f"o{v.officer_id}-{v.unit_id}" if v.officer_id else f"u{v.unit_id}"): v.vote
        for v in evaluation.votes.all()
    }


def evaluation_can_edit(evaluation: Evaluation | None, *, at: dt.datetime | None = None) -> bool:
    return evaluation is not None and (at or timezone.now()) <= evaluation.given_at + edit_window()


# -- PAKN: public and tracking -------------------------------------------------------------------------


def feedback_public_list(*, q: str = "") -> QuerySet[Feedback]:
    """Published answers, newest first; ``q`` matches without diacritics (every word must appear)."""
    rows = Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).select_related("handling_unit")
    for word in fold(q).split()[:8]:
        rows = rows.filter(search_text__contains=word)
    return rows.order_by("-published_at")


def feedback_public_get(code: str) -> Feedback | None:
    return (
        Feedback.objects.filter(code=(code or "").strip().upper(), status=FeedbackStatus.PUBLISHED)
        .select_related("handling_unit")
        .first()
    )


def feedback_track(*, code: str, contact: str) -> Feedback | None:
    """The sender's own feedback: the tracking code and one of the contacts given with it."""
    f = Feedback.objects.filter(code=(code or "").strip().upper()).select_related("handling_unit").first()
    if f is None or not contact_matches(phone=f.sender_phone, email=f.sender_email, given=contact):
        return None
    return f


# -- PAKN: the officers' queue ---------------------------------------------------------------------------


QUEUE_TABS: dict[str, tuple[object, tuple[str, ...]]] = {
    "": (_("Cần xử lý"), (FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED)),
    "cho-bo-sung": (_("Chờ bổ sung"), (FeedbackStatus.INFO_REQUESTED,)),
    "cho-cong-khai": (_("Chờ công khai"), (FeedbackStatus.ANSWERED,)),
    "da-xong": (_("Đã xong"), (FeedbackStatus.PUBLISHED, FeedbackStatus.REFUSED)),
}


def feedback_queue(*, user: User, tab: str = "") -> QuerySet[Feedback]:
    statuses = QUEUE_TABS.get(tab, QUEUE_TABS[""])[1]
    rows = feedback_visible_queryset(user).filter(status__in=statuses).select_related("handling_unit")
    if tab == "da-xong":
        return rows.order_by("-received_at")
    return rows.order_by("answer_due_at", "received_at")


def feedback_get_for_user(*, user: User, pk: int) -> Feedback | None:
    return (
        feedback_visible_queryset(user)
        .select_related("handling_unit", "dossier", "procedure", "unit", "duplicate_of", "answered_by")
        .filter(pk=pk)
        .first()
    )


def feedback_queue_counts(*, user: User) -> dict[str, int]:
    visible = feedback_visible_queryset(user)
    return {tab: visible.filter(status__in=statuses).count() for tab, (_l, statuses) in QUEUE_TABS.items()}


@dataclass(frozen=True)
class DueBadge:
    text: str
    state: str  # late | soon | ok | waiting | done
    at: dt.datetime | None


def feedback_due_badge(f: Feedback, *, at: dt.datetime | None = None) -> DueBadge:
    """The next deadline of a feedback in words (the colour only repeats what the text says)."""
    at = at or timezone.now()
    if f.status == FeedbackStatus.INFO_REQUESTED:
        return DueBadge(str(_("Chờ người gửi bổ sung")), "waiting", None)
    if f.status in (FeedbackStatus.REFUSED, FeedbackStatus.PUBLISHED):
        return DueBadge(str(FeedbackStatus(f.status).label), "done", None)
    if f.status == FeedbackStatus.ANSWERED:
        due, label = f.publish_due_at, _("Hạn công khai")
    else:
        due, label = f.answer_due_at, _("Hạn trả lời")
    if due is None:
        return DueBadge("", "ok", None)
    when = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
    if at > due:
        return DueBadge(str(_("Quá hạn — %(label)s %(when)s")) % {"label": label, "when": when}, "late", due)
    if due - at <= dt.timedelta(days=1):
        return DueBadge(
            str(_("Sắp đến hạn — %(label)s %(when)s")) % {"label": label, "when": when}, "soon", due
        )
    return DueBadge(f"{label} {when}", "ok", due)


# -- figures: 766 items 5.2–5.4 and plan target T08 --------------------------------------------------------


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeedbackFigures:
    """PAKN received in the period by the units. 5.2 = handled_on_time / received; 5.3 = good / received."""

    received: int
    handled_on_time: int  # finished on time + still within time at the period's end
    finished_on_time: int
    late: int
    refused: int
    repeated: int
    disliked: int  # the answer has more dislikes than likes
    good: int  # neither disliked, repeated nor late

    @property
    def item_5_2(self) -> Decimal | None:
        return _ratio(self.handled_on_time, self.received)

    @property
    def item_5_3(self) -> Decimal | None:
        return _ratio(self.good, self.received)


def _in_units(field: str, unit_ids: Collection[int] | None) -> Q:
    return Q() if unit_ids is None else Q(**{f"{field}__in": list(unit_ids)})


def feedback_figures(
    *,
    start: dt.datetime,
    end: dt.datetime,
    unit_ids: Collection[int] | None = None,
    as_of: dt.datetime | None = None,
) -> FeedbackFigures:
    """PAKN received in ``[start, end)`` and handled by ``unit_ids`` (None = all). Open feedback is judged at
    ``as_of`` (default: the earlier of the period's end and now)."""
    by_unit = feedback_figures_by_unit(start=start, end=end, unit_ids=unit_ids, as_of=as_of)
    return feedback_figures_sum(by_unit.values())


def feedback_figures_sum(figures: Iterable[FeedbackFigures]) -> FeedbackFigures:
    totals = [0] * 8
    for f in figures:
        for i, value in enumerate(astuple(f)):
            totals[i] += value
    return FeedbackFigures(*totals)


def feedback_figures_by_unit(
    *,
    start: dt.datetime,
    end: dt.datetime,
    unit_ids: Collection[int] | None = None,
    as_of: dt.datetime | None = None,
) -> dict[int, FeedbackFigures]:
    """``feedback_figures`` per handling unit, from one read (the scorecard rolls them up the tree)."""
    as_of = as_of or min(end, timezone.now())
    rows = Feedback.objects.filter(
        _in_units("handling_unit_id", unit_ids), received_at__gte=start, received_at__lt=end
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * 8)
    for f in rows.only(
        "handling_unit_id", "status", "received_at", "refuse_due_at", "info_due_at", "answer_due_at",
        "publish_due_at", "refused_at", "info_requested_at", "answered_at", "published_at", "duplicate_of_id",
        "likes", "dislikes",
    ):  # fmt: skip
        c = counts[f.handling_unit_id or 0]
        verdict = feedback_timeliness(f, as_of=as_of)
        is_repeat = f.duplicate_of_id is not None
        is_disliked = f.dislikes > f.likes
        c[0] += 1
        c[1] += verdict != "late"
        c[2] += verdict == "on_time"
        c[3] += verdict == "late"
        c[4] += f.status == FeedbackStatus.REFUSED
        c[5] += is_repeat
        c[6] += is_disliked
        c[7] += not (is_repeat or is_disliked or verdict == "late")
    return {unit_id: FeedbackFigures(*c) for unit_id, c in counts.items()}


def complained_dossiers_by_unit(*, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Per resolving unit: dossiers finished in ``[start, end)``, not late, with a PAKN about them, a
    dislike of a unit or officer, or rated "dissatisfied" — what 766 item 5.4 subtracts besides the late
    ones (the late ones are counted by the fact tables, so they are left out here to count each once).
    Read from the complaint side (a few rows), never by scanning the period's dossiers."""
    ids = (
        set(Feedback.objects.filter(dossier_id__isnull=False).values_list("dossier_id", flat=True))
        | set(
            EvaluationVote.objects.filter(vote=Vote.DISLIKE).values_list("evaluation__dossier_id", flat=True)
        )
        | set(
            Evaluation.objects.filter(satisfaction=Satisfaction.DISSATISFIED).values_list(
                "dossier_id", flat=True
            )
        )
    )
    if not ids:
        return {}
    rows = (
        Dossier.objects.filter(pk__in=ids, finished_at__gte=start, finished_at__lt=end)
        .exclude(outcome="late")
        .values_list("resolving_unit_id", flat=True)
    )
    found: dict[int, int] = defaultdict(int)
    for unit_id in rows:
        found[unit_id] += 1
    return dict(found)


@dataclass(frozen=True)
class DossierSatisfactionFigures:
    """Dossiers resolved in the period by the units (766 item 5.4)."""

    dossiers: int
    late: int
    with_feedback_or_dislike: int  # a PAKN about it, a dislike of a unit/officer, or "dissatisfied"
    bad: int  # late, or with feedback or a dislike (counted once)

    @property
    def item_5_4(self) -> Decimal | None:
        """100 % − (overdue rate + rate with PAKN or a dislike), at least 0 (the S26 wording)."""
        if not self.dossiers:
            return None
        late = _ratio(self.late, self.dossiers) or Decimal(0)
        complained = _ratio(self.with_feedback_or_dislike, self.dossiers) or Decimal(0)
        return max(Decimal(100) - late - complained, Decimal("0.00"))

    @property
    def item_5_4_decision_text(self) -> Decimal | None:
        """(dossiers − dissatisfied/PAKN/overdue) / dossiers (the 2022 decision's wording)."""
        return _ratio(self.dossiers - self.bad, self.dossiers)


def dossier_satisfaction_figures(
    *, start: dt.datetime, end: dt.datetime, unit_ids: Collection[int] | None = None
) -> DossierSatisfactionFigures:
    dossiers = Dossier.objects.filter(
        _in_units("resolving_unit_id", unit_ids), finished_at__gte=start, finished_at__lt=end
    )
    ids = set(dossiers.values_list("pk", flat=True))
    late = set(dossiers.filter(outcome="late").values_list("pk", flat=True))
    with_feedback = set(Feedback.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    disliked = set(
        EvaluationVote.objects.filter(evaluation__dossier_id__in=ids, vote=Vote.DISLIKE).values_list(
            "evaluation__dossier_id", flat=True
        )
    )
    dissatisfied = set(
        Evaluation.objects.filter(dossier_id__in=ids, satisfaction=Satisfaction.DISSATISFIED).values_list(
            "dossier_id", flat=True
        )
    )
    complained = with_feedback | disliked | dissatisfied
    return DossierSatisfactionFigures(len(ids), len(late), len(complained), len(late | complained))


@dataclass(frozen=True)
class SatisfactionShare:
    """Plan target T08: satisfied (very satisfied + satisfied) among the evaluations given in the period."""

    evaluations: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int

    @property
    def share(self) -> Decimal | None:
        return _ratio(self.very_satisfied + self.satisfied, self.evaluations)

    def meets(self, target: Decimal = Decimal(95)) -> bool | None:
        share = self.share
        return None if share is None else share >= target


def satisfaction_share(
    *, start: dt.datetime, end: dt.datetime, unit_ids: Collection[int] | None = None
) -> SatisfactionShare:
    rows = Evaluation.objects.filter(
        _in_units("dossier__resolving_unit_id", unit_ids), given_at__gte=start, given_at__lt=end
    ).values_list("satisfaction", flat=True)
    counts = dict.fromkeys(Satisfaction.values, 0)
    for level in rows:
        counts[level] = counts.get(level, 0) + 1
    total = sum(counts.values())
    return SatisfactionShare(
        total,
        counts[Satisfaction.VERY_SATISFIED],
        counts[Satisfaction.SATISFIED],
        counts[Satisfaction.DISSATISFIED],
    )


def feedback_open_count(*, user: User) -> int:
    return feedback_visible_queryset(user).filter(status__in=FEEDBACK_OPEN).count()
