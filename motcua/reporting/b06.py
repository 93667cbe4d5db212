"""Biểu 06/VPCP/KSTT and its variants 06a and 07a (regulations §7): the rows of the 13-column report.

Three layouts of the same 11 figures (columns 3–13), all read from the fact table through
``period_figures`` and summed as ``rollup`` does (docs/architecture/reports.md):

* ``b06``  — the chosen unit with one row per *direct child* unit, each rolled up over its subtree (and a
  first row for what the unit resolves itself, when it does). Every child valid in the period is listed,
  with zeros if it received nothing.
* ``b06a`` — one row per unit of the subtree that *itself* resolved dossiers (not rolled up), grouped by
  level (cấp tỉnh / cấp huyện before 01/7/2025 / cấp xã) with a subtotal per level.
* ``b07a`` — one row per sector (lĩnh vực of the catalogue procedure), grouped by the same levels.

Historic units: a unit that ended before the period starts (a district after 30/6/2025, a department merged
on 1/3/2025) has no row of its own; what it still carries (dossiers in progress, results given after its
end) is counted with its successor, followed along ``OrgUnit.successor``. So a report after mid-2025 has no
district level, and one for a period before 1/7/2025 shows the districts as they were.

The identity of the form holds row by row by construction of the facts: received in the period + carried
over = resolved + in progress (column 3 = column 7 + column 11). No I/O besides the reads of the fact
table, the org tree and the sectors; the writers live in ``exports.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.catalogue.models import Procedure
from motcua.dossiers.access import staff_scope
from motcua.org.models import OrgUnit, OrgUnitKind

from .figures import Figures, add, empty_figures, period_figures
from .periods import Period

FORMS: tuple[str, ...] = ("b06", "b06a", "b07a")
#: ``--by`` of the command and ``theo`` of the page: the variant a grouping stands for.
BY: dict[str, str] = {"unit": "b06a", "sector": "b07a"}

FORM_LABELS: dict[str, Any] = {
    "b06": gettext_lazy("Biểu số 06/VPCP/KSTT"),
    "b06a": gettext_lazy("Biểu số 06a/VPCP/KSTT"),
    "b07a": gettext_lazy("Biểu số 07a/VPCP/KSTT"),
}
FORM_NAMES: dict[str, Any] = {
    "b06": gettext_lazy("Tổng hợp theo đơn vị trực thuộc"),
    "b06a": gettext_lazy("Chi tiết theo đơn vị trực tiếp giải quyết"),
    "b07a": gettext_lazy("Theo lĩnh vực và cấp giải quyết"),
}
LEGAL_BASIS = gettext_lazy(
    "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 của Văn phòng Chính phủ"
)
UNIT_OF_MEASURE = gettext_lazy("Đơn vị tính: số hồ sơ")
TOP_RECEIVER = gettext_lazy("Văn phòng Chính phủ")


@dataclass(frozen=True)
class Column:
    key: str  # a figure of ``figures.period_figures``
    number: int  # (3)…(13) on the form
    group: str  # "received" | "resolved" | "in_progress"
    label: Any


GROUPS: dict[str, Any] = {
    "received": gettext_lazy("Số hồ sơ nhận giải quyết"),
    "resolved": gettext_lazy("Số hồ sơ đã giải quyết"),
    "in_progress": gettext_lazy("Số hồ sơ đang giải quyết"),
}
COLUMNS: tuple[Column, ...] = (
    Column("received_total", 3, "received", gettext_lazy("Tổng số")),
    Column("received_online", 4, "received", gettext_lazy("Trong kỳ: trực tuyến")),
    Column("received_counter_postal", 5, "received", gettext_lazy("Trong kỳ: trực tiếp, dịch vụ bưu chính")),
    Column("carried_over", 6, "received", gettext_lazy("Từ kỳ trước chuyển qua")),
    Column("resolved", 7, "resolved", gettext_lazy("Tổng số")),
    Column("resolved_early", 8, "resolved", gettext_lazy("Trước hạn")),
    Column("resolved_on_time", 9, "resolved", gettext_lazy("Đúng hạn")),
    Column("resolved_late", 10, "resolved", gettext_lazy("Quá hạn")),
    Column("in_progress", 11, "in_progress", gettext_lazy("Tổng số")),
    Column("in_progress_within", 12, "in_progress", gettext_lazy("Trong hạn")),
    Column("in_progress_overdue", 13, "in_progress", gettext_lazy("Quá hạn")),
)
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

#: Levels of government, in the order of the form. The district level exists only before 01/7/2025.
LEVELS: dict[str, Any] = {
    "province": gettext_lazy("Cấp tỉnh"),
    "district": gettext_lazy("Cấp huyện (đến 30/6/2025)"),
    "commune": gettext_lazy("Cấp xã"),
}
ROMAN = ("I", "II", "III", "IV", "V")


class UnknownForm(ValueError):
    pass


def values_of(figures: Mapping[str, int]) -> dict[str, int]:
    """The 11 numbers of a row (columns 3–13) from a figures dict."""
    return {key: int(figures.get(key, 0)) for key in KEYS}


@dataclass
class Row:
    kind: str  # "item" | "group" (a level's subtotal) | "total"
    stt: str
    label: str
    values: dict[str, int]
    code: str = ""

    @property
    def cells(self) -> list[int]:
        """The values in the order of the columns (3)…(13)."""
        return [self.values[key] for key in KEYS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "stt": self.stt,
            "label": self.label,
            "code": self.code,
            "values": self.values,
        }


@dataclass
class B06Report:
    form: str
    period: Period
    cutoff: bool
    unit_code: str
    unit_name: str
    receiving_unit: str
    rows: list[Row]
    total: Row
    generated_on: dt.date = field(default_factory=timezone.localdate)

    @property
    def form_label(self) -> str:
        return str(FORM_LABELS[self.form])

    @property
    def form_name(self) -> str:
        return str(FORM_NAMES[self.form])

    @property
    def title(self) -> str:
        """The title the three forms share (regulations §7); ``form_name`` tells the variant."""
        return _("Tình hình, kết quả giải quyết thủ tục hành chính tại cơ quan, đơn vị trực tiếp giải quyết")

    @property
    def name_header(self) -> str:
        return _("Lĩnh vực, cấp giải quyết") if self.form == "b07a" else _("Đơn vị")

    @property
    def period_line(self) -> str:
        line = _("Kỳ báo cáo: %(label)s (từ ngày %(start)s đến ngày %(end)s)") % {
            "label": self.period.label,
            "start": f"{self.period.start:%d/%m/%Y}",
            "end": f"{self.period.end:%d/%m/%Y}",
        }
        if self.cutoff:
            line += " — " + _("kỳ chốt số liệu theo Nghị định 09/2019/NĐ-CP")
        return line

    @property
    def items(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "item"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "form_label": self.form_label,
            "form_name": self.form_name,
            "title": self.title,
            "legal_basis": str(LEGAL_BASIS),
            "unit": {"code": self.unit_code, "name": self.unit_name},
            "reporting_unit": self.unit_name,
            "receiving_unit": self.receiving_unit,
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "cutoff": self.cutoff,
            },
            "generated_on": self.generated_on.isoformat(),
            "columns": [
                {"number": 1, "key": "stt", "group": "", "label": "STT"},
                {"number": 2, "key": "label", "group": "", "label": self.name_header},
                *(
                    {"number": c.number, "key": c.key, "group": str(GROUPS[c.group]), "label": str(c.label)}
                    for c in COLUMNS
                ),
            ],
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
        }


# -- the org tree with validity and successors ---------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_id: int | None


def code_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """``H56.2`` < ``H56.10`` < ``H56.101``: numeric groups compared as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


