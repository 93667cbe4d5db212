"""The scorecard dashboards' data: headline ratios against the plan targets, counts, the 766 total by group,
monthly trends, rankings of units and a table by sector — for the province or one unit and a period.

Everything is read from the fact table (``figures.period_figures``, ``figures.rollup``) and scored by
``kpi766``; no HTTP here. The views of the back office (``backoffice/views/scorecard.py``) and the public
quality page of the portal (``portal/views/quality.py``) only choose the unit and the period and render.

Who sees which unit: the staff scope of ``motcua.dossiers.access.staff_scope`` (province administrators
and auditors everything, leaders their units' subtrees, other staff their own units).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_snapshot_memo
from motcua.catalogue.models import Procedure
from motcua.dossiers.access import staff_scope
from motcua.org.models import OrgUnit, OrgUnitKind

from .figures import Figures, Tree, add, empty_figures, period_figures, rollup
from .kpi766 import PROFILES, Catalogue, Scorecard, kpi766, profile_name
from .models import DossierFact
from .periods import InvalidPeriod, Period, parse_period

D = Decimal
Per = dict[tuple[int, ...], Figures]

# -- the plan targets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    code: str  # the plan row (T05…) or the 766 indicator whose target is used
    ratio: Decimal


#: The reform plan's targets (docs: /work/shared/seed/plan-targets.md) the headline ratios are held against.
TARGETS: dict[str, Target] = {
    "on_time": Target("T05", D("0.98")),  # on-time resolution ≥ 98 % (766 item 2.1)
    "online": Target("766 3.3", D("0.5")),  # online dossiers: 766 item 3.3's own target
    "handover": Target("T09", D("0.9")),  # ≥ 90 % of inter-agency hand-overs electronic
    "e_result": Target("T07", D(1)),  # 100 % of results digitised (766 item 4.1)
    "reuse": Target("T12", D("0.8")),  # 80 % do not re-supply documents (766 items 4.3/4.4)
}

RANKED_KINDS: dict[str, tuple[str, ...]] = {
    "agency": (OrgUnitKind.AGENCY, OrgUnitKind.VERTICAL_AGENCY),
    "commune": (OrgUnitKind.COMMUNE, OrgUnitKind.DISTRICT),
}
RANKING_TITLES: dict[str, Any] = {
    "agency": gettext_lazy("Sở, ban, ngành và cơ quan ngành dọc"),
    "commune": gettext_lazy("Xã, phường (và cấp huyện trước 01/7/2025)"),
    "children": gettext_lazy("Đơn vị trực thuộc"),
}


def ratio_of(numerator: int, denominator: int) -> Decimal | None:
    if denominator <= 0:
        return None
    return (D(numerator) / D(denominator)).quantize(D("0.0001"), ROUND_HALF_UP)


def percent(value: Decimal | None) -> Decimal | None:
    """0.9734 → 97.3 (one decimal), None stays None."""
    if value is None:
        return None
    return (value * 100).quantize(D("0.1"), ROUND_HALF_UP)


@dataclass
class Headline:
    """One ratio of the dashboard against its target."""

    key: str
    label: str
    source: str  # "766 2.1"…
    numerator: int
    denominator: int
    target: Target
    numerator_figure: str | None = None  # the drill-down lists behind the two counts, when they exist
    denominator_figure: str | None = None
    note: str = ""
    extra: str = ""

    @property
    def ratio(self) -> Decimal | None:
        return ratio_of(self.numerator, self.denominator)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.ratio)

    @property
    def target_percent(self) -> Decimal:
        return (self.target.ratio * 100).quantize(D(1))

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None else ratio >= self.target.ratio

    @property
    def bar(self) -> int:
        """The bar's width in percent (0–100)."""
        ratio = self.ratio
        return 0 if ratio is None else max(0, min(100, int(ratio * 100)))


