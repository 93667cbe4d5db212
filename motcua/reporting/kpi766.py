"""The Decision 766/QĐ-TTg indicators for a unit (with its subtree) and a period.

Formulas, targets and caps of regulations §6: points = min(max, max × ratio / target), rounded to 2
decimals; a denominator of 0 gives "không áp dụng" and 0 points. Points per indicator come from the weight
profile chosen in settings (``MOTCUA_KPI766_PROFILE``: ``portal`` = the national portal's six groups,
``qd766_2022`` = the 2022 five groups), and each weight can be overridden
(``MOTCUA_KPI766_WEIGHTS = {"3.3": 6, …}``) because parts of the split are unverified.
Definitions in words: docs/architecture/kpi-definitions.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from motcua.calendar.errors import OutOfCalendarRange
from motcua.calendar.selectors import calendar_snapshot
from motcua.catalogue.choices import OnlineLevel, ProcedureLevel
from motcua.catalogue.models import LegalBasis, Procedure, ProcedureVersion
from motcua.feedback.selectors import (
    FeedbackFigures,
    complained_dossiers_by_unit,
    feedback_figures_by_unit,
    feedback_figures_sum,
)
from motcua.org.models import OrgUnit
from motcua.payments.errors import GatewayNotConfigured
from motcua.payments.services import merchant_for

from .figures import Figures, Tree, period_figures, period_flows, rollup
from .periods import Period
from .providers import SyncFigures, period_sync_figures, sync_share


@dataclass(frozen=True)
class Definition:
    code: str
    name: Any
    target: Decimal  # the ratio that earns the full points
    source: str  # "dossiers" (fact table), "catalogue", "feedback" (PAKN), or "none" (not held yet)
    note: Any = ""


D = Decimal
DEFINITIONS: tuple[Definition, ...] = (
    Definition("1.1", _("TTHC được công bố đúng hạn"), D(1), "catalogue"),
    Definition("1.2", _("TTHC được công khai trên CSDL quốc gia đúng hạn"), D(1), "catalogue"),
    Definition("1.3", _("TTHC công khai đủ bộ phận cấu thành"), D(1), "catalogue"),
    Definition(
        "1.4",
        _("Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"),
        D(1),
        "none",
        _("Chưa kết nối Cổng DVCQG; số hồ sơ đồng bộ được tính khi có kết nối."),
    ),
    Definition("2.1", _("Hồ sơ giải quyết đúng hạn và đang giải quyết trong hạn"), D(1), "dossiers"),
    Definition("3.1", _("TTHC cung cấp dịch vụ công trực tuyến"), D("0.8"), "catalogue"),
    Definition("3.2", _("Dịch vụ công trực tuyến có phát sinh hồ sơ"), D(1), "dossiers"),
    Definition("3.3", _("Hồ sơ nộp trực tuyến"), D("0.5"), "dossiers"),
    Definition("3.5", _("TTHC có phí được cấu hình thanh toán trực tuyến"), D("0.8"), "catalogue"),
    Definition("3.5b", _("TTHC có phí đã phát sinh giao dịch thanh toán trực tuyến"), D(1), "dossiers"),
    Definition("3.6", _("Hồ sơ thanh toán trực tuyến"), D(1), "dossiers"),
    Definition("4.1", _("Hồ sơ có kết quả điện tử"), D(1), "dossiers"),
    Definition("4.2", _("Hồ sơ số hóa thành phần và kết quả"), D("0.8"), "dossiers"),
    Definition("4.2b", _("Chứng thực bản sao điện tử"), D(1), "none"),
    Definition("4.3", _("Hồ sơ dùng lại dữ liệu đã số hóa"), D("0.8"), "dossiers"),
    Definition("4.4", _("Hồ sơ lấy giấy tờ từ kho dữ liệu, cơ sở dữ liệu quốc gia"), D(1), "dossiers"),
    Definition("4.5a", _("TTHC dùng VNeID, CSDL quốc gia về dân cư"), D(1), "none"),
    Definition("4.5b", _("Hồ sơ dùng VNeID, CSDL quốc gia về dân cư"), D(1), "none"),
    Definition("5.2", _("Phản ánh, kiến nghị xử lý đúng hạn"), D(1), "feedback"),
    Definition("5.3", _("Phản ánh, kiến nghị được đánh giá hài lòng"), D(1), "feedback"),
    Definition("5.4", _("Hồ sơ không quá hạn, không bị phản ánh hay không hài lòng"), D("0.9"), "dossiers"),
)

#: Points per indicator and the group each belongs to, per profile (regulations §6).
PROFILES: dict[str, dict[str, Any]] = {
    "portal": {
        "label": _("Cổng DVCQG hiện hành (6 nhóm)"),
        "groups": {
            "1": (_("Công khai, minh bạch"), ["1.1", "1.2", "1.3", "1.4"]),
            "2": (_("Tiến độ, kết quả giải quyết"), ["2.1"]),
            "3": (_("Dịch vụ công trực tuyến"), ["3.1", "3.2", "3.3"]),
            "3T": (_("Thanh toán trực tuyến"), ["3.5", "3.5b", "3.6"]),
            "4": (_("Số hóa hồ sơ"), ["4.1", "4.2", "4.2b", "4.3", "4.4", "4.5a", "4.5b"]),
            "5": (_("Mức độ hài lòng"), ["5.2", "5.3", "5.4"]),
        },
    },
    "qd766_2022": {
        "label": _("Quyết định 766/2022 (5 nhóm)"),
        "groups": {
            "1": (_("Công khai, minh bạch"), ["1.1", "1.2", "1.3", "1.4"]),
            "2": (_("Tiến độ, kết quả giải quyết"), ["2.1"]),
            "3": (
                _("Cung cấp dịch vụ trực tuyến"),
                ["3.1", "3.2", "3.3", "3.5", "3.5b", "3.6"],
            ),
            "4": (_("Số hóa hồ sơ"), ["4.1", "4.2", "4.2b", "4.3", "4.4", "4.5a", "4.5b"]),
            "5": (_("Mức độ hài lòng"), ["5.2", "5.3", "5.4"]),
        },
    },
}
WEIGHTS: dict[str, int] = {
    "1.1": 6, "1.2": 4, "1.3": 2, "1.4": 6,
    "2.1": 20,
    "3.1": 2, "3.2": 4, "3.3": 6,
    "3.5": 2, "3.5b": 2, "3.6": 6,
    "4.1": 6, "4.2": 4, "4.2b": 2, "4.3": 2, "4.4": 4, "4.5a": 2, "4.5b": 2,
    "5.2": 6, "5.3": 6, "5.4": 6,
}  # fmt: skip


@dataclass
class Indicator:
    code: str
    name: str
    group: str
    numerator: int
    denominator: int
    ratio: Decimal | None  # None: not applicable (denominator 0)
    target: Decimal
    max_points: Decimal
    points: Decimal
    source: str
    note: str = ""


@dataclass
class Scorecard:
    unit_code: str
    unit_name: str
    period: Period
    profile: str
    indicators: list[Indicator]
    figures: Figures

    @property
    def total(self) -> Decimal:
        return sum((i.points for i in self.indicators), D(0))

    @property
    def max_total(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), D(0))

    def groups(self) -> list[dict[str, Any]]:
        spec = PROFILES[self.profile]["groups"]
        by_code = {i.code: i for i in self.indicators}
        return [
            {
                "code": code,
                "name": str(name),
                "points": sum((by_code[c].points for c in codes), D(0)),
                "max_points": sum((by_code[c].max_points for c in codes), D(0)),
                "indicators": [by_code[c] for c in codes],
            }
            for code, (name, codes) in spec.items()
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit_code,
            "unit_name": self.unit_name,
            "period": {"label": self.period.label, "start": self.period.start, "end": self.period.end},
            "profile": self.profile,
            "total": self.total,
            "max_total": self.max_total,
            "groups": [{**g, "indicators": [asdict(i) for i in g["indicators"]]} for g in self.groups()],
        }


#: What items 3.2 and 3.5b read per procedure: online services with at least one online dossier, fee-bearing
#: procedures with at least one online payment.
ONLINE_BY_PROCEDURE = ("received_online", "paid_online")


def profile_name() -> str:
    name = getattr(settings, "MOTCUA_KPI766_PROFILE", "portal")
    return name if name in PROFILES else "portal"


def weights() -> dict[str, int]:
    return {**WEIGHTS, **getattr(settings, "MOTCUA_KPI766_WEIGHTS", {})}


def score(
    numerator: int, denominator: int, *, target: Decimal, max_points: Decimal
) -> tuple[Decimal | None, Decimal]:
    """(ratio, points): points = min(max, max × ratio / target), 2 decimals; N/A → (None, 0)."""
    if denominator <= 0:
        return None, D("0.00")
    ratio = D(numerator) / D(denominator)
    points = min(max_points, max_points * ratio / target) if target > 0 else max_points
    return ratio.quantize(D("0.0001"), ROUND_HALF_UP), points.quantize(D("0.01"), ROUND_HALF_UP)


# -- the catalogue side ----------------------------------------------------------------------------------


class Catalogue:
    """The published procedures' current versions, their legal bases and the calendar, read once for any
    number of units (the catalogue side of groups 1 and 3)."""

    def __init__(self) -> None:
        self.versions = list(
            ProcedureVersion.objects.filter(
                pk__in=Procedure.objects.filter(current_version__isnull=False).values("current_version")
            )
        )
        self.effective: dict[int, dt.date | None] = dict(
            LegalBasis.objects.values("procedure_id")
            .annotate(last=Max("effective_date"))
            .values_list("procedure_id", "last")
        )
        self.cal = calendar_snapshot()
        self.agency_codes: dict[int, str] = dict(
            OrgUnit.objects.filter(pk__in={v.agency_id for v in self.versions if v.agency_id}).values_list(
                "pk", "code"
            )
        )

    def of(self, unit: OrgUnit, tree: Tree) -> list[ProcedureVersion]:
        """Current versions of the published procedures this unit (with its subtree) resolves."""
        if unit.parent_id is None:
            return self.versions
        members = tree.subtree(unit.pk)
        own = [v for v in self.versions if v.agency_id in members]
        if own or unit.kind != "commune":
            return own
        return [v for v in self.versions if v.level == ProcedureLevel.COMMUNE]

    def pays_online(self, version: ProcedureVersion) -> bool:
        """Online payment is configured for the agency that collects the procedure's fees."""
        code = self.agency_codes.get(version.agency_id or 0, "")
        try:
            merchant_for(code)
        except GatewayNotConfigured:
            return False
        return True

    def _working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to ``end``; calendar days × 5/7 outside the calendar's years."""
        try:
            return self.cal.working_day_count(start, end) - 1
        except OutOfCalendarRange:
            return (end - start).days * 5 // 7

    def counts(self, versions: list[ProcedureVersion], period: Period) -> dict[str, tuple[int, int]]:
        decided = [v for v in versions if v.decision_date and period.start <= v.decision_date <= period.end]

        def on_time(v: ProcedureVersion) -> bool:
            last = self.effective.get(v.procedure_id)
            if last is None or v.decision_date is None:
                return True
            return self._working_days(v.decision_date, last) >= 5

        def public_in_time(v: ProcedureVersion) -> bool:
            if v.published_on is None or v.decision_date is None:
                return False
            return self._working_days(v.decision_date, v.published_on) <= 5

        online = [v for v in versions if v.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)]
        fee_bearing = [v for v in versions if v.has_fees]
        return {
            "3.5": (sum(self.pays_online(v) for v in fee_bearing), len(fee_bearing)),
            "1.1": (sum(on_time(v) for v in decided), len(decided)),
            "1.2": (sum(public_in_time(v) for v in decided), len(decided)),
            "1.3": (sum(v.parts_complete for v in versions), len(versions)),
            "3.1": (len(online), len(versions)),
        }