class OrgIndex:
    """The org tree as read once for a report: parents, children, validity and successors."""

    def __init__(self, units: Iterable[Unit] | None = None) -> None:
        if units is None:
            units = (
                Unit(**row)
                for row in OrgUnit.objects.values(
                    "pk", "code", "name", "kind", "parent_id", "valid_from", "valid_to", "successor_id"
                )
            )
        self.units: dict[int, Unit] = {u.pk: u for u in units}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for unit in self.units.values():
            self.children[unit.parent_id].append(unit.pk)

    def by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units.values() if u.code == code), None)

    def roots(self) -> list[Unit]:
        return sorted((self.units[pk] for pk in self.children.get(None, [])), key=lambda u: code_key(u.code))

    def valid_in(self, pk: int, period: Period) -> bool:
        u = self.units[pk]
        return (u.valid_from is None or u.valid_from <= period.end) and (
            u.valid_to is None or u.valid_to >= period.start
        )

    def current(self, pk: int, period: Period) -> int:
        """``pk``, or the successor that carries it on when it ended before the period started."""
        start, seen = pk, {pk}
        while True:
            u = self.units[pk]
            if u.valid_to is None or u.valid_to >= period.start or u.successor_id is None:
                return pk
            pk = u.successor_id
            if pk in seen or pk not in self.units:
                return start  # a broken chain: keep the unit's own row
            seen.add(pk)

    def ancestors(self, pk: int) -> list[int]:
        """``pk`` and its ancestors up to the root (a loop in the parent links ends the walk)."""
        chain: list[int] = []
        node: int | None = pk
        while node is not None and node not in chain and node in self.units:
            chain.append(node)
            node = self.units[node].parent_id
        return chain

    def level(self, pk: int) -> str:
        kinds = {self.units[p].kind for p in self.ancestors(pk)}
        if OrgUnitKind.COMMUNE in kinds:
            return "commune"
        if OrgUnitKind.DISTRICT in kinds:
            return "district"
        return "province"

    def child_under(self, pk: int, root: int) -> int | None:
        """The direct child of ``root`` whose subtree holds ``pk``; ``root`` itself; or None (outside)."""
        chain = self.ancestors(pk)
        if root not in chain:
            return None
        i = chain.index(root)
        return chain[i - 1] if i > 0 else root

    def sort_key(self, pk: int) -> tuple[int, tuple[tuple[int, int | str], ...]]:
        return (list(LEVELS).index(self.level(pk)), code_key(self.units[pk].code))