def headlines(scorecard: Scorecard) -> list[Headline]:
    f = scorecard.figures
    ind = {i.code: i for i in scorecard.indicators}
    handovers = f["handover_electronic"] + f["handover_paper"]
    return [
        Headline(
            "on_time",
            _("Giải quyết đúng hạn"),
            "766 2.1",
            ind["2.1"].numerator,
            ind["2.1"].denominator,
            TARGETS["on_time"],
            denominator_figure="received_total",
            note=_(
                "Đã giải quyết trước hạn, đúng hạn và đang giải quyết trong hạn trên tổng số hồ sơ phải giải quyết."
            ),
        ),
        Headline(
            "online",
            _("Hồ sơ nộp trực tuyến"),
            "766 3.3",
            ind["3.3"].numerator,
            ind["3.3"].denominator,
            TARGETS["online"],
            numerator_figure="received_online",
            denominator_figure="received",
            note=_("Hồ sơ nộp trực tuyến trên hồ sơ tiếp nhận trong kỳ."),
        ),
        Headline(
            "handover",
            _("Chuyển liên thông điện tử"),
            "T09",
            f["handover_electronic"],
            handovers,
            TARGETS["handover"],
            note=_("Lượt chuyển hồ sơ giữa các cơ quan bằng điện tử trên tổng số lượt chuyển liên thông."),
        ),
        Headline(
            "e_result",
            _("Kết quả điện tử"),
            "766 4.1",
            ind["4.1"].numerator,
            ind["4.1"].denominator,
            TARGETS["e_result"],
            note=_("Hồ sơ có kết quả điện tử trên hồ sơ đã giải quyết của thủ tục có kết quả là giấy tờ."),
        ),
        Headline(
            "reuse",
            _("Dùng lại dữ liệu đã số hóa"),
            "766 4.3",
            ind["4.3"].numerator,
            ind["4.3"].denominator,
            TARGETS["reuse"],
            denominator_figure="received",
            note=_("Hồ sơ dùng lại giấy tờ đã số hóa trên hồ sơ tiếp nhận trong kỳ."),
            extra=_("Lấy giấy tờ từ kho, CSDL quốc gia (766 4.4): %(share)s")
            % {"share": _format_percent(percent(ratio_of(ind["4.4"].numerator, ind["4.4"].denominator)))},
        ),
    ]


def _format_percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{number_format(value, 1)} %"


#: The counts of the dashboard, each with its drill-down list.
COUNTS: tuple[tuple[str, Any], ...] = (
    ("received", gettext_lazy("Tiếp nhận trong kỳ")),
    ("received_online", gettext_lazy("Nộp trực tuyến")),
    ("carried_over", gettext_lazy("Kỳ trước chuyển qua")),
    ("resolved", gettext_lazy("Đã giải quyết")),
    ("resolved_late", gettext_lazy("Giải quyết quá hạn")),
    ("in_progress", gettext_lazy("Đang giải quyết")),
    ("in_progress_overdue", gettext_lazy("Đang giải quyết, quá hạn")),
)


@dataclass
class Count:
    figure: str
    label: str
    value: int
    alert: bool = False


def counts(figures: Mapping[str, int]) -> list[Count]:
    return [
        Count(key, str(label), figures.get(key, 0), alert=key in ("resolved_late", "in_progress_overdue"))
        for key, label in COUNTS
    ]


# -- periods ---------------------------------------------------------------------------------------------

YTD = "ytd"
_KEY = re.compile(r"^(\d{4})(?:-(?:Q[1-4]|\d{2}))?$")


def year_to_date(today: dt.date) -> Period:
    label = _("Từ đầu năm %(year)d đến %(day)s") % {"year": today.year, "day": f"{today:%d/%m/%Y}"}
    return Period(today.replace(month=1, day=1), today, label)


def first_year(today: dt.date) -> int:
    """The first year the period picker offers: the fact table's first, at most five years back."""
    first = DossierFact.objects.aggregate(first=Min("period"))["first"]
    year = first.year if first is not None else today.year - 1
    return max(min(year, today.year - 1), today.year - 5)