# -- feedback (PAKN) and evaluations: 766 items 5.2–5.4 ---------------------------------------------------


class Feedback:
    """The period's PAKN figures and complained-about dossiers per unit, read once (like the facts) and
    rolled up the tree per scorecard. Few rows: the reads start from the feedback side."""

    def __init__(self, period: Period) -> None:
        start, end = period.moments()
        self.by_unit = feedback_figures_by_unit(start=start, end=end)
        self.complained = complained_dossiers_by_unit(start=start, end=end)

    def of(self, members: set[int]) -> tuple[FeedbackFigures, int]:
        figures = feedback_figures_sum(f for unit_id, f in self.by_unit.items() if unit_id in members)
        return figures, sum(n for unit_id, n in self.complained.items() if unit_id in members)


# -- the indicators ------------------------------------------------------------------------------------


def kpi766(
    unit: OrgUnit,
    period: Period,
    *,
    tree: Tree | None = None,
    per_unit: dict[tuple[int, ...], Figures] | None = None,
    per_procedure: dict[tuple[int, ...], Figures] | None = None,
    profile: str | None = None,
    catalogue: Catalogue | None = None,
    feedback: Feedback | None = None,
    sync: SyncFigures | None = None,
) -> Scorecard:
    """The scorecard of ``unit`` (and its subtree) for ``period``. Pass ``per_unit``/``per_procedure``
    (from ``period_figures``), ``tree`` and ``catalogue`` to score many units from the same reads."""
    tree = tree or Tree()
    catalogue = catalogue or Catalogue()
    per_unit = per_unit if per_unit is not None else period_figures(period)
    if per_procedure is None:
        per_procedure = period_flows(period, ONLINE_BY_PROCEDURE, by_procedure=True)
    f = rollup(per_unit, tree, unit.pk)
    members = tree.subtree(unit.pk)
    versions = catalogue.of(unit, tree)
    online_ids = {
        v.procedure_id for v in versions if v.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)
    }
    with_online = {
        key[1] for key, fig in per_procedure.items() if key[0] in members and fig["received_online"] > 0
    }
    fee_ids = {v.procedure_id for v in versions if v.has_fees}
    paid_online = {
        key[1] for key, fig in per_procedure.items() if key[0] in members and fig.get("paid_online", 0) > 0
    }
    handled = f["received_total"]
    late_share = f["resolved_late"] + f["in_progress_overdue"]
    pakn, complained = (feedback or Feedback(period)).of(members)
    # 1.4 from the national-portal synchronisation's provider (motcua.reporting.providers); None = N/A.
    synced = sync if sync is not None else period_sync_figures(period)
    counts: dict[str, tuple[int, int]] = {
        **catalogue.counts(versions, period),
        "1.4": sync_share(synced, members),
        "2.1": (f["resolved_early"] + f["resolved_on_time"] + f["in_progress_within"], handled),
        "3.2": (len(online_ids & with_online), len(online_ids)),
        "3.3": (f["received_online"], f["received"]),
        "3.5b": (len(fee_ids & paid_online), len(fee_ids)),
        "3.6": (f["paid_online"], f["received_fee"]),
        "4.1": (f["resolved_e_result"], f["resolved_paper_result"]),
        "4.2": (f["resolved_digitised_complete"], f["resolved"]),
        "4.2b": (0, 0),
        "4.3": (f["received_reused"], f["received"]),
        "4.4": (f["received_from_store"], f["received"]),
        "4.5a": (0, 0),
        "4.5b": (0, 0),
        # PAKN handled on time (or still within time) / received; "good" ones (not disliked, repeated
        # nor late) / received.
        "5.2": (pakn.handled_on_time, pakn.received),
        "5.3": (pakn.good, pakn.received),
        # 100 % − (overdue rate + rate with feedback or a dislike): late ones from the facts, the others
        # (resolved, not late, complained about) from the feedback side — each dossier counted once.
        "5.4": (max(handled - late_share - complained, 0), handled),
    }
    name = profile if profile in PROFILES else profile_name()
    group_of = {c: g for g, (_label, codes) in PROFILES[name]["groups"].items() for c in codes}
    w = weights()
    indicators = []
    for d in DEFINITIONS:
        numerator, denominator = counts[d.code]
        max_points = D(w.get(d.code, 0))
        ratio, points = score(numerator, denominator, target=d.target, max_points=max_points)
        indicators.append(
            Indicator(
                code=d.code,
                name=str(d.name),
                group=group_of[d.code],
                numerator=numerator,
                denominator=denominator,
                ratio=ratio,
                target=d.target,
                max_points=max_points,
                points=points,
                source="dvcqg" if d.code == "1.4" and synced is not None else d.source,
                note="" if d.code == "1.4" and synced is not None else str(d.note),
            )
        )
    return Scorecard(unit.code, unit.name, period, name, indicators, f)


def kpi766_all(
    period: Period, *, units: list[OrgUnit] | None = None, profile: str | None = None
) -> list[Scorecard]:
    """Scorecards for many units from two fact reads (the province and every unit by default)."""
    tree = Tree()
    per_unit = period_figures(period)
    per_procedure = period_flows(period, ONLINE_BY_PROCEDURE, by_procedure=True)
    catalogue = Catalogue()
    feedback = Feedback(period)
    sync = period_sync_figures(period)
    chosen = units if units is not None else sorted(tree.units.values(), key=lambda u: u.code)
    return [
        kpi766(
            u,
            period,
            tree=tree,
            per_unit=per_unit,
            per_procedure=per_procedure,
            profile=profile,
            catalogue=catalogue,
            feedback=feedback,
            sync=sync,
        )
        for u in chosen
    ]