def current_quarter(today: dt.date | None = None) -> str:
    """The period a report opens on: the current quarter (``2026-Q1``)."""
    today = today or timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


# -- who reads which unit's report ---------------------------------------------------------------------


def b06_units_for(user: User, index: OrgIndex) -> list[Unit]:
    """The units whose report ``user`` may read, highest first: every unit for the province administrator,
    the auditor (and superusers); for other staff the units of their memberships and everything below them
    (the figures are totals, never dossiers)."""
    scope = staff_scope(user)
    if scope.sees_all or user.is_superuser:
        ids = set(index.units)
    else:
        ids = set()
        for unit_id in scope.roles_by_unit:
            ids |= _subtree(index, unit_id)
    return sorted(
        (index.units[pk] for pk in ids), key=lambda u: (len(index.ancestors(u.pk)), *index.sort_key(u.pk))
    )


def _subtree(index: OrgIndex, unit_id: int) -> set[int]:
    found, stack = set(), [unit_id]
    while stack:
        pk = stack.pop()
        if pk in found or pk not in index.units:
            continue
        found.add(pk)
        stack.extend(index.children.get(pk, ()))
    return found


# -- the report ----------------------------------------------------------------------------------------


def form_for(form: str, by: str | None = None) -> str:
    """The variant asked for: ``b06``/``b06a``/``b07a``, or ``b06`` with ``by`` = unit → 06a, sector → 07a."""
    name = (form or "").lower().replace("-", "").replace("_", "")
    name = {"06": "b06", "06a": "b06a", "07a": "b07a"}.get(name, name)
    if by:
        if by not in BY:
            raise UnknownForm(by)
        name = BY[by]
    if name not in FORMS:
        raise UnknownForm(form)
    return name


def _receiver(index: OrgIndex, root: Unit) -> str:
    if root.parent_id is not None and root.parent_id in index.units:
        return index.units[root.parent_id].name
    return str(TOP_RECEIVER)


def _fold(
    per_key: Mapping[tuple[int, ...], Figures], index: OrgIndex, root: Unit, period: Period
) -> list[tuple[int, tuple[int, ...], Figures]]:
    """(current unit, key, figures) of the keys whose current unit lies in ``root``'s subtree."""
    # A report on a unit that no longer existed in the period reads its own history, unfolded.
    fold = index.valid_in(root.pk, period)
    out = []
    for key, figures in per_key.items():
        if key[0] not in index.units:
            continue
        unit_id = index.current(key[0], period) if fold else key[0]
        if index.child_under(unit_id, root.pk) is not None:
            out.append((unit_id, key, figures))
    return out


def _total(rows: Iterable[Row], label: str) -> Row:
    total = empty_figures()
    for row in rows:
        add(total, row.values)
    return Row("total", "", label, values_of(total))


def _grouped(
    buckets: Mapping[tuple[str, Any], Figures],
    labels: Mapping[tuple[str, Any], tuple[str, str]],
    order: Mapping[tuple[str, Any], Any],
) -> list[Row]:
    """Rows grouped by level (the first part of each bucket key), a subtotal row heading each level."""
    rows: list[Row] = []
    levels = [lv for lv in LEVELS if any(k[0] == lv for k in buckets)]
    for n, level in enumerate(levels):
        keys = sorted((k for k in buckets if k[0] == level), key=lambda k: order[k])
        items = [
            Row("item", str(i), labels[k][0], values_of(buckets[k]), labels[k][1])
            for i, k in enumerate(keys, 1)
        ]
        subtotal = _total(items, str(LEVELS[level]))
        rows.append(Row("group", ROMAN[n], subtotal.label, subtotal.values, level))
        rows.extend(items)
    return rows