def period_options(today: dt.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's choices, grouped: year to date, years, quarters, months (newest first, none in the
    future)."""
    today = today or timezone.localdate()
    years = list(range(today.year, first_year(today) - 1, -1))
    quarters = [
        (f"{y}-Q{q}", _("Quý %(quarter)d/%(year)d") % {"quarter": q, "year": y})
        for y in years
        for q in range(4, 0, -1)
        if dt.date(y, 3 * q - 2, 1) <= today
    ]
    months = [
        (f"{y}-{m:02d}", _("Tháng %(month)d/%(year)d") % {"month": m, "year": y})
        for y in years
        for m in range(12, 0, -1)
        if dt.date(y, m, 1) <= today
    ]
    return [
        (_("Lũy kế"), [(YTD, _("Từ đầu năm đến nay"))]),
        (_("Năm"), [(str(y), _("Năm %(year)d") % {"year": y}) for y in years]),
        (_("Quý"), quarters),
        (_("Tháng"), months),
    ]


def period_from_param(
    value: str | None, *, today: dt.date | None = None, custom: bool = True
) -> tuple[str, Period]:
    """(key, period) for the ``period`` parameter: empty or ``ytd`` → this year to date; a month, quarter or
    year (``2026-03``, ``2026-Q1``, ``2026``); with ``custom`` also a range ``2026-01-05..2026-02-10``.
    Raises ``InvalidPeriod``."""
    today = today or timezone.localdate()
    key = (value or "").strip()
    if key in ("", YTD):
        return YTD, year_to_date(today)
    if not custom and not _KEY.match(key.upper()):
        raise InvalidPeriod(_("Chọn kỳ là một tháng, một quý hoặc một năm."))
    period = parse_period(key)
    if period.start > today:
        raise InvalidPeriod(_("Kỳ “%(period)s” chưa bắt đầu."), period=period.label)
    if period.start.year < today.year - 50:
        raise InvalidPeriod(_("Kỳ “%(period)s” không hợp lệ."), period=key)
    return key, period


def period_or_year_to_date(value: str | None, *, custom: bool = True) -> tuple[str, Period, str]:
    """``period_from_param`` for a page: (key, period, error) — an invalid period falls back to the year to
    date, and ``error`` says why (empty when the period was valid)."""
    try:
        key, period = period_from_param(value, custom=custom)
    except InvalidPeriod as exc:
        key, period = period_from_param(YTD)
        return key, period, str(exc)
    return key, period, ""


def trend_months(period: Period, today: dt.date) -> list[Period]:
    """The months of the period (clipped to it and to today); a single month shows the twelve up to it."""
    end = min(period.end, today)
    first = period.start.replace(day=1)
    if (end.year, end.month) == (first.year, first.month):
        index = end.year * 12 + end.month - 1 - 11
        first = dt.date(index // 12, index % 12 + 1, 1)
        clip = False
    else:
        clip = True
    months: list[Period] = []
    cursor = first
    while cursor <= end:
        nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        start = max(cursor, period.start) if clip else cursor
        stop = min(nxt - dt.timedelta(days=1), end)
        months.append(Period(start, stop, f"{cursor.month:02d}/{cursor.year}"))
        cursor = nxt
    return months


# -- scope -----------------------------------------------------------------------------------------------


def province_unit() -> OrgUnit | None:
    """The root of the org tree (the province this instance serves)."""
    code = getattr(settings, "MOTCUA_PROVINCE_CODE", "H56")
    return (
        OrgUnit.objects.filter(parent__isnull=True, code=code).first()
        or OrgUnit.objects.filter(parent__isnull=True).order_by("code").first()
    )


def dashboard_sees_all(user: User) -> bool:
    return staff_scope(user).sees_all


def dashboard_allows(user: User, unit: OrgUnit) -> bool:
    """May ``user`` see the dashboard of ``unit`` (and its subtree)? The dossier access scope."""
    scope = staff_scope(user)
    return scope.sees_all or unit.pk in scope.visible_units


def dashboard_visible_ids(user: User) -> frozenset[int]:
    """The units whose dashboard and lists ``user`` may open (empty when they see everything: check
    ``dashboard_sees_all`` first)."""
    scope = staff_scope(user)
    return frozenset() if scope.sees_all else scope.visible_units


def dashboard_units(user: User) -> list[OrgUnit]:
    """The units whose dashboard ``user`` may open, top of each visible subtree first, then by code."""
    scope = staff_scope(user)
    units = OrgUnit.objects.only("pk", "code", "name", "short_name", "kind", "parent_id", "valid_to")
    if not scope.sees_all:
        units = units.filter(pk__in=scope.visible_units)
    return sorted(units, key=lambda u: (u.code.count("."), u.code))


def dashboard_home_unit(user: User) -> OrgUnit | None:
    """The unit a user's dashboard opens on: the province for province-level roles, otherwise the top unit
    of their scope (None when they have none)."""
    if dashboard_sees_all(user):
        return province_unit()
    units = dashboard_units(user)
    return units[0] if units else None


def unit_chain(unit: OrgUnit) -> list[OrgUnit]:
    """``unit``'s ancestors from the root down (not ``unit`` itself), for the breadcrumbs."""
    chain: list[OrgUnit] = []
    seen = {unit.pk}
    parent_id = unit.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = (
            OrgUnit.objects.only("pk", "code", "name", "short_name", "parent_id").filter(pk=parent_id).first()
        )
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.parent_id
    return list(reversed(chain))


