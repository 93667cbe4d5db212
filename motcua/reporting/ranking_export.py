"""The scorecard's ranking as a file (CSV or Excel): who may download which ranking, and the file itself.

The rows are the dashboard's (``dashboard.ranking`` over ``dashboard.ranking_units``, laid out by
``dashboard.ranking_table``); the back office's download and the API's answer the same bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.accounts.models import User
from motcua.org.models import OrgUnit

from .dashboard import (
    RANKING_TITLES,
    Reads,
    dashboard_allows,
    dashboard_sees_all,
    ranking,
    ranking_table,
    ranking_units,
)
from .periods import Period

#: The rankings: agencies, communes (with the historic districts), a unit's children.
RANKING_KINDS: tuple[str, ...] = ("agency", "commune", "children")
RANKING_FORMATS: tuple[str, ...] = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RankingFile:
    content: bytes
    content_type: str
    filename: str


def ranking_export_allowed(user: User, kind: str, parent: OrgUnit | None = None) -> bool:
    """The province-wide rankings (agencies, communes) for who sees every unit; a unit's children for who
    may open that unit's dashboard."""
    if kind == "children":
        return parent is not None and dashboard_allows(user, parent)
    return dashboard_sees_all(user)


def ranking_file(kind: str, period: Period, fmt: str, *, parent: OrgUnit | None = None) -> RankingFile:
    """The ranking ``kind`` (of ``RANKING_KINDS``; ``children`` of ``parent``) for ``period`` as ``fmt``
    (``csv`` or ``xlsx``)."""
    units = ranking_units(kind, parent=parent)
    rows = ranking(Reads.of(period), units, with_dossiers_only=kind == "children")
    header, body = ranking_table(rows)
    title = _("Xếp hạng theo Bộ chỉ số 766 — %(who)s — %(period)s") % {
        "who": parent.name if parent is not None else RANKING_TITLES[kind],
        "period": period.label,
    }
    stem = f"xep-hang-766-{parent.code if parent else kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        return RankingFile(_csv(title, header, body), CSV_CONTENT_TYPE, f"{stem}.csv")
    return RankingFile(_xlsx(title, header, body), XLSX_CONTENT_TYPE, f"{stem}.xlsx")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv(title: str, header: list[str], body: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title])
    writer.writerow(header)
    for row in body:
        writer.writerow(["" if v is None else v for v in row])
    # A byte-order mark so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(title: str, header: list[str], body: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("Xếp hạng")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Lập lúc %(at)s") % {"at": timezone.localtime().strftime("%H:%M %d/%m/%Y")}])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in body:
        sheet.append([_cell(v) for v in row])
    widths = [7, 12, 48, 30] + [12] * (len(header) - 4)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