def b06_report(
    form: str,
    period: Period,
    *,
    unit: OrgUnit | Unit | str | None = None,
    cutoff: bool = False,
    index: OrgIndex | None = None,
    per_unit: Mapping[tuple[int, ...], Figures] | None = None,
    per_procedure: Mapping[tuple[int, ...], Figures] | None = None,
) -> B06Report:
    """Biểu ``form`` (``b06``, ``b06a``, ``b07a``) of ``unit`` (default: the province) for ``period``.

    ``cutoff`` only labels the period (the caller parsed it with the same flag). ``per_unit`` and
    ``per_procedure`` (from ``period_figures``) may be passed to build several reports from one read.
    Raises ``UnknownForm`` for another form and ``LookupError`` for an unknown unit code.
    """
    form = form_for(form)
    index = index or OrgIndex()
    root = _root(index, unit)
    if form == "b07a":
        figures = per_procedure if per_procedure is not None else period_figures(period, by_procedure=True)
        rows = _rows_by_sector(_fold(figures, index, root, period), index)
    elif form == "b06a":
        figures = per_unit if per_unit is not None else period_figures(period)
        rows = _rows_by_own_unit(_fold(figures, index, root, period), index)
    else:
        figures = per_unit if per_unit is not None else period_figures(period)
        rows = _rows_by_child(_fold(figures, index, root, period), index, root, period)
    total = _total((r for r in rows if r.kind == "item"), _("Tổng cộng"))
    return B06Report(form, period, cutoff, root.code, root.name, _receiver(index, root), rows, total)


def _root(index: OrgIndex, unit: OrgUnit | Unit | str | None) -> Unit:
    if unit is None:
        roots = index.roots()
        if not roots:
            raise LookupError(_("Chưa có đơn vị nào trong cây tổ chức."))
        return roots[0]
    if isinstance(unit, str):
        found = index.by_code(unit)
        if found is None:
            raise LookupError(_("Không có đơn vị mã %(code)s.") % {"code": unit})
        return found
    return index.units[unit.pk]


def _rows_by_child(
    folded: list[tuple[int, tuple[int, ...], Figures]], index: OrgIndex, root: Unit, period: Period
) -> list[Row]:
    buckets: dict[int, Figures] = defaultdict(empty_figures)
    for unit_id, _key, figures in folded:
        row_id = index.child_under(unit_id, root.pk)
        assert row_id is not None  # noqa: S101 - _fold kept only the subtree
        add(buckets[row_id], figures)
    children = [pk for pk in index.children.get(root.pk, []) if index.valid_in(pk, period) or pk in buckets]
    rows: list[Row] = []
    if root.pk in buckets or not children:
        own = values_of(buckets.get(root.pk, {}))
        label = _("%(unit)s (trực tiếp giải quyết)") % {"unit": root.name} if children else root.name
        rows.append(Row("item", "", label, own, root.code))
    for pk in sorted(children, key=index.sort_key):
        u = index.units[pk]
        rows.append(Row("item", "", u.name, values_of(buckets.get(pk, {})), u.code))
    for i, row in enumerate(rows, 1):
        row.stt = str(i)
    return rows


def _rows_by_own_unit(folded: list[tuple[int, tuple[int, ...], Figures]], index: OrgIndex) -> list[Row]:
    buckets: dict[tuple[str, Any], Figures] = defaultdict(empty_figures)
    for unit_id, _key, figures in folded:
        add(buckets[(index.level(unit_id), unit_id)], figures)
    buckets = {k: v for k, v in buckets.items() if any(v.get(c) for c in KEYS)}
    labels = {k: (index.units[k[1]].name, index.units[k[1]].code) for k in buckets}
    order = {k: index.sort_key(k[1]) for k in buckets}
    return _grouped(buckets, labels, order)


def _rows_by_sector(folded: list[tuple[int, tuple[int, ...], Figures]], index: OrgIndex) -> list[Row]:
    procedure_ids = {key[1] for _u, key, _f in folded}
    sectors: dict[int, tuple[int, str, int, str]] = {
        pk: (sector_id, name, position, code)
        for pk, sector_id, name, position, code in Procedure.objects.filter(pk__in=procedure_ids).values_list(
            "pk", "sector_id", "sector__name", "sector__position", "sector__code"
        )
    }
    buckets: dict[tuple[str, Any], Figures] = defaultdict(empty_figures)
    labels: dict[tuple[str, Any], tuple[str, str]] = {}
    order: dict[tuple[str, Any], Any] = {}
    for unit_id, key, figures in folded:
        sector_id, name, position, code = sectors.get(key[1], (0, _("Chưa xác định lĩnh vực"), 9999, ""))
        bucket = (index.level(unit_id), sector_id)
        add(buckets[bucket], figures)
        labels[bucket] = (name, code)
        order[bucket] = (position, name)
    buckets = {k: v for k, v in buckets.items() if any(v.get(c) for c in KEYS)}
    return _grouped(buckets, labels, order)