# -- rankings --------------------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int
    pk: int
    code: str
    name: str
    short_name: str
    kind: str
    old: bool  # a unit that had ended before the period's end (a historic district, a merged agency)
    successor: str  # the name of the unit that carries it on, if any
    total: Decimal
    max_total: Decimal
    on_time: Decimal | None
    online: Decimal | None
    received: int
    received_total: int
    resolved: int
    in_progress: int
    overdue: int
    groups: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (code, points, max)

    @property
    def on_time_percent(self) -> Decimal | None:
        return percent(self.on_time)

    @property
    def online_percent(self) -> Decimal | None:
        return percent(self.online)

    @property
    def total_bar(self) -> int:
        return int(self.total * 100 / self.max_total) if self.max_total else 0


def _row(card: Scorecard, unit: OrgUnit, period: Period, names: Mapping[int, str]) -> RankRow:
    f = card.figures
    ind = {i.code: i for i in card.indicators}
    old = unit.valid_to is not None and unit.valid_to < period.end
    return RankRow(
        rank=0,
        pk=unit.pk,
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        old=old,
        successor=names.get(unit.successor_id, "") if old and unit.successor_id else "",
        total=card.total,
        max_total=card.max_total,
        on_time=ind["2.1"].ratio,
        online=ind["3.3"].ratio,
        received=f["received"],
        received_total=f["received_total"],
        resolved=f["resolved"],
        in_progress=f["in_progress"],
        overdue=f["in_progress_overdue"],
        groups=[(g["code"], g["points"], g["max_points"]) for g in card.groups()],
    )


def ranked(rows: list[RankRow]) -> list[RankRow]:
    """Sorted by the 766 total, then the on-time rate, then the volume; equal totals share a rank."""
    rows.sort(key=lambda r: (-r.total, -(r.on_time or D(-1)), -r.received_total, r.code))
    previous: Decimal | None = None
    for i, row in enumerate(rows, start=1):
        row.rank = i if row.total != previous else rows[i - 2].rank
        previous = row.total
    return rows


def _has_dossiers(figures: Figures) -> bool:
    return bool(figures["received_total"] or figures["resolved"])


def _active(unit: OrgUnit, period: Period, figures: Figures) -> bool:
    """Listed for the period: valid during some of it, or with dossiers in it (a historic unit's last ones)."""
    valid = (unit.valid_from is None or unit.valid_from <= period.end) and (
        unit.valid_to is None or unit.valid_to >= period.start
    )
    return valid or _has_dossiers(figures)


@dataclass
class Reads:
    """The fact reads of one period, shared by every scorecard of a page."""

    period: Period
    tree: Tree
    per_unit: Per
    per_procedure: Per
    catalogue: Catalogue = field(default_factory=Catalogue)

    @classmethod
    def of(cls, period: Period, *, tree: Tree | None = None, unit_ids: Iterable[int] | None = None) -> Reads:
        ids = list(unit_ids) if unit_ids is not None else None
        return cls(
            period,
            tree or Tree(),
            period_figures(period, unit_ids=ids),
            period_figures(period, by_procedure=True, unit_ids=ids),
        )

    def scorecard(self, unit: OrgUnit) -> Scorecard:
        return kpi766(
            unit,
            self.period,
            tree=self.tree,
            per_unit=self.per_unit,
            per_procedure=self.per_procedure,
            catalogue=self.catalogue,
        )


def ranking(reads: Reads, units: Sequence[OrgUnit], *, with_dossiers_only: bool = False) -> list[RankRow]:
    """The units' scorecards, ranked; units not valid in the period are listed only when they have
    dossiers in it, and with ``with_dossiers_only`` every unit without dossiers is left out."""
    period = reads.period
    successor_ids = {u.successor_id for u in units if u.successor_id}
    names = dict(OrgUnit.objects.filter(pk__in=successor_ids).values_list("pk", "name"))
    rows = []
    with calendar_snapshot_memo():
        for unit in units:
            figures = rollup(reads.per_unit, reads.tree, unit.pk)
            if not _active(unit, period, figures) or (with_dossiers_only and not _has_dossiers(figures)):
                continue
            rows.append(_row(reads.scorecard(unit), unit, period, names))
    return ranked(rows)


def ranking_units(kind: str, *, parent: OrgUnit | None = None) -> list[OrgUnit]:
    """The units ranked together: agencies, or communes with the historic districts; or a unit's children."""
    if kind == "children":
        if parent is None:
            return []
        return list(OrgUnit.objects.filter(parent=parent).order_by("code"))
    return list(OrgUnit.objects.filter(kind__in=RANKED_KINDS[kind]).order_by("code"))


# -- by sector -------------------------------------------------------------------------------------------


@dataclass
class SectorRow:
    sector_id: int
    code: str
    name: str
    figures: Figures

    @property
    def on_time(self) -> Decimal | None:
        f = self.figures
        return percent(
            ratio_of(
                f["resolved_early"] + f["resolved_on_time"] + f["in_progress_within"], f["received_total"]
            )
        )

    @property
    def online(self) -> Decimal | None:
        return percent(ratio_of(self.figures["received_online"], self.figures["received"]))


def sector_table(per_procedure: Per, members: set[int]) -> list[SectorRow]:
    """The period's figures per sector of the procedures, for the units ``members``; busiest first."""
    per_proc: dict[int, Figures] = {}
    for key, figures in per_procedure.items():
        if key[0] in members:
            add(per_proc.setdefault(key[1], empty_figures()), figures)
    sectors: dict[int, SectorRow] = {}
    rows = Procedure.objects.filter(pk__in=per_proc).values_list(
        "pk", "sector_id", "sector__code", "sector__name"
    )
    for pk, sector_id, code, name in rows:
        row = sectors.setdefault(sector_id, SectorRow(sector_id, code, name, empty_figures()))
        add(row.figures, per_proc[pk])
    listed = [r for r in sectors.values() if r.figures["received_total"] or r.figures["resolved"]]
    return sorted(listed, key=lambda r: (-r.figures["received_total"], r.name))


# -- trends ----------------------------------------------------------------------------------------------


@dataclass
class Trend:
    labels: list[str]
    received: list[int]
    resolved: list[int]
    on_time: list[float | None]  # percent
    online: list[float | None]

    @property
    def empty(self) -> bool:
        return not (any(self.received) or any(self.resolved))

    def as_chart(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "received": self.received,
            "resolved": self.resolved,
            "on_time": self.on_time,
            "online": self.online,
            "names": {
                "received": _("Tiếp nhận"),
                "resolved": _("Đã giải quyết"),
                "on_time": _("Tỷ lệ đúng hạn (%)"),
                "online": _("Tỷ lệ trực tuyến (%)"),
                "count": _("Số hồ sơ"),
                "percent": _("Tỷ lệ (%)"),
            },
        }

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"label": label, "received": r, "resolved": s, "on_time": t, "online": o}
            for label, r, s, t, o in zip(
                self.labels, self.received, self.resolved, self.on_time, self.online, strict=True
            )
        ]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend(unit: OrgUnit, period: Period, tree: Tree, *, today: dt.date | None = None) -> Trend:
    members = tree.subtree(unit.pk)
    out = Trend([], [], [], [], [])
    for month in trend_months(period, today or timezone.localdate()):
        f = rollup(period_figures(month, unit_ids=members), tree, unit.pk)
        out.labels.append(month.label)
        out.received.append(f["received"])
        out.resolved.append(f["resolved"])
        on_time = f["resolved_early"] + f["resolved_on_time"] + f["in_progress_within"]
        out.on_time.append(_float(percent(ratio_of(on_time, f["received_total"]))))
        out.online.append(_float(percent(ratio_of(f["received_online"], f["received"]))))
    return out


# -- the dashboard ---------------------------------------------------------------------------------------


@dataclass
class Group:
    code: str
    name: str
    points: Decimal
    max_points: Decimal

    @property
    def bar(self) -> int:
        return int(self.points * 100 / self.max_points) if self.max_points else 0


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    scorecard: Scorecard
    figures: Figures
    headlines: list[Headline]
    counts: list[Count]
    groups: list[Group]
    trend: Trend
    sectors: list[SectorRow]
    rankings: dict[str, list[RankRow]]  # "agency" and "commune" for the province, "children" otherwise
    is_province: bool

    @property
    def total_bar(self) -> int:
        card = self.scorecard
        return int(card.total * 100 / card.max_total) if card.max_total else 0

    @property
    def empty(self) -> bool:
        f = self.figures
        return not (f["received_total"] or f["resolved"])


def dashboard_data(unit: OrgUnit, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard of ``unit`` (its whole subtree) shows for ``period``."""
    tree = Tree()
    members = tree.subtree(unit.pk)
    is_province = unit.parent_id is None
    reads = Reads.of(period, tree=tree, unit_ids=None if is_province else members)
    with calendar_snapshot_memo():
        card = reads.scorecard(unit)
    if is_province:
        rankings = {kind: ranking(reads, ranking_units(kind)) for kind in ("agency", "commune")}
    else:
        children = ranking_units("children", parent=unit)
        rankings = {"children": ranking(reads, children, with_dossiers_only=True)}
    return Dashboard(
        unit=unit,
        period=period,
        scorecard=card,
        figures=card.figures,
        headlines=headlines(card),
        counts=counts(card.figures),
        groups=[Group(g["code"], g["name"], g["points"], g["max_points"]) for g in card.groups()],
        trend=trend(unit, period, reads.tree, today=today),
        sectors=sector_table(reads.per_procedure, members),
        rankings={k: v for k, v in rankings.items() if v or k != "children"},
        is_province=is_province,
    )


# -- the public page -------------------------------------------------------------------------------------


@dataclass
class PublicRow:
    """A ranking row without anything but aggregates (for the portal)."""

    rank: int
    code: str
    name: str
    old: bool
    successor: str
    total: Decimal
    max_total: Decimal
    on_time: Decimal | None
    online: Decimal | None
    received: int
    resolved: int

    @property
    def total_bar(self) -> int:
        return int(self.total * 100 / self.max_total) if self.max_total else 0


@dataclass
class PublicQuality:
    period: Period
    unit_name: str
    total: Decimal
    max_total: Decimal
    on_time: Decimal | None
    online: Decimal | None
    received: int
    resolved: int
    in_progress: int
    groups: list[Group]
    rankings: dict[str, list[PublicRow]]
    computed_at: dt.datetime

    @property
    def total_bar(self) -> int:
        return int(self.total * 100 / self.max_total) if self.max_total else 0

    @property
    def empty(self) -> bool:
        return not (self.received or self.resolved or self.in_progress)


def _public(row: RankRow) -> PublicRow:
    return PublicRow(
        rank=row.rank,
        code=row.code,
        name=row.name,
        old=row.old,
        successor=row.successor,
        total=row.total,
        max_total=row.max_total,
        on_time=row.on_time_percent,
        online=row.online_percent,
        received=row.received,
        resolved=row.resolved,
    )


def public_quality(period: Period) -> PublicQuality | None:
    """The province's 766 total, on-time and online rates and the rankings of agencies and communes — only
    aggregates, nothing about a person. None when there is no org tree yet."""
    province = province_unit()
    if province is None:
        return None
    reads = Reads.of(period)
    with calendar_snapshot_memo():
        card = reads.scorecard(province)
    ind = {i.code: i for i in card.indicators}
    f = card.figures
    return PublicQuality(
        period=period,
        unit_name=province.name,
        total=card.total,
        max_total=card.max_total,
        on_time=percent(ind["2.1"].ratio),
        online=percent(ind["3.3"].ratio),
        received=f["received"],
        resolved=f["resolved"],
        in_progress=f["in_progress"],
        groups=[Group(g["code"], g["name"], g["points"], g["max_points"]) for g in card.groups()],
        rankings={
            kind: [_public(r) for r in ranking(reads, ranking_units(kind))] for kind in ("agency", "commune")
        },
        computed_at=timezone.now(),
    )


# -- exports ---------------------------------------------------------------------------------------------


def ranking_table(rows: Sequence[RankRow]) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a header row and value rows (for CSV and Excel)."""
    spec = PROFILES[profile_name()]["groups"]
    group_codes = [code for code, _p, _m in rows[0].groups] if rows else list(spec)
    header = [
        _("Hạng"),
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        _("Ghi chú"),
        _("Tổng điểm 766"),
        _("Điểm tối đa"),
        *[str(spec[code][0]) if code in spec else code for code in group_codes],
        _("Tỷ lệ đúng hạn (%)"),
        _("Tỷ lệ trực tuyến (%)"),
        _("Tiếp nhận trong kỳ"),
        _("Tổng số phải giải quyết"),
        _("Đã giải quyết"),
        _("Đang giải quyết"),
        _("Đang giải quyết quá hạn"),
    ]
    body = []
    for r in rows:
        note = ""
        if r.old:
            note = _("Đơn vị cũ") + (f" — {_('kế thừa')}: {r.successor}" if r.successor else "")
        points = {code: p for code, p, _m in r.groups}
        body.append(
            [
                r.rank,
                r.code,
                r.name,
                note,
                r.total,
                r.max_total,
                *[points.get(code, D(0)) for code in group_codes],
                r.on_time_percent,
                r.online_percent,
                r.received,
                r.received_total,
                r.resolved,
                r.in_progress,
                r.overdue,
            ]
        )
    return header, body
